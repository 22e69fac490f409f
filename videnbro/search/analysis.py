"""Moved to `videnbro.core.analysis` (issue 13). This re-export goes once every caller imports
from core."""

from videnbro.core.analysis import *  # noqa: F403
from videnbro.core.analysis import query_words, terms, terms_text, word_terms, words  # noqa: F401
