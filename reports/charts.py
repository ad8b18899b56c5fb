"""Survival curves and monthly trends as SVG, drawn with matplotlib (no display needed); the same functions
serve the dashboards and the PDF reports (WeasyPrint renders SVG)."""

from __future__ import annotations

import base64
import io
import math

import matplotlib

matplotlib.use("Agg")  # no display: render to files only

from matplotlib.figure import Figure

from reports.disclosure import curve_end
from reports.recidivism import KaplanMeier

COLOURS = ["#1f4870", "#2a7f62", "#b02a37", "#f0ad4e", "#6f42c1", "#495057"]
# Each line of a trend also differs by its marker and dash, so a grey printout still tells them apart.
MARKERS = ["o", "s", "^", "D"]
DASHES = ["-", "--", "-.", ":"]


def survival_svg(
    curves: dict[str, KaplanMeier], *, title: str, x_label: str, y_label: str, horizon: int
) -> str:
    """Step curves of the share not returned, one per group, up to `horizon` days."""
    figure = Figure(figsize=(7.5, 3.6), dpi=100)
    axes = figure.add_subplot()
    for index, (label, km) in enumerate(sorted(curves.items())):
        # The curve stops where follow-up stops (nothing is known after) or where fewer than 5 remain at risk.
        end = curve_end(km, horizon)
        times = [0.0] + [step.time for step in km.steps if step.time <= end] + [end]
        values = [1.0] + [step.survival for step in km.steps if step.time <= end]
        values.append(values[-1])
        axes.step(
            times, values, where="post", color=COLOURS[index % len(COLOURS)], label=f"{label} (n={km.size})"
        )
    axes.set_ylim(0, 1.02)
    axes.set_xlim(0, horizon)
    axes.set_xlabel(x_label)
    axes.set_ylabel(y_label)
    axes.set_title(title, fontsize=11)
    axes.grid(alpha=0.3)
    axes.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    if curves:
        axes.legend(fontsize=8, loc="lower left")
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})  # no timestamp: the same data, the same SVG
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]  # inline in HTML: drop the XML prolog and doctype


def trend_svg(series: dict[str, list[float | None]], *, months: list[str], title: str, percent: bool) -> str:
    """One line per series over the months (oldest first); None is a month without a shown value, drawn as a
    gap, never as zero. `percent`: values are fractions, shown as percentages."""
    figure = Figure(figsize=(5.4, 2.5), dpi=100)
    axes = figure.add_subplot()
    positions = list(range(len(months)))
    top = 0.0
    for index, (label, values) in enumerate(series.items()):
        points = [math.nan if value is None else value for value in values]
        top = max([top, *(value for value in values if value is not None)])
        axes.plot(
            positions,
            points,
            color=COLOURS[index % len(COLOURS)],
            marker=MARKERS[index % len(MARKERS)],
            linestyle=DASHES[index % len(DASHES)],
            markersize=4,
            linewidth=1.5,
            label=label,
        )
    axes.set_xticks(positions, months, fontsize=7)
    axes.set_xlim(-0.5, len(months) - 0.5)
    axes.tick_params(axis="y", labelsize=7)
    if percent:
        axes.set_ylim(0, max(1.0, top * 1.1))
        axes.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    else:
        axes.set_ylim(0, max(5.0, top * 1.15))
        axes.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    axes.set_title(title, fontsize=9)
    axes.grid(alpha=0.3)
    if len(series) > 1:
        axes.legend(fontsize=7, loc="best")
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def svg_data_url(svg: str) -> str:
    """The SVG as a data: URL for an <img>: the page's Content Security Policy forbids the inline styles
    matplotlib writes into the SVG, but an image is its own document and keeps them."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
