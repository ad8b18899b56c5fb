"""The navigation bar fits a 1280 px screen on one line, for every role, in both languages (issue 17): a bar
that wraps or runs off the screen hides links people need every day."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Role
from tests.browser.conftest import log_in
from tests.factories import UserFactory, membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _user(username, role, place=None, **extra):
    # Long names, as real ones can be: the user menu shows the full name.
    user = UserFactory(
        username=username, first_name="Muhammad Rizky", last_name="Pratama Simanjuntak", **extra
    )
    return membership(user, role, place)


@pytest.fixture
def every_role(region, institution, agency):
    head = _user("kalapas", Role.UPT_STAFF, institution)
    Membership.objects.filter(user=head).update(is_head=True)
    both = _user("staf.konselor", Role.UPT_STAFF, institution)
    membership(both, Role.COUNSELLOR, agency)
    return [
        _user("staf", Role.UPT_STAFF, institution),
        head,
        both,
        _user("konselor", Role.COUNSELLOR, agency),
        _user("kanwil", Role.REGIONAL, region),
        _user("ditjenpas", Role.NATIONAL, is_staff=True),  # the admin link too
        _user("dpo", Role.DPO, region),
    ]


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_navigation_fits_1280_px_on_one_line_for_every_role(page, every_role, password, language):
    for user in every_role:
        page.context.clear_cookies()
        page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
        log_in(page, user.username, password)
        page.goto(page.base_url + reverse("home"))
        nav = page.locator("nav.app-navbar")
        measured = page.evaluate(
            """() => ({
                overflow: document.documentElement.scrollWidth - window.innerWidth,
                navHeight: document.querySelector('nav.app-navbar').getBoundingClientRect().height,
                toggler: getComputedStyle(document.querySelector('.navbar-toggler')).display,
                items: [...document.querySelectorAll('nav.app-navbar .navbar-nav > .nav-item')]
                    .map(item => Math.round(item.getBoundingClientRect().top)),
            })"""
        )
        assert page.viewport_size["width"] == 1280
        assert measured["overflow"] <= 0, (
            f"{user.username} ({language}): page {measured['overflow']} px too wide"
        )
        assert measured["toggler"] == "none", f"{user.username} ({language}): the menu collapsed"
        assert len(set(measured["items"])) == 1, f"{user.username} ({language}): links on several lines"
        assert measured["navHeight"] < 80, (
            f"{user.username} ({language}): bar {measured['navHeight']} px high"
        )
        assert nav.get_by_role("link", name="WBP").count() == (0 if user.username == "dpo" else 1)


def test_the_assist_form_works_on_an_800_px_tablet_with_every_question_readable(
    page, staff, person, password
):
    page.set_viewport_size({"width": 800, "height": 1000})
    log_in(page, staff.username, password)
    page.goto(page.base_url + reverse("assessments:screening-create", args=[person.pk, "assist"]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    cannabis = page.locator('tr[data-substance="cannabis"]')
    q1 = cannabis.locator(".assist-question-text").first
    assert q1.is_visible() and "Q1" in q1.inner_text() and len(q1.inner_text()) > 30
    q2_text = cannabis.locator("td", has=page.locator('select[data-question="q2"]')).locator(
        ".assist-question-text"
    )
    assert not q2_text.is_visible()  # skipped until Q1 says "yes"
    cannabis.locator('select[data-question="q1"]').select_option("yes")
    assert q2_text.is_visible() and "Q2" in q2_text.inner_text()
    box = q2_text.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 800  # the whole text on screen, not cut off
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
