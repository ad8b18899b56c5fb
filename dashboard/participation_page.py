"""The participation dashboard page, for regional officers (their region, a row per UPT) and national officers
(the nation, a row per region; ?region=<pk> shows that region's UPTs). The comparison table sorts on the
server (?sort=<column>&dir=asc|desc, links in the column heads) and the charts are SVG drawn here: the page
runs no script and prints as it shows."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import dateformat, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.replica import reads_from_replica
from dashboard.participation import CHARTS, COLUMNS, GROUPS, NAME, SORT_KEYS, participation, sort_rows
from institutions.models import Institution, Region
from reports.charts import svg_data_url, trend_svg

CHART_CACHE_SECONDS = 3600  # the same published figures draw the same chart: kept an hour, by content
DIRECTIONS = ("asc", "desc")


def _sort_heads(region: Region | None, asked: bool, key: str, descending: bool) -> list[dict]:
    """Each column head's link (keeping the region asked for): ascending first, the other way round when it
    is the current column."""
    kept = {"region": region.pk} if region and asked else {}
    labels = [(NAME, _("UPT") if region else _("Region"), ""), *((c.key, c.short, c.label) for c in COLUMNS)]
    heads = []
    for each, label, title in labels:
        active = each == key
        direction = "asc" if not active or descending else "desc"
        heads.append(
            {
                "key": each,
                "label": label,
                "title": title,
                "href": "?" + urlencode({**kept, "sort": each, "dir": direction}),
                "state": ("descending" if descending else "ascending") if active else "none",
                "numeric": each != NAME,
            }
        )
    return heads


def _charts(figures) -> list[dict]:
    months = [dateformat.format(month, "M y") for month in figures.months]
    labels = {column.key: str(column.label) for column in COLUMNS}
    charts = []
    for name, title, keys, percent in CHARTS:
        series = {labels[key]: figures.series(key) for key in keys}
        if all(value is None for values in series.values() for value in values):
            charts.append({"name": name, "title": title, "url": None, "lines": list(series)})
            continue  # nothing to draw: the page says so rather than show empty axes
        key = (
            "dashboard:participation-chart:"
            + hashlib.sha256(
                repr((sorted(series.items()), months, str(title), percent, get_language())).encode()
            ).hexdigest()
        )
        url = cache.get(key)
        if url is None:
            url = svg_data_url(trend_svg(series, months=months, title=str(title), percent=percent))
            cache.set(key, url, timeout=CHART_CACHE_SECONDS)
        charts.append({"name": name, "title": title, "url": url, "lines": list(series)})
    return charts


def participation_dashboard(request):
    user = request.user
    scope = user.scope
    if not (scope.is_national or scope.region_ids):
        raise PermissionDenied(_("Participation figures are for regional and national officers."))
    regions = Region.objects.visible_to(user).order_by("name", "pk")
    if not scope.is_national:
        regions = regions.filter(pk__in=scope.region_ids)
    regions = list(regions)
    asked = request.GET.get("region", "")
    if asked:
        # Compared as text: a huge number, a NUL byte or a word is simply no region of theirs.
        region = next((each for each in regions if str(each.pk) == asked), None)
        if region is None:
            raise Http404(_("No such region in your scope."))
    else:
        region = None if scope.is_national else regions[0]
    places = list(Institution.objects.filter(region=region).order_by("name", "pk")) if region else regions
    with reads_from_replica():  # published figures of months that are over: nothing this request wrote
        figures = participation(timezone.localdate(), region=region, places=places)

    sort, direction = request.GET.get("sort", NAME), request.GET.get("dir", "asc")
    problem = sort not in SORT_KEYS or direction not in DIRECTIONS
    if problem:
        sort, direction = NAME, "asc"
    descending = direction == "desc"
    return render(
        request,
        "dashboard/participation.html",
        {
            "figures": figures,
            "rows": sort_rows(figures.rows, sort, descending),
            "heads": _sort_heads(region, bool(asked), sort, descending),
            "columns": COLUMNS,
            "groups": GROUPS,
            "region": region,
            "regions": regions if scope.is_national or len(regions) > 1 else [],
            "is_national": scope.is_national,
            "sort_problem": problem,
            "charts": _charts(figures) if figures.month else [],
        },
    )
