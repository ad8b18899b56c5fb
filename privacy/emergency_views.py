"""Break-glass pages: asking for a record in an emergency, the list of accesses (one's own, and those to
review), and the review."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import apply_service_errors
from inmates.models import Person
from institutions.models import Institution
from privacy import emergency
from privacy.forms import EmergencyAccessForm, EmergencyReviewForm
from privacy.models import EmergencyAccess


@require_http_methods(["GET", "POST"])
def emergency_request(request):
    user = request.user
    if not emergency.may_ask(user):
        raise PermissionDenied(_("Emergency access is for UPT staff and counsellors."))
    form = EmergencyAccessForm(
        request.POST or None,
        institutions=Institution.objects.order_by("name"),
        max_hours=settings.BREAK_GLASS_HOURS,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = Person.objects.get(pk=data["person_id"])
        try:
            emergency.grant(
                user=user,
                person=person,
                reason=data["reason"],
                hours=data["hours"],
                session=request.session,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.warning(
                request,
                _("Emergency access granted. Every page you open is recorded and will be reviewed."),
            )
            return redirect(person)
    return render(request, "privacy/emergency_form.html", {"form": form, "hours": settings.BREAK_GLASS_HOURS})


@require_GET
def emergency_list(request):
    user = request.user
    scope = user.scope
    if not (emergency.may_ask(user) or scope.head_institution_ids or scope.is_dpo):
        raise PermissionDenied(_("Emergency access is for UPT staff and counsellors."))
    now = timezone.now()
    show = request.GET.get("show", "")
    rows = EmergencyAccess.objects.visible_to(user).select_related(
        "user", "person", "institution__region", "reviewed_by"
    )
    if show == "review":
        rows = rows.awaiting_review(now).filter(
            pk__in=EmergencyAccess.objects.reviewable_by(user).values("pk")
        )
    page = Paginator(rows.order_by("-granted_at", "-pk"), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    reviewable = set(
        EmergencyAccess.objects.reviewable_by(user)
        .filter(pk__in=[row.pk for row in page.object_list])
        .values_list("pk", flat=True)
    )
    for row in page.object_list:
        row.running = row.is_active(now)
        row.to_review = row.pk in reviewable and not row.running and row.reviewed_at is None
    return render(
        request,
        "privacy/emergency_list.html",
        {
            "page_obj": page,
            "show": show,
            "may_ask": emergency.may_ask(user),
            "review_form": EmergencyReviewForm(),
        },
    )


@require_POST
def emergency_review(request, pk: int):
    user = request.user
    record = get_object_or_404(EmergencyAccess.objects.visible_to(user), pk=pk)
    if not EmergencyAccess.objects.reviewable_by(user).filter(pk=pk).exists():
        raise PermissionDenied(
            _("The head of the UPT and the data-protection officer review emergency access.")
        )
    form = EmergencyReviewForm(request.POST)
    if form.is_valid():
        try:
            emergency.review(
                record, actor=user, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The review is recorded."))
    else:
        messages.error(request, _("Say whether the access was justified."))
    return redirect(reverse("privacy:emergency-list") + "?show=review")
