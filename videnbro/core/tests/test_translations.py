"""English is complete beside Danish: the catalogue has no empty or fuzzy entry, and the
compiled catalogue that Django loads says the same as the source catalogue."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


def _string(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def entries() -> list[dict]:
    """The entries of django.po: context, msgid, plural, the msgstr(s) and flags."""
    result = []
    for block in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set(), "msgstr": {}}
        current: list[str] | None = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
                continue
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d)\])?) (".*")$', line)
            if match:
                key, index, value = match.groups()
                current = [value]
                if key.startswith("msgstr"):
                    entry["msgstr"][int(index or 0)] = current
                else:
                    entry[key] = current
            elif line.startswith('"') and current is not None:
                current.append(line)
        if "msgid" in entry:
            entry = {
                **entry,
                "msgid": _string(entry["msgid"]),
                "msgctxt": _string(entry["msgctxt"]) if "msgctxt" in entry else None,
                "msgstr": {k: _string(v) for k, v in entry["msgstr"].items()},
            }
            if entry["msgid"]:  # not the header
                result.append(entry)
    return result


def test_it_every_entry_is_translated_and_none_is_fuzzy():
    catalogue = entries()
    assert len(catalogue) > 1000
    empty = [e["msgid"] for e in catalogue if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in catalogue if "fuzzy" in e["flags"]]
    assert not empty, f"untranslated: {empty[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_it_placeholders_are_kept():
    for entry in entries():
        wanted = sorted(re.findall(r"%\(\w+\)[sd]", entry["msgid"]))
        for text in entry["msgstr"].values():
            assert sorted(re.findall(r"%\(\w+\)[sd]", text)) == wanted or ("msgid_plural" in entry), entry[
                "msgid"
            ]


def test_it_the_compiled_catalogue_matches_the_source():
    """django.mo is compiled from the current django.po (`make run`/`make test` compile it)."""
    with (LOCALE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in entries():
        if "msgid_plural" in entry:
            continue  # plural forms are checked through the pages
        got = (
            compiled.pgettext(entry["msgctxt"], entry["msgid"])
            if entry["msgctxt"]
            else compiled.gettext(entry["msgid"])
        )
        assert got == entry["msgstr"][0], entry["msgid"]
