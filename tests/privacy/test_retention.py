"""The retention schedule (UU 27/2022 Art. 44): what is past its period is listed first (a dry run the DPO
approves), then anonymised or deleted, each record audited; published figures do not change."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from accounts.models import Membership, Role
from audit.models import AuditEvent
from audit.services import audit_record
from inmates.models import Admission, Person
from privacy import retention
from privacy.models import RetentionRule, RetentionRun
from reports.figures import compute
from tests.factories import PersonFactory, UserFactory, release

RELEASED = dt.date(2000, 1, 10)
PERIOD = retention.years(25)  # 9131 days
FIRST_DUE = RELEASED + dt.timedelta(days=PERIOD + 1)  # the first day the release is before the cut-off


def _at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(3, 0), tzinfo=dt.UTC), tick=False)


@pytest.fixture
def former(institution):
    person = PersonFactory(full_name="Hendra Wijaya", birth_place="Barabai")
    with _at(dt.date(1999, 6, 1)):
        release(person, institution, admitted=dt.date(1999, 6, 1), released=RELEASED)
    return person


@pytest.fixture
def national_dpo(db):
    user = UserFactory(username="dpo.pusat")
    Membership.objects.create(user=user, role=Role.DPO)
    return user


def test_a_record_is_due_the_day_its_period_ends_not_the_day_before(former, person):
    with _at(FIRST_DUE - dt.timedelta(days=1)):
        assert retention.plan().counts()["people"] == 0
    with _at(FIRST_DUE):
        run = retention.plan()
        assert run.plan["people"]["ids"] == [former.pk]  # not `person`, still in custody
        assert RetentionRun.objects.filter(status="superseded").count() == 1
        former.refresh_from_db()
        assert former.full_name == "Hendra Wijaya"  # a plan changes nothing


def test_the_approved_run_anonymises_audits_and_leaves_the_figures_as_they_were(former, institution):
    month = dt.date(2000, 1, 1)
    before = compute([institution.pk], month)
    with _at(FIRST_DUE):
        run = retention.plan()
        assert retention.carry_out(run)["people"] == 1
    former.refresh_from_db()
    assert former.full_name == f"Anonim {former.pk}" and former.nik is None and former.birth_place == ""
    assert former.birth_date == dt.date(1990, 1, 1) and former.anonymised_at is not None
    assert Admission.objects.get(person=former).register_number.startswith("ANON-")
    event = AuditEvent.objects.get(person_id=former.pk, details__retention="anonymised")
    assert "Hendra" not in event.object_repr
    assert compute([institution.pk], month) == before
    with _at(FIRST_DUE), pytest.raises(Exception, match="carried out or replaced"):
        retention.carry_out(run)


def test_a_period_under_the_legal_minimum_is_refused(login, national):
    response = login(national).post(
        reverse("privacy:retention-rule"),
        {"kind": "people", "amount": "10", "unit": "years", "reason": "Save space"},
    )
    assert response.status_code == 400
    assert "Shorter than the minimum for this kind of record" in response.content.decode()
    assert not RetentionRule.objects.exists()
    ok = login(national).post(
        reverse("privacy:retention-rule"),
        {"kind": "people", "amount": "30", "unit": "years", "reason": "Archive rule"},
    )
    assert ok.status_code == 302
    assert retention.kept_for("people") == dt.timedelta(days=retention.years(30))
    days = login(national).post(
        reverse("privacy:retention-rule"),
        {"kind": "import_files", "amount": "45", "unit": "days", "reason": "Audit"},
    )
    assert days.status_code == 302 and retention.kept_for("import_files") == dt.timedelta(days=45)


def test_the_dpo_approves_the_plan_on_the_page(
    login, national_dpo, former, django_capture_on_commit_callbacks, monkeypatch
):
    from privacy import tasks

    # The worker's task itself, run in this process whether or not a broker is configured (the real worker on
    # Redis is exercised by the reports' and imports' worker tests).
    monkeypatch.setattr(
        tasks.carry_out_retention,
        "apply_async",
        lambda args, **options: tasks.carry_out_retention.apply(args),
    )
    client = login(national_dpo)
    with _at(FIRST_DUE):
        assert client.post(reverse("privacy:retention-plan")).status_code == 302
        run = RetentionRun.objects.get(status="planned")
        page = client.get(reverse("privacy:retention")).content.decode()
        assert "Approve and carry out" in page
        with django_capture_on_commit_callbacks(execute=True):  # the worker's task, run in-process here
            response = client.post(reverse("privacy:retention-approve", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "done" and run.result["people"] == 1 and run.approved_by == national_dpo


def test_old_audit_events_are_deleted_and_the_trail_stays_append_only_otherwise(staff):
    with _at(dt.date(2000, 1, 1)):
        old = audit_record(action="login", actor=staff)
    with _at(dt.date(2026, 3, 1)):
        recent = audit_record(action="login", actor=staff)
        run = retention.plan()
        assert old.pk in run.plan["audit_events"]["ids"] and recent.pk not in run.plan["audit_events"]["ids"]
        retention.carry_out(run)
    assert (
        not AuditEvent.objects.filter(pk=old.pk).exists() and AuditEvent.objects.filter(pk=recent.pk).exists()
    )
    assert AuditEvent.objects.filter(details__retention="deleted", details__count=1).exists()
    if connection.vendor == "postgresql":  # outside a retention run, the database still refuses
        from django.db import DatabaseError, transaction

        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [recent.pk])


def test_the_command_lists_with_dry_run_and_carries_out_without(former):
    out = io.StringIO()
    with _at(FIRST_DUE):
        call_command("retention_run", "--dry-run", stdout=out)
        assert "people" in out.getvalue() and "Dry run: nothing changed." in out.getvalue()
        assert Person.objects.get(pk=former.pk).anonymised_at is None
        call_command("retention_run", stdout=io.StringIO())
    assert Person.objects.get(pk=former.pk).anonymised_at is not None


def test_who_reaches_the_retention_page(login, staff, regional, national, national_dpo, dpo):
    assert login(staff).get(reverse("privacy:retention")).status_code == 403
    assert login(regional).get(reverse("privacy:retention")).status_code == 403
    page = login(dpo).get(reverse("privacy:retention"))  # a region's DPO reads; only the nation's approves
    assert page.status_code == 200 and "Change a period" not in page.content.decode()
    assert login(national).get(reverse("privacy:retention")).status_code == 200
    assert login(dpo).post(reverse("privacy:retention-plan")).status_code == 403


def test_anonymising_clears_assessment_text_merged_records_and_request_text(former, institution, staff):
    from assessments.models import Assessment
    from privacy import services as privacy_services
    from tests.assessments.test_views import assess

    with _at(dt.date(1999, 8, 1)):
        assessment = assess(former, staff, on=dt.date(1999, 8, 1))
        Assessment.objects.filter(pk=assessment.pk).update(
            summary="Uses daily since 1995.", domain_notes={"drug": "heroin"}
        )
    twin = PersonFactory(full_name="Hendra W.")
    Person.objects.filter(pk=twin.pk).update(merged_into=former)
    with _at(dt.date(2000, 1, 5)):
        privacy_services.register_request(
            actor=staff,
            person=former,
            institution=institution,
            kind="access",
            received_at=dt.datetime(2000, 1, 5, 1, tzinfo=dt.UTC),
            requested_by="Hendra Wijaya",
            identity_check="id_card",
            identity_details="KTP 1234",
            details="Copy please",
        )
    with _at(FIRST_DUE):
        result = retention.carry_out(retention.plan())
    assert result["people"] == 2 and result["health_records"] == 1
    assessment = Assessment.objects.get(person=former)
    assert assessment.summary == "" and assessment.domain_notes == {}
    twin.refresh_from_db()
    assert twin.full_name == f"Anonim {twin.pk}" and twin.anonymised_at is not None
    from privacy.models import RightsRequest

    request = RightsRequest.objects.get(person=former)
    assert request.requested_by == request.details == request.identity_details == ""


def test_an_approved_plan_is_not_replaced_and_a_longer_period_keeps_the_records(former, national):
    with _at(FIRST_DUE):
        run = retention.plan()
        retention.approve(run, actor=national)
        retention.plan()  # the monthly job, meanwhile
        run.refresh_from_db()
        assert run.status == "approved"
        retention.set_period(actor=national, key="people", days=retention.years(30), reason="Archive rule")
        assert retention.carry_out(run)["people"] == 0  # no longer due under the schedule in force
    former.refresh_from_db()
    assert former.anonymised_at is None
