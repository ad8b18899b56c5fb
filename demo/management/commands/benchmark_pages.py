"""Time the main pages for each role on the national data set (generate_national), and the WBP name search
against the Django admin's search on the same data. Not a test: a measurement to record in the README.

    DATABASE_URL=postgres://…/rehab_national DJANGO_DEBUG=0 python manage.py benchmark_pages [--runs 5]

(with production settings, run `collectstatic` once first: pages name their hashed static files).

Each page is asked once to warm up, then `--runs` times; it prints the median time, the number of queries
and the size of the answer, per page and role.
"""

from __future__ import annotations

import logging
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from inmates.models import Admission
from rehab.models import Programme

SEARCH = "Budi Hasibuan"


def main_pages(*, person: int | None = None, programme: int | None = None) -> dict[str, str]:
    """The pages each role's working day asks for most, by name (also driven by load_test)."""
    pages = {
        "home": reverse("home"),
        "WBP list": reverse("inmates:admission-list"),
        "WBP list, all statuses": reverse("inmates:admission-list") + "?status=all",
        "WBP search": reverse("inmates:admission-list") + f"?status=all&q={SEARCH}",
        "person page": reverse("inmates:person-detail", args=[person]) if person else None,
        "assessment work list": reverse("assessments:worklist"),
        "programmes": reverse("rehab:programme-list"),
        "programme page": reverse("rehab:programme-detail", args=[programme]) if programme else None,
        "calendar, week": reverse("rehab:calendar"),
        "calendar, month": reverse("rehab:calendar") + "?view=month",
        "my week": reverse("rehab:my-week"),
        "follow-ups": reverse("rehab:followup-list"),
        "recidivism": reverse("reports:recidivism"),
        "reports archive": reverse("reports:report-list"),
        "agreements": reverse("agreements:agreement-list"),
        "UPT list": reverse("institutions:institution-list"),
        "audit trail": reverse("audit-events"),
    }
    return {name: url for name, url in pages.items() if url}


class Command(BaseCommand):
    help = "Time the main pages for each role on the national data set."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, runs: int, **options):
        logging.getLogger("django.request").setLevel(logging.ERROR)  # pages a role may not open: not news
        national = User.objects.filter(username="national.bench").first()
        if national is None:
            raise CommandError("No national data set here: run generate_national first (see the README).")
        staff = User.objects.filter(username__startswith="staff.").order_by("pk").first()
        upt = staff.memberships.get().institution_id
        head = User.objects.get(username=f"head.{upt}")
        programme = Programme.objects.filter(institution_id=upt, kind="social").order_by("-starts_on").first()
        counsellor = User.objects.get(username=f"counsellor.{upt}.{programme.starts_on.year}.social")
        region = Admission.objects.filter(institution_id=upt).values_list("institution__region", flat=True)[0]
        regional = User.objects.get(username=f"regional.{region}")
        person = Admission.objects.filter(institution_id=upt, released_on__isnull=True).first().person_id
        roles = {
            "staff": staff,
            "head": head,
            "counsellor": counsellor,
            "regional": regional,
            "national": national,
        }
        pages = main_pages(person=person, programme=programme.pk)
        self.stdout.write(f"{'page':26} {'role':10} {'median':>8} {'queries':>7} {'size':>8}  status")
        for page, url in pages.items():
            for role, user in roles.items():
                result = self._time(user, url, runs)
                if result is not None:
                    self.stdout.write(f"{page:26} {role:10} {result}")
        self._search_against_admin(national, runs)

    def _client(self, user) -> Client:
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
        client.force_login(user)
        return client

    def _time(self, user, url: str, runs: int) -> str | None:
        client = self._client(user)
        response = client.get(url, secure=True)
        if response.status_code != 200:
            return None  # not this role's page
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, secure=True)
                body = b"".join(response) if response.streaming else response.content
                times.append(time.perf_counter() - started)
        median = statistics.median(times) * 1000
        size = len(body) / 1024
        return f"{median:6.0f} ms {len(queries.captured_queries):7d} {size:6.0f} KB  {response.status_code}"

    def _search_against_admin(self, national, runs: int) -> None:
        """The WBP list's name search against the Django admin's changelist search over persons by name (a
        ModelAdmin made here: the app registers none for persons), one after the other on the same data."""
        from django.contrib import admin
        from django.test import RequestFactory

        from inmates.models import Person

        superuser, _created = User.objects.get_or_create(
            username="admin.bench", defaults={"is_staff": True, "is_superuser": True}
        )
        changelist = admin.ModelAdmin(Person, admin.site)
        changelist.search_fields = ["full_name", "other_names", "nik"]

        def admin_search():
            request = RequestFactory().get("/admin/inmates/person/", {"q": SEARCH})
            request.user = superuser
            # The changelist's search, count and page of results; not its template (persons are not in
            # the admin's menu), so the admin's side is measured a little short: in its favour.
            listing = changelist.get_changelist_instance(request)
            list(listing.result_list)
            return listing.result_count

        client = self._client(national)
        url = reverse("inmates:admission-list") + f"?status=all&q={SEARCH}"
        medians = {}
        for name, search in (("admin", admin_search), ("app", lambda: client.get(url, secure=True))):
            search()
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                search()
                times.append(time.perf_counter() - started)
            medians[name] = statistics.median(times) * 1000
        self.stdout.write(
            f"Search '{SEARCH}': admin {medians['admin']:.0f} ms, app {medians['app']:.0f} ms "
            f"(the app takes {medians['app'] / medians['admin']:.2f}× the admin's time)"
        )
