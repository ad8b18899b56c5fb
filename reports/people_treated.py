"""The people treated, as PP 25/2011 Art. 18 asks a rehabilitation provider to report them: their number,
identity, substance, duration of use, route of use, diagnosis and treatment history. Aggregated per UPT
(never a name), from what this system already records, as it had been recorded by the report's cut-off:

- people treated: distinct people with a medical or social rehabilitation enrolment at the UPT that was active
  on some day of the month (its step into "active" dated by the last day, no step out dated before the first);
- identity: sex, and age group at the month's end (its last day counted);
- substance: the one with the highest ASSIST specific involvement score in the person's latest ASSIST
  screening dated by the last day (any UPT), ties in the instrument's own substance order; "none" where no
  substance scores above 0, "not screened" where there is no such screening;
- duration of use: not recorded (ASSIST asks about the last 3 months and lifetime, not for how long), so not
  counted at all;
- route of use: that screening's Q8 (injecting: never, in the past 3 months, earlier);
- diagnosis: no ICD-10 diagnosis is recorded; that screening's ASSIST risk level stands in its place, and the
  report names it so ("level of involvement (ASSIST)");
- treatment history: "before" where another medical or social enrolment of the person, at any UPT, became
  active on an earlier day than the first one counting them here this month; "first" otherwise.

Every breakdown adds up to the people treated (reports.publication protects them together). One statement,
whatever the number of UPTs or people, counts every breakdown per UPT in the database: the enrolments active
in the month, their people's first day in treatment anywhere and each one's latest ASSIST screening (its
main substance as scored when it was recorded, its Q8 and its risk level) are its pieces, built by the ORM;
an answer set recorded without its main substance is scored here with the instrument, in one more query."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connections
from django.db.models import Count, F, Min, Q, Window
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KT
from django.db.models.functions import RowNumber

from assessments import instruments
from assessments.instruments import assist
from assessments.models import Screening
from inmates.models import Person
from rehab.models import Enrolment, EnrolmentTransition, Programme
from reports.statements import named_placeholders, numbered

TREATED_KINDS = (Programme.Kind.MEDICAL, Programme.Kind.SOCIAL)
UNKNOWN = "unknown"
NONE_SCORED = assist.NO_SUBSTANCE  # "none"
NOT_SCREENED = "not_screened"
FIRST, BEFORE = "first", "before"
# (least age, band): each band from its least age to the next one's.
AGE_BANDS = ((0, "under_18"), (18, "18_25"), (26, "26_35"), (36, "36_45"), (46, "46_plus"))
ROUTE_OF_Q8 = {"no_never": "never", "yes_past_3_months": "past_3_months", "yes_not_past_3_months": "earlier"}
# Every category of each breakdown, in the order the report prints them (each printed, 0 included). A sex
# outside the model's choices (none today) would be counted and printed as UNKNOWN.
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "sex": tuple(Person.Sex.values),
    "age": (*(band for _least, band in AGE_BANDS), UNKNOWN),
    "substance": (*assist.SUBSTANCES, NONE_SCORED, NOT_SCREENED),
    "route": (*ROUTE_OF_Q8.values(), NOT_SCREENED),
    "risk": (Screening.Risk.LOWER, Screening.Risk.MODERATE, Screening.Risk.HIGH, NOT_SCREENED),
    "history": (FIRST, BEFORE),
}


def empty() -> dict:
    """A UPT's section before anyone is counted."""
    return {"treated": 0, **{name: {} for name in BREAKDOWNS}}


def age_band(birth_date: dt.date | None, on: dt.date) -> str:
    if birth_date is None:
        return UNKNOWN
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return next(band for least, band in reversed(AGE_BANDS) if age >= least or least == 0)


def assist_summary(version: str, answers: dict) -> tuple[str, str, str]:
    """(substance, route, risk) of one ASSIST answer set, scored with the version it was given in: for a
    screening whose main substance was not recorded (Screening.main_substance holds it for the others)."""
    result = instruments.score(assist.CODE, answers, version=version)
    return result.main_substance, ROUTE_OF_Q8.get(result.injecting, UNKNOWN), result.highest_risk


def count(figures: dict, places, first: dt.date, last: dt.date, known_at: dt.datetime) -> None:
    """Add each UPT's section ("pp25") to `figures` ({upt: figures}), from the UPTs `places`: one statement
    counting every breakdown per UPT in the database (a second for an answer set recorded without its main
    substance, none once migrated). Read as a row per person and counted here, the nation's month took 2 s,
    a fifth of it in Python."""
    connection = connections[EnrolmentTransition.objects.db]
    ops = connection.ops
    steps = EnrolmentTransition.objects.filter(
        enrolment__programme__institution__in=places,
        enrolment__kind__in=TREATED_KINDS,
        at__lte=known_at,
        on__lte=last,
    )
    # One pass over the steps, grouped per enrolment (a correlated look-up per enrolment took 1.2–1.8 s of
    # the nation's month): its first day active by the last day, and whether it had left before the first.
    enrolments = (
        steps.values("enrolment")
        .annotate(
            upt=F("enrolment__programme__institution"),
            person=F("enrolment__person"),
            started=Min("on", filter=Q(to_status=Enrolment.Status.ACTIVE)),
            gone=Count("pk", filter=Q(on__lt=first) & ~Q(to_status__in=Enrolment.OPEN)),
        )
        .filter(started__isnull=False, gone=0)
        .values("upt", "person", "started")
        .order_by()
    )
    counted_people = RawSQL("SELECT person FROM people", [])
    # Treated before: another enrolment of the person (any UPT) active from a day before this one's start,
    # that is, their first day active anywhere (as recorded by the cut-off) is earlier.
    # Looked up for everyone ever enrolled at `places`, a superset of the people counted, which the planner
    # can estimate (a hash join for the nation, index look-ups for a UPT): asked for the people counted, it
    # expected a few hundred and looked each of the nation's 35,000 up (0.4 s against 0.1 s).
    enrolled = Enrolment.objects.filter(programme__institution__in=places, kind__in=TREATED_KINDS)
    first_active = (
        EnrolmentTransition.objects.filter(
            enrolment__person__in=enrolled.values("person"),
            enrolment__kind__in=TREATED_KINDS,
            to_status=Enrolment.Status.ACTIVE,
            at__lte=known_at,
        )
        .values("enrolment__person")
        .annotate(person=F("enrolment__person"), first=Min("on"))
        .values("person", "first")
        .order_by()
    )
    latest = (
        Screening.objects.filter(
            instrument=Screening.Instrument.ASSIST,
            person__in=counted_people,
            screened_on__lte=last,
            created_at__lte=known_at,
        )
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("person_id")],
                order_by=[F("screened_on").desc(), F("pk").desc()],
            )
        )
        .filter(newest=1)
        .annotate(q8=KT("answers__q8"), screened_person=F("person_id"), screening=F("pk"))
        .values("screened_person", "screening", "main_substance", "q8", "risk")
        .order_by()
    )
    named: dict = {"unknown": UNKNOWN, "unscored": UNSCORED, "not_screened": NOT_SCREENED}
    named |= {"first": FIRST, "before": BEFORE, "nobody": ""}
    named |= {f"sex{n}": sex for n, sex in enumerate(BREAKDOWNS["sex"])}
    sexes = ", ".join(f"%(sex{n})s" for n in range(len(BREAKDOWNS["sex"])))
    # Age at the last day is at least N where the birth date is on or before the last day N years earlier.
    ages = []
    for n, (least, band) in enumerate(reversed(AGE_BANDS)):
        named[f"band{n}"] = band
        if least:
            named[f"born{n}"] = ops.adapt_datefield_value(years_before(last, least))
            ages.append(f"WHEN pe.birth_date <= %(born{n})s THEN %(band{n})s")
        else:
            ages.append(f"ELSE %(band{n})s")
    routes = []
    for n, (answer, route) in enumerate(ROUTE_OF_Q8.items()):
        named |= {f"q8_{n}": answer, f"route{n}": route}
        routes.append(f"WHEN l.q8 = %(q8_{n})s THEN %(route{n})s")
    pieces = {"counted": enrolments, "first_active": first_active, "latest": latest}
    params: dict = {}
    sql = {}
    for name, queryset in pieces.items():
        piece, piece_params = queryset.query.sql_with_params()
        sql[name] = named_placeholders(piece, name, piece_params, named)
        params |= numbered(name, piece_params)
    with_pieces = f"""
        WITH counted AS ({sql["counted"]}),
        people AS (SELECT upt, person, MIN(started) AS started FROM counted GROUP BY upt, person),
        first_active AS ({sql["first_active"]}),
        latest AS ({sql["latest"]})
    """
    query = f"""{with_pieces},
        treated AS (
            SELECT p.upt,
                CASE WHEN pe.sex IN ({sexes}) THEN pe.sex ELSE %(unknown)s END AS sex,
                CASE WHEN pe.birth_date IS NULL THEN %(unknown)s {" ".join(ages)} END AS age,
                CASE WHEN l.screened_person IS NULL THEN %(not_screened)s
                    WHEN l.main_substance = %(nobody)s THEN %(unscored)s
                    ELSE l.main_substance END AS substance,
                CASE WHEN l.screened_person IS NULL THEN %(not_screened)s
                    WHEN l.main_substance = %(nobody)s THEN %(unscored)s {" ".join(routes)}
                    ELSE %(unknown)s END AS route,
                CASE WHEN l.screened_person IS NULL THEN %(not_screened)s
                    WHEN l.main_substance = %(nobody)s THEN %(unscored)s ELSE l.risk END AS risk,
                CASE WHEN f.first < p.started THEN %(before)s ELSE %(first)s END AS history
            FROM people p
            JOIN {Person._meta.db_table} pe ON pe.id = p.person
            LEFT JOIN first_active f ON f.person = p.person
            LEFT JOIN latest l ON l.screened_person = p.person
        )
        {
        " UNION ALL ".join(
            f"SELECT upt, '{name}', {name}, COUNT(*) FROM treated GROUP BY upt, {name}" for name in BREAKDOWNS
        )
    }
    """
    counted: dict[int, dict] = defaultdict(empty)
    with connection.cursor() as cursor:
        cursor.execute(query, {**named, **params})
        for upt, breakdown, category, n in cursor.fetchall():
            section = counted[upt]
            section[breakdown][category] = section[breakdown].get(category, 0) + n
            if breakdown == "history":
                section["treated"] += n
    if any(UNSCORED in section["substance"] for section in counted.values()):
        # Scored here with the instrument, and moved from UNSCORED to what it gives.
        unscored = f"""{with_pieces}
            SELECT p.upt, s.version, s.answers FROM people p
            JOIN latest l ON l.screened_person = p.person
            JOIN {Screening._meta.db_table} s ON s.id = l.screening
            WHERE l.main_substance = %(nobody)s
        """
        answers = Screening._meta.get_field("answers")
        with connection.cursor() as cursor:
            cursor.execute(unscored, {**named, **params})
            for upt, version, answer_set in cursor.fetchall():
                summary = assist_summary(version, answers.from_db_value(answer_set, None, connection))
                for name, category in zip(("substance", "route", "risk"), summary, strict=True):
                    section = counted[upt][name]
                    section[UNSCORED] -= 1
                    section[category] = section.get(category, 0) + 1
                    if not section[UNSCORED]:
                        del section[UNSCORED]
    for upt, section in counted.items():
        figures[upt]["pp25"] = section


# count()'s category, in its statement only, for an answer set recorded without its main substance.
UNSCORED = "unscored"


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier; 29 February, in a year without one, the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
