from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The top of the layout: each role's to-do home, its daily digest, and the audit and access-review pages.
    These read across every app (inmates, assessments, rehab, exchange, reports), so nothing imports them."""

    name = "dashboard"
    verbose_name = _("Dashboard")
