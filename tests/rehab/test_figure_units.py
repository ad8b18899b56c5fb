"""What a figure counts, where DOMAIN.md leaves it open (stated in the report's appendix): someone in medical
and social rehabilitation at once counts once in each kind and once among the people active; an absence with
an acceptable reason is outside the attendance rate's denominator. Built through the services in February,
read in the February report. (Today is 2 March 2026: see conftest.)"""

import datetime as dt

import pytest
import time_machine

from inmates.models import Admission
from rehab import services
from rehab.models import Attendance, Enrolment, Programme
from reports.figures import compute
from reports.models import Report
from reports.render import generate
from reports.tasks import claim, report_for
from tests.factories import PersonFactory, admit
from tests.rehab.conftest import plan
from tests.rehab.test_services import local
from tests.reports.test_monthly import pdf_text

pytestmark = pytest.mark.django_db
FEBRUARY = dt.date(2026, 2, 1)


def enrol(staff, programme, person) -> Enrolment:
    enrolment = services.enrolment_create(
        by=staff, programme=programme, person=person, reason="Hasil sidang TPP", on=dt.date(2026, 2, 2)
    )
    return services.enrolment_move(by=staff, enrolment=enrolment, to="active", on=dt.date(2026, 2, 2))


def test_people_in_two_programmes_and_excused_absences(staff, facilitator, programme, institution, agency):
    Programme.objects.filter(pk=programme.pk).update(capacity=10, target=10)
    with time_machine.travel(local(dt.date(2026, 2, 2), 10), tick=False):
        medical = Programme.objects.create(
            institution=institution,
            kind=Programme.Kind.MEDICAL,
            name="Rehabilitasi Medis 2026",
            agency=agency,
            agreement=programme.agreement,
            starts_on=dt.date(2026, 2, 1),
            ends_on=dt.date(2026, 7, 31),
            capacity=5,
            target=5,
        )
        both = PersonFactory(full_name="Dua Program")
        admit(both, institution, on=dt.date(2026, 1, 5))
        others = [PersonFactory() for _ in range(6)]
        for person in others:
            admit(person, institution, on=dt.date(2026, 1, 5))
        social = [enrol(staff, programme, person) for person in (both, *others)]
        enrol(staff, medical, both)
        session = services.sessions_schedule(
            by=staff,
            programme=programme,
            plan=plan([facilitator], social),
            times=[(local(dt.date(2026, 2, 20), 9), local(dt.date(2026, 2, 20), 11))],
        )[0]
    with time_machine.travel(local(dt.date(2026, 2, 20), 12), tick=False):
        rows = {row.enrolment_id: row.pk for row in session.attendances.all()}
        services.attendance_record(
            by=facilitator,
            session=session,
            marks={
                rows[social[0].pk]: (Attendance.Status.EXCUSED, Attendance.Reason.COURT),
                **{rows[enrolment.pk]: (Attendance.Status.PRESENT, "") for enrolment in social[1:]},
            },
        )
    assert Admission.objects.count() == 7
    figures = compute([institution.pk], FEBRUARY)
    assert figures["rehabilitation"]["active_by_kind"] == {"medical": 1, "social": 7}
    assert figures["rehabilitation"]["active_people"] == 7
    sessions = figures["sessions"]
    assert (sessions["recorded"], sessions["attended"], sessions["excused"]) == (7, 6, 1)
    report = report_for(
        scope=Report.Scope.INSTITUTION, institution=institution, month=FEBRUARY, language="en"
    )
    assert claim(report.pk)
    generate(report)
    text = pdf_text(report)
    assert "Attendance rate (attended ÷ expected) 100%" in text  # 6 ÷ (7 − 1), not 6 ÷ 7
    # One person in medical rehabilitation: "<5". Enrolments in social (7) beside the active participants
    # (8) would give that 1 away, so social is withheld; 7 people is no such sum and stays.
    assert "Active at the month's end: Medical rehabilitation <5" in text
    assert "Active at the month's end: Social rehabilitation / Therapeutic Community ×" in text
    assert "Active participants 8" in text
    assert "People active at the month's end (each counted once) 7" in text
    assert "counts once in each kind" in " ".join(text.split())  # the appendix says so
