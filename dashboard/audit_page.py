"""The audit trail page: national officers see every event, regional officers the events about people
in their region and by users working there. Filtered by user, person, action and date; paginated with a
fixed number of queries. It lives in config because it reads across apps (audit, inmates, accounts)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit import visibility
from audit.models import AuditEvent
from audit.services import audit_record
from core.forms import DateInput
from inmates.models import Admission, Person
from inmates.search import search_q
from institutions.paging import capped_page

PEOPLE_MATCHED = 500
USERS_MATCHED = 200


class AuditFilter(django_filters.FilterSet):
    """The audit trail's filters (django-filter): a bad value drops that filter only."""

    user = django_filters.CharFilter(label=gettext_lazy("User (name)"), method="by_user", max_length=150)
    person = django_filters.CharFilter(
        label=gettext_lazy("Person (name or register number)"), method="by_person", max_length=100
    )
    action = django_filters.ChoiceFilter(
        label=gettext_lazy("Action"),
        choices=AuditEvent.Action.choices,
        empty_label=gettext_lazy("All actions"),
    )
    since = django_filters.DateFilter(label=gettext_lazy("From"), method="from_day", widget=DateInput())
    until = django_filters.DateFilter(label=gettext_lazy("Until"), method="until_day", widget=DateInput())

    def __init__(self, data=None, *, queryset, people_in_scope=None):
        super().__init__(data, queryset=queryset)
        self.people_in_scope = people_in_scope  # None: everyone (national officers)
        for name, field in self.form.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "action" else "form-control"

    def by_user(self, events, _name, value):
        # The users whose user name or names hold each word, found in the users table first: matching the
        # words against a million events' user names took seconds; their actors are found by index. A user
        # name typed at a failed or blocked sign-in has no user behind it: found as typed (indexed).
        users = User.objects.all()
        for word in value.split()[:4]:
            users = users.filter(
                Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
            )
        # Read as a short list: given a subquery that finds nobody, the database walked all the events by
        # date looking for them (a second for the nation).
        actors = list(users.values_list("pk", flat=True)[:USERS_MATCHED])
        return events.filter(Q(actor_id__in=actors) | Q(username=value.strip()))

    def by_person(self, events, _name, value):
        value = value.strip()
        if not value:
            return events
        # The people whose name or register number matches, as the WBP list finds them, among the people of
        # the viewer's scope only: a name must not lead to the record numbers of people outside it. Up to a
        # few hundred (a name common enough to match more is narrowed by the other filters).
        people = Admission.objects.filter(search_q(value))
        if self.people_in_scope is not None:
            people = people.filter(person_id__in=self.people_in_scope)
        ids = people.values_list("person_id", flat=True)
        return events.filter(person_id__in=list(ids[:PEOPLE_MATCHED]))  # a short list, as for users

    def from_day(self, events, _name, day):
        return events.filter(
            at__gte=dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())
        )

    def until_day(self, events, _name, day):
        zone = timezone.get_current_timezone()
        return events.filter(at__lt=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone))


def audit_events(request):
    user = request.user
    scope = user.scope
    if not (scope.is_national or scope.region_ids or scope.is_dpo):
        raise PermissionDenied(_("The audit trail is for regional and national officers."))
    # The events of the user's scope (audit.visibility); the person filter searches the same people.
    events = AuditEvent.objects.visible_to(user).select_related("actor")
    people_in_scope = visibility.people_in_scope(user)
    filterset = AuditFilter(request.GET or None, queryset=events, people_in_scope=people_in_scope)
    events = filterset.qs
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
        {"form": filterset.form, "page_obj": page, "capped": capped},
    )
