"""Relative links computed without posixpath's normalising agree with posixpath."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from generator import urls

segment = st.sampled_from(["policies", "topics", "A", "B", "index.md", "v1.json", "services"])
path = st.lists(segment, max_size=4).map("/".join)


@given(path, path)
def test_relative_links_agree_with_posixpath(target: str, source: str) -> None:
    folder = posixpath.dirname(source)
    assert urls._relpath(target, folder) == posixpath.relpath("/" + target, "/" + folder)


@given(path, path)
def test_links_between_pages_resolve_to_their_target(target: str, source: str) -> None:
    link = urls.relative(source, target)
    assert posixpath.normpath(posixpath.join(posixpath.dirname(source), link)) == (
        posixpath.normpath(target) if target else "."
    )


def test_service_tables_are_anchored_by_prefix() -> None:
    assert urls.service_actions("s3") == "actions-s3"
    assert urls.service_actions("*") == "actions-all"  # entries that span services
