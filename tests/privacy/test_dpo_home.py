"""The data-protection officer's home: what has a deadline, counted by the lists' own querysets."""

import datetime as dt

import time_machine
from django.urls import reverse

from tests.privacy.conftest import RECEIVED


def test_the_dpo_home_counts_the_overdue_request_and_links_to_the_list(login, dpo, access_request):
    with time_machine.travel(RECEIVED + dt.timedelta(hours=80), tick=False):
        client = login(dpo)
        page = client.get(reverse("home"))
        html = page.content.decode()
        assert page.status_code == 200 and "Data protection" in html
        assert "rights requests past their 3×24 hours" in html
        listing = client.get(reverse("privacy:request-list"), {"state": "overdue"})
    assert access_request.person.full_name in listing.content.decode()
    assert f'href="{reverse("privacy:request-list")}?state=overdue"' in html


def test_the_head_sees_emergency_access_to_review(login, institution, person, outsider):
    from django.utils import timezone

    from accounts.models import Membership, Role
    from privacy.models import EmergencyAccess
    from tests.factories import UserFactory

    head = UserFactory(username="kalapas.amuntai")
    Membership.objects.create(user=head, role=Role.UPT_STAFF, institution=institution, is_head=True)
    ended = timezone.now() - dt.timedelta(hours=1)
    EmergencyAccess.objects.create(
        user=outsider,
        person=person,
        institution=institution,
        reason="A medical emergency on transfer.",
        granted_at=ended - dt.timedelta(hours=4),
        expires_at=ended,
    )
    html = login(head).get(reverse("home")).content.decode()
    assert "emergency accesses to review" in html
    assert f'href="{reverse("privacy:emergency-list")}?show=review"' in html
