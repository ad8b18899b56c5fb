"""The demo's WHOQOL-BREF records give the monthly report a change in quality of life to show."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from institutions.models import Institution
from rehab.models import QualityOfLife
from rehab.quality_of_life import changes_by_upt


@pytest.mark.django_db
def test_the_demo_has_starts_and_ends_enough_for_a_published_mean():
    call_command("load_demo", "--password", "demo-password-qol-1", verbosity=0)
    before = list(
        QualityOfLife.objects.order_by("pk").values_list("enrolment__person__full_name", "timing", "physical")
    )
    call_command("load_demo", "--password", "demo-password-qol-1", verbosity=0)
    assert (
        list(
            QualityOfLife.objects.order_by("pk").values_list(
                "enrolment__person__full_name", "timing", "physical"
            )
        )
        == before
    )
    ends = QualityOfLife.objects.filter(timing=QualityOfLife.Timing.END)
    assert QualityOfLife.objects.filter(timing=QualityOfLife.Timing.START).count() > ends.count() >= 8
    day = ends.filter(enrolment__programme__institution__code="lapas-banyuwangi").first().taken_on
    counted = changes_by_upt(Institution.objects.all(), day, day, timezone.now())
    banyuwangi = counted[Institution.objects.get(code="lapas-banyuwangi").pk]
    assert banyuwangi["people"] >= 5
    assert banyuwangi["sums"]["physical"] > 0  # the course's participants were better at its end
    # Recorded as if typed on the day taken (demo.backdate): the month before knew nothing of them.
    assert (
        changes_by_upt(
            Institution.objects.all(), day, day, timezone.make_aware(dt.datetime.combine(day, dt.time(0)))
        )
        == {}
    )
