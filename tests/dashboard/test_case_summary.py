"""The printable case summary (issue 17): the person's pathway on one page, scoped and audited like the
person page; never a counselling or follow-up note."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.assessments.test_views import assess, screen
from tests.factories import PersonFactory, admit


def _url(person):
    return reverse("case-summary", args=[person.pk])


def test_staff_print_the_pathway_and_the_view_is_audited(login, staff, person):
    screen(person, staff, risk="high", on=dt.date(2026, 11, 1))
    assess(person, staff, on=dt.date(2026, 11, 5))
    response = login(staff).get(_url(person))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Case summary: Ahmad Fauzan", "B.I 017/2025", "1 November 2026", "High", "5 November 2026"):
        assert text in page, text
    assert "6308011705900001" in page  # staff who may correct the identity see the whole NIK
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, person_id=person.pk)
    assert event.details == {"case_summary": True} and event.actor == staff


def test_a_read_only_officer_sees_it_with_the_nik_masked(login, regional, person):
    response = login(regional).get(_url(person))
    assert response.status_code == 200
    assert "6308••••••••0001" in response.content.decode()
    assert "6308011705900001" not in response.content.decode()


def test_outsiders_get_404_and_nothing_is_logged_as_seen(login, outsider, person):
    assert login(outsider).get(_url(person)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, person_id=person.pk).exists()


def test_a_huge_id_is_a_404(login, staff):
    assert login(staff).get(f"/wbp/{'9' * 30}/ringkasan/").status_code == 404


def test_the_person_page_links_to_it(login, staff, person):
    assert _url(person) in login(staff).get(person.get_absolute_url()).content.decode()


@pytest.mark.parametrize("count", [1, 6])
def test_queries_do_not_grow_with_the_history(
    login, staff, institution, django_assert_max_num_queries, count
):
    person = PersonFactory(full_name="Budi Riwayat")
    admit(person, institution)
    for day in range(count):
        screen(person, staff, risk="low", on=dt.date(2026, 1, 1 + day))
    client = login(staff)
    with django_assert_max_num_queries(16):
        response = client.get(_url(person))
    assert response.status_code == 200
    assert response.content.decode().count("1 January 2026") == 1
