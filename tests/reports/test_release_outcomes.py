"""The recidivism dashboard's release-outcome table: the same figures as the live look-ups at every
cut-off, rebuilt whole, its age on the page, and a rebuild asked for (once) when the scheduled job has fallen
behind."""

import datetime as dt
import random

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.models import UnsentJob
from inmates.models import Admission, Movement
from rehab.models import AftercarePlan, Enrolment, FollowUp
from reports import release_outcomes
from reports.cohorts import BREAKDOWNS, PERIODS, cohort_counts, cohorts_and_survival, relapse, survival_counts
from reports.models import ReleaseOutcome
from reports.tasks import refresh_release_outcomes
from tests.factories import InstitutionFactory, PersonFactory, admit, release

URL = reverse("reports:recidivism")
CUTOFFS = [dt.date(2024, 2, 1), dt.date(2024, 4, 15), dt.date(2025, 6, 30), dt.date(2026, 3, 1)]


def random_histories(institutions, programme, staff, seed=16):
    """People released, back, released again, dead, enrolled and followed up, at random (seeded)."""
    rng = random.Random(seed)
    for _ in range(40):
        person = PersonFactory()
        day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(400))
        for _spell in range(rng.choice([1, 1, 2, 3])):
            released = day + dt.timedelta(days=rng.randrange(30, 500))
            if released > dt.date(2026, 6, 1):
                admit(person, rng.choice(institutions), on=day)
                break
            spell = release(
                person,
                rng.choice(institutions),
                admitted=day,
                released=released,
                release_type=rng.choice(["parole", "expiry", "parole", "death"]),
            )
            if rng.random() < 0.4 and not person.enrolments.exists():
                Enrolment.objects.create(
                    programme=programme,
                    person=person,
                    admission=spell,
                    kind=rng.choice(["medical", "social"]),
                    status=rng.choice(["completed", "dropped_out", "active"]),
                    direct_reason="x",
                )
            if rng.random() < 0.5:
                plan = AftercarePlan.objects.create(
                    admission=spell, person=person, released_on=released, created_by=staff
                )
                outcome = rng.choice(["abstinent", "relapsed", "deceased", "abstinent"])
                FollowUp.objects.create(
                    plan=plan,
                    months_after=1,
                    due_on=released + dt.timedelta(days=30),
                    done_on=released + dt.timedelta(days=rng.randrange(10, 60)),
                    method="visit",
                    outcome=outcome,
                    urine_positive=rng.random() < 0.2,
                )
                if outcome == "deceased":
                    break
            if spell.release_type == "death":
                break
            day = released + dt.timedelta(days=rng.randrange(0, 700))


@pytest.mark.django_db
def test_the_table_gives_the_live_figures_at_every_cut_off(cohort, institution, staff, programme_for):
    random_histories([institution, InstitutionFactory(region=institution.region)], programme_for, staff)
    refreshed = release_outcomes.refresh()
    live, stored = Admission.objects.all(), ReleaseOutcome.objects.all()
    assert refreshed.releases == live.filter(released_on__isnull=False).exclude(release_type="death").count()
    for cutoff in CUTOFFS:
        for breakdown in BREAKDOWNS:
            for period in PERIODS:
                assert cohort_counts(
                    stored, cutoff=cutoff, period=period, breakdown=breakdown
                ) == cohort_counts(live, cutoff=cutoff, period=period, breakdown=breakdown), (
                    cutoff,
                    breakdown,
                    period,
                )
            assert survival_counts(stored, cutoff=cutoff, breakdown=breakdown) == survival_counts(
                live, cutoff=cutoff, breakdown=breakdown
            ), (cutoff, breakdown)
        assert relapse(stored, cutoff=cutoff) == relapse(live, cutoff=cutoff), cutoff


def test_a_rebuild_takes_in_what_was_recorded_since(cohort, institution):
    release_outcomes.refresh()
    b = cohort["b"].admissions.get()
    assert ReleaseOutcome.objects.get(admission=b).readmitted_on is None
    admit(cohort["b"], institution, on=dt.date(2026, 2, 1))
    release(PersonFactory(), institution, admitted=dt.date(2024, 1, 1), released=dt.date(2025, 1, 1))
    refreshed = release_outcomes.refresh()
    assert ReleaseOutcome.objects.get(admission=b).readmitted_on == dt.date(2026, 2, 1)
    assert refreshed.releases == ReleaseOutcome.objects.count() == 5


def test_the_table_holds_no_history(cohort):
    with pytest.raises(ValueError, match="today's knowledge"):
        cohort_counts(
            ReleaseOutcome.objects.all(), cutoff=CUTOFFS[0], known_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        )


NOW = dt.datetime(2026, 12, 6, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def asked(monkeypatch):
    """The rebuilds the page asks for, instead of queueing them on a broker no worker reads in this test."""
    cache.delete("reports:release-outcomes-queued")
    calls = []
    monkeypatch.setattr(
        refresh_release_outcomes, "apply_async", lambda **options: calls.append(dt.datetime.now(dt.UTC))
    )
    return calls


def test_the_page_says_how_old_its_figures_are_and_builds_them_once_if_never_built(
    login, regional, cohort, asked
):
    with time_machine.travel(NOW, tick=False):
        assert release_outcomes.as_of() is None
        response = login(regional).get(URL, {"cutoff": "2026-03-01"})
    assert response.status_code == 200 and asked == []
    assert release_outcomes.as_of() == NOW
    # 03:00 UTC is 11:00 in Kalimantan Selatan (WITA), the regional officer's zone.
    assert "as recorded up to 6 December 2026 11:00" in response.content.decode()
    assert sum(row.size.value for row in response.context["rows"]) == 4


def test_a_stale_table_is_rebuilt_by_the_worker_asked_once_per_interval(
    login, national, cohort, asked, settings
):
    settings.RELEASE_OUTCOMES_EVERY = 15
    with time_machine.travel(NOW, tick=False):
        release_outcomes.refresh()
    client = login(national)
    with time_machine.travel(NOW + dt.timedelta(minutes=29), tick=False):
        assert client.get(URL).status_code == 200
    assert asked == []  # within twice the interval: the scheduled job will come
    with time_machine.travel(NOW + dt.timedelta(minutes=31), tick=False):
        first = client.get(URL)
        second = client.get(URL)
    assert first.status_code == second.status_code == 200 and len(asked) == 1
    assert first.context["as_of"] == NOW  # the figures it has, with their age


def test_a_broker_that_is_down_leaves_the_page_answering(login, national, cohort, monkeypatch):
    def down(**options):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    cache.delete("reports:release-outcomes-queued")
    monkeypatch.setattr(refresh_release_outcomes, "apply_async", down)
    with time_machine.travel(NOW, tick=False):
        release_outcomes.refresh()
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        response = login(national).get(URL)
    assert response.status_code == 200 and response.context["as_of"] == NOW
    # Kept, to be sent once the broker is back (core.jobs.send_unsent).
    assert list(UnsentJob.objects.values_list("task", "args")) == [(refresh_release_outcomes.name, [])]


def test_the_dashboard_counts_once_per_build_and_scope(login, national, regional, cohort, institution, asked):
    """What the page counted is kept for the same build, scope and choices (every national officer asks the
    nation's), never read for another build or another scope."""
    with time_machine.travel(NOW, tick=False):
        release_outcomes.refresh()
        national_client, regional_client = login(national), login(regional)
        first = national_client.get(URL, {"cutoff": "2026-03-01"})
        extra = InstitutionFactory()  # a release in another region: the nation's, not Kalsel's
        release(PersonFactory(), extra, admitted=dt.date(2024, 1, 1), released=dt.date(2025, 1, 1))
        kept = national_client.get(URL, {"cutoff": "2026-03-01"})
        regional_before = regional_client.get(URL, {"cutoff": "2026-03-01"})
        release_outcomes.refresh()  # same moment, new build
        counted = national_client.get(URL, {"cutoff": "2026-03-01"})
        regional_after = regional_client.get(URL, {"cutoff": "2026-03-01"})

    def released(response):
        assert response.status_code == 200
        return sum(row.size.value for row in response.context["rows"])

    assert released(first) == released(kept) == 4  # the same build: counted once
    assert released(counted) == 5  # a new build: counted again
    assert released(regional_before) == released(regional_after) == 4  # a region's own count


def test_the_scheduled_rebuild_runs_as_a_task(cohort):
    assert refresh_release_outcomes.apply().get() == 4
    assert ReleaseOutcome.objects.count() == 4


def test_the_months_joined_look_up_gives_the_live_figures(cohort, institution, staff, programme_for):
    """reports.cohorts.cohorts_and_survival (the month's figures: next admission and death found by joins)
    against cohort_counts and survival_counts (correlated look-ups), with some returns, releases and deaths
    recorded after the moment the figures know."""
    random_histories(
        [institution, InstitutionFactory(region=institution.region)], programme_for, staff, seed=7
    )
    known_at = timezone.now()
    late = timezone.now() + dt.timedelta(days=1)
    Admission.objects.filter(pk__in=Admission.objects.order_by("-pk").values("pk")[:6]).update(
        created_at=late
    )
    Movement.objects.filter(
        pk__in=Movement.objects.filter(kind="release").order_by("pk").values("pk")[:4]
    ).update(recorded_at=late)
    FollowUp.objects.filter(pk__in=FollowUp.objects.filter(outcome="deceased").values("pk")[:1]).update(
        recorded_at=late
    )
    live = Admission.objects.all()
    for cutoff in CUTOFFS:
        for breakdown in ("upt", "none", "region"):
            for moment in (known_at, None):
                joined = cohorts_and_survival(
                    live, cutoff=cutoff, period="year", breakdown=breakdown, known_at=moment
                )
                assert joined == (
                    cohort_counts(live, cutoff=cutoff, period="year", breakdown=breakdown, known_at=moment),
                    survival_counts(live, cutoff=cutoff, breakdown=breakdown, known_at=moment),
                ), (cutoff, breakdown, moment)
