"""The national data set generator (issue 16): a small scale of it writes a consistent country into an empty
PostgreSQL database, and it refuses a database that already holds data."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from accounts.models import Membership
from assessments.models import Screening
from audit.models import AuditEvent
from inmates.models import Admission, Movement, Person
from institutions.models import Institution, Region
from rehab.models import Attendance, AttendanceMark, Enrolment, FollowUp, Programme, Session
from reports.models import ReleaseOutcome


@pytest.mark.django_db
def test_a_small_country_is_written_and_a_second_run_refused(capsys):
    if connection.vendor != "postgresql":
        pytest.skip("the generator writes with PostgreSQL's COPY; CI runs it there")
    call_command("generate_national", scale=0.005)
    assert Region.objects.count() == 33 and Institution.objects.count() == 33
    assert Person.objects.count() == 1500
    spells = Admission.objects.count()
    assert 1500 < spells < 2000  # some people with an earlier spell or a return
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
    assert AuditEvent.objects.filter(action="view").count() == 5000
    # New rows get ids after the generated ones.
    assert Region.objects.create(code="next", name="Next", province="Next").pk == 34
    with pytest.raises(CommandError, match="already holds data"):
        call_command("generate_national", scale=0.005)
    assert "persons: 1,500" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_page_benchmark_runs_on_a_small_country(capsys, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the generator writes with PostgreSQL's COPY; CI runs it there")
    settings.ALLOWED_HOSTS = ["localhost"]
    call_command("generate_national", scale=0.002)
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


@pytest.mark.django_db(transaction=True)
def test_the_load_test_drives_a_running_server(live_server, capsys, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the generator writes with PostgreSQL's COPY; CI runs it there")
    settings.ALLOWED_HOSTS = ["localhost"]
    call_command("generate_national", scale=0.002)
    call_command("load_test", base_url=live_server.url, users=5, think=0, seconds=3)
    captured = capsys.readouterr()
    assert "Could not sign in" not in captured.err
    summary = re.search(
        r"(\d+) users, think 0 s, \d+ s: (\d+) pages, [\d.]+ pages/s, errors (\d+)", captured.out
    )
    assert summary and summary.group(1) == "5" and int(summary.group(2)) > 5 and summary.group(3) == "0"
    assert re.search(r"all pages: p50 \d+ ms, p95 \d+ ms, p99 \d+ ms", captured.out)
