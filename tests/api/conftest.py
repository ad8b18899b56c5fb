"""The API's callers: a personal token for any user, and a partner system's OAuth2 access token got as a
partner does (client credentials at /api/v1/oauth/token/)."""

import base64

import pytest
from django.utils import translation

from api.models import ApiToken
from api.oauth import partner_client_create
from tests.rehab.conftest import programme, rehab_agreement  # noqa: F401 - fixtures for the API's tests


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_ACCEPT_LANGUAGE": "en"}


def personal_key(user, days: int = 30) -> str:
    return ApiToken.issue(user=user, name="script", days=days)[1]


def partner_key(client, agency, scopes=("assessment", "rehabilitation", "aftercare"), ask=None) -> str:
    """A partner client of `agency` with `scopes`, and an access token as its system would get one."""
    partner, secret = partner_client_create(agency=agency, name=f"SIRENA {agency.code}", scopes=list(scopes))
    credentials = base64.b64encode(f"{partner.application.client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials"}
    if ask:
        data["scope"] = " ".join(ask)
    response = client.post("/api/v1/oauth/token/", data, HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert response.status_code == 200, response.content
    return response.json()["access_token"]
