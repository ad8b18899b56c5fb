"""The audit trail records what it must and cannot be rewritten."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.models import AppendOnlyError, AuditEvent
from audit.services import audit_record


def test_login_success_and_failure_are_audited(client, staff, password):
    client.post(reverse("accounts:login"), {"username": "staf.amuntai", "password": "wrong"})
    client.post(
        reverse("accounts:login"),
        {"username": "staf.amuntai", "password": password},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="TestBrowser/1.0",
    )
    failed = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert (failed.username, failed.actor) == ("staf.amuntai", None)
    success = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert (success.actor, success.ip_address, success.user_agent) == (staff, "10.1.2.3", "TestBrowser/1.0")


def test_failed_login_never_stores_the_password(client, staff):
    client.post(reverse("accounts:login"), {"username": "staf.amuntai", "password": "secret-typo-123"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert "secret-typo-123" not in str(event.details) + event.username + event.object_repr


def test_changes_to_a_person_are_audited_with_the_person(login, staff, person, other_institution):
    admission = person.admissions.get()
    login(staff).post(
        reverse("inmates:admission-transfer", args=[admission.pk]),
        {"to_institution": other_institution.pk, "on": "2025-02-01"},
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE)
    assert (event.actor, event.person_id, event.object_type) == (staff, person.pk, "inmates.admission")
    assert event.details["transfer"]["to"] == other_institution.pk


@pytest.mark.django_db
def test_events_cannot_be_updated_or_deleted_through_the_orm():
    event = audit_record(action=AuditEvent.Action.VIEW, username="someone")
    event.username = "someone else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(username="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).username == "someone"


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL only"
)
def test_database_refuses_update_and_delete_on_postgresql():
    event = audit_record(action=AuditEvent.Action.VIEW, username="someone")
    for statement in (
        "UPDATE audit_auditevent SET username = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, username="someone").exists()


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "1.2.3.4", "10.0.0.9"),  # no proxy configured: the header is the client's own words
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # one proxy: the last hop it appended, not the forged first
        (1, "not-an-ip", "10.0.0.9"),  # garbage: fall back to the peer address
        (2, "1.2.3.4", "10.0.0.9"),  # fewer hops than proxies: fall back to the peer address
    ],
)
def test_audited_client_address_cannot_be_forged(rf, settings, proxies, forwarded, expected):
    from audit.context import client_address

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_a_garbage_forwarded_header_does_not_break_a_login(client, staff, password, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.post(
        reverse("accounts:login"),
        {"username": "staf.amuntai", "password": password},
        HTTP_X_FORWARDED_FOR="<script>",
    )
    assert response.status_code == 302
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN).ip_address == "127.0.0.1"


def test_changes_made_in_the_admin_join_the_audit_trail(login, national, institution):
    from django.contrib.auth.models import Permission

    national.is_staff = True
    national.save()
    national.user_permissions.add(*Permission.objects.filter(content_type__app_label="institutions"))
    client = login(national)
    url = reverse("admin:institutions_institution_change", args=[institution.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"region": institution.region_id, "name": "Lapas Kelas IIB Amuntai (baru)"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE, object_type="institutions.institution")
    assert event.actor == national and event.object_id == str(institution.pk)
    assert "Name" in event.details["admin"]  # "Changed Name.", in the language of the request
