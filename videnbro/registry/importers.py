"""Importers for `videnbro import <what> FILE`: the registry imports organisations itself; a
higher app adds what it imports (the data map: `dcat`) by registering a handler here from its
AppConfig.ready(), so the registry's command never imports the higher app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.core.management.base import OutputWrapper
from django.core.management.color import Style


class ImportHandler(Protocol):
    """Runs one import from `source` (a file or, where the importer says so, an http(s) URL),
    writing its report to `stdout`/`stderr`; raises CommandError when nothing could be
    imported. With `dry_run` nothing is written."""

    def __call__(
        self,
        source: str,
        *,
        dry_run: bool,
        fmt: str | None,
        stdout: OutputWrapper,
        stderr: OutputWrapper,
        style: Style,
    ) -> None: ...


@dataclass(frozen=True)
class Importer:
    name: str
    handler: ImportHandler
    help: str = ""
    # The values `--format` may take for this importer (empty: the option does not apply)
    # and what the option means for it.
    formats: tuple[str, ...] = ()
    format_help: str = ""
    # The source may also be an http(s) URL.
    urls: bool = False


# The names the command handles itself.
BUILT_IN = ("organisations",)

_importers: dict[str, Importer] = {}


def register_importer(
    name: str,
    handler: ImportHandler,
    *,
    help: str = "",
    formats: tuple[str, ...] = (),
    format_help: str = "",
    urls: bool = False,
) -> None:
    """Make `videnbro import <name> FILE` run `handler`. Registering the same handler again
    (a second ready()) is harmless; another handler under a taken name is an error."""
    if name in BUILT_IN:
        raise ValueError(f"`videnbro import {name}` is built in.")
    existing = _importers.get(name)
    if existing is not None and existing.handler is not handler:
        raise ValueError(f"An importer named {name!r} is already registered.")
    _importers[name] = Importer(
        name=name, handler=handler, help=help, formats=formats, format_help=format_help, urls=urls
    )


def importers() -> dict[str, Importer]:
    """The registered importers by name, in the order they were registered."""
    return dict(_importers)
