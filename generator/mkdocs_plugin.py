"""The only MkDocs-aware code: generate before every build, watch data/ when serving, and give
mkdocs-autorefs the policies, versions and permission groups that hand-written pages refer to.

Enabled in mkdocs.yml as `plugins: [search, autorefs, policydocs]`, so plain `mkdocs build` and
`mkdocs serve` regenerate docs/ from data/ too. Other builders that read mkdocs.yml (zensical)
skip unknown plugins: run `policydocs generate` before them.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from . import api, markdown_ext, search, urls, xrefs
from .config import Settings, settings_from
from .errors import PolicyDocsError
from .markdown_ext import RawBlocks

log = logging.getLogger("mkdocs.plugins.policydocs")


class PolicyDocsConfig(Config):
    data_dir = config_options.Type(str, default="data")
    templates_dir = config_options.Optional(config_options.Type(str))


class PolicyDocsPlugin(BasePlugin[PolicyDocsConfig]):
    def __init__(self) -> None:
        self.settings: Settings | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        options = {"data_dir": self.config.data_dir, "templates_dir": self.config.templates_dir}
        plain: dict[str, Any] = {
            "docs_dir": config.docs_dir,
            "site_dir": config.site_dir,
            "site_url": config.site_url,
            "site_name": config.site_name,
            "strict": config.strict,
            "use_directory_urls": config.use_directory_urls,
        }
        self.settings = settings_from(Path(config.config_file_path), plain, options)
        # Long generated tables skip Markdown's tag-by-tag scan (see markdown_ext.py).
        config.markdown_extensions.append(RawBlocks())  # type: ignore[arg-type]  # MkDocs takes instances too
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        # `policydocs build` has just generated (and reported) before starting MkDocs.
        if os.environ.get("POLICYDOCS_GENERATED") == "1" or self.settings is None:
            return
        try:
            result = api.generate(self.settings)
        except PolicyDocsError as exc:
            raise PluginError(str(exc)) from None
        for finding in result.warnings:
            log.warning(str(finding))
        if result.written or result.removed:
            log.info(result.summary())

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Anchors inside the raw blocks MkDocs did not scan count for its link checks."""
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= markdown_ext.anchors(html)
        return html

    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        """Register cross-reference targets before autorefs resolves references (its on_env runs
        late): an identifier it cannot resolve is a warning, so `--strict` fails the build."""
        autorefs = config.plugins.get("autorefs")
        if autorefs is None:
            return env
        for identifier, (path, anchor) in sorted(xrefs.targets(Path(config.docs_dir)).items()):
            file = files.get_file_from_path(path)
            if file is not None:
                autorefs.register_url(identifier, file.url + (f"#{anchor}" if anchor else ""))
        return env

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Add the entries of the pages kept out of the theme's search (generator/search.py)."""
        extra = Path(config.docs_dir) / urls.SEARCH_ENTRIES
        index = Path(config.site_dir) / "search" / "search_index.json"
        if extra.is_file() and index.is_file():
            merged = search.merge(json.loads(index.read_bytes()), json.loads(extra.read_bytes()))
            index.write_text(json.dumps(merged, ensure_ascii=False, separators=(",", ":")))

    def on_serve(
        self, server: LiveReloadServer, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        if self.settings is not None:
            server.watch(str(self.settings.data_dir))
            if self.settings.templates_dir is not None:
                server.watch(str(self.settings.templates_dir))
        return server
