"""Drive a running server with signed-in users of every role for a fixed time, on the national data set
(generate_national), and print throughput, p50/p95/p99 and errors. Not a test: a measurement for the README.

    DATABASE_URL=postgres://…/rehab_national DJANGO_DEBUG=0 … gunicorn config.wsgi -w 4 -b 127.0.0.1:8000 &
    DATABASE_URL=postgres://…/rehab_national python manage.py load_test --users 50 --think 5 --seconds 120
    … load_test --users 8 --think 0 --seconds 60        # closed loop: the most the server answers per second

Each virtual user signs in through the login form, then asks for pages of its role's working day at random
(weights below), waiting `--think` seconds (0.5× to 1.5×) between pages. It talks HTTP to 127.0.0.1 and says
it came through a TLS proxy (X-Forwarded-Proto), as the production settings expect behind one.
"""

from __future__ import annotations

import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from http.cookies import SimpleCookie

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from accounts.models import User
from demo.management.commands.benchmark_pages import main_pages
from demo.national import PASSWORD
from inmates.models import Admission
from rehab.models import Facilitation, Programme

# (page, weight) per role: what a working day asks for most.
MIX = {
    "staff": [
        ("home", 3),
        ("WBP list", 4),
        ("WBP search", 3),
        ("person page", 5),
        ("assessment work list", 2),
        ("follow-ups", 2),
        ("calendar, week", 1),
        ("programmes", 1),
    ],
    "head": [("home", 3), ("WBP list", 2), ("person page", 2), ("programmes", 1), ("reports archive", 1)],
    "counsellor": [
        ("home", 3),
        ("my week", 3),
        ("programme page", 4),
        ("calendar, week", 2),
        ("person page", 2),
        ("follow-ups", 1),
    ],
    "regional": [
        ("home", 2),
        ("WBP list", 2),
        ("recidivism", 1),
        ("reports archive", 2),
        ("UPT list", 1),
        ("calendar, week", 1),
        ("person page", 1),
    ],
    "national": [("home", 2), ("recidivism", 1), ("reports archive", 2), ("UPT list", 1), ("agreements", 1)],
}
# How many of each role sign in, per 50 users.
SHARE = {"staff": 20, "head": 5, "counsellor": 15, "regional": 7, "national": 3}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer of its own (its cookies are kept), not followed


OPENER = urllib.request.build_opener(_NoRedirects)


class Session:
    """One signed-in browser: cookies kept by hand, since the production cookies are Secure and the test
    talks plain HTTP to a server that believes a TLS proxy is in front of it."""

    def __init__(self, base: str):
        self.base, self.cookies = base.rstrip("/"), {}

    def request(self, path: str, data: dict | None = None) -> tuple[int, bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("Accept-Language", "id")
        if data is not None:
            request.add_header("Referer", "https://" + urllib.parse.urlsplit(self.base).netloc + path)
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            with OPENER.open(request, timeout=30) as response:
                self._keep(response.headers.get_all("Set-Cookie") or [])
                return response.status, response.read()
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            self._keep(error.headers.get_all("Set-Cookie") or [])
            return error.code, error.read()

    def _keep(self, headers: list[str]) -> None:
        for header in headers:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def sign_in(self, username: str) -> None:
        login = reverse("accounts:login")
        status, page = self.request(login)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise CommandError(f"The login page answered {status}: is the server running at {self.base}?")
        status, _page = self.request(
            login,
            {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": PASSWORD},
        )
        if status != 302:
            raise CommandError(f"{username} could not sign in ({status}).")


class Command(BaseCommand):
    help = "Drive a running server with signed-in users for a fixed time; print throughput and latencies."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--think", type=float, default=5.0, help="seconds between pages (0: closed loop)")
        parser.add_argument("--seconds", type=float, default=120)
        parser.add_argument("--seed", type=int, default=16)

    def handle(self, *args, base_url, users, think, seconds, seed, **options):
        rng = random.Random(seed)
        people = self._users(users, rng)
        results: list[tuple[str, float, int]] = []
        failed: list[str] = []
        lock = threading.Lock()
        deadline = [0.0]

        def start_clock() -> None:  # run once, before anyone passes the barrier: everyone sees the deadline
            deadline[0] = time.monotonic() + seconds

        ready = threading.Barrier(len(people) + 1, action=start_clock)

        def run(role: str, user: User, pages: dict[str, str], own_rng: random.Random) -> None:
            session = Session(base_url)
            try:
                session.sign_in(user.username)
            except (CommandError, OSError) as error:
                with lock:
                    failed.append(f"{user.username}: {error}")
                return
            finally:
                ready.wait()
            names, weights = zip(*[(n, w) for n, w in MIX[role] if n in pages], strict=True)
            if think:
                time.sleep(own_rng.uniform(0, think))  # users do not all click at the same moment
            while time.monotonic() < deadline[0]:
                name = own_rng.choices(names, weights)[0]
                started = time.perf_counter()
                try:
                    status, _body = session.request(pages[name])
                except OSError:
                    status = 0  # refused, reset or timed out: an error
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    results.append((name, elapsed, status))
                if think:
                    time.sleep(own_rng.uniform(0.5 * think, 1.5 * think))

        threads = [
            threading.Thread(target=run, args=(role, user, pages, random.Random(rng.random())), daemon=True)
            for role, user, pages in people
        ]
        for thread in threads:
            thread.start()
        ready.wait()  # everyone signed in: the clock starts
        started = deadline[0] - seconds
        for thread in threads:
            thread.join(timeout=seconds + 60)
        for failure in failed:
            self.stderr.write(f"Could not sign in: {failure}")
        self._print(results, time.monotonic() - started, len(people) - len(failed), think)

    def _users(self, count: int, rng: random.Random) -> list[tuple[str, User, dict[str, str]]]:
        if not User.objects.filter(username="national.bench").exists():
            raise CommandError("No national data set here: run generate_national first (see the README).")
        chosen = []
        for role, share in SHARE.items():
            wanted = max(1, round(count * share / 50))
            if role == "national":  # one national officer's account, signed in several times
                users = list(User.objects.filter(username="national.bench")) * wanted
            else:
                pool = list(User.objects.filter(username__startswith=f"{role}.").order_by("pk")[:2000])
                users = rng.sample(pool, min(wanted, len(pool)))
            chosen += [(role, user, self._pages(user, role)) for user in users]
        return chosen[:count]

    def _pages(self, user: User, role: str) -> dict[str, str]:
        membership = user.memberships.first()
        upt = getattr(membership, "institution_id", None)
        programme, person = None, None
        if role == "counsellor":
            programme = (
                Facilitation.objects.filter(user=user).values_list("session__programme", flat=True).first()
                or Programme.objects.filter(agency_id=membership.agency_id)
                .values_list("pk", flat=True)
                .first()
            )
            if programme:
                person = (
                    Admission.objects.filter(enrolments__programme_id=programme)
                    .values_list("person_id", flat=True)
                    .first()
                )
        else:
            held = Admission.objects.filter(released_on__isnull=True)
            if upt:
                held = held.filter(institution_id=upt)
            elif membership is not None and membership.region_id:
                held = held.filter(institution__region_id=membership.region_id)
            person = held.order_by("pk").values_list("person_id", flat=True).first()
        pages = main_pages(person=person, programme=programme)
        pages["WBP search"] = reverse("inmates:admission-list") + "?q=Budi"  # in custody, the usual search
        return pages

    def _print(self, results, elapsed: float, users: int, think: float) -> None:
        if not results:
            raise CommandError("No page was answered.")
        times = sorted(ms for _name, ms, _status in results)
        errors = sum(1 for _name, _ms, status in results if status != 200)

        def percentile(values: list[float], share: float) -> float:
            return values[min(len(values) - 1, int(share * len(values)))]

        self.stdout.write(
            f"{users} users, think {think:g} s, {elapsed:.0f} s: {len(results)} pages, "
            f"{len(results) / elapsed:.1f} pages/s, errors {errors}"
        )
        self.stdout.write(
            f"all pages: p50 {percentile(times, 0.5):.0f} ms, p95 {percentile(times, 0.95):.0f} ms, "
            f"p99 {percentile(times, 0.99):.0f} ms, max {times[-1]:.0f} ms"
        )
        by_page = defaultdict(list)
        for name, ms, _status in results:
            by_page[name].append(ms)
        for name, values in sorted(by_page.items()):
            values.sort()
            self.stdout.write(
                f"  {name:22} {len(values):6d}  p50 {statistics.median(values):6.0f} ms"
                f"  p95 {percentile(values, 0.95):6.0f} ms"
            )
