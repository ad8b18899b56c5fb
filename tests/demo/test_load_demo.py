"""The demo loader fills every app with the seed places and can be run again safely."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Membership, User
from agreements.models import Agreement
from assessments.models import Recommendation, Screening
from inmates.models import Admission, Movement, Person
from institutions.models import Agency, Institution, Region
from rehab import phases
from rehab.models import AftercarePlan, FollowUp, Programme, Session


def counts():
    return [
        m.objects.count()
        for m in (
            Region,
            Institution,
            Agency,
            User,
            Membership,
            Person,
            Admission,
            Movement,
            Agreement,
            Screening,
        )
    ]


# A Monday at 11:30 in Kalimantan Selatan, half an hour after the demo's morning group session ended: the
# demo is dated from today, and a session over this very day is one of the past ones (it left two without
# attendance, not one, when the demo counted past sessions by date).
JUST_AFTER_A_SESSION = dt.datetime(2026, 12, 7, 3, 30, tzinfo=dt.UTC)


@pytest.mark.django_db
@time_machine.travel(JUST_AFTER_A_SESSION, tick=True)
def test_load_demo_is_idempotent_and_loads_the_seed_places(capsys):
    call_command("load_demo", "--password", "demo-password-123")
    first = counts()
    call_command("load_demo", "--password", "demo-password-123")
    assert counts() == first
    assert 280 <= Person.objects.count() <= 320
    assert Institution.objects.get(code="rutan-barabai").name == "Rutan Kelas IIB Barabai"
    assert Institution.objects.get(code="lpp-kupang").region.time_zone == "Asia/Makassar"
    assert Agency.objects.get(code="bnnk-hsu").parent.code == "bnnp-kalsel"
    # Every open admission's current institution is where its last movement took the person.
    for admission in Admission.objects.filter(released_on__isnull=True).prefetch_related("movements")[:50]:
        assert list(admission.movements.all())[-1].to_institution_id == admission.institution_id
    user = User.objects.get(username="staf.amuntai")
    assert user.check_password("demo-password-123")
    assert "konselor.bnnk-hsu" in capsys.readouterr().out
    # The seed agreements, and the demo counsellors' access through them.
    barabai = Agreement.objects.get(institutions__code="rutan-barabai", agencies__code="bnnk-balangan")
    assert barabai.signed_on == dt.date(2025, 3, 25)
    banyuwangi = Agreement.objects.get(
        institutions__code="lapas-banyuwangi", agencies__code="lrppn-bi-banyuwangi"
    )
    assert banyuwangi.signed_on == dt.date(2025, 2, 22)
    assert Agreement.objects.filter(institutions__code="lpp-kupang", agencies__code="bnnp-ntt").exists()
    amuntai = Agreement.objects.get(institutions__code="lapas-amuntai", agencies__code="bnnk-hsu")
    assert (
        amuntai.status_on(timezone.localdate()) == Agreement.Status.EXPIRING
    )  # something for the dashboards
    balangan = User.objects.get(username="konselor.bnnk-balangan")
    held_at = set(Admission.objects.visible_to(balangan).values_list("institution__code", flat=True))
    assert held_at == {"rutan-barabai"}
    for username in ("konselor.bnnk-hsu", "konselor.bnnp-ntt", "konselor.lrppn-bi", "konselor.bnnp-sumsel"):
        assert Person.objects.visible_to(User.objects.get(username=username)).exists(), username
    # Heads of UPT, and screenings scored by the instruments themselves.
    assert User.objects.get(username="kalapas.amuntai").scope.head_institution_ids == {
        Institution.objects.get(code="lapas-amuntai").pk
    }
    screening = Screening.objects.filter(instrument="ASSIST").first()
    assert screening.risk == screening.result().highest_risk
    assert Recommendation.objects.approved().exists() and Recommendation.objects.awaiting_approval().exists()
    # Programmes with a twice-weekly series; attendance taken except on the latest past session.
    programme = Programme.objects.get(institution__code="rutan-barabai")
    assert programme.enrolments.filter(status="active").count() == 6
    # Its Therapeutic Community phases: five active people in primary, one still in induction; the moves
    # dated as typed on their days, so the count read at the end of the day of the move to primary has them.
    assert list(programme.phases.values_list("stage", flat=True)) == ["induction", "primary", "reentry"]
    upt = programme.institution_id
    by_stage = phases.people_by_stage([upt], timezone.localdate(), timezone.now())
    assert by_stage[upt] == {"induction": 1, "primary": 5, "reentry": 0, "other": 0, "none": 0}
    moved_on = programme.starts_on + dt.timedelta(weeks=4)
    that_evening = dt.datetime.combine(moved_on + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    assert phases.people_by_stage([upt], moved_on, that_evening)[upt]["primary"] == 5
    # Two left on parole five weeks ago: their after-care plans are open and the first follow-up is overdue.
    assert programme.enrolments.filter(status="released").count() == 2
    released = AftercarePlan.objects.filter(admission__institution__code="rutan-barabai")
    assert released.count() == 2
    assert FollowUp.objects.filter(plan__in=released).overdue(timezone.localdate()).count() == 2
    assert programme.sessions.filter(status="held").exists()
    assert Session.objects.with_attendance_gap().filter(programme=programme).count() == 1
    # Two registrations on earlier records, one taken back at once (flagged), for the reviewers.
    from inmates.models import RegistrationLink

    assert RegistrationLink.objects.count() == 2 and RegistrationLink.objects.flagged().count() == 1
    head_before = User.objects.get(username="karutan.barabai")
    assert RegistrationLink.objects.for_review_by(head_before).exists()
    assert User.objects.get(username="dpo.pusat").scope.is_national_dpo
    assert User.objects.get(username="dpo.kalsel").scope.dpo_region_ids == {
        Institution.objects.get(code="lapas-amuntai").region_id
    }
    assert RegistrationLink.objects.for_review_by(User.objects.get(username="dpo.kalsel")).count() == 2
    national = User.objects.get(username="ditjenpas")
    assert national.is_staff and national.has_perm("institutions.change_institution")
    assert not national.has_perm("inmates.change_person")
