"""The demo loader fills every app with the seed places and can be run again safely."""

import pytest
from django.core.management import call_command

from accounts.models import Membership, User
from inmates.models import Admission, Movement, Person
from institutions.models import Agency, Institution, Region


def counts():
    return [
        m.objects.count()
        for m in (Region, Institution, Agency, User, Membership, Person, Admission, Movement)
    ]


@pytest.mark.django_db
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
    national = User.objects.get(username="ditjenpas")
    assert national.is_staff and national.has_perm("institutions.change_institution")
    assert not national.has_perm("inmates.change_person")
