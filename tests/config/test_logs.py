"""Log lines say which request, user (by id) and route, and how it went — and nothing about a person
(issue 21): no path with a person's id, no query string, no username, no NIK."""

import io
import json
import logging

import pytest
from django.urls import reverse

from config.celery import app as celery_app
from config.logs import ContextFilter, JsonFormatter, TextFormatter


@pytest.fixture
def log_lines():
    """Everything logged while the test runs, as the production handler would write it (JSON)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def _request_line(lines):
    (line,) = [line for line in lines if line["logger"] == "rehab.request"]
    return line


def test_a_request_is_one_json_line_with_its_id_user_and_route_and_no_personal_data(
    login, staff, person, log_lines
):
    response = login(staff).get(
        reverse("inmates:person-detail", args=[person.pk]) + f"?q={person.nik}&name=Ahmad",
        headers={"X-Request-ID": "0f3c9a2be4d14c6f9a1b2c3d4e5f6a7b"},
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "0f3c9a2be4d14c6f9a1b2c3d4e5f6a7b"
    line = _request_line(log_lines())
    assert line["request_id"] == "0f3c9a2be4d14c6f9a1b2c3d4e5f6a7b"
    assert line["user_id"] == staff.pk
    assert line["route"] == "inmates:person-detail"
    assert line["status"] == 200 and line["method"] == "GET"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    everything = json.dumps(log_lines())
    for personal in (f"/{person.pk}/", person.nik, "Ahmad", staff.username, "?q="):
        assert personal not in everything


@pytest.mark.parametrize(
    "given",
    ["", "short", "has spaces in it", "line\nbreak-injected-id", "<script>alert(1)</script>", "x" * 101],
)
def test_a_request_id_that_is_not_a_sane_token_is_replaced(client, log_lines, given):
    response = client.get(reverse("accounts:login"), headers={"X-Request-ID": given} if given else {})
    generated = response["X-Request-ID"]
    assert generated != given and len(generated) == 32 and int(generated, 16) >= 0
    line = _request_line(log_lines())
    assert line["request_id"] == generated and "user_id" not in line
    assert line["route"] == "accounts:login"


def test_djangos_not_found_warning_names_the_route_not_the_path(login, staff, log_lines):
    response = login(staff).get(reverse("inmates:person-detail", args=[987654]))
    assert response.status_code == 404
    lines = log_lines()
    (warning,) = [line for line in lines if line["logger"] == "django.request"]
    assert warning["message"] == "Not Found: inmates:person-detail"
    assert warning["route"] == "inmates:person-detail" and warning["user_id"] == staff.pk
    assert "987654" not in json.dumps(lines)


@pytest.mark.urls("tests.config.failing_urls")
def test_an_error_is_logged_with_its_traceback_and_the_nik_in_its_message_masked(login, staff, log_lines):
    client = login(staff)
    client.raise_request_exception = False
    response = client.post("/boom/4242/", {"full_name": "Ahmad Fauzan", "nik": "6308011705900001"})
    assert response.status_code == 500
    lines = log_lines()
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["message"] == "Internal Server Error: boom" and error["route"] == "boom"
    assert "RuntimeError: could not file a screening (2 fields): NIK [redacted]" in error["exception"]
    assert _request_line(lines)["status"] == 500
    everything = json.dumps(lines)
    assert "6308011705900001" not in everything and "Ahmad" not in everything and "4242" not in everything


@celery_app.task(name="tests.config.test_logs.log_from_a_task")
def log_from_a_task():
    logging.getLogger("tests.task").info("working")


def test_a_tasks_lines_carry_its_name_and_id(log_lines):
    result = log_from_a_task.apply()
    (line,) = [line for line in log_lines() if line["logger"] == "tests.task"]
    assert line["task_name"] == "tests.config.test_logs.log_from_a_task"
    assert line["task_id"] == result.id


def test_the_text_format_is_one_readable_line_with_the_context():
    record = logging.LogRecord("rehab.request", logging.INFO, __file__, 1, "GET %s", ("home",), None)
    record.status, record.route, record.user_id, record.request_id = 200, "home", 7, "abc"
    line = TextFormatter().format(record)
    assert "INFO    rehab.request: GET home" in line
    assert "request_id=abc user_id=7 route=home status=200" in line
