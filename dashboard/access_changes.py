"""Who changed whose access: the list for the heads of the UPT concerned and for the data-protection officer.

A head of a UPT sees changes of memberships at their UPT and of the counsellors of agencies that are party to
an agreement with it (their access reaches the UPT's WBP), and the account-level changes (rights, password
links) of people who work there. A data-protection officer sees all of it nationally, or for their region.
It lives in config because it reads across apps (accounts, agreements).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AccessChange, Membership
from agreements.models import Agreement
from institutions.models import Agency

ACCOUNT_LEVEL = [
    AccessChange.Kind.ACCOUNT_CREATED,
    AccessChange.Kind.RIGHTS_CHANGED,
    AccessChange.Kind.EMAIL_CHANGED,
    AccessChange.Kind.PASSWORD_RESET_SENT,
    AccessChange.Kind.PASSWORD_SET,
]


class AccessChangeFilterForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("Account (user name)"), required=False, max_length=150)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of change"),
        required=False,
        choices=[("", gettext_lazy("All changes")), *AccessChange.Kind.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].widget.attrs["class"] = "form-control"
        self.fields["kind"].widget.attrs["class"] = "form-select"


def may_review_access(user) -> bool:
    scope = user.scope
    return bool(scope.head_institution_ids or scope.is_dpo)


def access_changes_visible_to(user):
    scope = user.scope
    changes = AccessChange.objects.all()
    if scope.is_national_dpo:
        return changes
    condition = Q(pk__in=[])
    if heads := scope.head_institution_ids:
        # Partners: agencies with an agreement in force at the UPT today (their counsellors reach its WBP).
        partners = Agency.objects.filter(
            agreements__in=Agreement.objects.in_force_on(timezone.localdate()).filter(institutions__in=heads)
        ).values("pk")
        staff = Membership.objects.filter(institution_id__in=heads).values("user")
        condition |= (
            Q(institution_id__in=heads)
            | Q(agency_id__in=partners)
            # Account-level changes (rights, address, password links) only of the UPT's own staff.
            | Q(user__in=staff, kind__in=ACCOUNT_LEVEL)
        )
    if regions := scope.dpo_region_ids:
        members = Membership.objects.filter(
            Q(institution__region_id__in=regions)
            | Q(agency__region_id__in=regions)
            | Q(region_id__in=regions)
        )
        condition |= (
            Q(institution__region_id__in=regions)
            | Q(agency__region_id__in=regions)
            | Q(region_id__in=regions)
            | Q(user__in=members.values("user"))
        )
    return changes.filter(condition)


def access_change_list(request):
    user = request.user
    if not may_review_access(user):
        raise PermissionDenied(_("This list is for heads of UPT and data-protection officers."))
    form = AccessChangeFilterForm(request.GET or None)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    changes = access_changes_visible_to(user).select_related("user", "by")
    if name := filters.get("user"):
        changes = changes.filter(user__username__icontains=name)
    if kind := filters.get("kind"):
        changes = changes.filter(kind=kind)
    page = Paginator(changes.order_by("-at", "-pk"), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/access_change_list.html", {"form": form, "page_obj": page})
