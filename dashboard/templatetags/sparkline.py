"""A twelve-month trend as a small inline SVG, drawn on the server (the pages run no script). Months without
a shown count (withheld "<5" / "×", or no figures) break the line rather than pretend to be zero."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

WIDTH, HEIGHT, PAD = 120, 28, 3


@register.simple_tag
def sparkline(values, label: str = ""):
    numbers = [value for value in values if isinstance(value, int)]
    if not numbers:
        return ""
    top = max(numbers) or 1
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    runs, run = [], []
    for index, value in enumerate(values):
        if isinstance(value, int):
            y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / top
            run.append(f"{PAD + index * step:.1f},{y:.1f}")
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    lines = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="currentColor" stroke-width="1.5"/>',
        ((" ".join(points),) for points in runs if len(points) > 1),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="1.8" fill="currentColor"/>',
        (p.split(",") for p in (r[-1] for r in runs)),
    )
    return format_html(
        '<svg class="sparkline" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img"'
        ' aria-label="{label}">{lines}{dots}</svg>',
        w=WIDTH,
        h=HEIGHT,
        label=label,
        lines=lines,
        dots=dots,
    )
