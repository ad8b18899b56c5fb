"""The officers' home: last month's published counts per UPT (per region) with a twelve-month trend, read from
the months' final figure sets, withheld cells as the reports print them."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dashboard.templatetags.sparkline import sparkline
from dashboard.trends import last_months
from reports.models import FigureSet
from reports.publication import final_cutoff, headline


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC), tick=False):
        yield


def _figures(screened, active):
    return {
        "screening": {"screened": screened},
        "rehabilitation": {"active_people": active},
        "sessions": {"held": 4},
        "aftercare": {"done": 0},
    }


def _month_set(month, region, institution, sister_institution, active, withheld=None, with_headline=True):
    figure_set = FigureSet(
        month=month,
        data_cutoff=final_cutoff(month),
        ready=True,
        figures={
            "national": _figures(12, active * 2),
            f"region:{region.pk}": _figures(12, active * 2),
            f"institution:{institution.pk}": _figures(9, active),
            f"institution:{sister_institution.pk}": _figures(3, active),
        },
        withheld=withheld or {},
    )
    if with_headline:
        figure_set.headline = headline(figure_set)
    figure_set.save()
    return figure_set


def test_last_months_are_the_twelve_before_this_one():
    months = last_months(dt.date(2026, 1, 15))
    assert (months[0], months[-1], len(months)) == (dt.date(2025, 1, 1), dt.date(2025, 12, 1), 12)


def test_regional_home_shows_each_upt_with_last_months_counts_and_trend(
    login, regional, region, institution, sister_institution
):
    for offset, month in enumerate(last_months(dt.date(2026, 12, 2))[-3:]):
        withheld = {f"institution:{sister_institution.pk}": {"screening.screened": "<5"}}
        _month_set(month, region, institution, sister_institution, active=10 + offset, withheld=withheld)
    response = login(regional).get(reverse("home"))
    assert response.status_code == 200
    trends = response.context["trends"]
    assert trends["months"][-1] == dt.date(2026, 11, 1)
    amuntai, barabai = trends["rows"]
    assert amuntai.cells == (9, 12, 4, 0)
    assert barabai.cells[0] == "<5"  # withheld as the report prints it, never the 3 behind it
    assert amuntai.trend[-3:] == (10, 11, 12) and amuntai.trend[0] is None  # no figures: a gap
    assert trends["total"]["cells"][1] == 24
    page = response.content.decode()
    assert "Last month: November 2026" in page
    assert "&lt;5" in page and '<svg class="sparkline"' in page
    assert ">3<" not in page


def test_national_home_has_a_row_per_region(
    login, national, region, other_region, institution, sister_institution
):
    _month_set(dt.date(2026, 11, 1), region, institution, sister_institution, active=5)
    response = login(national).get(reverse("home"))
    rows = response.context["trends"]["rows"]
    assert [row.name for row in rows] == sorted([region.name, other_region.name])
    assert response.context["trends"]["total"]["cells"][1] == 10


def test_a_set_kept_before_headlines_gets_them_once(login, regional, region, institution, sister_institution):
    kept = _month_set(dt.date(2026, 11, 1), region, institution, sister_institution, 7, with_headline=False)
    assert kept.headline == {}
    login(regional).get(reverse("home"))
    kept.refresh_from_db()
    assert kept.headline[f"institution:{institution.pk}"]["rehabilitation.active_people"] == 7


def test_without_figures_the_home_says_when_they_come(login, regional, institution):
    response = login(regional).get(reverse("home"))
    assert response.context["trends"]["rows"] == []
    assert "No monthly figures yet" in response.content.decode()


def test_a_provisional_set_is_not_read(login, regional, region, institution, sister_institution):
    FigureSet.objects.create(
        month=dt.date(2026, 11, 1),
        data_cutoff=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
        ready=True,
        figures={"national": _figures(1, 1)},
        headline={"national": {"screening.screened": 1}},
    )
    assert login(regional).get(reverse("home")).context["trends"]["rows"] == []


def test_the_sparkline_breaks_at_months_without_a_shown_count():
    drawn = sparkline([1, 2, "<5", 4, 5, None, 7], "Lapas")
    assert drawn.count("<polyline") == 2  # 1–2 and 4–5; 7 alone is a dot
    assert drawn.count("<circle") == 3
    assert 'aria-label="Lapas"' in drawn
    assert sparkline(["<5", None], "x") == ""
    assert "&lt;script" in sparkline([1, 2], "<script>")
