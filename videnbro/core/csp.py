"""Per-view Content-Security-Policy exceptions (docs/decisions/0011-content-security-policy.md).

The site-wide policy (settings: CONTENT_SECURITY_POLICY) has no 'unsafe-inline'. The one
exception: SVG charts drawn by matplotlib carry a <style> element and style="" attributes.
Shown in a page through <img> they are images, outside the page's policy; opened on their own
(a new tab, a download shown inline) they are documents, and their own response's policy
applies – so chart responses allow inline styles and nothing else: no scripts at all.
"""

from __future__ import annotations

from csp.decorators import csp_replace

SVG_CHART_POLICY = {
    "default-src": ["'none'"],
    "script-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
}

svg_chart_policy = csp_replace(SVG_CHART_POLICY)
