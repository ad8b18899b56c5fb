"""The subscriptions' sections of the monthly-report pages (registered with reports.panels): on the archive,
subscribing to each place the user may see; on a report's page, how its emails went."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.template.loader import render_to_string

from reports import panels
from reports.models import Report
from subscriptions.models import Delivery, Subscription
from subscriptions.rules import may_manage


@panels.register_list
def subscribe_panel(request, places: list[tuple[str, str]]) -> str:
    if not places:
        return ""
    names = dict(places)
    subscribed = [
        (subscription, names[subscription.place_key])
        for subscription in Subscription.objects.of_user(request.user)
        if subscription.place_key in names
    ]
    keys = {subscription.place_key for subscription, _name in subscribed}
    return render_to_string(
        "subscriptions/includes/report_list_panel.html",
        {"subscribed": subscribed, "offered": [(key, name) for key, name in places if key not in keys]},
        request=request,
    )


@panels.register_report
def delivery_panel(request, report: Report) -> str:
    """Counts for everyone who sees the report; the failed ones, with their error and a retry, for those
    who may manage it. Provisional reports are never sent, so they have no section."""
    if report.provisional or report.status != Report.Status.DONE:
        return ""
    deliveries = Delivery.objects.filter(report=report)
    counts = deliveries.aggregate(
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        queued=Count("pk", filter=Q(status=Delivery.Status.QUEUED)),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
    )
    manage = may_manage(request.user, report)
    failed = None
    if manage and counts["failed"]:
        failed = Paginator(
            deliveries.filter(status=Delivery.Status.FAILED).select_related("user").order_by("pk"),
            settings.PAGE_SIZE,
        ).get_page(request.GET.get("page"))
    return render_to_string(
        "subscriptions/includes/report_detail_panel.html",
        {"report": report, "counts": counts, "manage": manage, "page_obj": failed},
        request=request,
    )
