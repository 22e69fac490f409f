"""Per-view Content-Security-Policy exceptions (docs/decisions/0011-content-security-policy.md).

The site-wide policy (settings: CONTENT_SECURITY_POLICY) has no 'unsafe-inline'. The one
exception: SVG charts drawn by matplotlib carry a <style> element and style="" attributes.
Shown in a page through <img> they are images, outside the page's policy; opened on their own
(a new tab, a download shown inline) they are documents, and their own response's policy
applies – so chart responses allow inline styles and nothing else: no scripts at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from csp.decorators import csp_replace
from django.http import HttpResponseBase

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])

SVG_CHART_POLICY = {
    "default-src": ["'none'"],
    "script-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
}

_replace_policy = csp_replace(SVG_CHART_POLICY)


def svg_chart_policy(view: _View) -> _View:
    """The chart policy on a view. django-csp annotates its decorators for views that take
    only the request, although its wrapper passes every argument on; this keeps the view's
    own signature for the type checker."""
    return cast(_View, _replace_policy(cast(Any, view)))
