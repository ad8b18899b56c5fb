"""Partner systems (issue 19): OAuth2 client credentials bound to an agency and to scopes that mirror the
agreement work kinds. A client sees what its agency's counsellors see, following the agreements in force."""

import base64
import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from oauth2_provider.models import AccessToken

from api.models import PartnerClient
from api.oauth import partner_client_create
from audit.models import AuditEvent
from tests.api.conftest import bearer, partner_key
from tests.factories import PersonFactory, admit, make_agreement

PERSONS = "/api/v1/persons/"
TODAY = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["full_name"] for row in response.json()["results"]]


def test_a_client_sees_what_its_agencys_counsellors_see(
    client, agency, institution, other_institution, person
):
    make_agreement(institutions=[institution], agencies=[agency], scopes=["screening_assessment"])
    admit(PersonFactory(full_name="Elsewhere Person"), other_institution)
    key = partner_key(client, agency)
    assert _names(client.get(PERSONS, **bearer(key))) == [person.full_name]
    detail = client.get(f"{PERSONS}{person.pk}/", **bearer(key))
    assert detail.status_code == 200 and detail.json()["nik"] != person.nik  # masked, as for counsellors
    partner = PartnerClient.objects.get()
    event = AuditEvent.objects.filter(action="view", person_id=person.pk).last()
    assert event.actor == partner.user and event.details["api"] is True


def test_an_expired_agreement_shows_nobody(client, agency, institution, person):
    make_agreement(
        institutions=[institution], agencies=[agency], valid_until=dt.date(2026, 3, 1), scopes=["counselling"]
    )
    key = partner_key(client, agency)
    assert _names(client.get(PERSONS, **bearer(key))) == []
    assert client.get(f"{PERSONS}{person.pk}/", **bearer(key)).status_code == 404


def test_a_client_may_ask_only_for_its_own_scopes(client, agency):
    partner, secret = partner_client_create(agency=agency, name="SIRENA", scopes=["aftercare"])
    credentials = base64.b64encode(f"{partner.application.client_id}:{secret}".encode()).decode()
    asked = client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials", "scope": "assessment"},
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )
    assert asked.status_code == 400 and asked.json()["error"] == "invalid_scope"
    wrong_secret = base64.b64encode(f"{partner.application.client_id}:nope".encode()).decode()
    refused = client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=f"Basic {wrong_secret}",
    )
    assert refused.status_code == 401


def _token(client, partner, secret):
    credentials = base64.b64encode(f"{partner.application.client_id}:{secret}".encode()).decode()
    return client.post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )


def test_revoking_a_client_ends_its_tokens_and_its_secret(client, agency, institution, person):
    make_agreement(institutions=[institution], agencies=[agency])
    partner, secret = partner_client_create(agency=agency, name="SIRENA", scopes=["aftercare"])
    key = _token(client, partner, secret).json()["access_token"]
    assert client.get(PERSONS, **bearer(key)).status_code == 200
    call_command("api_client", "revoke", "--client-id", partner.application.client_id, stdout=io.StringIO())
    refused = client.get(PERSONS, **bearer(key))
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert not AccessToken.objects.exists()
    assert _token(client, partner, secret).status_code == 401  # the old secret gets no new token
    assert not AccessToken.objects.exists()


def test_an_access_token_expires(client, agency, institution, person):
    make_agreement(institutions=[institution], agencies=[agency])
    key = partner_key(client, agency)
    with time_machine.travel(TODAY + dt.timedelta(hours=2), tick=False):
        assert client.get(PERSONS, **bearer(key)).status_code == 401


def test_the_command_prints_the_secret_once_and_checks_its_input(agency):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api_client",
        "create",
        "--agency",
        agency.code,
        "--name",
        "SIRENA",
        "--scopes",
        "aftercare",
        stdout=out,
        stderr=err,
    )
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    partner = PartnerClient.objects.get()
    assert partner.application.client_id == lines["client_id"]
    assert partner.application.client_secret != lines["client_secret"]  # only its hash is kept
    assert partner.scopes == ["aftercare"] and not partner.user.has_usable_password()
    assert lines["client_secret"] not in str(list(AuditEvent.objects.values_list("details", flat=True)))
    with pytest.raises(Exception, match="Unknown or no scopes"):
        call_command("api_client", "create", "--agency", agency.code, "--name", "X", "--scopes", "everything")
    with pytest.raises(Exception, match="No agency"):
        call_command("api_client", "create", "--agency", "nope", "--name", "X")


def test_a_partner_account_is_never_a_facilitator_nor_mailed_nor_signed_in(
    client, agency, programme, counsellor
):
    from rehab.views import _counsellors

    partner, _secret = partner_client_create(agency=agency, name="SIRENA", scopes=["rehabilitation"])
    assert partner.user.is_service and not partner.user.daily_digest
    assert list(_counsellors(programme)) == [counsellor]
    refused = client.post(reverse("accounts:login"), {"username": partner.user.username, "password": "x"})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session


def test_neither_secret_nor_access_token_reaches_the_log_or_the_database(client, agency, institution, caplog):
    make_agreement(institutions=[institution], agencies=[agency])
    with caplog.at_level("DEBUG"):
        partner, secret = partner_client_create(agency=agency, name="SIRENA", scopes=["aftercare"])
        credentials = base64.b64encode(f"{partner.application.client_id}:{secret}".encode()).decode()
        answer = client.post(
            "/api/v1/oauth/token/",
            {"grant_type": "client_credentials"},
            HTTP_AUTHORIZATION=f"Basic {credentials}",
        )
        key = answer.json()["access_token"]
        assert client.get(PERSONS, **bearer(key)).status_code == 200
    assert key not in caplog.text and secret not in caplog.text
    stored = AccessToken.objects.get()
    assert key not in (stored.token, stored.token_checksum) and partner.application.client_secret != secret
