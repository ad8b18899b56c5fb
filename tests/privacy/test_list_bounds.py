"""The breach register and the emergency-access list: a fixed number of queries, one row or many."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy import breaches
from privacy.models import EmergencyAccess


@pytest.mark.parametrize("count", [1, 15])
def test_the_breach_register_takes_a_fixed_number_of_queries(
    login, dpo, institution, count, django_assert_max_num_queries
):
    for n in range(count):
        breaches.record(
            actor=dpo,
            institution=institution,
            discovered_at=timezone.now() - dt.timedelta(days=n + 1),
            title=f"Insiden {n:02d}",
            what_happened="x",
            data_kinds=["identity"],
            people_affected=3,
            measures="y",
        )
    client = login(dpo)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("privacy:breach-list"))
    assert page.status_code == 200 and page.content.decode().count("Insiden ") == count


@pytest.mark.parametrize("count", [1, 15])
def test_the_emergency_list_takes_a_fixed_number_of_queries(
    login, dpo, institution, person, outsider, count, django_assert_max_num_queries
):
    ended = timezone.now() - dt.timedelta(hours=1)
    for n in range(count):
        EmergencyAccess.objects.create(
            user=outsider,
            person=person,
            institution=institution,
            reason=f"Darurat medis {n:02d}",
            granted_at=ended - dt.timedelta(hours=4 + n),
            expires_at=ended - dt.timedelta(hours=n),
        )
    client = login(dpo)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("privacy:emergency-list"))
    assert page.status_code == 200 and page.content.decode().count("Darurat medis") == count
