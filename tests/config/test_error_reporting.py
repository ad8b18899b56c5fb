"""Errors reach the people who run the system (mail to ADMINS, a Sentry-compatible server) with what they
need to find the request in the logs, and without the person the request was about (issue 21)."""

import pytest
import sentry_sdk
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from sentry_sdk.transport import Transport

from config.celery import app as celery_app
from config.error_reporting import init_sentry, parse_admins, scrub_event

NAME, NIK = "Ahmad Fauzan", "6308011705900001"


class CapturingTransport(Transport):
    """Keeps every envelope sentry-sdk would send, serialised as it would go over the wire."""

    sent: list[bytes]

    def __init__(self, options=None):
        super().__init__(options)
        self.sent = []

    def capture_envelope(self, envelope):
        self.sent.append(envelope.serialize())

    def flush(self, timeout, callback=None):
        pass


@pytest.fixture
def sentry():
    transport = CapturingTransport()
    init_sentry(dsn="https://public@errors.example.invalid/1", environment="test", transport=transport)
    try:
        yield transport
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.get_global_scope().set_client(None)


def _fail(client):
    client.raise_request_exception = False
    client.cookies["csrftoken"] = "csrf-cookie-value-0123456789"
    response = client.post(
        f"/boom/4242/?q={NIK}&name=Ahmad+Fauzan",
        {"full_name": NAME, "nik": NIK},
        headers={"X-Request-ID": "req-0123456789abcdef", "Referer": f"https://x.example/wbp/?q={NIK}"},
    )
    assert response.status_code == 500
    return response


@pytest.mark.urls("tests.config.failing_urls")
def test_sentry_gets_the_error_without_the_persons_data_or_the_session(sentry, login, staff):
    client = login(staff)
    session_cookie = client.cookies["sessionid"].value
    _fail(client)
    assert len(sentry.sent) == 1
    envelope = sentry.sent[0].decode()
    # The error is there, with what finds it: route, request id, user id, the code that failed.
    assert "RuntimeError" in envelope and "NIK [redacted] already taken" in envelope
    assert '"transaction":"/boom/{pk}/"' in envelope and "req-0123456789abcdef" in envelope
    assert f'"user":{{"id":{staff.pk}}}' in envelope
    assert "fail_with_personal_data" in envelope
    for personal in (NAME, "Ahmad", NIK, session_cookie, "csrf-cookie-value", staff.username, "4242", "?q="):
        assert personal not in envelope, personal


def test_scrub_event_leaves_only_what_cannot_name_a_person():
    event = {
        "transaction": "inmates:person-detail",
        "message": f"looking up {NIK}",
        "request": {
            "url": "https://x.example/wbp/17/",
            "method": "POST",
            "query_string": f"q={NIK}",
            "data": {"full_name": NAME},
            "cookies": {"sessionid": "s3cr3t"},
            "headers": {"Cookie": "sessionid=s3cr3t", "Authorization": "Bearer t0ken", "Accept": "text/html"},
            "env": {"REMOTE_ADDR": "10.1.2.3"},
        },
        "user": {
            "id": 7,
            "username": "staf.amuntai",
            "email": "staf@example.go.id",
            "ip_address": "10.1.2.3",
        },
        "exception": {
            "values": [
                {"value": f"NIK {NIK}", "stacktrace": {"frames": [{"function": "f", "vars": {"n": NAME}}]}}
            ]
        },
        "breadcrumbs": {"values": [{"category": "query", "message": "SELECT 1", "data": {"params": [NIK]}}]},
        "extra": {"celery-job": {"args": [NAME]}},
    }
    scrubbed = scrub_event(event)
    assert scrubbed["request"] == {
        "method": "POST",
        "url": "inmates:person-detail",
        "headers": {"Accept": "text/html"},
    }
    assert scrubbed["user"] == {"id": 7}
    assert scrubbed["message"] == "looking up [redacted]"
    assert scrubbed["exception"]["values"][0] == {
        "value": "NIK [redacted]",
        "stacktrace": {"frames": [{"function": "f"}]},
    }
    assert scrubbed["breadcrumbs"]["values"] == [{"category": "query", "message": "SELECT 1"}]
    for personal in (NAME, NIK, "s3cr3t", "t0ken", "staf", "10.1.2.3", "/17/"):
        assert personal not in repr(scrubbed)


@pytest.mark.urls("tests.config.failing_urls")
def test_admins_are_mailed_the_route_and_request_id_never_the_request(settings, login, staff):
    settings.ADMINS = [("Tim Operasional", "ops@example.go.id")]
    client = login(staff)
    session_cookie = client.cookies["sessionid"].value
    _fail(client)
    (message,) = mail.outbox
    assert message.to == ["ops@example.go.id"]
    assert message.subject == "[Rehab Lapas] ERROR: RuntimeError at boom"
    assert "Route: boom" in message.body and "Status: 500" in message.body
    assert "Request id: req-0123456789abcdef" in message.body and f"User id: {staff.pk}" in message.body
    assert "RuntimeError: could not file a screening (2 fields): NIK [redacted] already taken" in message.body
    assert not message.alternatives  # no HTML page of the request
    for personal in (NAME, "Ahmad", NIK, session_cookie, "csrf-cookie-value", staff.username, "4242", "?q="):
        assert personal not in message.body + message.subject, personal


@pytest.mark.urls("tests.config.failing_urls")
def test_no_mail_without_admins(settings, login, staff):
    settings.ADMINS = []
    _fail(login(staff))
    assert not mail.outbox


def test_admins_come_from_one_environment_line():
    assert parse_admins("Tim Operasional <ops@example.go.id>, oncall@example.go.id") == [
        ("Tim Operasional", "ops@example.go.id"),
        ("oncall@example.go.id", "oncall@example.go.id"),
    ]
    assert parse_admins("  ") == []
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ADMINS"):
        parse_admins("just a name")


TASK = "tests.config.test_error_reporting.fail_in_a_task"


@celery_app.task(name=TASK)
def fail_in_a_task(person_id):
    raise ValueError(f"no screening for NIK {NIK}")


def test_a_failing_task_is_mailed_under_its_name_without_its_arguments_data(settings):
    settings.ADMINS = [("Tim Operasional", "ops@example.go.id")]
    result = fail_in_a_task.apply(args=[4242], throw=False)
    assert result.failed()
    (message,) = mail.outbox
    assert message.subject == f"[Rehab Lapas] ERROR: ValueError at {TASK}"
    assert f"Task: {TASK} {result.id}" in message.body
    assert "ValueError: no screening for NIK [redacted]" in message.body and NIK not in message.body
