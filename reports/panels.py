"""Sections other apps add to the monthly-report pages (the archive and a report's page).

Those apps sit above reports in the layout, so reports cannot import them; each registers a provider here
when Django starts (in its AppConfig.ready), as inmates.panels does for the person page. A list provider gets
the request and the places the user may ask reports for (reports.views.report_places); a report provider
gets the request and the report. Each returns HTML, or "" when it has nothing the user may see.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

ListPanel = Callable[[HttpRequest, list[tuple[str, str]]], str]
ReportPanel = Callable[[HttpRequest, "Report"], str]  # noqa: F821 - a forward reference for readers

_list_providers: list[ListPanel] = []
_report_providers: list[ReportPanel] = []


def register_list(provider: ListPanel) -> ListPanel:
    if provider not in _list_providers:
        _list_providers.append(provider)
    return provider


def register_report(provider: ReportPanel) -> ReportPanel:
    if provider not in _report_providers:
        _report_providers.append(provider)
    return provider


def render_list_panels(request: HttpRequest, places: list[tuple[str, str]]) -> list[str]:
    return [html for provider in _list_providers if (html := provider(request, places))]


def render_report_panels(request: HttpRequest, report) -> list[str]:
    return [html for provider in _report_providers if (html := provider(request, report))]
