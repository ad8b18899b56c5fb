"""The audit trail page: national officers see every event, regional officers the events about people
in their region and by users working there. Filtered by user, person, action and date; paginated with a
fixed number of queries. It lives in config because it reads across apps (audit, inmates, accounts)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from audit.models import AuditEvent
from audit.services import audit_record
from core.forms import DateInput
from inmates.models import Admission, Movement, Person
from inmates.search import search_q
from institutions.paging import capped_page

PEOPLE_MATCHED = 500


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("User name"), required=False, max_length=150)
    person = forms.CharField(
        label=gettext_lazy("Person (name or register number)"), required=False, max_length=100
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("All actions")), *AuditEvent.Action.choices],
    )
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    until = forms.DateField(label=gettext_lazy("Until"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "action" else "form-control"


def audit_events(request):
    user = request.user
    scope = user.scope
    if not (scope.is_national or scope.region_ids or scope.is_dpo):
        raise PermissionDenied(_("The audit trail is for regional and national officers."))
    events = AuditEvent.objects.select_related("actor")
    if not (scope.is_national or scope.is_national_dpo):
        # A region: events about people held there at some time (their custody spells' movements into the
        # region's UPT: records merged into another since included, the events were about someone held
        # there), and events by people who work there. For a data-protection officer, who reads no
        # records, the same.
        regions = scope.region_ids | scope.dpo_region_ids
        spells = Movement.objects.filter(to_institution__region_id__in=regions)
        condition = Q(person_id__in=spells.values("admission__person_id"))
        workers = Membership.objects.filter(
            Q(institution__region_id__in=regions) | Q(region_id__in=regions)
        ).values("user")
        events = events.filter(condition | Q(actor__in=workers))
    form = AuditFilterForm(request.GET or None)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    if name := filters.get("user"):
        events = events.filter(username__icontains=name)
    if person := filters.get("person", "").strip():
        # The people whose name or register number matches, as the WBP list finds them (up to a few hundred:
        # a name common enough to match more is narrowed by the other filters).
        people = Admission.objects.filter(search_q(person)).values("person_id")[:PEOPLE_MATCHED]
        events = events.filter(person_id__in=people)
    if action := filters.get("action"):
        events = events.filter(action=action)
    zone = timezone.get_current_timezone()
    if since := filters.get("since"):
        events = events.filter(at__gte=dt.datetime.combine(since, dt.time(), tzinfo=zone))
    if until := filters.get("until"):
        events = events.filter(
            at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        )
    # The newest events up to a cap, read as ids in one pass (institutions.paging): counting a region's events
    # among a million took most of a second. Read before this very look is logged below.
    page, capped = capped_page(
        events.order_by("-at", "-pk"), request.GET.get("page"), AuditEvent.objects.select_related("actor")
    )
    # People by name where the viewer may see them (one query for the page); others by number only.
    names = dict(
        Person.objects.visible_to(user)
        .filter(pk__in={event.person_id for event in page.object_list if event.person_id})
        .values_list("pk", "full_name")
    )
    for event in page.object_list:
        event.person_name = names.get(event.person_id)
    audit_record(
        action=AuditEvent.Action.VIEW, actor=user, details={"audit_trail": dict(request.GET.items())}
    )
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page_obj": page, "capped": capped},
    )
