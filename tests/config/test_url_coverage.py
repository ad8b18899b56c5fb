"""Every route needs a login, except the few that must not. New routes are covered automatically."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.urls import iter_routes

# The only routes an anonymous visitor may reach (static files are served by WhiteNoise, outside the URLconf).
# The link to choose a password is opened by someone who cannot log in yet.
# The API's open doors: a partner system asks there for its token (POST only), and any other path under /api/
# answers a problem document (404), never the login page.
API_OPEN = {"api:oauth-token", "api:oauth-revoke", "api:not-found", "api:fhir-not-found"}
ANONYMOUS_ALLOWED = {
    "accounts:login",
    "accounts:password-reset-confirm",
    "healthz",
    "set_language",
    *API_OPEN,
}

ROUTES = sorted(set(iter_routes()), key=lambda route: route.name)
# The API's doors: a script signs in per request with a token, so these answer 401 (with the Bearer challenge)
# instead of sending it to a login page it cannot fill in. Only the documentation page is for people.
TOKEN_DOORS = {
    route.name
    for route in ROUTES
    if route.name.startswith("api:") and route.name not in API_OPEN | {"api:docs"}
}


def test_the_walk_finds_the_application_and_admin_routes():
    names = {route.name for route in ROUTES}
    assert {"inmates:person-detail", "institutions:region-list", "admin:index"} <= names
    assert names >= ANONYMOUS_ALLOWED
    assert len(ROUTES) > 40


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.name not in ANONYMOUS_ALLOWED | TOKEN_DOORS], ids=lambda r: r.name
)
def test_route_sends_anonymous_visitors_to_login(client, route):
    response = client.get(route.path, follow=True)
    assert response.redirect_chain, (
        f"{route.name} ({route.path}) answered {response.status_code} without login"
    )
    final_path = response.request["PATH_INFO"]
    assert final_path == reverse(settings.LOGIN_URL), f"{route.name} ended at {final_path}"


@pytest.mark.django_db
def test_the_allowed_routes_really_answer_anonymous_visitors(client):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in ROUTES if r.name in TOKEN_DOORS], ids=lambda r: r.name)
def test_the_api_answers_anonymous_callers_401(client, route):
    response = client.get(route.path.replace("<pk>", "1"))
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    if route.name == "api:fhir-everything":  # FHIR's own error document
        assert response["Content-Type"] == "application/fhir+json"
        assert response.json()["resourceType"] == "OperationOutcome"
    else:
        assert response["Content-Type"] == "application/problem+json" and response.json()["status"] == 401
