"""House conventions that a grep can keep (issue 13): downloads never build their
Content-Disposition header by hand (Django's `content_disposition_header` or
`FileResponse(as_attachment=True)` quote and encode the file name correctly, also for æ/ø/å)."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
HAND_BUILT = re.compile(r"""["']\s*(attachment|inline)\s*;\s*filename""", re.IGNORECASE)


def test_it_finds_no_hand_built_content_disposition_header():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HAND_BUILT.search(line):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}")
    assert offenders == [], "hand-built Content-Disposition:\n" + "\n".join(offenders)
