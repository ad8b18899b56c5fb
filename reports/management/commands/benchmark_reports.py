"""Build a region the size of Sumatera Selatan inside a transaction, time a monthly report on it, and roll
everything back. Not a test: a measurement to record in the README.

    python manage.py benchmark_reports [--wbp 15000] [--rehab 1000] [--sessions 40000]
    DATABASE_URL=postgres://…/rehab_national python manage.py benchmark_reports --national [--runs 3]

With --national it builds nothing: on the national data set (generate_national) it times a month's figures
for one UPT, one region and the nation (on PARALLEL_READ_CONNECTIONS connections, and on one with its
queries counted), and the PDF of each; then, once, the month's figure set as the
monthly job computes it: every scope's figures at once and their protection together (publication).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from accounts.models import Role, User
from agreements.models import Agreement, AgreementScope
from inmates.models import Admission, Person
from institutions.models import Agency, Institution, Region
from rehab.models import (
    AftercarePlan,
    Attendance,
    AttendanceMark,
    Enrolment,
    FollowUp,
    Programme,
    Session,
    SessionChange,
)
from reports.figures import compute, compute_scopes
from reports.models import Report
from reports.publication import scopes as figure_scopes
from reports.publication import withheld_cells
from reports.render import pdf_bytes

MONTH = dt.date(2026, 10, 1)


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time a region report on generated data the size of Sumatera Selatan (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--wbp", type=int, default=15_000)
        parser.add_argument("--rehab", type=int, default=1_000)
        parser.add_argument("--sessions", type=int, default=40_000)
        parser.add_argument("--national", action="store_true", help="time the national data set's scopes")
        parser.add_argument("--runs", type=int, default=3, help="with --national: runs per scope")

    def handle(self, *args, wbp: int, rehab: int, sessions: int, national: bool, runs: int, **options):
        if national:
            self._national(runs)
            return
        try:
            with transaction.atomic():
                started = time.perf_counter()
                region, institution_ids = self._build(wbp, rehab, sessions)
                built = time.perf_counter() - started
                self.stdout.write(
                    f"Built {wbp} WBP, {rehab} in rehabilitation, {sessions} sessions in {built:.1f} s"
                )
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    figures = compute(institution_ids, MONTH)
                    computed = time.perf_counter() - started
                self.stdout.write(f"Figures: {len(queries.captured_queries)} queries, {computed:.2f} s")
                report = Report(scope=Report.Scope.REGION, region=region, month=MONTH)
                started = time.perf_counter()
                pdf = pdf_bytes(report, figures)
                rendered = time.perf_counter() - started
                self.stdout.write(f"PDF: {len(pdf) // 1024} KB rendered in {rendered:.2f} s")
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: the database is as it was.")

    def _national(self, runs: int) -> None:
        """Median time of the last full month's figures (and its PDF) for the UPT with the most people in
        custody, its region and the nation."""
        if not User.objects.filter(username="national.bench").exists():
            raise CommandError("No national data set here: run generate_national first (see the README).")
        month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        upt = (
            Institution.objects.annotate(
                held=Count("admissions", filter=Q(admissions__released_on__isnull=True))
            )
            .order_by("-held", "pk")
            .first()
        )
        scopes = [
            (Report(scope=Report.Scope.INSTITUTION, institution=upt, month=month), [upt.pk]),
            (
                Report(scope=Report.Scope.REGION, region=upt.region, month=month),
                list(Institution.objects.filter(region=upt.region).values_list("pk", flat=True)),
            ),
            (
                Report(scope=Report.Scope.NATIONAL, month=month),
                list(Institution.objects.values_list("pk", flat=True)),
            ),
        ]
        self.stdout.write(f"Month {month:%Y-%m}, median of {runs} runs:")
        lanes = settings.PARALLEL_READ_CONNECTIONS
        for report, upts in scopes:
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                figures = compute(upts, month)
                times.append(time.perf_counter() - started)
            # The same on one connection, one section after another: its time, and every query counted
            # (side by side, the sections' queries run on connections of their own).
            alone = []
            with override_settings(PARALLEL_READ_CONNECTIONS=1):
                for _ in range(runs):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        compute(upts, month)
                        alone.append(time.perf_counter() - started)
            started = time.perf_counter()
            pdf = pdf_bytes(report, figures)
            rendered = time.perf_counter() - started
            self.stdout.write(
                f"{report.scope:12} {len(upts):4d} UPT  figures {statistics.median(times):6.2f} s"
                f" on {lanes} connection(s), {statistics.median(alone):.2f} s on one"
                f" ({len(queries.captured_queries)} queries)  PDF {len(pdf) // 1024} KB in {rendered:.2f} s"
            )
        started = time.perf_counter()
        tree, places = figure_scopes()
        figures = compute_scopes(places, month)
        computed = time.perf_counter() - started
        started = time.perf_counter()
        withheld = withheld_cells(figures, tree)
        protected = time.perf_counter() - started
        self.stdout.write(
            f"figure set  {len(places):4d} scopes figures {computed:6.2f} s, protection {protected:.1f} s"
            f" ({sum(len(cells) for cells in withheld.values())} cells withheld or hidden)"
        )

    def _build(self, wbp: int, rehab: int, sessions: int):
        rng = random.Random(15_000)
        region = Region.objects.create(
            code="bench-sumsel", name="Benchmark Sumatera Selatan", province="Bench", time_zone="Asia/Jakarta"
        )
        institutions = Institution.objects.bulk_create(
            Institution(
                code=f"bench-{n}", name=f"Bench UPT {n}", kind="lapas", klass="IIA", region=region, city="X"
            )
            for n in range(12)
        )
        agency = Agency.objects.create(code="bench-bnnp", name="Bench BNNP", kind="bnnp", region=region)
        user = User.objects.create(username="bench-clerk")
        user.memberships.create(role=Role.UPT_STAFF, institution=institutions[0])
        agreement = Agreement.objects.create(
            number="BENCH/1",
            title="Bench",
            signed_on=dt.date(2024, 1, 1),
            valid_from=dt.date(2024, 1, 1),
            valid_until=dt.date(2028, 12, 31),
        )
        agreement.institutions.set(institutions)
        agreement.agencies.set([agency])
        AgreementScope.objects.bulk_create(
            AgreementScope(agreement=agreement, scope=s) for s in ("social_rehabilitation", "aftercare")
        )
        people = Person.objects.bulk_create(Person(full_name=f"Bench {n}", sex="male") for n in range(wbp))
        admissions = Admission.objects.bulk_create(
            Admission(
                person=person,
                institution=rng.choice(institutions),
                register_number=f"B {n}",
                register_category="B.I",
                admitted_on=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 500)),
                offence=rng.choice(["narcotics_user", "narcotics_other", "non_narcotics"]),
            )
            for n, person in enumerate(people)
        )
        released = admissions[: wbp // 10]
        for admission in released:
            admission.released_on = admission.admitted_on + dt.timedelta(days=rng.randint(30, 300))
            admission.release_type = "parole"
        Admission.objects.bulk_update(released, ["released_on", "release_type"])
        programmes = Programme.objects.bulk_create(
            Programme(
                institution=inst,
                kind="social",
                name=f"TC {inst.code}",
                agency=agency,
                agreement=agreement,
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2026, 12, 31),
                capacity=200,
                target=100,
            )
            for inst in institutions
        )
        by_institution = {p.institution_id: p for p in programmes}
        open_admissions = list(admissions[wbp // 10 :])[:rehab]
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(
                programme=by_institution[a.institution_id],
                person_id=a.person_id,
                admission=a,
                kind="social",
                status="active",
                direct_reason="bench",
            )
            for a in open_admissions
        )
        start = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)
        made = Session.objects.bulk_create(
            Session(
                programme=programmes[n % len(programmes)],
                institution_id=programmes[n % len(programmes)].institution_id,
                kind="group",
                topic="Bench",
                room=f"R{n % 50}",
                starts_at=start + dt.timedelta(hours=n // 12),
                ends_at=start + dt.timedelta(hours=n // 12, minutes=50),
                status="held" if n % 3 else "planned",
            )
            for n in range(sessions)
        )
        Attendance.objects.bulk_create(
            Attendance(session=session, enrolment=enrolments[n % len(enrolments)], status="present")
            for n, session in enumerate(made[:20_000])
        )
        # The history the figures read, as the services write it: each session's state, each mark, typed
        # before the month's end.
        typed = dt.datetime(2026, 1, 2, 2, 0, tzinfo=dt.UTC)
        SessionChange.objects.bulk_create(
            SessionChange(
                session=s, kind="made", status=s.status, starts_at=s.starts_at, ends_at=s.ends_at, at=typed
            )
            for s in made
        )
        AttendanceMark.objects.bulk_create(
            AttendanceMark(
                session=session, enrolment=enrolments[n % len(enrolments)], status="present", at=typed
            )
            for n, session in enumerate(made[:20_000])
        )
        plans = AftercarePlan.objects.bulk_create(
            AftercarePlan(
                admission=a, person_id=a.person_id, agency=agency, released_on=a.released_on, created_by=user
            )
            for a in released[:500]
        )
        FollowUp.objects.bulk_create(
            FollowUp(plan=plan, months_after=m, due_on=plan.released_on + dt.timedelta(days=30 * m))
            for plan in plans
            for m in (1, 3, 6, 12)
        )
        return region, [i.pk for i in institutions]
