"""Moved to `videnbro.core.text` (issue 13: shared vocabulary lives in core). This re-export
goes once every caller imports from core."""

from videnbro.core.text import *  # noqa: F403
from videnbro.core.text import (  # noqa: F401
    DISTINGUISHING_WORDS,
    compact,
    fold,
    normalise_name,
    slugify_key,
    strip_legal_suffix,
)
