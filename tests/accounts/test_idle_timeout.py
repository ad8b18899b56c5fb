"""A session left idle is signed out; an active one is not, and the session row is not rewritten on
every click."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def half_hour(settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60


def _sign_in(client, password):
    from accounts.models import User

    User.objects.filter(username="staf.amuntai").update(language="en")  # signing in applies it
    response = client.post(reverse("accounts:login"), {"username": "staf.amuntai", "password": password})
    assert response.status_code == 302


def test_an_idle_session_is_signed_out_with_a_message_and_the_way_back(client, staff, password, half_hour):
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, password)
        assert client.get(reverse("inmates:admission-list")).status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("inmates:admission-list"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login") + "?next=/wbp/")
        page = client.get(response.url).content.decode()
    assert "signed out after 30 minutes without activity" in page
    logout = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert logout.actor == staff and logout.details == {"reason": "idle"}
    assert client.get(reverse("home")).status_code == 302  # signed out for good, not only this request


def test_steady_use_keeps_the_session(client, staff, password, half_hour):
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, password)
        for _step in range(6):  # three hours of work, a click every 29 minutes
            clock.shift(dt.timedelta(minutes=29))
            assert client.get(reverse("home")).status_code == 200


def test_the_last_activity_is_written_at_most_once_a_minute(client, staff, password, half_hour):
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, password)
        client.get(reverse("home"))
        first = client.session["last_activity"]
        clock.shift(dt.timedelta(seconds=30))
        client.get(reverse("home"))
        assert client.session["last_activity"] == first
        clock.shift(dt.timedelta(seconds=31))
        client.get(reverse("home"))
        assert client.session["last_activity"] == first + 61


def test_a_timeout_of_zero_turns_it_off(client, staff, password, settings):
    settings.SESSION_IDLE_TIMEOUT = 0
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, password)
        clock.shift(dt.timedelta(hours=3))
        assert client.get(reverse("home")).status_code == 200
