"""Who may do what with subscriptions and deliveries, read from the reports app's own rules: a user may
subscribe to the places whose reports they may ask for (reports.views.report_places, the same places
Report.objects.visible_to opens), and those who may reissue a report manage its deliveries."""

from __future__ import annotations

from institutions.models import Institution, Region
from reports.models import Report, place_key
from reports.views import report_places


def place_fields(key: str) -> dict:
    """Subscription fields of a place key that report_places offered (so its id exists)."""
    kind, _sep, pk = key.partition(":")
    if kind == Report.Scope.INSTITUTION:
        return {"scope": kind, "institution": Institution.objects.get(pk=int(pk))}
    if kind == Report.Scope.REGION:
        return {"scope": kind, "region": Region.objects.get(pk=int(pk))}
    return {"scope": Report.Scope.NATIONAL}


def may_manage(user, report: Report, places: dict | None = None) -> bool:
    """The rule of reports.views.report_reissue: officers of the report's place."""
    return place_key(report) in (places if places is not None else dict(report_places(user)))
