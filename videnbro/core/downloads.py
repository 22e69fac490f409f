"""Download responses: the Content-Disposition header, typed."""

from __future__ import annotations

from typing import cast

from django.utils.http import content_disposition_header


def attachment_header(filename: str) -> str:
    """`Content-Disposition: attachment` for `filename` (quoted, or RFC 5987-encoded when not
    ASCII). Django's helper is typed `str | None`; it only returns None for an inline download
    without a file name, never with `as_attachment=True`."""
    return cast(str, content_disposition_header(True, filename))
