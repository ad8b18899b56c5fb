"""The OpenAPI schema says what the API does (issue 19), one test for each difference Schemathesis or its
review found: the problem documents every operation may answer, a report's month as it is written, the bounds
of a session's marks, JSON-only bodies, and answers given before any API view runs. The schema also
generates with no warning and validates."""

import json
import re

import pytest
from django.core.management import call_command
from django.test import Client

from tests.api.conftest import bearer, personal_key

SCHEMA = "/api/v1/schema/?format=json"
PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture
def schema(client, staff) -> dict:
    response = client.get(SCHEMA, **bearer(personal_key(staff)))
    assert response.status_code == 200
    return response.json()


def test_the_schema_generates_without_a_warning_and_validates(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/persons/" in (tmp_path / "schema.yaml").read_text()


def test_every_operation_declares_the_problems_it_may_answer(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            expected = {"401", "403", "404", "406", "429"}
            if method == "post":
                expected |= {"400", "415"}
            assert expected <= set(responses), (method, path)
            for code in expected:
                if "/fhir/" in path:  # FHIR's own error document, an OperationOutcome
                    assert set(responses[code]["content"]) == {"application/fhir+json"}, (code, path)
                else:
                    assert responses[code]["content"] == {"application/problem+json": {"schema": PROBLEM}}


def test_only_lists_whose_filters_refuse_a_bad_value_declare_a_400(schema):
    reads = {
        path: methods["get"]["responses"] for path, methods in schema["paths"].items() if "get" in methods
    }
    declares = {path for path, responses in reads.items() if "400" in responses}
    assert {"/api/v1/screenings/", "/api/v1/reports/", "/api/v1/sessions/"} <= declares
    # These drop a bad value, as their pages do; no detail answers 400.
    assert not declares & {
        "/api/v1/custody/",
        "/api/v1/agreements/",
        "/api/v1/persons/",
        "/api/v1/persons/{id}/",
    }


def test_the_problem_schema_is_what_the_api_answers(client, staff, schema):
    answer = client.get("/api/v1/screenings/?instrument=ASI", **bearer(personal_key(staff)))
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    component = schema["components"]["schemas"]["Problem"]
    assert set(component["required"]) <= set(answer.json()) <= set(component["properties"])


def test_a_reports_month_is_described_as_it_is_written(schema):
    month = schema["components"]["schemas"]["Report"]["properties"]["month"]
    assert "format" not in month  # not a date: there is no day
    assert re.search(month["pattern"], "2026-10") and not re.search(month["pattern"], "2026-10-01")
    listing = {p["name"]: p for p in schema["paths"]["/api/v1/reports/"]["get"]["parameters"]}
    assert listing["month"]["schema"]["pattern"] == month["pattern"]
    place = listing["place"]["schema"]["pattern"]
    assert all(re.search(place, ok) for ok in ("national", "region:3", "institution:12"))
    assert not any(re.search(place, bad) for bad in ("region", "region:x", "kota:1"))


@pytest.mark.parametrize("place", ["region:²", "institution:" + "9" * 30])
def test_a_place_that_is_no_id_answers_400_not_500(client, staff, place):
    response = client.get("/api/v1/reports/", {"place": place}, **bearer(personal_key(staff)))
    assert response.status_code == 400 and "place" in response.json()["errors"]


def test_a_person_filter_beyond_any_id_answers_400_not_500(client, staff):
    response = client.get("/api/v1/recommendations/", {"person": 10**20}, **bearer(personal_key(staff)))
    assert response.status_code == 400 and "person" in response.json()["errors"]


def test_a_sessions_marks_declare_their_bounds(schema):
    marks = schema["components"]["schemas"]["AttendanceMarks"]["properties"]["marks"]
    assert (marks["type"], marks["minItems"], marks["maxItems"]) == ("array", 1, 500)


def test_bodies_are_json_only(client, staff, person, schema):
    for path, methods in schema["paths"].items():
        if "post" in methods:
            assert set(methods["post"]["requestBody"]["content"]) == {"application/json"}, path
    form = client.post(
        "/api/v1/screenings/",
        f"person={person.pk}&instrument=DAST-10&screened_on=2026-03-01&answers=%7B%7D",
        "application/x-www-form-urlencoded",
        **bearer(personal_key(staff)),
    )
    assert form.status_code == 415 and form["Content-Type"] == "application/problem+json", form.content


def test_a_post_to_no_endpoint_is_a_404_problem_not_the_csrf_page(staff):
    checked = Client(enforce_csrf_checks=True)
    response = checked.post(
        "/api/v1/sessions/1.5/attendance/", "{}", "application/json", **bearer(personal_key(staff))
    )
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_input_no_database_can_store_is_refused_with_a_problem_under_the_api(client, staff):
    key = personal_key(staff)
    path = client.get("/api/v1/persons/%00/", **bearer(key))
    assert path.status_code == 404 and path["Content-Type"] == "application/problem+json"
    form = client.post(
        "/api/v1/oauth/token/",
        "grant_type=client_credentials&client_id=a%00",
        "application/x-www-form-urlencoded",
    )
    assert form.status_code == 400 and form["Content-Type"] == "application/problem+json"
    assert json.loads(form.content)["status"] == 400
    # The pages keep their own page for it.
    assert "text/html" in client.get("/%00/")["Content-Type"]
