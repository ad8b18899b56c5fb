"""Lockout after repeated failed logins: per name typed and per client address, counted from the audit
trail."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from tests.factories import UserFactory, membership

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
START = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 8
    settings.LOGIN_LOCKOUT_MINUTES = 15
    return settings


def _try(client, username, password, address="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def test_five_failures_lock_the_name_even_against_the_right_password(client, staff, password, limits):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(START, tick=False):
        for _attempt in range(5):
            assert _try(client, "staf.amuntai", "wrong-guess").status_code == 200
        response = _try(client, "staf.amuntai", password)
    assert not _signed_in(response)
    assert response.status_code == 200
    assert "Try again in 15 minutes" in response.content.decode()
    blocked = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_BLOCKED)
    assert blocked.username == "staf.amuntai" and blocked.ip_address == "10.1.1.1"
    # The password was not even checked: no failed-login event for the blocked attempt.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() == 5


def test_the_message_is_in_indonesian_by_default(client, staff, password, limits):
    with time_machine.travel(START, tick=False):
        for _attempt in range(5):
            _try(client, "staf.amuntai", "wrong-guess")
        page = _try(client, "staf.amuntai", password).content.decode()
    assert "Terlalu banyak percobaan masuk" in page and "15 menit" in page


def test_the_lock_ends_when_the_window_has_passed(client, staff, password, limits):
    with time_machine.travel(START, tick=False) as clock:
        for _attempt in range(5):
            _try(client, "staf.amuntai", "wrong-guess")
        clock.shift(dt.timedelta(minutes=14))
        assert not _signed_in(_try(client, "staf.amuntai", password))
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        assert _signed_in(_try(client, "staf.amuntai", password))


def test_attempts_while_locked_do_not_prolong_the_lock(client, staff, password, limits):
    with time_machine.travel(START, tick=False) as clock:
        for _attempt in range(5):
            _try(client, "staf.amuntai", "wrong-guess")
        for _minute in range(14):
            clock.shift(dt.timedelta(minutes=1))
            _try(client, "staf.amuntai", "still-guessing")
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        assert _signed_in(_try(client, "staf.amuntai", password))


def test_a_successful_login_clears_the_count_for_that_name(client, staff, password, limits):
    limits.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 50  # only the count per name is under test here
    with time_machine.travel(START, tick=False) as clock:
        for _attempt in range(4):
            _try(client, "staf.amuntai", "wrong-guess")
        clock.shift(dt.timedelta(seconds=10))
        assert _signed_in(_try(client, "staf.amuntai", password))
        client.post(reverse("accounts:logout"))
        clock.shift(dt.timedelta(seconds=10))
        for _attempt in range(4):
            _try(client, "staf.amuntai", "wrong-guess")
        clock.shift(dt.timedelta(seconds=10))
        assert _signed_in(_try(client, "staf.amuntai", password))


def test_another_name_is_not_locked_by_someone_elses_failures(client, staff, sister_staff, password, limits):
    with time_machine.travel(START, tick=False):
        for _attempt in range(5):
            _try(client, "staf.amuntai", "wrong-guess", address="10.1.1.1")
        assert _signed_in(_try(client, "staf.barabai", password, address="10.2.2.2"))


def test_the_lock_on_a_name_holds_from_every_address(client, staff, password, limits):
    with time_machine.travel(START, tick=False):
        for attempt in range(5):
            _try(client, "staf.amuntai", "wrong-guess", address=f"10.9.9.{attempt + 1}")
        assert not _signed_in(_try(client, "staf.amuntai", password, address="10.2.2.2"))


def test_one_address_trying_many_names_is_locked_for_everyone_there(
    client, staff, password, institution, limits
):
    with time_machine.travel(START, tick=False):
        for attempt in range(8):  # spread over names, so no single name reaches its own limit
            _try(client, f"guess{attempt % 3}", "wrong-guess", address="10.6.6.6")
        assert not _signed_in(_try(client, "staf.amuntai", password, address="10.6.6.6"))
        # The same user from another computer is not held back by that address.
        assert _signed_in(_try(client, "staf.amuntai", password, address="10.7.7.7"))


def test_names_are_locked_whatever_their_case(client, limits):
    membership(UserFactory(username="kanwil.kalsel"), Role.NATIONAL)
    with time_machine.travel(START, tick=False):
        for name in ("Kanwil.Kalsel", "KANWIL.KALSEL", "kanwil.KALSEL", "kanwil.kalsel", "Kanwil.kalsel"):
            _try(client, name, "wrong-guess", address=f"10.3.3.{len(name)}")
        response = _try(client, "kanwil.kalsel", "a-long-test-password-1", address="10.4.4.4")
    assert not _signed_in(response)


def test_lockout_reads_a_bounded_number_of_rows_however_long_the_attack(
    client, staff, limits, django_assert_max_num_queries
):
    with time_machine.travel(START, tick=False):
        AuditEvent.objects.bulk_create(
            AuditEvent(action=AuditEvent.Action.LOGIN_FAILED, username="staf.amuntai", ip_address="10.5.5.5")
            for _n in range(300)
        )
        with django_assert_max_num_queries(8):
            response = _try(client, "staf.amuntai", "x", address="10.5.5.5")
    assert "Terlalu banyak percobaan masuk" in response.content.decode()
