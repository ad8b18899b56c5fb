"""The national data set generator (issue 16): a small scale of it writes a consistent country into an empty
PostgreSQL database, and it refuses a database that already holds data; the page and report benchmarks and the
load test run on what it wrote.

One small country serves the module's tests (generating one was most of each test's time): written and
committed once, as the command writes into a real empty database (every deferred foreign key checked at its
commit), and the database emptied again when the module's tests are done. The tests only read it: what they
write is rolled back, except what the load test's server commits (its sign-ins and the views of people's
records), which no assertion here counts. None of the tests is transactional (the load test starts its own
server instead of `live_server`), so pytest-django keeps them together and the country is written once."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test import override_settings

from accounts.models import Membership
from assessments.models import Screening
from audit.models import AuditEvent
from inmates.models import Admission, Movement, Person
from institutions.models import Institution, Region
from rehab.models import Attendance, AttendanceMark, Enrolment, FollowUp, Programme, Session
from reports.models import ReleaseOutcome
from tests.factories import FAST_PASSWORD_HASHERS

SCALE = 0.002  # 600 persons in 33 UPT (one per province: the fewest the generator makes)


def _generate() -> str:
    out = io.StringIO()
    # The hasher of the tests (tests/conftest.py), whose settings fixture a module's fixture comes before: the
    # load test's users sign in with the password hashed here.
    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        call_command("generate_national", scale=SCALE, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _module_country(django_db_setup, django_db_blocker):
    """The country written once for the module (committed: the load test's server reads it on a connection
    of its own), and the database emptied again after the module's last test."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("the generator writes with PostgreSQL's COPY; CI runs it there")
        kept = {"output": _generate()}
    yield kept
    with django_db_blocker.unblock():
        if Region.objects.exists():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def country(_module_country) -> str:
    """What generate_national printed for the country the test finds in its database."""
    if not Region.objects.exists():  # emptied by a transactional test of another module in between
        _module_country["output"] = _generate()
    return _module_country["output"]


@pytest.fixture
def server():
    """A live server on the test database, as `live_server` starts, but in a test that is not transactional:
    its requests read the committed country on connections of their own. (`live_server` makes a test
    transactional, which pytest-django runs after all the others, far from this module's country.)"""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.mark.django_db
def test_a_small_country_is_written_and_a_second_run_refused(country):
    assert Region.objects.count() == 33 and Institution.objects.count() == 33
    assert Person.objects.count() == 600
    spells = Admission.objects.count()
    assert 600 < spells < 800  # some people with an earlier spell or a return
    # Every spell has its admission movement, every release its release movement.
    assert Movement.objects.filter(kind="admission").count() == spells
    released = Admission.objects.filter(released_on__isnull=False)
    assert Movement.objects.filter(kind="release").count() == released.count()
    assert not released.filter(released_on__lt=F("admitted_on")).exists()
    # At most one open spell per person; about half held for narcotics.
    open_spells = Admission.objects.filter(released_on__isnull=True)
    assert open_spells.values("person").distinct().count() == open_spells.count()
    narcotics = Admission.objects.exclude(offence="non_narcotics").count()
    assert 0.4 < narcotics / spells < 0.6
    assert Screening.objects.exclude(person__admissions__offence="non_narcotics").exists()
    assert Membership.objects.filter(role="upt_staff", is_head=True).count() == 33
    # Rehabilitation: a medical and a social programme per UPT and year, each with its counsellor; rosters,
    # attendance and its history; follow-ups; the audit trail.
    assert Programme.objects.count() == 33 * 2 * 2
    assert Membership.objects.filter(role="counsellor").count() == Programme.objects.count()
    assert (
        Enrolment.objects.filter(status="active").exists()
        and Enrolment.objects.filter(status="completed").exists()
    )
    held = Session.objects.filter(status="held")
    assert held.exists() and Attendance.objects.filter(session__in=held, status="present").exists()
    assert (
        AttendanceMark.objects.filter(status="present").count()
        == Attendance.objects.filter(status="present").count()
    )
    assert FollowUp.objects.filter(done_on__isnull=False).exists()
    assert AuditEvent.objects.filter(action="view", user_agent="bench").count() == 2000  # not the load test's
    # New rows get ids after the generated ones.
    assert Region.objects.create(code="next", name="Next", province="Next").pk == 34
    with pytest.raises(CommandError, match="already holds data"):
        call_command("generate_national", scale=SCALE)
    assert "persons: 600" in country


@pytest.mark.django_db
def test_the_page_benchmark_runs_on_a_small_country(country, capsys, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    call_command("benchmark_pages", runs=1)
    out = capsys.readouterr().out
    # Every role's WBP list answered, with its time and query count; the search compared with the admin's.
    for role in ("staff", "head", "counsellor", "regional", "national"):
        assert re.search(rf"WBP list +{role} +\d+ ms +\d+ +\d+ KB  200", out), role
    assert "Search 'Budi Hasibuan': admin" in out
    # The generator leaves the dashboard's release outcomes built, as the scheduled job would.
    assert ReleaseOutcome.objects.count() == released_not_by_death()
    call_command("benchmark_reports", national=True, runs=1)
    out = capsys.readouterr().out
    for scope in ("institution", "region", "national"):
        timed = rf"{scope} +\d+ UPT  figures +[\d.]+ s on 1 connection\(s\), [\d.]+ s on one"
        found = re.search(timed + r" \((\d+) queries\)  PDF \d+ KB", out)
        assert found, scope
        assert int(found[1]) > 20, scope  # every section's queries counted, not the caller's few
    assert re.search(r"figure set +\d+ scopes figures +[\d.]+ s, protection [\d.]+ s \(\d+ cells", out)


def released_not_by_death() -> int:
    return Admission.objects.filter(released_on__isnull=False).exclude(release_type="death").count()


@pytest.mark.django_db
def test_the_load_test_drives_a_running_server(country, server, capsys, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    call_command("load_test", base_url=server.url, users=5, think=0, seconds=3)
    captured = capsys.readouterr()
    assert "Could not sign in" not in captured.err
    summary = re.search(
        r"(\d+) users, think 0 s, \d+ s: (\d+) pages, [\d.]+ pages/s, errors (\d+)", captured.out
    )
    assert summary and summary.group(1) == "5" and int(summary.group(2)) > 5 and summary.group(3) == "0"
    assert re.search(r"all pages: p50 \d+ ms, p95 \d+ ms, p99 \d+ ms", captured.out)
