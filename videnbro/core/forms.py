"""Helpers shared by the web views' forms."""

from django.contrib import messages


def form_errors_to_messages(request, form) -> None:
    """For small inline forms that redirect back: each field error becomes a message."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
