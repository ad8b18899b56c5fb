"""Accessibility (issue 17): axe-core, from the npm registry (node_modules, never downloaded here), finds no
serious or critical violation of WCAG 2 A/AA on each role's home page and on the forms people fill in.

axe is injected as a script, which the pages' Content-Security-Policy rightly forbids; these tests' browser
context alone bypasses the policy (Playwright's bypass_csp), the pages are served exactly as to users."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from rehab.models import Enrolment, Programme
from rehab.services import SessionPlan, sessions_schedule
from tests.browser.conftest import ARTIFACTS, log_in
from tests.factories import PersonFactory, UserFactory, admit, make_agreement, membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


@pytest.fixture
def axe_page(browser, live_server, request):
    assert AXE.exists(), "axe-core is missing: run `make assets` (npm ci)"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def _sign_in(page, username, password):
    page.context.clear_cookies()
    log_in(page, username, password)


def _violations(page, path) -> list[str]:
    page.goto(page.base_url + path)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}))
            .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                   nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    return [
        f"{path}: {v['id']} ({v['impact']}) {v['help']} at {v['nodes']}"
        for v in found
        if v["impact"] in SERIOUS
    ]


@pytest.fixture
def world(institution, region, agency, staff, counsellor, regional, national, person):
    today = timezone.localdate()
    head = membership(UserFactory(username="kalapas"), Role.UPT_STAFF, institution)
    Membership.objects.filter(user=head).update(is_head=True)
    dpo = membership(UserFactory(username="dpo"), Role.DPO, region)
    agreement = make_agreement(
        institutions=[institution],
        agencies=[agency],
        valid_from=today - dt.timedelta(days=300),
        valid_until=today + dt.timedelta(days=300),
        scopes=["screening_assessment", "social_rehabilitation", "counselling", "aftercare"],
    )
    programme = Programme.objects.create(
        institution=institution,
        kind="social",
        name="TC Amuntai",
        agency=agency,
        agreement=agreement,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=150),
        capacity=10,
        target=10,
        required_sessions=4,
    )
    member = PersonFactory(full_name="Rudi Hartono")
    enrolment = Enrolment.objects.create(
        programme=programme,
        person=member,
        admission=admit(member, institution, on=today - dt.timedelta(days=60)),
        kind="social",
        status="active",
        direct_reason="TPP",
    )
    start = timezone.now() - dt.timedelta(hours=3)
    [session] = sessions_schedule(
        by=staff,
        programme=programme,
        plan=SessionPlan(
            kind="group", topic="Kelompok", room="Aula", facilitators=[counsellor], participants=[enrolment]
        ),
        times=[(start, start + dt.timedelta(hours=2))],
    )
    return {"head": head, "dpo": dpo, "programme": programme, "session": session}


def test_every_roles_home_has_no_serious_violation(
    axe_page, world, staff, counsellor, regional, national, password
):
    problems = []
    for user in (staff, world["head"], counsellor, regional, national, world["dpo"]):
        _sign_in(axe_page, user.username, password)
        problems += _violations(axe_page, reverse("home"))
    assert not problems, "\n".join(problems)


def test_the_forms_people_fill_in_have_no_serious_violation(
    axe_page, world, staff, counsellor, person, password
):
    axe_page.goto(axe_page.base_url + reverse("accounts:login"))
    problems = _violations(axe_page, reverse("accounts:login"))
    _sign_in(axe_page, staff.username, password)
    for path in (
        reverse("inmates:person-create"),
        reverse("inmates:admission-list"),
        reverse("assessments:screening-create", args=[person.pk, "assist"]),
        reverse("assessments:screening-create", args=[person.pk, "dast-10"]),
        reverse("assessments:assessment-create", args=[person.pk]),
        reverse("inmates:admission-release", args=[person.admissions.get().pk]),
        reverse("rehab:programme-create"),
        reverse("accounts:account"),
        reverse("reports:report-list"),
    ):
        problems += _violations(axe_page, path)
    _sign_in(axe_page, counsellor.username, password)
    for path in (
        reverse("rehab:session-create", args=[world["programme"].pk]),
        world["session"].get_absolute_url(),  # the attendance form
        reverse("rehab:calendar"),
    ):
        problems += _violations(axe_page, path)
    assert not problems, "\n".join(problems)


def test_the_data_protection_pages_have_no_serious_violation(
    axe_page, world, staff, counsellor, person, password
):
    from accounts.models import Membership

    enrolment = Enrolment.objects.get(programme=world["programme"])
    _sign_in(axe_page, staff.username, password)
    problems = []
    for path in (
        reverse("privacy:request-list"),
        reverse("privacy:request-create"),
        reverse("privacy:consent", args=["peserta", enrolment.pk]),
        reverse("privacy:emergency-list"),
        reverse("privacy:emergency-request"),
        reverse("inmates:admission-export"),
    ):
        problems += _violations(axe_page, path)
    national_dpo = UserFactory(username="dpo.pusat")
    Membership.objects.create(user=national_dpo, role=Role.DPO)
    _sign_in(axe_page, national_dpo.username, password)
    for path in (
        reverse("privacy:breach-list"),
        reverse("privacy:breach-create"),
        reverse("privacy:retention"),
        reverse("privacy:dpia"),
    ):
        problems += _violations(axe_page, path)
    assert not problems, "\n".join(problems)
