"""Walk every URL pattern of the project, so tests can cover each route, including those added later."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# A value that satisfies each path converter; views must then answer 404 for objects that do not exist.
CONVERTER_SAMPLES = {
    "IntConverter": "999999",
    "SlugConverter": "no-such-thing",
    "StringConverter": "x",
    "PathConverter": "x",
    "UUIDConverter": "00000000-0000-0000-0000-000000000000",
}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern itself for unnamed routes
    path: str  # a concrete path that resolves to it


def _sample_for_regex_group(regex: str, group: str) -> str:
    match = re.search(rf"\(\?P<{re.escape(group)}>([^)]*)\)", regex)
    body = match.group(1) if match else ""
    first_alternative = body.split("|")[0]
    return first_alternative if re.fullmatch(r"[\w-]+", first_alternative) else "1"


def _concrete(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        route = str(pattern._route)
        for name, converter in pattern.converters.items():
            sample = CONVERTER_SAMPLES.get(type(converter).__name__, "1")
            route = re.sub(rf"<(?:\w+:)?{name}>", sample, route)
        return route
    assert isinstance(pattern, RegexPattern)
    regex = pattern._regex
    text = regex
    for group in re.compile(regex).groupindex:
        text = re.sub(rf"\(\?P<{group}>[^)]*\)", _sample_for_regex_group(regex, group), text)
    return text.lstrip("^").rstrip("$").replace("\\", "")


def iter_routes(
    resolver: URLResolver | None = None, prefix: str = "/", namespace: str = ""
) -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        path = prefix + _concrete(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_routes(entry, path, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>"
            yield Route(name=name, path=path)
