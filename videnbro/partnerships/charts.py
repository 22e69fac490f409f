"""The landscape figures drawn like CBS's Figure 1 and 2: bars with counts and percentages."""

from __future__ import annotations

import io
from typing import cast

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
BAR_COLOUR = "#0b5cad"


def bar_chart(counts: dict[str, int], *, title: str, fmt: str, total_label: str = "n") -> bytes:
    """Horizontal bar chart, largest first; each bar labelled 'count (percent %)'."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"Unsupported chart format {fmt!r}")
    items = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]))
    total = sum(counts.values())
    labels = [label for label, _ in items]
    values = [value for _, value in items]
    height = 1.2 + 0.42 * len(items)
    figure = Figure(figsize=(8.5, height), dpi=110)
    axes = figure.subplots()
    bars = axes.barh(labels, values, color=BAR_COLOUR)
    for bar, value in zip(bars, values, strict=True):
        share = f"{100 * value / total:.0f} %" if total else "0 %"
        axes.annotate(
            f"{value} ({share})",
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    axes.set_title(f"{title} ({total_label} = {total})", fontsize=11, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(0, max(values + [1]) * 1.25)
    # A linear axis' default locator is a MaxNLocator (AutoLocator), which takes `integer`.
    cast(MaxNLocator, axes.xaxis.get_major_locator()).set_params(integer=True)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    plt.close("all")
    return buffer.getvalue()
