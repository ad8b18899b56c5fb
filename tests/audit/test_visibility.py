"""AuditEvent.objects.visible_to(user): who may read which events, the one rule for the audit trail page,
the "who looked" panel and the access bundle."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Membership, Role
from audit.models import AuditEvent
from audit.services import audit_record
from tests.factories import PersonFactory, UserFactory, admit, membership


@pytest.fixture
def events(person, other_institution, staff, outsider):
    """An event about a person held in the region (by a job, no user), one about a person held in the other
    region (by the region's staff), and one about nobody by someone working in the other region."""
    elsewhere = PersonFactory(full_name="Andi Elsewhere")
    admit(elsewhere, other_institution)
    return {
        "about_ours": audit_record(action="view", actor=None, person_id=person.pk),
        "by_our_staff": audit_record(action="view", actor=staff, person_id=elsewhere.pk),
        "theirs": audit_record(action="login", actor=outsider),
    }


def _seen(user, events):
    visible = set(AuditEvent.objects.visible_to(user).values_list("pk", flat=True))
    return {name for name, event in events.items() if event.pk in visible}


def test_national_officers_and_the_national_dpo_read_every_event(national, events):
    dpo = UserFactory(username="dpo.pusat")
    Membership.objects.create(user=dpo, role=Role.DPO)
    assert _seen(national, events) == _seen(dpo, events) == {"about_ours", "by_our_staff", "theirs"}


def test_a_region_reads_events_about_its_people_and_by_its_workers(regional, region, events):
    dpo = membership(UserFactory(username="dpo.kalsel"), Role.DPO, region)
    assert _seen(regional, events) == _seen(dpo, events) == {"about_ours", "by_our_staff"}


def test_the_other_region_reads_what_concerns_it(other_regional, events):
    # The outsider works in the other region; the person our staff looked at is held there.
    assert _seen(other_regional, events) == {"theirs", "by_our_staff"}


def test_a_head_reads_events_about_people_the_upt_has_held(institution, events):
    head = UserFactory(username="kalapas.amuntai")
    Membership.objects.create(user=head, role=Role.UPT_STAFF, institution=institution, is_head=True)
    assert _seen(head, events) == {"about_ours"}


def test_staff_and_counsellors_read_none(staff, counsellor, events):
    assert _seen(staff, events) == _seen(counsellor, events) == set()


JOBS = ("lockout.py", "retention.py")


def test_no_page_filters_audit_events_by_hand():
    """Views and pages start from visible_to(). Two jobs read events whoever asks: accounts' lock-out counts
    failed sign-ins, and the retention schedule (privacy.retention) finds the events past their period."""
    offenders = []
    for path in Path(settings.BASE_DIR).glob("*/*.py"):
        if path.parts[-2] in ("tests", ".venv", "node_modules", "audit") or path.name in JOBS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("filter", "exclude", "all", "values", "values_list")
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "objects"
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id == "AuditEvent"
            ):
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")
    assert offenders == []
