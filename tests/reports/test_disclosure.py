"""The one rule for publishing figures about people (reports.disclosure): counts of 1–4 hidden in every
report, percentages withheld when they would reveal such a count, survival curves only for 20 people or more,
stopping where fewer than 5 remain at risk, with the numbers at risk printed under them."""

import datetime as dt

import pytest
import time_machine

from inmates import services as inmates_services
from reports.disclosure import curve_end, rate_text
from reports.models import Report
from reports.recidivism import kaplan_meier
from reports.render import generate
from reports.tasks import claim, report_for
from tests.factories import PersonFactory, admit
from tests.reports.test_monthly import pdf_text

MONTH = dt.date(2026, 10, 1)
IN_OCTOBER = dt.datetime(2026, 10, 25, 3, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"),
    [
        (20, 40, "50%"),
        (0, 40, "0%"),
        (40, 40, "100%"),
        (3, 40, "×"),  # the numerator is a small count
        (38, 40, "×"),  # so is the difference: 2 did not
        (6, 3, "×"),  # a small denominator
        (5, 0, "—"),  # nothing to divide by
    ],
)
def test_a_percentage_never_reveals_a_small_count(numerator, denominator, shown):
    assert rate_text(numerator, denominator) == shown


def test_a_share_of_a_target_checks_the_people_only():
    # A target is a plan value, not a count of people: 38 of a target of 40 reveals nobody; 3 active does.
    assert rate_text(38, 40, people_denominator=False) == "95%"
    assert rate_text(3, 40, people_denominator=False) == "×"


def test_a_curve_stops_where_fewer_than_five_remain_at_risk():
    # Ten people: returns on days 10, 20, ..., 60; the other four are followed to day 400.
    km = kaplan_meier([10, 20, 30, 40, 50, 60, 400, 400, 400, 400], [True] * 6 + [False] * 4)
    assert km.at_risk(50) == 6 and km.at_risk(60) == 5 and km.at_risk(61) == 4
    assert curve_end(km, 1096) == 60  # the last day 5 were still followed


def released_people(institution, staff, count):
    with time_machine.travel(IN_OCTOBER, tick=False):
        for n in range(count):
            person = PersonFactory(full_name=f"Bebas {n}")
            admission = admit(person, institution, on=dt.date(2024, 1, 1))
            inmates_services.admission_release(
                by=staff,
                admission=admission,
                on=dt.date(2025, 1, 1) + dt.timedelta(days=n),
                release_type="parole",
            )


def rendered(institution) -> str:
    report = report_for(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH, language="en")
    assert claim(report.pk)
    generate(report)
    return " ".join(pdf_text(report).split())


@pytest.mark.django_db
def test_no_curve_for_fewer_than_twenty_people(institution, staff):
    released_people(institution, staff, 19)
    text = rendered(institution)
    assert "No curve: it is drawn for 20 released people or more." in text
    assert "Still followed (at risk)" not in text


@pytest.mark.django_db
def test_a_curve_of_twenty_prints_the_numbers_at_risk(institution, staff):
    released_people(institution, staff, 20)
    text = rendered(institution)
    assert "No curve" not in text
    # Released in January 2025, none returned: all 20 followed at 6 months; fewer than 20 months by October
    # 2026 for everyone, so none is followed at 24 or 36 months.
    assert "Still followed (at risk) 20 20 20 0 0" in text


def test_the_report_template_prints_what_the_publication_decided():
    from django.template import Context, Template

    shown = published_cells(3, 0, 12)
    page = Template(
        "{% load report_tags %}{% cell shown 'a' %}|{% cell shown 'b' %}|{% cell shown 'c' %}|"
        "{% percent 3 40 %}|{% attendance_rate sessions %}"
    ).render(Context({"shown": shown, "sessions": {"recorded": 40, "attended": 37, "excused": 0}}))
    # Escaped "<5", each marked with its cell path; 37 of 40 attended: 3 did not.
    assert page == (
        '<span data-cell="a">&lt;5</span>|<span data-cell="b">0</span>|<span data-cell="c">12</span>|×|×'
    )


def published_cells(*values):
    from reports.disclosure import count_text

    return {name: count_text(value) for name, value in zip("abc", values, strict=False)}


def test_achievement_against_target_is_withheld_with_the_participants():
    from django.template import Context, Template

    template = Template("{% load report_tags %}{% share_of_target shown active 40 %}")
    assert template.render(Context({"shown": {"targets.active": "12"}, "active": 12})) == "30%"
    assert template.render(Context({"shown": {"targets.active": "×"}, "active": 12})) == "×"
    assert template.render(Context({"shown": {"targets.active": "<5"}, "active": 3})) == "×"
