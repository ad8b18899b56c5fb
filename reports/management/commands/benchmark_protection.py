"""Time the small-cell protection of one month's reports for a synthetic country: figures for every UPT
(many small counts, as at small UPTs and in the first years of data), summed into regions and the nation,
then reports.publication.withheld_cells over all of them. Nothing is read from or written to the database.
Not a test: a measurement to record in the README.

    python manage.py benchmark_protection [--regions 33] [--upts 16] [--seed 1]
"""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand

from reports.cohorts import WINDOWS
from reports.publication import NATIONAL, withheld_cells

YEARS = range(2016, 2027)


def upt_figures(rng: random.Random) -> dict:
    """One UPT's month: small counts are common (0–40 people screened, a few follow-ups); release cohorts of
    40–600 a year, but of 0–3 in the years before the UPT's data begins."""
    small = [0, 0, 1, 2, 3, 4, 6, 9, 15, 40]
    rows = []
    for year in YEARS:
        size = rng.randint(0, 3) if year < 2019 else rng.randint(40, 600)
        eligible = [size if year < 2026 - i else 0 for i in range(len(WINDOWS))]
        returned = [int(count * rng.uniform(0.02, 0.12) * (i + 1)) for i, count in enumerate(eligible)]
        rows.append(
            {
                "year": year,
                "size": size,
                "windows": [list(pair) for pair in zip(eligible, returned, strict=True)],
            }
        )
    kinds = {"medical": rng.choice(small), "social": rng.choice(small)}
    done = rng.choice(small)
    return {
        "screening": {
            "screened": rng.choice(small),
            "assist_by_risk": {risk: rng.choice(small) for risk in ("lower", "moderate", "high")},
        },
        "assessment": {
            "assessed": rng.choice(small),
            "recommended_by_kind": {kind: rng.choice(small) for kind in ("medical", "social")},
            "approved": rng.choice(small),
        },
        "rehabilitation": {
            "active_by_kind": kinds,
            "active_people": sum(kinds.values()),
            "moves": {status: rng.choice(small) for status in ("active", "completed", "dropped_out")},
        },
        "sessions": {"excused": rng.choice(small)},
        "aftercare": {
            "due": rng.choice(small),
            "done": done,
            "overdue": rng.choice(small),
            "urine_positive": min(done, rng.choice(small)),
            "relapsed": min(done, rng.choice(small)),
        },
        "targets": {"active": sum(kinds.values())},
        "recidivism": {
            "windows": list(WINDOWS),
            "rows": rows,
            "size": sum(row["size"] for row in rows),
            "followed": {str(m): sum(row["windows"][i][0] for row in rows) for i, m in enumerate(WINDOWS)},
        },
    }


def summed(parts: list[dict]) -> dict:
    """A region's (or the nation's) figures: the sum of its parts', as reports.figures makes them."""
    total = upt_figures(random.Random(0))  # the shape; every count is replaced below
    for section in ("screening", "assessment", "rehabilitation", "sessions", "aftercare", "targets"):
        for key, value in total[section].items():
            if isinstance(value, dict):
                total[section][key] = {k: sum(p[section][key].get(k, 0) for p in parts) for k in value}
            else:
                total[section][key] = sum(p[section][key] for p in parts)
    recidivism = total["recidivism"]
    recidivism["size"] = sum(p["recidivism"]["size"] for p in parts)
    recidivism["followed"] = {
        m: sum(p["recidivism"]["followed"][m] for p in parts) for m in recidivism["followed"]
    }
    for index, row in enumerate(recidivism["rows"]):
        row["size"] = sum(p["recidivism"]["rows"][index]["size"] for p in parts)
        row["windows"] = [
            [sum(p["recidivism"]["rows"][index]["windows"][w][k] for p in parts) for k in (0, 1)]
            for w in range(len(WINDOWS))
        ]
    return total


class Command(BaseCommand):
    help = "Time the small-cell protection of a month's reports for a synthetic country."

    def add_arguments(self, parser):
        parser.add_argument("--regions", type=int, default=33)
        parser.add_argument("--upts", type=int, default=16, help="UPTs per region")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, regions: int, upts: int, seed: int, **options):
        rng = random.Random(seed)
        figures, tree = {}, {NATIONAL: []}
        for r in range(regions):
            region = f"region:{r}"
            tree[NATIONAL].append(region)
            tree[region] = [f"institution:{r * 1000 + u}" for u in range(upts)]
            for upt in tree[region]:
                figures[upt] = upt_figures(rng)
            figures[region] = summed([figures[upt] for upt in tree[region]])
        figures[NATIONAL] = summed([figures[region] for region in tree[NATIONAL]])
        started = time.perf_counter()
        withheld = withheld_cells(figures, tree)
        elapsed = time.perf_counter() - started
        hidden = sum(1 for marks in withheld.values() for mark in marks.values() if mark == "<5")
        more = sum(1 for marks in withheld.values() for mark in marks.values() if mark == "×")
        self.stdout.write(
            f"{len(figures)} scopes: {hidden} counts of 1–4 hidden, {more} more withheld, in {elapsed:.1f} s"
        )
