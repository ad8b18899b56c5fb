"""A partner client's FHIR Bundle holds only what its scopes cover (issue 19): the same rule as the API's own
resources, where a client without the `assessment` scope reads no screening."""

import datetime as dt

import pytest
import time_machine

from assessments import instruments
from assessments.models import Screening
from tests.api.conftest import bearer, partner_key
from tests.assessments.test_instruments import dast
from tests.factories import make_agreement

NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def screened(staff, person):
    return Screening.objects.create(
        person=person,
        institution=person.admissions.get().institution,
        instrument="DAST-10",
        version=instruments.current_version("DAST-10"),
        answers=dast(3),
        risk="moderate",
        screened_on=dt.date(2026, 2, 1),
        screened_by=staff,
    )


def _kinds(client, key, person) -> set[str]:
    answer = client.get(f"/api/v1/fhir/Patient/{person.pk}/$everything", **bearer(key))
    assert answer.status_code == 200, answer.content
    return {entry["resource"]["resourceType"] for entry in answer.json()["entry"]}


def test_a_client_without_the_assessment_scope_gets_no_screening(
    client, agency, institution, person, screened
):
    make_agreement(institutions=[institution], agencies=[agency])  # every kind of work agreed
    assert (
        client.get(
            "/api/v1/screenings/", **bearer(partner_key(client, agency, scopes=["aftercare"]))
        ).status_code
        == 403
    )
    assert _kinds(client, partner_key(client, agency, scopes=["aftercare"]), person) == {"Patient"}
    assert "QuestionnaireResponse" in _kinds(
        client, partner_key(client, agency, scopes=["assessment"]), person
    )
