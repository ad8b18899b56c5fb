"""Signals other apps may listen to. Apps above reports (subscriptions) connect receivers in their
AppConfig.ready, so reports never imports them."""

from django.dispatch import Signal

# A report has been rendered and marked ready (reports.render.generate), with `report`. Sent inside the
# caller's transaction, if any: a receiver that acts on it should wait for the commit
# (transaction.on_commit) and must not fail the render.
report_ready = Signal()
