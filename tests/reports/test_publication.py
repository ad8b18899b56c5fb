"""Every report of a month, at every scope, is protected together (reports.publication): what one report hides
cannot be worked out from the figures of another. The people are registered and screened through the
services; the reports are rendered, and what they print is read back (the PDF text, or the rendered page's
cells; the attacker, what the page is rendered from: published_cells) before an attacker tries to recover
each hidden count."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from collections import Counter

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from pypdf import PdfReader

from accounts.models import Role
from assessments.services import screening_record
from reports import indicators
from reports.disclosure import HIDDEN, WITHHELD
from reports.models import FigureSet, Report
from reports.publication import (
    cutoff_of,
    figure_set_for,
    members_of,
    people_cells,
    published,
    scope_of,
    snapshot,
)
from reports.render import generate, report_html
from reports.tasks import claim, report_for
from tests.factories import (
    InstitutionFactory,
    PersonFactory,
    RegionFactory,
    UserFactory,
    admit,
    membership,
)
from tests.reports.attack import possible_values

MONTH = dt.date(2026, 10, 1)
IN_OCTOBER = dt.datetime(2026, 10, 20, 3, 0, tzinfo=dt.UTC)  # when the month's screenings are typed in
ON_THE_3RD = dt.datetime(2026, 11, 3, 3, 0, tzinfo=dt.UTC)  # when the month's reports are made

NEVER = {"q1": "no"}
WEEKLY = {
    "q1": "yes",
    "q2": "weekly",
    "q3": "never",
    "q4": "never",
    "q5": "never",
    "q6": "no_never",
    "q7": "no_never",
}
DAILY = {
    **WEEKLY,
    "q2": "daily_or_almost_daily",
    "q3": "daily_or_almost_daily",
    "q4": "daily_or_almost_daily",
}
DAILY["q5"] = "daily_or_almost_daily"  # 6 + 6 + 7 + 8 = 27 points: high risk
SUBSTANCE_ROWS = {"lower": NEVER, "moderate": WEEKLY, "high": DAILY}


def assist(risk: str) -> dict:
    from assessments.instruments import assist as instrument

    rows = dict.fromkeys(instrument.SUBSTANCES, NEVER)
    rows["amphetamine_type_stimulants"] = SUBSTANCE_ROWS[risk]
    return {"substances": rows, "q8": "no_never"}


def screen(institution, risks: list[str]) -> None:
    """People admitted at `institution` in January, screened there on 6 October (typed in on the 20th)."""
    staff = membership(UserFactory(), Role.UPT_STAFF, institution)
    with time_machine.travel(IN_OCTOBER, tick=False):
        for risk in risks:
            person = PersonFactory()
            admit(person, institution, on=dt.date(2026, 1, 5))
            screening = screening_record(
                by=staff,
                person=person,
                instrument="ASSIST",
                answers=assist(risk),
                screened_on=MONTH.replace(day=6),
            )
            assert screening.risk == risk


def every_scope(regions) -> list[Report]:
    reports = [Report(scope=Report.Scope.NATIONAL, month=MONTH, language="en")]
    for region in regions:
        reports.append(Report(scope=Report.Scope.REGION, region=region, month=MONTH, language="en"))
        reports += [
            Report(scope=Report.Scope.INSTITUTION, institution=upt, month=MONTH, language="en")
            for upt in region.institutions.order_by("pk")
        ]
    return reports


def scope_tree(reports: list[Report]) -> dict[str, list[str]]:
    """{"national": its regions, each region: its UPTs}, as scope keys, from a month's reports of every
    scope."""
    tree: dict[str, list[str]] = {"national": []}
    for report in reports:
        if report.scope == Report.Scope.REGION:
            region = scope_of(report)
            tree["national"].append(region)
            tree[region] = [
                f"institution:{pk}" for pk in report.region.institutions.values_list("pk", flat=True)
            ]
    return tree


def country_of(country: list[list], populate, expected) -> tuple[list, dict[str, Counter]]:
    """The regions of `country` (each a list of UPTs, each what `populate(upt, it)` records there) and the
    counts `expected(it)` the test keeps for every UPT, summed for each region and the nation."""
    regions, truth = [], {"national": Counter()}
    for upts in country:
        region = RegionFactory()
        regions.append(region)
        truth[f"region:{region.pk}"] = Counter()
        for contents in upts:
            upt = InstitutionFactory(region=region)
            populate(upt, contents)
            counts = expected(contents)
            truth[f"institution:{upt.pk}"] = counts
            truth[f"region:{region.pk}"].update(counts)
            truth["national"].update(counts)
    return regions, truth


CELL = re.compile(r'data-cell="([^"]+)">([^<]*)<')


def printed(report: Report) -> tuple[dict[str, str], dict[str, int]]:
    """The cells the report's page prints ({path: text}) and the true counts behind them."""
    figures = snapshot(report, now=ON_THE_3RD)
    cells = CELL.findall(report_html(report, figures))
    return {path: html.unescape(text) for path, text in cells}, people_cells(figures)


def published_cells(report: Report) -> tuple[dict[str, str], dict[str, int]]:
    """The cells the report's page prints ({path: text}) and the true counts behind them, as printed() gives
    them, but read from what the page is rendered from rather than from the rendered page: the month's figure
    set (the scope's figures and withheld cells, through reports.publication.published as render.report_html
    takes them) and the rows of the scope's UPTs or regions (indicators.members). A cell the page has no
    entry for prints "0" here as there. The attackers read this: rendering every scope's page in every
    example also computes the figure sets of the nine months before (the month before and the year to date
    beside the main indicators, which no attacker reads) and draws the survival chart, most of those tests'
    time. tests/reports/test_pp25.py's test_each_page_prints_exactly_the_cells_its_figure_set_publishes
    proves, on a world with shown, "<5", "×" and 0 cells at every scope, that the rendered page prints exactly
    these cells (and test_the_api_prints_the_table_the_pdf_prints and the PDF read-backs that the PDF prints
    what the page does)."""
    cutoff, until = cutoff_of(report, now=ON_THE_3RD)
    figure_set = figure_set_for(report.month, cutoff=cutoff, until=until)
    scope = scope_of(report)
    figures = {**figure_set.figures[scope], "withheld": figure_set.withheld.get(scope, {})}
    cells = published(figures)
    for row in indicators.members({"members": members_of(figure_set, scope)}):
        cells.update(row.cells)
    return cells, people_cells(figures)


def attack(reports: list[Report]) -> None:
    """For every screening cell, the attacker's possible values of each hidden count: never only one."""
    pages = {scope_of(report): published_cells(report) for report in reports}
    sums = scope_tree(reports)
    paths = {path for cells, _true in pages.values() for path in cells if path.startswith("screening.")}
    for path in sorted(paths):
        values, marks = {}, {}
        for scope, (cells, true) in pages.items():
            values[scope] = true.get(path, 0)
            text = cells.get(path, "0")  # a risk level a report has no row for: nobody at that level
            if text in (HIDDEN, WITHHELD):
                marks[scope] = text
            else:
                assert int(text) == values[scope], (scope, path)  # what is shown is the truth
        assert {scope for scope, value in values.items() if 0 < value < 5} <= set(marks), path
        for scope, possible in possible_values(values, sums, marks).items():
            assert values[scope] in possible
            if 0 < values[scope] < 5:
                assert len(possible) > 1, (path, scope, values, marks)


def pdf_text(report: Report) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.pdf.read())).pages).split()
    )


@pytest.mark.django_db
def test_a_region_minus_its_other_upts_does_not_give_a_upt_away(
    region, other_region, institution, sister_institution, other_institution
):
    screen(institution, ["moderate"] * 3)  # 3: "<5"
    screen(sister_institution, ["moderate"] * 12)
    screen(other_institution, ["moderate"] * 15)
    with time_machine.travel(ON_THE_3RD, tick=False):
        # The PDFs of the region and the UPTs whose counts would give Amuntai's away, read back.
        places = [
            {"scope": Report.Scope.REGION, "region": region},
            {"scope": Report.Scope.INSTITUTION, "institution": institution},
            {"scope": Report.Scope.INSTITUTION, "institution": sister_institution},
        ]
        texts = []
        for place in places:
            report = report_for(month=MONTH, language="en", **place)
            assert claim(report.pk)
            generate(report)
            texts.append(pdf_text(report))
        # The other region, its UPT and the nation: the cells of their pages, the same figure set's (the page
        # is what WeasyPrint prints, as the three PDFs above show; about three seconds a PDF saved here).
        national, jatim, banyuwangi = (
            printed(Report(month=MONTH, language="en", **place))[0]["screening.screened"]
            for place in (
                {"scope": Report.Scope.NATIONAL},
                {"scope": Report.Scope.REGION, "region": other_region},
                {"scope": Report.Scope.INSTITUTION, "institution": other_institution},
            )
        )
    kalsel, amuntai, barabai = texts
    screened = "People screened (any instrument)"
    assert f"{screened} <5" in amuntai
    # Kalimantan Selatan (15) minus Barabai would give Amuntai's 3: Barabai's count is withheld instead.
    assert f"{screened} ×" in barabai and "ASSIST — Moderate risk ×" in barabai
    assert f"{screened} 15" in kalsel and banyuwangi == jatim == "15"
    assert national == "30"
    assert "a region minus its other UPTs" in amuntai  # the appendix explains it
    # One figure set for the month, computed once, every report cut at the month's end in WIB (and one for
    # each month before it in the year, read for the month before and the year to date).
    figure_set = FigureSet.objects.get(month=MONTH)
    assert FigureSet.objects.count() == MONTH.month
    assert figure_set.data_cutoff == dt.datetime(2026, 10, 31, 17, 0, tzinfo=dt.UTC)
    assert {report.data_cutoff for report in Report.objects.all()} == {figure_set.data_cutoff}


class TestNoHiddenCountCanBeRecovered(TestCase):
    """Hypothesis builds small countries through the services (1–3 regions of 1–3 UPTs, 0–6 people screened
    at each with a risk level), publishes every scope of the month (published_cells: what each page prints),
    and attacks each hidden cell."""

    @settings(max_examples=12, deadline=None, derandomize=True)
    @given(
        st.lists(
            st.lists(
                st.lists(st.sampled_from(["lower", "moderate", "high"]), max_size=6), min_size=1, max_size=3
            ),
            min_size=1,
            max_size=3,
        )
    )
    def test_from_the_rendered_reports_of_every_scope(self, country):
        regions = []
        for upts in country:
            region = RegionFactory()
            regions.append(region)
            for risks in upts:
                screen(InstitutionFactory(region=region), risks)
        with time_machine.travel(ON_THE_3RD, tick=False):
            attack(every_scope(regions))


def test_one_scope_counted_alone_equals_the_same_scope_in_a_figure_set(
    institution, sister_institution, staff, sister_staff
):
    """compute() of one scope counts its releases' outcomes for all its UPT together; a figure set counts
    them per UPT and sums: the same figures either way."""
    from inmates.services import admission_release
    from reports.figures import compute, compute_scopes

    for n, (place, out, back) in enumerate(
        [
            (institution, dt.date(2024, 1, 10), dt.date(2024, 5, 1)),
            (institution, dt.date(2024, 2, 1), None),
            (sister_institution, dt.date(2024, 6, 1), dt.date(2024, 9, 1)),
            (sister_institution, dt.date(2025, 3, 1), None),
        ]
    ):
        person = PersonFactory(full_name=f"Orang {n}")
        spell = admit(person, place, on=dt.date(2023, 1, 1))
        releaser = staff if place == institution else sister_staff
        admission_release(by=releaser, admission=spell, on=out, release_type="parole")
        if back:
            admit(person, institution, on=back)  # back, at the first UPT
    both = [institution.pk, sister_institution.pk]
    month = dt.date(2026, 12, 1)  # everything recorded before its end (records are dated today)
    alone = compute(both, month)
    in_a_set = compute_scopes({"both": both, "one": [institution.pk]}, month)["both"]
    assert alone["recidivism"]["size"] == 4 and alone["recidivism"]["rows"]
    assert alone == in_a_set
