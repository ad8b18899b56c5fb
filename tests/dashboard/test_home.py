"""Each role lands on its own home page with its own figures."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership, Role
from inmates import services
from tests.factories import PersonFactory, UserFactory, admit, link_admission, membership

HOME = reverse("home")


def test_login_lands_on_home(client, staff, password):
    response = client.post(reverse("accounts:login"), {"username": "staf.amuntai", "password": password})
    assert response.status_code == 302
    assert response.url == HOME


def test_wrong_password_gives_a_clear_message(client, staff):
    response = client.post(reverse("accounts:login"), {"username": "staf.amuntai", "password": "wrong"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_login_page_is_indonesian_whatever_the_browser_asks_for(client):
    response = client.get(reverse("accounts:login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="id">' in response.content.decode()
    assert "Masuk" in response.content.decode()


def test_language_switch_to_english_and_back(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert '<html lang="en">' in client.get(reverse("accounts:login")).content.decode()
    client.post(reverse("set_language"), {"language": "id", "next": "/login/"})
    assert '<html lang="id">' in client.get(reverse("accounts:login")).content.decode()


def test_upt_staff_home_shows_counts_and_recent_registrations(login, staff, person, institution):
    response = login(staff).get(HOME)
    [card] = response.context["staff_institutions"]
    assert (card.in_custody, card.narcotics_cases) == (1, 1)
    assert [admission.person.full_name for admission in response.context["recent_admissions"]] == [
        "Ahmad Fauzan"
    ]


def test_regional_home_lists_the_regions_institutions(
    login, regional, institution, sister_institution, other_institution
):
    response = login(regional).get(HOME)
    codes = sorted(upt.code for upt in response.context["regional_institutions"])
    assert codes == ["lapas-amuntai", "rutan-barabai"]


def test_national_home_lists_every_region(login, national, region, other_region):
    response = login(national).get(HOME)
    assert sorted(r.code for r in response.context["national_regions"]) == ["jatim", "kalsel"]


def test_counsellor_home_shows_their_agency_and_why_no_wbp(login, counsellor, person):
    response = login(counsellor).get(HOME)
    assert [agency.code for agency in response.context["counsellor_agencies"]] == ["bnnk-hsu"]
    assert "No agreement gives your agency access today" in response.content.decode()


def test_user_without_membership_is_told_so(login, db):
    response = login(UserFactory(username="baru")).get(HOME)
    assert "Your account has no role yet" in response.content.decode()


def test_home_query_count_is_bounded(
    login, national, regional, staff, counsellor, person, django_assert_max_num_queries
):
    for user in (national, regional, staff, counsellor):
        client = login(user)
        with django_assert_max_num_queries(30):
            assert client.get(HOME).status_code == 200


@pytest.mark.django_db
def test_heads_and_the_dpo_see_what_awaits_their_review(
    login, staff, institution, sister_institution, sister_staff
):
    head = UserFactory(username="karutan.barabai")
    Membership.objects.create(user=head, role=Role.UPT_STAFF, institution=sister_institution, is_head=True)
    dpo = membership(UserFactory(username="dpo.pusat"), Role.DPO)
    person = PersonFactory(full_name="Yusuf Maulana")
    services.admission_release(
        by=sister_staff,
        admission=admit(person, sister_institution, on=dt.date(2024, 3, 1)),
        on=dt.date(2025, 3, 1),
        release_type="sentence_expiry",
    )
    with time_machine.travel(dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        link_admission(person, institution, by=staff, on=dt.date(2026, 11, 2))
        link = person.registration_links.get()
        services.registration_link_undo(by=staff, link=link, reason="Salah orang")
        for user in (head, dpo):
            page = login(user).get(reverse("home"))
            assert page.status_code == 200
            assert page.context["review"]["links_open"] == 1 and page.context["review"]["links_flagged"] == 1
            assert reverse("inmates:link-review") + "?show=flagged" in page.content.decode()
        assert "review" not in login(staff).get(reverse("home")).context  # not a head


def test_pages_carry_a_favicon(login, staff):
    from django.contrib.staticfiles import finders

    page = login(staff).get(HOME).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert finders.find("favicon.svg")
