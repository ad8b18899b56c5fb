"""The user's subscriptions to monthly reports, and queueing a failed delivery again."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import jobs
from reports.views import report_places
from subscriptions import services
from subscriptions.models import Delivery, Subscription
from subscriptions.rules import may_manage


def _back(request, default: str = "subscriptions:subscription-list"):
    """Back to the page the form was on: the archive or the user's subscriptions (never a URL from the
    request, so nothing sends a user elsewhere)."""
    return redirect("reports:report-list" if request.POST.get("back") == "reports" else default)


@require_GET
def subscription_list(request):
    user = request.user
    places = report_places(user)
    names = dict(places)
    subscriptions = Subscription.objects.of_user(user).select_related("institution", "region").order_by("-pk")
    page = Paginator(subscriptions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    # Each subscription, and whether the user still sees its place (nothing is sent otherwise).
    rows = [(subscription, subscription.place_key in names) for subscription in page.object_list]
    subscribed = {subscription.place_key for subscription in Subscription.objects.of_user(user)}
    return render(
        request,
        "subscriptions/subscription_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "offered": [(key, name) for key, name in places if key not in subscribed],
        },
    )


@require_POST
def subscription_create(request):
    place = request.POST.get("place", "")
    places = dict(report_places(request.user))
    if place not in places:  # a place whose reports the user may not see, or nonsense: not theirs to name
        raise Http404
    services.subscription_create(user=request.user, place=place)
    messages.success(
        request,
        _("You will get an email when the monthly report of %(place)s is ready.") % {"place": places[place]},
    )
    return _back(request)


@require_POST
def subscription_delete(request, pk: int):
    subscription = get_object_or_404(
        Subscription.objects.of_user(request.user).select_related("institution", "region"), pk=pk
    )
    name = subscription.place_name
    services.subscription_delete(subscription=subscription, by=request.user)
    messages.success(request, _("No more emails for the reports of %(place)s.") % {"place": name})
    return _back(request)


@require_POST
def delivery_retry(request, pk: int):
    user = request.user
    delivery = get_object_or_404(
        Delivery.objects.visible_to(user).select_related("report__institution", "report__region"), pk=pk
    )
    if not may_manage(user, delivery.report):
        raise PermissionDenied(_("Only officers of this scope can send the report's emails again."))
    with jobs.watch() as watched:
        queued = services.delivery_retry(delivery=delivery, by=user)
    if queued:
        messages.success(request, _("The email is queued to be sent again."))
        jobs.tell_if_waiting(request, watched)
    else:
        messages.info(request, _("This email is no longer failed: it is queued or sent."))
    return redirect(delivery.report)
