"""PP 25/2011 Art. 18's table of the people treated (reports.people_treated): people enrolled and screened
through the services, the table read back from the PDF and compared with counts this test keeps itself; as
recorded by the cut-off; a fixed number of queries; old snapshots without it; the API printing what the PDF
prints; and an attacker who knows every sum across scopes and the six sums within each report (each
breakdown adds up to the people treated) trying to pin each hidden count by integer programming."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.models import Role
from api.report_serializers import printed_figures
from assessments.instruments import assist as instrument
from assessments.models import Screening
from assessments.services import screening_record
from inmates.services import admission_transfer
from institutions.models import Institution
from rehab import services
from rehab.models import Programme
from reports import people_treated
from reports.disclosure import HIDDEN, WITHHELD
from reports.figures import compute, month_end_moment
from reports.models import Report
from reports.publication import scope_of, snapshot
from reports.render import generate, report_html
from tests.api.conftest import bearer, personal_key
from tests.api.test_reports_api import api_cells, detail, printed_cells
from tests.factories import (
    AgencyFactory,
    InstitutionFactory,
    PersonFactory,
    UserFactory,
    admit,
    make_agreement,
    membership,
)
from tests.reports.attack import country_counts, pinned_by_integer_programming
from tests.reports.test_breakdowns import drop_outs, render
from tests.reports.test_publication import (
    IN_OCTOBER,
    MONTH,
    ON_THE_3RD,
    country_of,
    every_scope,
    printed,
    published_cells,
    scope_tree,
    screen,
)

AFTER_THE_CUTOFF = dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC)  # typed in after October's reports' cut-off
EARLIER_IN_THE_YEAR = dt.datetime(2026, 4, 1, 3, 0, tzinfo=dt.UTC)

NEVER = {"q1": "no"}
WEEKLY = {  # 4 points: moderate risk (lower for alcohol)
    "q1": "yes",
    "q2": "weekly",
    "q3": "never",
    "q4": "never",
    "q5": "never",
    "q6": "no_never",
    "q7": "no_never",
}
DAILY = {  # 6 + 6 + 7 + 8 = 27 points: high risk
    **WEEKLY,
    "q2": "daily_or_almost_daily",
    "q3": "daily_or_almost_daily",
    "q4": "daily_or_almost_daily",
    "q5": "daily_or_almost_daily",
}


def answers(q8: str = "no_never", **used) -> dict:
    rows = dict.fromkeys(instrument.SUBSTANCES, NEVER)
    rows.update(used)
    return {"substances": rows, "q8": q8}


# What each kind of screening answers, and what the table must say of it: (substance, route, risk), worked
# out by hand from the ASSIST scoring table (shared/DOMAIN.md), not by the code under test.
PROFILES = {
    "not_screened": (None, ("not_screened", "not_screened", "not_screened")),
    "nothing": (answers(), ("none", "never", "lower")),
    "ats": (
        answers(amphetamine_type_stimulants=WEEKLY),
        ("amphetamine_type_stimulants", "never", "moderate"),
    ),
    "opioids": (answers("yes_past_3_months", opioids=DAILY), ("opioids", "past_3_months", "high")),
    "cannabis": (answers("yes_not_past_3_months", cannabis=WEEKLY), ("cannabis", "earlier", "moderate")),
}
# An age at the month's end (31 October 2026) in each group, from the date of birth.
BORN = {
    "under_18": dt.date(2010, 3, 1),
    "18_25": dt.date(2000, 11, 1),  # 26 on 1 November: 25 on the month's last day
    "26_35": dt.date(1995, 6, 1),
    "36_45": dt.date(1985, 6, 1),
    "46_plus": dt.date(1980, 10, 31),  # 46 on the month's last day
    "unknown": None,
}


@dataclass(frozen=True)
class Patient:
    sex: str = "male"
    age: str = "26_35"
    profile: str = "ats"
    before: bool = False  # treated in an earlier programme (February to March, same UPT)

    def categories(self) -> dict[str, str]:
        substance, route, risk = PROFILES[self.profile][1]
        return {
            "sex": self.sex,
            "age": self.age,
            "substance": substance,
            "route": route,
            "risk": risk,
            "history": "before" if self.before else "first",
        }


def expected(patients: list[Patient]) -> dict[str, int]:
    """The table's counts, by cell path, kept by the test (categories nobody is in: absent, i.e. 0)."""
    counts = Counter({"pp25.treated": len(patients)})
    for patient in patients:
        counts.update(f"pp25.{name}.{value}" for name, value in patient.categories().items())
    return dict(counts)


class Clinic:
    """A UPT with a social programme running all year, one ended in June, an after-care preparation one,
    and a member of staff: people are registered, screened and enrolled through the services."""

    def __init__(self, upt: Institution):
        self.upt = upt
        self.staff = membership(UserFactory(), Role.UPT_STAFF, upt)
        agency = AgencyFactory(region=upt.region)
        agreement = make_agreement(institutions=[upt], agencies=[agency])

        def programme(kind, ends_on):
            return Programme.objects.create(
                institution=upt,
                kind=kind,
                name=f"{kind} {ends_on}",
                agency=agency,
                agreement=agreement,
                starts_on=dt.date(2026, 2, 1),
                ends_on=ends_on,
                capacity=60,
                target=40,
            )

        self.running = programme(Programme.Kind.SOCIAL, dt.date(2026, 12, 31))
        self.ended = programme(Programme.Kind.SOCIAL, dt.date(2026, 6, 30))
        self.medical = programme(Programme.Kind.MEDICAL, dt.date(2026, 12, 31))
        self.aftercare = programme(Programme.Kind.AFTERCARE_PREPARATION, dt.date(2026, 12, 31))

    def person(self, patient: Patient):
        person = PersonFactory(sex=patient.sex, birth_date=BORN[patient.age])
        admit(person, self.upt, on=dt.date(2026, 1, 5))
        return person

    def screen(self, person, profile: str, *, on: dt.date = dt.date(2026, 10, 6)) -> None:
        if PROFILES[profile][0] is not None:
            screening_record(
                by=self.staff,
                person=person,
                instrument="ASSIST",
                answers=PROFILES[profile][0],
                screened_on=on,
            )

    def enrol(self, person, programme, *, on: dt.date, steps=()):
        enrolment = services.enrolment_create(
            by=self.staff, programme=programme, person=person, reason="Test", on=on
        )
        for to, day in steps:
            services.enrolment_move(
                by=self.staff, enrolment=enrolment, to=to, on=day, override=True, reason="Test"
            )
        return enrolment

    def treated_earlier(self, person) -> None:
        with time_machine.travel(EARLIER_IN_THE_YEAR, tick=False):
            self.enrol(
                person,
                self.ended,
                on=dt.date(2026, 2, 5),
                steps=[("active", dt.date(2026, 2, 10)), ("completed", dt.date(2026, 3, 30))],
            )

    def treat(self, patients: list[Patient]) -> None:
        """Each patient active in the running programme from 2 October, screened on the 6th."""
        for patient in patients:
            person = self.person(patient)
            if patient.before:
                self.treated_earlier(person)
            with time_machine.travel(IN_OCTOBER, tick=False):
                self.screen(person, patient.profile)
                self.enrol(
                    person, self.running, on=dt.date(2026, 10, 1), steps=[("active", dt.date(2026, 10, 2))]
                )


def pp25_text(text: str) -> str:
    start = text.index("People treated (PP 25/2011 Art. 18) People treated in the month")
    return text[start : text.index("Sessions and attendance", start)]


HEADINGS = {
    "sex": "Sex",
    "age": "Age at the month's end",
    "substance": "Substance (highest ASSIST involvement score)",
    "route": "Route of use: injecting (ASSIST question 8)",
    "risk": "Level of involvement (ASSIST), in place of a diagnosis",
    "history": "Treatment history",
}
LABELS = {
    "sex": {"male": "Male", "female": "Female"},
    "age": {
        "under_18": "Under 18",
        "18_25": "18–25",
        "26_35": "26–35",
        "36_45": "36–45",
        "46_plus": "46 and over",
        "unknown": "Unknown",
    },
    "substance": {
        "amphetamine_type_stimulants": "Amphetamine-type stimulants (speed, ecstasy, …)",
        "opioids": "Opioids (heroin, morphine, …)",
        "cannabis": "Cannabis",
        "tobacco": "Tobacco products",
        "none": "None scored above 0",
        "not_screened": "Not screened with ASSIST",
    },
    "route": {
        "never": "Never injected",
        "past_3_months": "Injected in the past 3 months",
        "earlier": "Injected, not in the past 3 months",
        "not_screened": "Not screened with ASSIST",
    },
    "risk": {
        "lower": "Lower risk",
        "moderate": "Moderate risk",
        "high": "High risk",
        "not_screened": "Not screened with ASSIST",
    },
    "history": {"first": "First programme", "before": "Treated before"},
}


@pytest.mark.django_db
def test_the_table_read_back_from_the_pdf_is_what_was_recorded(institution):
    clinic = Clinic(institution)
    # Ten people, so that no count is 1 to 4 and every one is printed as a number.
    patients = [
        *[Patient("male", "26_35", "ats", before=False)] * 5,
        *[Patient("female", "36_45", "not_screened", before=True)] * 5,
    ]
    clinic.treat(patients)
    with time_machine.travel(IN_OCTOBER, tick=False):
        # Not treated in October: waiting only; in after-care preparation; ended before the month.
        waiting = clinic.person(Patient())
        clinic.enrol(waiting, clinic.running, on=dt.date(2026, 10, 1))
        prepared = clinic.person(Patient())
        clinic.enrol(
            prepared, clinic.aftercare, on=dt.date(2026, 10, 1), steps=[("active", dt.date(2026, 10, 2))]
        )
    gone = clinic.person(Patient())
    clinic.treated_earlier(gone)
    text = pp25_text(render(scope=Report.Scope.INSTITUTION, institution=institution))
    counts = expected(patients)
    assert "People treated in the month (medical or social rehabilitation) 10 " in text
    for name, categories in people_treated.BREAKDOWNS.items():
        for category in categories:
            label = LABELS[name].get(category) or instrument.substance_label(category, "en")
            shown = counts.get(f"pp25.{name}.{category}", 0)
            assert f"{HEADINGS[name]} — {label} {shown} " in text, (name, category)
    assert counts["pp25.history.before"] == 5 and counts["pp25.substance.amphetamine_type_stimulants"] == 5
    # Duration of use is not recorded: said so, between the substance and the route.
    substance = "Substance (highest ASSIST involvement score)"
    assert f"{substance} — Not screened with ASSIST 5 Duration of use not recorded" in text


@pytest.mark.django_db
def test_someone_active_on_any_day_of_the_month_counts_once_at_each_upt(institution, sister_institution):
    here, there = Clinic(institution), Clinic(sister_institution)
    with time_machine.travel(IN_OCTOBER, tick=False):
        # In social rehabilitation since September, dropped out on 1 October: active on the 1st.
        left = here.person(Patient())
        here.enrol(left, here.running, on=dt.date(2026, 9, 1), steps=[("active", dt.date(2026, 9, 2))])
        here.enrol(left, here.medical, on=dt.date(2026, 9, 1), steps=[("active", dt.date(2026, 9, 3))])
        services.enrolment_move(
            by=here.staff,
            enrolment=left.enrolments.get(programme=here.running),
            to="dropped_out",
            on=dt.date(2026, 10, 1),
            leave_reason="voluntary",
        )
        # Moved from one UPT to the other in the month: treated at each.
        moved = PersonFactory(sex="female", birth_date=None)
        admit(moved, institution, on=dt.date(2026, 1, 5))
        here.enrol(moved, here.running, on=dt.date(2026, 10, 1), steps=[("active", dt.date(2026, 10, 2))])
        # The transfer closes the enrolment at the first UPT (rehab's custody hook).
        admission_transfer(
            by=here.staff,
            admission=moved.admissions.get(),
            to_institution=sister_institution,
            on=dt.date(2026, 10, 9),
        )
        assert moved.enrolments.get().status == "transferred"
        there.enrol(moved, there.running, on=dt.date(2026, 10, 10), steps=[("active", dt.date(2026, 10, 10))])
    figures = compute([institution.pk], MONTH)["pp25"]
    # One person in two programmes at once counts once; the one moved counts here and there.
    assert figures["treated"] == 2 and figures["sex"] == {"female": 1, "male": 1}
    assert figures["age"] == {"26_35": 1, "unknown": 1} and figures["history"] == {"first": 2}
    sister = compute([sister_institution.pk], MONTH)["pp25"]
    # At the second UPT, the first UPT's enrolment had started before: treated before.
    assert sister["treated"] == 1 and sister["history"] == {"before": 1}
    both = compute([institution.pk, sister_institution.pk], MONTH)["pp25"]
    assert both["treated"] == 3 and both["history"] == {"first": 2, "before": 1}


@pytest.mark.django_db
def test_the_latest_screening_and_history_as_recorded_by_the_cutoff(institution):
    clinic = Clinic(institution)
    patient = Patient(profile="ats")
    person = clinic.person(patient)
    with time_machine.travel(IN_OCTOBER, tick=False):
        clinic.screen(person, "ats", on=dt.date(2026, 10, 6))
        clinic.enrol(
            person, clinic.running, on=dt.date(2026, 10, 1), steps=[("active", dt.date(2026, 10, 2))]
        )
    with time_machine.travel(AFTER_THE_CUTOFF, tick=False):
        # Typed in after the reports' cut-off: a later screening dated in October, and an earlier programme.
        clinic.screen(person, "opioids", on=dt.date(2026, 10, 28))
        clinic.enrol(
            person,
            clinic.medical,
            on=dt.date(2026, 2, 5),
            steps=[("active", dt.date(2026, 2, 10)), ("completed", dt.date(2026, 3, 30))],
        )
        # Dated after the month's end: never October's, however recorded.
        clinic.screen(person, "cannabis", on=dt.date(2026, 11, 1))
    october = compute([institution.pk], MONTH)["pp25"]
    assert october["substance"] == {"amphetamine_type_stimulants": 1} and october["route"] == {"never": 1}
    assert october["risk"] == {"moderate": 1} and october["history"] == {"first": 1}
    later = compute([institution.pk], MONTH, known_at=dt.datetime(2026, 11, 10, tzinfo=dt.UTC))["pp25"]
    assert later["substance"] == {"opioids": 1} and later["route"] == {"past_3_months": 1}
    assert later["risk"] == {"high": 1} and later["history"] == {"before": 1} and later["treated"] == 1
    # An activation typed after the cut-off does not count either.
    late = clinic.person(Patient())
    with time_machine.travel(AFTER_THE_CUTOFF, tick=False):
        clinic.enrol(late, clinic.running, on=dt.date(2026, 10, 1), steps=[("active", dt.date(2026, 10, 3))])
    assert compute([institution.pk], MONTH)["pp25"]["treated"] == 1


def test_the_substance_with_the_highest_score_and_ties_in_the_instruments_order():
    summary = people_treated.assist_summary
    version = instrument.DEFINITION.version
    # Cannabis and stimulants both 4 points: cannabis, listed first by ASSIST.
    assert summary(version, answers(cannabis=WEEKLY, amphetamine_type_stimulants=WEEKLY))[0] == "cannabis"
    # Tobacco daily (no Q5: 19 points) beats cannabis weekly (4); opioids daily (27) beats both.
    assert summary(version, answers(tobacco=DAILY, cannabis=WEEKLY))[0] == "tobacco"
    assert summary(version, answers(tobacco=DAILY, opioids=DAILY)) == ("opioids", "never", "high")
    # Used once long ago, nothing in the past 3 months: 0 points, none scored.
    ever = {"q1": "yes", "q2": "never", "q6": "no_never", "q7": "no_never"}
    assert summary(version, answers(cannabis=ever)) == ("none", "never", "lower")
    assert people_treated.age_band(dt.date(2008, 11, 1), dt.date(2026, 10, 31)) == "under_18"  # 17 then
    assert people_treated.age_band(dt.date(2008, 10, 31), dt.date(2026, 10, 31)) == "18_25"
    assert people_treated.age_band(dt.date(1980, 11, 1), dt.date(2026, 10, 31)) == "36_45"  # 45 then


@pytest.mark.django_db
def test_a_fixed_number_of_queries_for_one_upt_or_many(region):
    def queries(upts: list[Institution]) -> int:
        figures = {upt.pk: {"pp25": people_treated.empty()} for upt in upts}
        with CaptureQueriesContext(connection) as captured:
            people_treated.count(figures, Institution.objects.filter(pk__in=[u.pk for u in upts]), *BOUNDS)
        return len(captured.captured_queries)

    one = InstitutionFactory(region=region)
    Clinic(one).treat([Patient()])
    few = queries([one])
    many = [InstitutionFactory(region=region) for _ in range(3)]
    for n, upt in enumerate(many):
        Clinic(upt).treat([Patient(profile=profile, before=n == 1) for profile in PROFILES])
    assert queries([one, *many]) == few == 1


BOUNDS = (MONTH, dt.date(2026, 10, 31), month_end_moment(MONTH, "Asia/Jakarta"))


@pytest.mark.django_db
def test_answer_sets_recorded_without_their_main_substance_are_scored_with_the_instrument(region):
    """Screenings from before the main substance was stored (none once migrated) are counted as the
    instrument scores them, in one more query, like those that have it."""
    upts = [InstitutionFactory(region=region) for _ in range(2)]
    patients = [Patient(profile=profile) for profile in PROFILES]
    for upt in upts:
        Clinic(upt).treat(patients)
    Screening.objects.filter(institution=upts[1], answers__q8="yes_past_3_months").update(main_substance="")
    Screening.objects.filter(institution=upts[0], answers__q8="no_never").update(main_substance="")
    assert Screening.objects.filter(main_substance="").count() == 3
    figures = {upt.pk: {"pp25": people_treated.empty()} for upt in upts}
    with CaptureQueriesContext(connection) as captured:
        people_treated.count(figures, Institution.objects.filter(pk__in=[u.pk for u in upts]), *BOUNDS)
    assert len(captured.captured_queries) == 2
    want = expected(patients)
    for upt in upts:
        counted = figures[upt.pk]["pp25"]
        got = {"pp25.treated": counted["treated"]} | {
            f"pp25.{name}.{category}": n
            for name in people_treated.BREAKDOWNS
            for category, n in counted[name].items()
        }
        assert got == want


@pytest.mark.django_db
def test_a_snapshot_from_before_the_table_renders_without_it(institution):
    Clinic(institution).treat([Patient()] * 6)
    report = Report(scope=Report.Scope.INSTITUTION, institution=institution, month=MONTH, language="en")
    figures, _true = printed(report)
    assert figures["pp25.treated"] == "6"
    with time_machine.travel(ON_THE_3RD, tick=False):
        old = snapshot(report, now=ON_THE_3RD)
    old.pop("pp25")
    old["withheld"] = {path: mark for path, mark in old["withheld"].items() if not path.startswith("pp25.")}
    page = report_html(report, old)
    assert "PP 25/2011" not in page and 'data-cell="pp25.' not in page
    assert printed_figures(old)["pp25"] is None


@pytest.mark.django_db
def test_the_api_prints_the_table_the_pdf_prints(client, institution, staff):
    Clinic(institution).treat(
        [Patient("male", "26_35", "ats")] * 6
        + [Patient("female", "18_25", "opioids", before=True)] * 2
        + [Patient("female", "46_plus", "not_screened")] * 5
    )
    with time_machine.travel(ON_THE_3RD, tick=False):
        report = render_report(institution)
        response = client.get(detail(report), **bearer(personal_key(staff)))
    assert response.status_code == 200, response.content
    figures = response.json()["figures"]
    table = figures["pp25"]
    assert table["treated"] == {"value": 13, "suppressed": None} and table["duration_of_use"] is None
    assert table["substance"]["opioids"]["value"] is None  # 2 people: "<5" or "×", never the number
    assert set(table["substance"]) == set(people_treated.BREAKDOWNS["substance"])
    assert api_cells(figures) == printed_cells(report)


def render_report(institution) -> Report:
    from reports.tasks import claim, report_for

    report = report_for(month=MONTH, language="en", scope=Report.Scope.INSTITUTION, institution=institution)
    assert claim(report.pk)
    return generate(report)


ATTACKED = ("screening.", "rehabilitation.moves.", "rehabilitation.left.", "pp25.", "members.")


@pytest.mark.django_db
def test_each_page_prints_exactly_the_cells_its_figure_set_publishes(
    region, other_region, institution, sister_institution, other_institution
):
    """The attackers here, in test_publication and in test_breakdowns read each report's cells from what its
    page is rendered from (test_publication.published_cells), not from the page itself: here every scope's
    page is rendered and read back, and prints exactly those cells of every table they attack (screenings,
    the moves out of programmes and their reasons, the people treated, the rows of a region's UPTs and of the
    nation's regions): shown counts, "<5", "×" and 0, and every category of the PP 25 table, 0 included."""
    Clinic(institution).treat([Patient("female", "18_25", "opioids", before=True)] * 3 + [Patient()] * 6)
    Clinic(sister_institution).treat([Patient("male", "46_plus", "cannabis")] * 12)
    Clinic(other_institution).treat([Patient("female", "unknown", "not_screened")] * 7)
    screen(institution, ["lower"] * 2)
    screen(other_institution, ["lower"] * 15)
    drop_outs(institution, ["health"] * 6 + ["disciplinary"] * 2)
    drop_outs(sister_institution, ["voluntary"] * 9)
    drop_outs(other_institution, ["other"] * 3)
    every_category = {
        f"pp25.{name}.{category}"
        for name, categories in people_treated.BREAKDOWNS.items()
        for category in categories
    }
    tables = {"screening": ("screening.",), "moves": ATTACKED[1:3], "pp25": ("pp25.",), "rows": ("members.",)}
    marks = {table: set() for table in tables}
    with time_machine.travel(ON_THE_3RD, tick=False):
        for report in every_scope([region, other_region]):
            page, true = printed(report)
            cells, counts = published_cells(report)
            where = scope_of(report)
            assert counts == true, where
            assert page == {path: cells.get(path, "0") for path in page}, where
            attacked = {path for path in {*page, *cells} if path.startswith(ATTACKED)}
            assert {path: page.get(path, "0") for path in attacked} == {
                path: cells.get(path, "0") for path in attacked
            }, where
            assert every_category | {"pp25.treated"} <= set(page), where  # every category printed, 0 too
            for path in attacked:
                marks[next(t for t, prefixes in tables.items() if path.startswith(prefixes))].add(
                    page.get(path, "0")
                )
    for table, texts in marks.items():  # each kind of cell seen in each table: the check is not vacuous
        assert {HIDDEN, WITHHELD, "0"} <= texts, (table, texts)


# --- The attacker ------------------------------------------------------------------------------------------

SEXES = ["male", "female"]
patients_strategy = st.lists(
    st.builds(
        Patient,
        sex=st.sampled_from(SEXES),
        age=st.sampled_from(list(BORN)),
        profile=st.sampled_from(list(PROFILES)),
        before=st.booleans(),
    ),
    max_size=6,
)


def attack(reports: list[Report], truth: dict[str, dict[str, int]]) -> None:
    """Every pp25 cell of every scope as printed; what is shown is the truth the test kept; no hidden count
    of 1 to 4 can be pinned with the sums across scopes and the six breakdowns' sums within each report."""
    # What each page prints, from what it is rendered from (test_publication.published_cells says why); that
    # every category is printed, 0 included: test_each_page_prints_exactly_the_cells_its_figure_set_publishes.
    pages = {scope_of(report): published_cells(report) for report in reports}
    tree = scope_tree(reports)
    every_category = {
        f"pp25.{name}.{category}"
        for name, categories in people_treated.BREAKDOWNS.items()
        for category in categories
    }
    table = every_category | {"pp25.treated"}
    # Nothing printed in the table beyond its categories (a category with no cell prints 0).
    assert {path for cells, _true in pages.values() for path in cells if path.startswith("pp25.")} <= table
    values, marks = {}, {}
    for scope, (cells, true) in pages.items():
        for path in table:
            cell = f"{scope}|{path}"
            values[cell] = true.get(path, 0)
            assert values[cell] == truth[scope].get(path, 0), (cell, truth[scope])
            text = cells.get(path, "0")
            if text in (HIDDEN, WITHHELD):
                marks[cell] = text
            else:
                assert int(text) == values[cell], (cell, text)
    assert {cell for cell, value in values.items() if 0 < value < 5} <= set(marks)
    sums = [
        (f"{total}|{path}", [f"{member}|{path}" for member in members])
        for total, members in tree.items()
        for path in table
    ]
    for scope in pages:
        for name in people_treated.BREAKDOWNS:
            parts = sorted(f"{scope}|{path}" for path in table if path.startswith(f"pp25.{name}."))
            sums.append((f"{scope}|pp25.treated", parts))
    pinned = pinned_by_integer_programming(values, marks, sums)
    assert pinned == {}, pinned


class TestNoCountOfPeopleTreatedCanBeWorkedOut(TestCase):
    """Hypothesis builds small countries (1–2 regions of 1–3 UPTs, 0–6 people treated at each, of either sex,
    any age group, screened or not, treated before or not), publishes every scope of the month (what each page
    prints) and attacks every hidden count with the sums across scopes and the six sums within each report."""

    @settings(max_examples=8, deadline=None, derandomize=True)
    @given(st.lists(st.lists(patients_strategy, min_size=1, max_size=3), min_size=1, max_size=2))
    def test_from_the_rendered_reports_of_every_scope(self, country):
        regions, truth = country_of(country, lambda upt, patients: Clinic(upt).treat(patients), expected)
        with time_machine.travel(ON_THE_3RD, tick=False):
            attack(every_scope(regions), truth)


# Two small countries in which interval propagation alone left a count pinned that the attacker found: in the
# first, Amuntai's 4 people at moderate risk (treated 6 = moderate + high + not screened; the region's
# moderate 10 and treated 13 and the other UPTs' shown zeros give moderate = 3 + one UPT's not screened, at
# least 1, and "<5" says at most 4); in the second a UPT's treated 3, through its region and the nation.
CHAINED = [
    [
        [
            Patient("male", "46_plus", "opioids", True),
            Patient("female", "unknown", "not_screened", False),
            Patient("female", "18_25", "ats", True),
            Patient("female", "46_plus", "cannabis", True),
            Patient("male", "18_25", "cannabis", True),
            Patient("male", "46_plus", "ats", True),
        ],
        [
            Patient("female", "26_35", "cannabis", True),
            Patient("female", "18_25", "ats", False),
            Patient("male", "unknown", "ats", True),
        ],
        [
            Patient("female", "under_18", "cannabis", False),
            Patient("female", "under_18", "not_screened", True),
            Patient("female", "36_45", "cannabis", True),
            Patient("male", "46_plus", "ats", True),
        ],
    ],
    [
        [
            Patient("male", "18_25", "cannabis", True),
            Patient("female", "46_plus", "ats", True),
            Patient("female", "unknown", "cannabis", False),
            Patient("female", "46_plus", "cannabis", False),
            Patient("female", "26_35", "nothing", True),
            Patient("male", "36_45", "cannabis", False),
        ],
    ],
    [
        [
            Patient("male", "36_45", "not_screened", True),
            Patient("female", "36_45", "not_screened", False),
            Patient("male", "under_18", "opioids", True),
        ],
        [
            Patient("male", "18_25", "nothing", True),
            Patient("male", "26_35", "cannabis", False),
            Patient("male", "26_35", "ats", True),
            Patient("male", "18_25", "ats", False),
        ],
    ],
]


@pytest.mark.parametrize("country", [CHAINED[:1], CHAINED[1:]], ids=["one-region", "two-regions"])
def test_a_chain_of_sums_through_the_breakdowns_pins_nothing(country):
    """The protection alone (no database): each country's counts, withheld_cells' choice for the table, and
    the attacker over every sum across scopes and within each scope."""
    from reports.publication import protect_table

    tree, cells = country_counts(country, expected)
    cells = {scope: dict(counts) for scope, counts in cells.items()}
    marks = protect_table(cells, {path for counts in cells.values() for path in counts}, tree)
    table = {"pp25.treated"} | {
        f"pp25.{name}.{category}"
        for name, categories in people_treated.BREAKDOWNS.items()
        for category in categories
    }
    values = {f"{scope}|{path}": cells[scope].get(path, 0) for scope in cells for path in table}
    assert {cell for cell, value in values.items() if 0 < value < 5} <= set(marks)
    sums = [
        (f"{total}|{path}", [f"{member}|{path}" for member in members])
        for total, members in tree.items()
        for path in table
    ]
    for scope in cells:
        for name in people_treated.BREAKDOWNS:
            parts = sorted(f"{scope}|{path}" for path in table if path.startswith(f"pp25.{name}."))
            sums.append((f"{scope}|pp25.treated", parts))
    assert pinned_by_integer_programming(values, marks, sums) == {}
