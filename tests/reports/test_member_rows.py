"""A region report's row per UPT (issue 20), every column of it read back from the PDF and the workbook and
compared with counts worked out here straight from the records: a November in which both UPTs of Kalimantan
Selatan screened, assessed, ran and ended programmes, held sessions and followed released people up, every
count 0 or at least 5 so that each is printed as it is."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from accounts.models import Role
from assessments.models import Assessment, Screening
from assessments.services import screening_record
from inmates.services import admission_release
from rehab import services as rehab_services
from rehab.models import Enrolment, EnrolmentTransition, FollowUp, Session
from reports.models import Report
from reports.render import generate
from reports.tasks import claim, report_for
from reports.xlsx import workbook_bytes
from tests.assessments.test_views import MODERATE_CANNABIS, assess
from tests.dashboard.test_participation import NOVEMBER, at, counted, percent, upt_world
from tests.factories import UserFactory, membership
from tests.reports.test_publication import pdf_text

pytestmark = pytest.mark.django_db

LAST = dt.date(2026, 11, 30)
REPORTED = dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC)  # when November's reports are made


def more_of_november(
    upt, staff, *, overdue: int, screened: int, assessed: int, completed: int, dropped: int
) -> None:
    """At `upt`: `overdue` of the last participants released on 20 September, their first follow-up (due on 20
    October) never done; people still held screened and assessed on 12 November; the last enrolments still
    active completing their programme, or dropping out, on 26 November (after the month's sessions)."""
    active = Enrolment.objects.filter(programme__institution=upt, status="active").order_by("-pk")
    with at(dt.date(2026, 9, 20)):
        for enrolment in list(active[:overdue]):
            admission_release(
                by=staff, admission=enrolment.admission, on=dt.date(2026, 9, 20), release_type="parole"
            )
    held = [e.person for e in Enrolment.objects.filter(programme__institution=upt, status="active")]
    held += [a.person for a in upt.admissions.filter(released_on__isnull=True, person__enrolments=None)]
    with at(dt.date(2026, 11, 12)):
        for person in held[:screened]:
            screening_record(
                by=staff,
                person=person,
                instrument="ASSIST",
                answers={"substances": {"cannabis": MODERATE_CANNABIS}, "q8": "no_never"},
                screened_on=dt.date(2026, 11, 12),
            )
        for person in held[:assessed]:
            assess(person, staff, on=dt.date(2026, 11, 12))
    leaving = list(Enrolment.objects.filter(programme__institution=upt, status="active").order_by("-pk"))
    with at(dt.date(2026, 11, 26)):
        for enrolment in leaving[:completed]:
            rehab_services.enrolment_move(
                by=staff, enrolment=enrolment, to="completed", on=dt.date(2026, 11, 26)
            )
        for enrolment in leaving[completed : completed + dropped]:
            rehab_services.enrolment_move(
                by=staff,
                enrolment=enrolment,
                to="dropped_out",
                on=dt.date(2026, 11, 26),
                leave_reason="health",
            )


def expected_row(upt) -> list[str]:
    """The UPT's row as the report should print it, counted from the records (nothing in this world was
    typed late or corrected, so today's records are November's)."""
    month = (NOVEMBER, LAST)
    moves = EnrolmentTransition.objects.filter(enrolment__programme__institution=upt, on__range=month)
    active = counted([upt], NOVEMBER)
    follow_ups = FollowUp.objects.filter(plan__admission__institution=upt)
    row = [
        Screening.objects.filter(institution=upt, screened_on__range=month)
        .values("person")
        .distinct()
        .count(),
        Assessment.objects.filter(institution=upt, assessed_on__range=month).count(),
        0,  # no medical programme in this world
        active["enrolments"],  # social
        moves.filter(to_status="completed").count(),
        moves.filter(to_status="dropped_out").count(),
        Session.objects.filter(institution=upt, status="held", starts_at__date__range=month).count(),
        active["followups"],
        follow_ups.filter(due_on__lt=LAST, done_on__isnull=True, cancelled=False).count(),
    ]
    return [str(n) for n in row] + [percent(active["attended"], active["expected"])]


@pytest.fixture
def november(region, institution, sister_institution, staff, sister_staff, counsellor, agency):
    upt_world(institution, staff, counsellor, agency, held=30, screened=6, enrolled=25, released=10)
    colleague = membership(UserFactory(), Role.COUNSELLOR, agency)  # the other UPT's sessions run at once
    upt_world(
        sister_institution, sister_staff, colleague, agency, held=30, screened=5, enrolled=25, released=6
    )
    more_of_november(institution, staff, overdue=5, screened=7, assessed=6, completed=5, dropped=0)
    more_of_november(
        sister_institution, sister_staff, overdue=6, screened=5, assessed=9, completed=0, dropped=5
    )
    with time_machine.travel(REPORTED, tick=False):
        report = report_for(scope=Report.Scope.REGION, region=region, month=NOVEMBER, language="en")
        assert claim(report.pk)
        return generate(report)


def test_each_upts_row_is_what_its_records_say_in_the_pdf_and_the_workbook(
    november, institution, sister_institution
):
    rows = {upt.name: expected_row(upt) for upt in (institution, sister_institution)}
    # The world is what it says: no column of either row is empty or small, save those meant to be 0.
    assert rows[institution.name] == ["7", "6", "0", "5", "5", "0", "3", "10", "5", "72%"]
    assert rows[sister_institution.name] == ["5", "9", "0", "8", "0", "5", "3", "6", "6", "72%"]
    pdf = pdf_text(november)
    workbook = load_workbook(io.BytesIO(workbook_bytes(november, november.snapshot)))
    heads, *sheet = [[cell.value for cell in row] for row in workbook["By UPT"].iter_rows()]
    assert heads == [
        "UPT",
        "Screened",
        "Assessed",
        "Medical",
        "Social",
        "Completed",
        "Dropped out",
        "Sessions",
        "Follow-ups",
        "Overdue",
        "Attendance",
    ]
    for name, expected in rows.items():
        assert f"{name} {' '.join(expected)}" in pdf, name
        [found] = [row[1:] for row in sheet if row[0] == name]
        assert [str(value) for value in found] == expected, name
