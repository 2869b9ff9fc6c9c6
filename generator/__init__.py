"""policydocs: documentation sites for AWS IAM managed policies, generated from data/.

The public API is the pipeline, one function per stage a caller may want to stop at:

    settings = load_settings(Path("mkdocs.yml"))
    checked = check(settings)        # load + validate; raises ValidationFailed
    result = generate(settings)      # ... + derive + render + write under docs/
    build_site(settings)             # MkDocs into site/, swapped in only on success
"""

from .api import build_site, check, generate
from .config import Settings, load_settings
from .errors import PolicyDocsError
from .findings import Finding, ValidationFailed

__all__ = [
    "Finding",
    "PolicyDocsError",
    "Settings",
    "ValidationFailed",
    "build_site",
    "check",
    "generate",
    "load_settings",
]
__version__ = "0.1.0"
