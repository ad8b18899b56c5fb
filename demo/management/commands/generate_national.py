"""Build the national data set (issue 16) into an EMPTY PostgreSQL database, for benchmarks only.

    python manage.py generate_national --database-url postgres://postgres@127.0.0.1:5432/rehab_national
        [--scale 1.0] [--seed 2026]

It migrates the database, then refuses to write if it already holds any person, UPT or region: never point it
at a database with real data. Users sign in with the password in demo/national.py (PASSWORD).
"""

from __future__ import annotations

import time

import dj_database_url
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from demo.national import NotEmpty, generate
from reports import release_outcomes

ALIAS = "national"


class Command(BaseCommand):
    help = "Build a whole country's synthetic data into an empty PostgreSQL database (benchmarks only)."

    def add_arguments(self, parser):
        parser.add_argument("--database-url", help="an empty PostgreSQL database; default: this site's own")
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 300,000 persons in 530 UPT")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, database_url: str | None, scale: float, seed: int, **options):
        alias = "default"
        if database_url:
            connections.databases[ALIAS] = {
                **connections.databases["default"],
                **dj_database_url.parse(database_url),
            }
            alias = ALIAS
            call_command("migrate", database=alias, verbosity=0)
        if connections[alias].vendor != "postgresql":
            raise CommandError("generate_national writes with PostgreSQL's COPY: give a PostgreSQL database.")
        started = time.perf_counter()
        try:
            with transaction.atomic(using=alias):
                counts = generate(alias, scale=scale, seed=seed, log=self.stdout.write)
        except NotEmpty as exc:
            raise CommandError(
                f"The database already holds data ({exc}): generate_national only writes into an empty one."
            ) from exc
        refreshed = release_outcomes.refresh(using=alias)  # what the scheduled job would have built
        self.stdout.write(f"Release outcomes: {refreshed.releases:,} in {refreshed.seconds:.1f} s.")
        with connections[alias].cursor() as cursor:
            # As autovacuum leaves a database that has run for a while: statistics, and the visibility map
            # without which an index-only scan still reads every row it finds from the table. (Inside a
            # transaction, as in the tests, VACUUM cannot run: statistics only.)
            cursor.execute("ANALYZE" if connections[alias].in_atomic_block else "VACUUM (ANALYZE)")
        for table, count in counts.items():
            self.stdout.write(f"{table}: {count:,}")
        self.stdout.write(f"Done in {time.perf_counter() - started:.0f} s.")
