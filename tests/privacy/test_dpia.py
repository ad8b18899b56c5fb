"""The impact assessment (UU 27/2022 Art. 34): a first draft written from what the system holds, kept in
versions by the national data-protection officer."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from privacy import bundle
from privacy.models import ImpactAssessment
from tests.factories import UserFactory


@pytest.fixture
def national_dpo(db):
    user = UserFactory(username="dpo.pusat")
    Membership.objects.create(user=user, role=Role.DPO)
    return user


def test_the_first_draft_lists_what_the_system_holds(login, national_dpo):
    page = login(national_dpo).get(reverse("privacy:dpia"))
    html = page.content.decode()
    assert page.status_code == 200 and "A first draft, written from what the system holds" in html
    for section in bundle.SECTIONS:
        assert str(section.title) in html
    assert "People and their custody records: 25 years" in html  # the retention schedule in force


def test_each_save_is_a_new_version_and_the_old_ones_stay(login, national_dpo):
    client = login(national_dpo)
    for number, note in ((1, "First version"), (2, "Risks reviewed with the Kanwil")):
        response = client.post(reverse("privacy:dpia"), {"text": f"DPIA text {number}", "note": note})
        assert response.status_code == 302
    assert list(ImpactAssessment.objects.values_list("version", "text")) == [
        (2, "DPIA text 2"),
        (1, "DPIA text 1"),
    ]
    old = client.get(reverse("privacy:dpia-version", args=[1]))
    assert old.status_code == 200 and "DPIA text 1" in old.content.decode()
    assert (
        "DPIA text 2" in client.get(reverse("privacy:dpia")).content.decode()
    )  # the form starts from the latest


def test_an_empty_version_saves_nothing(login, national_dpo):
    response = login(national_dpo).post(reverse("privacy:dpia"), {"text": "", "note": ""})
    assert response.status_code == 400 and "Nothing was saved" in response.content.decode()
    assert not ImpactAssessment.objects.exists()


def test_who_reads_and_who_writes(login, national_dpo, national, dpo, staff, regional):
    login(national_dpo).post(reverse("privacy:dpia"), {"text": "DPIA text", "note": "First"})
    for reader in (national, dpo):
        page = login(reader).get(reverse("privacy:dpia"))
        assert page.status_code == 200 and "DPIA text" in page.content.decode()
        assert "Save as a new version" not in page.content.decode()
        assert login(reader).post(reverse("privacy:dpia"), {"text": "x", "note": "y"}).status_code == 403
    for outsider in (staff, regional):
        assert login(outsider).get(reverse("privacy:dpia")).status_code == 403
    assert login(national).get(reverse("privacy:dpia-version", args=[9])).status_code == 404
