"""Settings of a run, read from mkdocs.yml so that the site has one configuration file.

policydocs' own options live in mkdocs.yml under its plugin entry:

    plugins:
      - policydocs:
          data_dir: data          # where the YAML and JSON live
          templates_dir: null     # a folder of templates overriding the bundled ones

mkdocs.yml is read with a safe loader that ignores MkDocs' Python tags (`!!python/name:...`,
`!ENV`): only plain settings are needed here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import PolicyDocsError

CONFIG_FILE = "mkdocs.yml"
PLUGIN = "policydocs"


@dataclass(frozen=True)
class Settings:
    root: Path
    config_file: Path
    data_dir: Path
    docs_dir: Path
    site_dir: Path
    templates_dir: Path | None = None
    site_url: str | None = None
    site_name: str = "Policies"
    use_directory_urls: bool = True
    strict: bool = False

    def with_strict(self, strict: bool) -> Settings:
        return replace(self, strict=self.strict or strict)


class _TolerantLoader(yaml.SafeLoader):
    pass


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return None


_TolerantLoader.add_multi_constructor("!", _ignore_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def read_mkdocs_config(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except FileNotFoundError:
        raise PolicyDocsError(
            f"{path}: not found (run policydocs in the folder that holds "
            f"{CONFIG_FILE}, or pass --config)"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise PolicyDocsError(f"{where}: YAML syntax error: {exc.problem}") from None
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyDocsError(f"{path}: cannot read: {exc}") from None
    if not isinstance(raw, dict):
        raise PolicyDocsError(f"{path}: expected a mapping of MkDocs settings")
    return raw


def plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    """The options of the policydocs entry in `plugins:` (a list of names or one-key maps)."""
    plugins = config.get("plugins") or []
    entries = (
        plugins.items()
        if isinstance(plugins, dict)
        else (next(iter(p.items())) if isinstance(p, dict) else (p, {}) for p in plugins)
    )
    for name, options in entries:
        if name == PLUGIN:
            return dict(options or {})
    return {}


def load_settings(config_file: Path, strict: bool = False) -> Settings:
    config_file = config_file.resolve()
    config = read_mkdocs_config(config_file)
    return settings_from(config_file, config, plugin_options(config), strict=strict)


def settings_from(
    config_file: Path, config: dict[str, Any], options: dict[str, Any], strict: bool = False
) -> Settings:
    root = config_file.parent
    templates = options.get("templates_dir")
    return Settings(
        root=root,
        config_file=config_file,
        data_dir=root / str(options.get("data_dir") or "data"),
        docs_dir=root / str(config.get("docs_dir") or "docs"),
        site_dir=root / str(config.get("site_dir") or "site"),
        templates_dir=root / str(templates) if templates else None,
        site_url=config.get("site_url") or None,
        site_name=str(config.get("site_name") or "Policies"),
        use_directory_urls=config.get("use_directory_urls") is not False,
        strict=bool(strict or config.get("strict")),
    )
