"""Bad input never breaks a page: generated garbage posted to every form of the application.

The forms are not listed by hand. Each test loads the demo (real places, agreements, WBP, programmes,
sessions, after-care plans, reports), signs in as one kind of user, walks the pages that user can reach by
following links, and collects every <form> it finds with its fields and their values. Hypothesis then sends
each form variations of what the page offered: fields left out, sent twice, or replaced by garbage (huge
text, NUL bytes, other scripts, impossible dates and numbers, markup, formulas, random files). Whatever
arrives:
- the answer is never a server error, and
- unless the form was accepted (a redirect, as every form here answers a success), nothing was saved:
  every table but the audit trail and the sessions has the rows it had before.

Each example runs in a savepoint that is rolled back, so examples do not see each other's saves. The
number of examples per form is bounded (GARBAGE_EXAMPLES, 8 by default) and the run is derandomised, so CI
is repeatable; set GARBAGE_EXAMPLES higher locally to search harder.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from assessments.models import Assessment, Recommendation
from rehab.models import FollowUp
from tests.demo_once import demo_for_the_module

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("GARBAGE_EXAMPLES", "8"))
DEMO_PASSWORD = "demo-password-for-garbage-1"
# Pages a walk starts from (then it follows links); at most this many pages per URL name are read.
START_PAGES = [
    "/",
    "/wbp/",
    "/asesmen/",
    "/rehab/",
    "/rehab/kalender/",
    "/rehab/minggu-saya/",
    "/rehab/pascarehab/",
    "/perjanjian/",
    "/laporan/bulanan/",
    "/laporan/residivisme/",
    "/laporan/partisipasi/",
    "/kanwil/",
    "/upt/",
    "/mitra/",
    "/audit/",
    "/kata-sandi/",
]
PAGES_PER_ROUTE = 2
MAX_PAGES = 120
# Never followed or posted: signing out ends the walk; downloads are files, not pages; the admin is Django's.
SKIPPED_ROUTES = {"accounts:logout", "inmates:admission-export", "agreements:agreement-document"}
SKIPPED_PREFIXES = ("/admin/", "/static/")
# Tables that a rejected post still writes to, by design.
WRITTEN_EVEN_ON_REJECTION = {"audit_auditevent", "django_session"}

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "99999999999999999999999999",
    "-99999999999",
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "31/12/2025",
    "2025-13-01T25:61",
    "25:61",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://x")',
    "\x00",
    "a\x00b",
    "١٢٣٤",
    "𝕏" * 40,
    "null",
    "[]",
    "{}",
    "true",
    "../../etc/passwd",
    "x" * 10_000,
]
# Sent raw (already percent-encoded) in query strings and form bodies, where a script can put any byte.
# Grouped by what the application receives, since two values that decode alike test the same thing:
# - unstorable: NUL, and a lone surrogate (UTF-8 of U+D800). The input guard (config.input_guard) drops such a
#   parameter from a query and refuses such a form whole, before any view, whichever of them it is;
# - undecodable: a broken or truncated escape reaches the view as the literal text ("%ZZ", "%"), a truncated
#   UTF-8 sequence or bytes that are no UTF-8 at all as U+FFFD: one value holds one of each ("%ZZ", U+FFFD);
# - oversized: an overlong text and a huge number, which the views parse themselves.
UNSTORABLE_VALUES = ["%00", "a%00b", "%ED%A0%80"]
UNDECODABLE = "%ZZ%E0%A4"
OVERSIZED_VALUES = ["x" * 5_000, "9" * 30]
HOSTILE_NAMES = "x%00y=1&%ED%A0%80=2"


def _each_unstorable(names: list[str]) -> str:
    """A query or form body giving each name one of the unstorable values in turn, and hostile names too."""
    pairs = [f"{name}={UNSTORABLE_VALUES[i % len(UNSTORABLE_VALUES)]}" for i, name in enumerate(names)]
    return "&".join([*pairs, HOSTILE_NAMES])


def _all_given(names: list[str], value: str) -> str:
    """A query or form body giving every name the same raw `value`."""
    return "&".join(f"{name}={value}" for name in names)


garbage = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates().map(lambda day: day.isoformat()),
)


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values offered by the page
    files: set[str] = field(default_factory=set)

    @property
    def route(self) -> str:
        try:
            match = resolve(urlsplit(self.action).path)
        except Resolver404:
            return f"<unresolved {self.action}>"
        return match.view_name


class _PageParser(HTMLParser):
    """The links and forms of one HTML page."""

    def __init__(self, base: str):
        super().__init__()
        self.base = base
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.base, attrs["href"]))
        elif tag == "form":
            action = urljoin(self.base, attrs.get("action") or self.base)
            self._form = Form(method=(attrs.get("method") or "get").lower(), action=action)
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            name = attrs["name"]
            if name == "csrfmiddlewaretoken":
                return
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                self._form.files.add(name)
                return
            values = self._form.fields.setdefault(name, [])
            if kind in ("checkbox", "radio") or tag != "select":
                values.append(attrs.get("value", "on" if kind in ("checkbox", "radio") else ""))
            if tag == "select":
                self._select = name
        elif tag == "option" and self._form is not None and self._select:
            self._form.fields[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _walk(client: Client, extra_pages: list[str]) -> tuple[list[Form], dict[str, int]]:
    """Every distinct form (one per method and route) on the pages this user reaches by links; the pages, each
    with the status it answered."""
    queue, seen_paths, per_route, forms = deque(extra_pages + START_PAGES), set(), {}, {}
    pages = {}
    while queue and len(seen_paths) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or parts.path.startswith(SKIPPED_PREFIXES):
            continue
        try:
            route = resolve(parts.path).view_name
        except Resolver404:
            continue
        if parts.path in seen_paths or route in SKIPPED_ROUTES or per_route.get(route, 0) >= PAGES_PER_ROUTE:
            continue
        seen_paths.add(parts.path)
        per_route[route] = per_route.get(route, 0) + 1
        response = client.get(url)
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        pages[url] = response.status_code
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _PageParser(
            base="http://testserver" + parts.path + (f"?{parts.query}" if parts.query else "")
        )
        parser.feed(response.content.decode())
        queue.extend(parser.links)
        for form in parser.forms:
            if form.route not in SKIPPED_ROUTES:
                forms.setdefault((form.method, form.route), form)
    return list(forms.values()), pages


@functools.cache
def _counting_sql() -> str:
    """One query counting the rows of every table a rejected form must leave alone (built once)."""
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.managed and model._meta.db_table not in WRITTEN_EVEN_ON_REJECTION
    )
    return " UNION ALL ".join(
        f"SELECT '{table}', COUNT(*) FROM {connection.ops.quote_name(table)}" for table in tables
    )


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(_counting_sql())
        return dict(cursor.fetchall())


def _payload_strategy(form: Form):
    def one_field(offered: list[str]):
        own = st.sampled_from(offered) if offered else st.just("")
        return st.one_of(
            own,  # what the page offered: gets the other fields' garbage past the first check
            own,
            garbage,
            st.none(),  # left out
            st.lists(st.one_of(own, garbage), min_size=2, max_size=3),  # sent more than once
        )

    files = {
        name: st.one_of(
            st.none(),
            st.tuples(
                st.binary(max_size=2048), st.sampled_from(["dok.pdf", "x.exe", "noext", "a" * 300 + ".pdf"])
            ),
        )
        for name in form.files
    }
    return st.fixed_dictionaries({name: one_field(values) for name, values in form.fields.items()} | files)


def _request_data(form: Form, payload: dict) -> dict:
    data = {}
    for name, value in payload.items():
        if value is None:
            continue
        if name in form.files:
            content, filename = value
            data[name] = SimpleUploadedFile(filename, content, content_type="application/pdf")
        else:
            data[name] = value
    return data


def _pages_deep_in_the_pathway(user) -> list[str]:
    """Forms that only a record at the right step offers (a recommendation still to record or to approve),
    which a walk capped at a few pages per route might not meet."""
    amuntai = {"institution__code": "lapas-amuntai"}
    pages = []
    assessment = Assessment.objects.filter(recommendation__isnull=True, **amuntai).order_by("-pk").first()
    if assessment:
        pages.append(reverse("assessments:recommendation-create", args=[assessment.pk]))
    pending = Recommendation.objects.filter(
        approved_on__isnull=True, **{f"assessment__{k}": v for k, v in amuntai.items()}
    )
    if recommendation := pending.order_by("-pk").first():
        pages.append(reverse("assessments:recommendation-approve", args=[recommendation.pk]))
    if follow_up := FollowUp.objects.visible_to(user).pending().order_by("due_on").first():
        pages.append(reverse("rehab:followup-record", args=[follow_up.pk]))
    return pages


def _sweep(username: str) -> list[str]:
    client = Client()
    user = User.objects.get(username=username)
    client.force_login(user)
    forms, pages = _walk(client, _pages_deep_in_the_pathway(user))
    assert forms, f"no forms found for {username}"

    for form in forms:
        _fuzz(client, form)
    _hostile_queries(client, forms, pages)
    _hostile_form_bodies(client, forms)
    return sorted(f"{form.method.upper()} {form.route}" for form in forms)


def _hostile_form_bodies(client: Client, forms: list[Form]) -> None:
    """Every POST form sent as a raw body a script could write: every field holding an unstorable value (the
    guard refuses the form whole, whichever it is), then every field holding the undecodable value (overlong
    values come with the generated garbage, _fuzz): never a 500, nothing half-saved."""
    for form in forms:
        if form.method != "post" or not form.fields:
            continue
        names = sorted(form.fields)
        for body in (_each_unstorable(names), _all_given(names, UNDECODABLE)):
            with transaction.atomic():
                before = _row_counts()
                response = client.post(form.action, body, content_type="application/x-www-form-urlencoded")
                assert response.status_code < 500, f"{form.route}: {response.status_code} for {body[:80]}"
                # Saved: a redirect (302), or 201 Created showing a one-time secret in that very answer
                # (an API token's key is never stored to be shown after a redirect).
                if response.status_code not in (201, 302):
                    assert _row_counts() == before, f"{form.route} answered {response.status_code} but saved"
                transaction.set_rollback(True)


def _hostile_queries(client: Client, forms: list[Form], pages: dict[str, int]) -> None:
    """Every filter of every GET form, and every parameter of every page reached, with each raw hostile
    value (and a hostile parameter name), always: never a 500, and the page still answers.

    One path per route (view name): /wbp/12/ and /wbp/13/ run the same code, so the route's parameters (the
    union of its forms' and its pages' ones) go to one of its paths, one that answered the walk with a 200
    where there is one."""
    paths, parameters = {}, {}  # route -> the path sent to; route -> parameter names
    candidates = [
        (form.route, urlsplit(form.action).path, set(form.fields)) for form in forms if form.method == "get"
    ]
    for url in pages:
        parts = urlsplit(url)
        names = {pair.split("=", 1)[0] for pair in parts.query.split("&") if pair}
        candidates.append((resolve(parts.path).view_name, parts.path, names | {"page"}))
    answered = {urlsplit(url).path: status for url, status in pages.items()}
    for route, path, names in candidates:
        parameters.setdefault(route, set()).update(names)
        if route not in paths or (answered.get(path) == 200 and answered.get(paths[route]) != 200):
            paths[route] = path
    for route, path in paths.items():
        names = sorted(parameters[route])
        # Every value goes to all of the page's parameters at once (the unstorable ones, which the input guard
        # drops whichever it is, shared out among them). The values a view itself parses (a huge number, an
        # overlong text) go again to each parameter on its own when that answer is not a 200: one parameter's
        # answer (a 404 for a page number, a redirect) must hide no other's.
        _hostile_get(client, path, _each_unstorable(names))
        _hostile_get(client, path, _all_given(names, UNDECODABLE))
        for value in OVERSIZED_VALUES:
            together = _hostile_get(client, path, _all_given(names, value))
            if together != 200 and len(names) > 1:
                for name in names:
                    _hostile_get(client, path, f"{name}={value}")


def _hostile_get(client: Client, path: str, query: str) -> int:
    """GET `path` with the raw query string, in a transaction rolled back; never a 500. Its status code."""
    with transaction.atomic():
        response = client.get(path, QUERY_STRING=query)
        transaction.set_rollback(True)
    assert response.status_code < 500, f"{path}?{query[:80]} answered {response.status_code}"
    return response.status_code


def _fuzz(client: Client, form: Form) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(payload=_payload_strategy(form))
    def send_garbage(payload):
        data = _request_data(form, payload)
        with transaction.atomic():
            before = _row_counts()
            if form.method == "post":
                response = client.post(form.action, data)
            else:
                response = client.get(form.action, {k: v for k, v in data.items() if k not in form.files})
            assert response.status_code < 500, f"{form.route}: {response.status_code} for {data!r}"
            # Saved: a redirect (302), or 201 Created showing a one-time secret in that very answer
            # (an API token's key is never stored to be shown after a redirect).
            if response.status_code not in (201, 302):
                after = _row_counts()
                changed = {
                    table: (before[table], after[table]) for table in before if before[table] != after[table]
                }
                assert not changed, f"{form.route} answered {response.status_code} but saved rows: {changed}"
            transaction.set_rollback(True)

    send_garbage()


# The demo is dated from today, and which forms a user can reach depends on the hour (a session that has
# started takes attendance; a new week's calendar shows none yet): the walk runs on a Wednesday afternoon in
# Kalimantan Selatan, whatever the day CI runs.
A_WORKING_AFTERNOON = dt.datetime(2026, 12, 2, 6, 0, tzinfo=dt.UTC)  # 14:00 WITA


# The demo, loaded once for the users of this module (the slowest part of each test's setup).
_demo_loaded = demo_for_the_module(DEMO_PASSWORD, at=A_WORKING_AFTERNOON)


@pytest.fixture
def demo(_demo_loaded, db, settings):
    settings.PRIVATE_MEDIA_ROOT = _demo_loaded  # where the demo's documents are
    with time_machine.travel(A_WORKING_AFTERNOON, tick=True):
        yield


@pytest.mark.parametrize(
    ("username", "must_reach"),
    [
        (
            "kalapas.amuntai",  # UPT staff and head of the UPT: registration, custody, screening, approval
            {
                "POST inmates:person-create",
                "POST inmates:person-edit",
                "POST inmates:admission-transfer",
                "POST inmates:admission-release",
                "POST assessments:screening-create",
                "POST assessments:assessment-create",
                "POST assessments:recommendation-create",
                "POST assessments:recommendation-approve",
                "POST rehab:enrolment-create",
                "POST rehab:followup-record",  # the releasing UPT's staff record follow-ups too
                "POST accounts:password-change",
                "GET inmates:admission-list",
            },
        ),
        (
            "konselor.bnnk-hsu",  # counsellor: sessions, attendance, notes, after-care
            {
                "POST rehab:session-create",
                "POST rehab:session-attendance",
                "POST rehab:note-create",
                "POST rehab:session-cancel",
            },
        ),
        (
            "kanwil.kalsel",  # regional officer: agreements and reports
            {
                "POST agreements:agreement-create",
                "POST agreements:agreement-edit",
                "POST agreements:agreement-terminate",
                "POST reports:report-create",
                "GET audit-events",
                "GET reports:recidivism",
            },
        ),
        ("ditjenpas", {"GET audit-events", "POST reports:report-create", "GET dashboard:participation"}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_garbage_posted_to_every_form_never_breaks_a_page_or_saves_half(demo, username, must_reach):
    reached = _sweep(username)
    missing = must_reach - set(reached)
    assert not missing, (
        f"the walk did not find these forms for {username}: {sorted(missing)}; it found {reached}"
    )
