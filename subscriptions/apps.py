from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    """Emails when a place's monthly report is ready. Above reports in the layout: reports tells it through
    a signal (reports.signals.report_ready) and shows its sections through reports.panels."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "subscriptions"
    verbose_name = _("Report subscriptions")

    def ready(self) -> None:
        from reports.signals import report_ready
        from subscriptions import panels, receivers  # noqa: F401 - panels register themselves

        report_ready.connect(receivers.on_report_ready, dispatch_uid="subscriptions.on_report_ready")
