"""Why people leave a programme (issue 20): every step out records a structured reason, chosen for a
drop-out (with words for "other"), implied by the step for the rest; records from before keep their words as
"other"."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from inmates import services as inmates_services
from rehab import services
from rehab.models import EnrolmentTransition
from tests.rehab.conftest import make_enrolment


def _left(enrolment) -> tuple[str, str]:
    step = enrolment.transitions.order_by("-pk").first()
    return step.leave_reason, step.reason


@pytest.mark.parametrize("reason", ["disciplinary", "voluntary", "health", "death"])
def test_a_drop_out_names_its_reason(staff, programme, reason):
    enrolment = make_enrolment(programme)
    services.enrolment_move(by=staff, enrolment=enrolment, to="dropped_out", leave_reason=reason)
    assert _left(enrolment) == (reason, "")


def test_other_needs_words_and_words_alone_count_as_other(staff, programme):
    enrolment = make_enrolment(programme)
    with pytest.raises(ValidationError, match="Give the reason"):
        services.enrolment_move(by=staff, enrolment=enrolment, to="dropped_out", leave_reason="other")
    with pytest.raises(ValidationError, match="Choose why"):
        services.enrolment_move(by=staff, enrolment=enrolment, to="dropped_out")
    with pytest.raises(ValidationError, match="Choose why"):
        services.enrolment_move(by=staff, enrolment=enrolment, to="dropped_out", leave_reason="completed")
    assert not enrolment.transitions.exists()
    services.enrolment_move(by=staff, enrolment=enrolment, to="dropped_out", reason="Pindah blok")
    assert _left(enrolment) == ("other", "Pindah blok")


def test_the_other_steps_say_their_reason_themselves(staff, programme, person):
    completed = make_enrolment(programme)
    services.enrolment_move(by=staff, enrolment=completed, to="completed", reason="Dispensasi", override=True)
    assert _left(completed)[0] == "completed"
    waiting = make_enrolment(programme, status="waiting")
    services.enrolment_move(by=staff, enrolment=waiting, to="active")
    assert _left(waiting)[0] == ""  # a step in is no leaving


@pytest.mark.parametrize(("release_type", "reason"), [("parole", "released"), ("death", "death")])
def test_a_release_closes_the_enrolment_with_its_reason(staff, programme, release_type, reason):
    enrolment = make_enrolment(programme)
    inmates_services.admission_release(
        by=staff, admission=enrolment.admission, on=dt.date(2026, 3, 1), release_type=release_type
    )
    assert _left(enrolment)[0] == reason


def test_the_programme_page_offers_the_reasons_and_records_the_chosen_one(login, staff, programme):
    enrolment = make_enrolment(programme)
    page = login(staff).get(programme.get_absolute_url()).content.decode()
    assert 'name="leave_reason"' in page and "Voluntary withdrawal" in page
    login(staff).post(
        reverse("rehab:enrolment-move", args=[enrolment.pk]),
        {"to": "dropped_out", "leave_reason": "health", "on": "2026-03-02"},
    )
    assert _left(enrolment) == ("health", "")


@pytest.fixture
def back_to_the_latest_schema():
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_steps_recorded_before_get_their_reason(staff, programme, back_to_the_latest_schema):
    left = {status: make_enrolment(programme) for status in ("completed", "dropped_out")}
    with transaction.atomic():
        services.enrolment_move(
            by=staff, enrolment=left["completed"], to="completed", reason="x", override=True
        )
        services.enrolment_move(by=staff, enrolment=left["dropped_out"], to="dropped_out", reason="Menolak")
    EnrolmentTransition.objects.update(leave_reason="")  # as they stood before the field
    executor = MigrationExecutor(connection)
    executor.migrate([("rehab", "0013_consent_and_legal_basis")])
    executor.loader.build_graph()
    executor.migrate([("rehab", "0014_transition_leave_reason")])
    reasons = dict(EnrolmentTransition.objects.values_list("to_status", "leave_reason"))
    assert reasons == {"completed": "completed", "dropped_out": "other"}


@pytest.mark.django_db(transaction=True)
def test_a_move_is_a_transaction_of_its_own(staff, programme):
    """Called from a page, outside any transaction: the step takes its rows' locks in one of its own."""
    enrolment = make_enrolment(programme)
    services.enrolment_move(by=staff, enrolment=enrolment, to="dropped_out", leave_reason="health")
    assert _left(enrolment) == ("health", "")
