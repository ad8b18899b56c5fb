"""The API's first door (issue 19): personal tokens (hashed, expiring, revocable) and people read through the
same rule as the pages, the NIK masked by the same rule, each record read audited."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from api.models import ApiToken
from audit.models import AuditEvent
from tests.factories import PersonFactory, admit

LIST = "/api/v1/persons/"


def _key(user, days: int = 30) -> str:
    out = io.StringIO()
    call_command(
        "api_token",
        "create",
        "--user",
        user.username,
        "--name",
        "script",
        "--days",
        str(days),
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue().strip()


def _get(client, path, key):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_token_reads_the_people_the_user_may_see(client, staff, person, outsider, other_institution):
    admit(PersonFactory(full_name="Elsewhere Person"), other_institution)
    key = _key(staff)
    response = _get(client, LIST, key)
    assert response.status_code == 200
    assert [row["full_name"] for row in response.json()["results"]] == [person.full_name]
    assert response.json()["results"][0]["nik"] == person.nik  # staff who may correct the record: in full
    assert _get(client, reverse("api:person-detail", args=[person.pk]), _key(outsider)).status_code == 404


def test_a_read_record_is_audited_and_the_key_is_never_stored(client, staff, person, regional):
    key = _key(regional)
    response = _get(client, reverse("api:person-detail", args=[person.pk]), key)
    assert response.status_code == 200
    assert response.json()["nik"] != person.nik and response.json()["nik"].startswith(
        person.nik[:4]
    )  # masked
    event = AuditEvent.objects.get(action="view", person_id=person.pk)
    assert event.actor == regional and event.details["api"] is True
    assert not any(key in str(row) for row in AuditEvent.objects.values_list("details", "object_repr"))
    token = ApiToken.objects.get(user=regional)
    assert key not in (token.key_hash, token.prefix) and token.last_used_at is not None


def test_revoked_expired_and_unknown_tokens_answer_401(client, staff, person):
    key = _key(staff, days=1)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=2)):
        assert _get(client, LIST, key).status_code == 401
    call_command("api_token", "revoke", "--user", staff.username, "--name", "script", stdout=io.StringIO())
    assert _get(client, LIST, key).status_code == 401
    assert _get(client, LIST, "rl_nonsense").status_code == 401
    assert client.get(LIST, HTTP_AUTHORIZATION="Bearer").status_code == 401
    assert (
        client.get(LIST, HTTP_AUTHORIZATION="Bearer \xe9\xe9".encode("latin-1").decode("latin-1")).status_code
        == 401
    )


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_takes_a_fixed_number_of_queries(
    client, staff, institution, count, django_assert_max_num_queries
):
    for n in range(count):
        admit(PersonFactory(full_name=f"Orang {n:02d}"), institution)
    key = _key(staff)
    with django_assert_max_num_queries(10):
        response = _get(client, LIST, key)
    assert response.status_code == 200 and len(response.json()["results"]) == count


def test_the_schema_describes_the_api(client, staff):
    response = _get(client, reverse("api:schema") + "?format=json", _key(staff))
    assert response.status_code == 200
    assert "/api/v1/persons/" in response.json()["paths"]


def test_a_user_creates_sees_and_revokes_their_own_tokens(login, staff, outsider, client):
    page = login(staff).post(reverse("api-tokens"), {"name": "attendance script", "days": "30"})
    html = page.content.decode()
    assert page.status_code == 201 and "shown only once" in html
    token = ApiToken.objects.get(user=staff)
    key = html.split('user-select-all mt-1">')[1].split("<")[0]
    assert key.startswith("rl_") and token.prefix in key and key not in str(token.key_hash)
    assert _get(client, LIST, key).status_code == 200
    listing = login(staff).get(reverse("api-tokens")).content.decode()
    assert "attendance script" in listing and key not in listing  # never shown again
    assert login(outsider).post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    assert login(staff).post(reverse("api-token-revoke", args=[token.pk])).status_code == 302
    assert _get(client, LIST, key).status_code == 401


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "days": "30"}, "This field is required."),
        ({"name": "x", "days": "999"}, "less than or equal to 366"),
    ],
)
def test_a_token_without_a_name_or_with_too_long_a_life_is_refused(login, staff, data, message):
    response = login(staff).post(reverse("api-tokens"), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not ApiToken.objects.exists()
