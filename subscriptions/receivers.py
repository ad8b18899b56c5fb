"""What this app does when reports says a report is ready (reports.signals.report_ready)."""

from __future__ import annotations

from django.db import transaction

from subscriptions import services


def on_report_ready(sender, report, **kwargs) -> None:
    if report.provisional:  # its subscribers hear of the month's final edition
        return
    report_id = report.pk
    # After the render's commit, and robust: a failure here is logged and never fails the report.
    transaction.on_commit(lambda: services.deliveries_create(report_id=report_id), robust=True)
