"""What each role has waiting, as counts that link to the list behind them.

The home page shows them and the daily digest mails them (dashboard.digest), so both say the same. Every
count comes from the queryset its list shows (assessments.worklists, rehab.worklists, the WBP list's filter),
never a second definition that could drift from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import EXPIRING_WITHIN_DAYS, Agreement
from assessments import worklists as assessment_lists
from dashboard.piling import late_work
from exchange.models import ImportItem
from inmates.filters import RELEASE_OVERDUE
from inmates.models import Admission
from institutions.paging import CAP
from privacy.models import Breach, EmergencyAccess, RetentionRun, RightsRequest
from rehab import worklists as rehab_lists
from rehab.models import AftercarePlan, FollowUp


@dataclass(frozen=True)
class Todo:
    """One kind of work waiting: how many, and where the list of them is."""

    key: str  # stable, for tests and the digest's own wording
    label: str
    count: int
    url: str
    urgent: bool = False  # late already (overdue), not merely waiting
    more: bool = False  # the count stopped at institutions.paging.CAP: "1000+"


@dataclass(frozen=True)
class TodoGroup:
    title: str
    items: tuple[Todo, ...]

    @property
    def waiting(self) -> int:
        return sum(item.count for item in self.items)


def _capped_count(rows) -> tuple[int, bool]:
    """Counted up to the cap its list pages to (institutions.paging): the nation's lists are long."""
    count = rows[: CAP + 1].count()
    return min(count, CAP), count > CAP


def _url(name: str, **query: str) -> str:
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


def counsellor_todos(user, today: dt.date) -> TodoGroup:
    return TodoGroup(
        _("My sessions and follow-ups"),
        (
            _attendance_gaps(rehab_lists.attendance_gaps(user).count()),
            *_follow_ups(user, today),
            _agreements_ending(user, today),
        ),
    )


def staff_todos(user, today: dt.date) -> TodoGroup:
    held = Admission.objects.filter(institution_id__in=user.scope.staff_institution_ids)
    to_assess, more_to_assess = _capped_count(assessment_lists.to_assess(user))
    to_rescreen, more_to_rescreen = _capped_count(assessment_lists.to_rescreen(user, today=today))
    return TodoGroup(
        _("At my institution"),
        (
            Todo(
                "past-release",
                _("WBP past their expected release date, still in custody"),
                held.past_expected_release(today).count(),
                _url("inmates:admission-list", release=RELEASE_OVERDUE),
                urgent=True,
            ),
            Todo(
                "to-assess",
                _("screened moderate or high risk, not yet assessed"),
                to_assess,
                _url("assessments:worklist", list="to-assess"),
                more=more_to_assess,
            ),
            Todo(
                "to-rescreen",
                _("re-screenings due"),
                to_rescreen,
                _url("assessments:worklist", list="to-rescreen"),
                more=more_to_rescreen,
            ),
            Todo(
                "releases-soon",
                _("releases within 30 days: prepare after-care"),
                held.released_soon(today).count(),
                _url("rehab:followup-list", list="preparing"),
            ),
            Todo(
                "plans-without-agency",
                _("after-care plans without an agency"),
                AftercarePlan.objects.visible_to(user)
                .filter(agency__isnull=True, admission__institution_id__in=user.scope.staff_institution_ids)
                .count(),
                _url("rehab:aftercare-list", status="no_agency"),
            ),
            *_follow_ups(user, today),
            _attendance_gaps(rehab_lists.attendance_gaps(user).count()),
            Todo(
                "imports-to-review",
                _("rows of SDP imports waiting for a decision"),
                ImportItem.objects.visible_to(user).still_open().count(),
                _url("exchange:item-list"),
            ),
        ),
    )


def head_todos(user, today: dt.date) -> TodoGroup:
    return TodoGroup(
        _("Waiting for my approval"),
        (
            Todo(
                "to-approve",
                _("recommendations waiting for approval"),
                assessment_lists.to_approve(user).count(),
                _url("assessments:worklist", list="to-approve"),
            ),
            _emergency_to_review(user),
        ),
    )


def _emergency_to_review(user) -> Todo:
    return Todo(
        "emergency-to-review",
        _("emergency accesses to review"),
        EmergencyAccess.objects.reviewable_by(user).awaiting_review(timezone.now()).count(),
        _url("privacy:emergency-list", show="review"),
    )


def dpo_todos(user, today: dt.date) -> TodoGroup:
    """The data-protection officer's duties that have deadlines (UU 27/2022): rights requests, breach
    notices, reviews of emergency access, and (nationally) a retention plan waiting for approval."""
    now = timezone.now()
    requests = RightsRequest.objects.visible_to(user)
    items = [
        Todo(
            "requests-overdue",
            _("rights requests past their 3×24 hours"),
            requests.overdue(now).count(),
            _url("privacy:request-list", state="overdue"),
            urgent=True,
        ),
        Todo(
            "requests-open",
            _("rights requests open"),
            requests.open().count(),
            _url("privacy:request-list", state="open"),
        ),
        Todo(
            "breach-notices-overdue",
            _("breaches whose written notices are overdue"),
            Breach.objects.visible_to(user).notice_overdue(now).count(),
            _url("privacy:breach-list", state="overdue"),
            urgent=True,
        ),
        _emergency_to_review(user),
    ]
    if user.scope.is_national_dpo:
        waiting = RetentionRun.objects.filter(status=RetentionRun.Status.PLANNED).defer("plan").first()
        items.append(
            Todo(
                "retention-plan",
                _("records past their retention period, waiting for approval"),
                sum(waiting.counts().values()) if waiting else 0,
                _url("privacy:retention"),
            )
        )
    return TodoGroup(_("Data protection"), tuple(items))


def officer_todos(user, today: dt.date) -> TodoGroup:
    """Regional and national officers watch rather than do: what is late in their scope, counted per UPT
    for "where work is piling up" and kept a few minutes (dashboard.piling): the nation's work is much."""
    late = late_work(user, today)
    return TodoGroup(
        _("In my scope"),
        (
            _agreements_ending(user, today),
            _overdue_follow_ups(late["overdue"]),
            _attendance_gaps(late["gaps"]),
        ),
    )


def _overdue_follow_ups(count: int) -> Todo:
    return Todo(
        "follow-ups-overdue",
        _("follow-ups overdue"),
        count,
        _url("rehab:followup-list", list="overdue"),
        urgent=True,
    )


def _follow_ups(user, today: dt.date) -> tuple[Todo, Todo]:
    """Follow-ups overdue and due within a week, of the plans the user may see."""
    follow_ups = FollowUp.objects.visible_to(user)
    return (
        _overdue_follow_ups(follow_ups.overdue(today).count()),
        Todo(
            "follow-ups-due",
            _("follow-ups due within 7 days"),
            follow_ups.due_within(today).count(),
            _url("rehab:followup-list", list="this-week"),
        ),
    )


def _attendance_gaps(count: int) -> Todo:
    return Todo(
        "attendance-gaps",
        _("sessions over without attendance recorded"),
        count,
        _url("rehab:session-gaps"),
        urgent=True,
    )


def _agreements_ending(user, today: dt.date) -> Todo:
    return Todo(
        "agreements-ending",
        _("agreements ending within %(days)s days, not yet renewed") % {"days": EXPIRING_WITHIN_DAYS},
        Agreement.objects.visible_to(user).ending_within(today).not_yet_renewed().count(),
        _url("agreements:agreement-list", expiring="on"),
    )


def todo_groups(user, today: dt.date) -> list[TodoGroup]:
    """Every group of work the user's roles give them, in the order the home page shows them."""
    scope = user.scope
    groups = []
    if scope.head_institution_ids:
        groups.append(head_todos(user, today))
    if scope.is_upt_staff:
        groups.append(staff_todos(user, today))
    if scope.is_counsellor:
        groups.append(counsellor_todos(user, today))
    if scope.is_regional or scope.is_national:
        groups.append(officer_todos(user, today))
    if scope.is_dpo:
        groups.append(dpo_todos(user, today))
    return groups
