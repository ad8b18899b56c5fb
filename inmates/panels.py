"""Sections other apps add to the person page (screenings, programmes, follow-ups).

Those apps sit above inmates in the layout, so inmates cannot import them; each registers a provider here
when Django starts (in its AppConfig.ready). A provider gets the request and the person and returns HTML,
or "" when it has nothing the user may see.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

PersonPanel = Callable[[HttpRequest, "Person"], str]  # noqa: F821 - a forward reference for readers

_providers: list[PersonPanel] = []


def register(provider: PersonPanel) -> PersonPanel:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def render_panels(request: HttpRequest, person) -> list[str]:
    return [html for provider in _providers if (html := provider(request, person))]
