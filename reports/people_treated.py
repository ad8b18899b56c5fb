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

Every breakdown adds up to the people treated (reports.publication protects them together). Three queries,
whatever the number of UPTs or people: the enrolments active in the month, their people's first day in
treatment anywhere, and each of their people's latest ASSIST screening: its main substance as scored when
it was recorded, its Q8 and its risk level (an answer set recorded without its main substance is scored
here with the instrument)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Case, Count, F, JSONField, Min, Q, Value, When, Window
from django.db.models.fields.json import KT
from django.db.models.functions import RowNumber

from assessments import instruments
from assessments.instruments import assist
from assessments.models import Screening
from inmates.models import Person
from rehab.models import Enrolment, EnrolmentTransition, Programme

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
    """Add each UPT's section ("pp25") to `figures` ({upt: figures}), from the UPTs `places`."""
    steps = EnrolmentTransition.objects.filter(
        enrolment__programme__institution__in=places,
        enrolment__kind__in=TREATED_KINDS,
        at__lte=known_at,
        on__lte=last,
    )
    # One pass over the steps, grouped per enrolment (a correlated look-up per enrolment took 1.2–1.8 s of
    # the nation's month): its first day active by the last day, and whether it had left before the first.
    enrolments = (
        steps.values(
            "enrolment__programme__institution",
            "enrolment__person",
            "enrolment__person__sex",
            "enrolment__person__birth_date",
            "enrolment",
        )
        .annotate(
            started=Min("on", filter=Q(to_status=Enrolment.Status.ACTIVE)),
            gone=Count("pk", filter=Q(on__lt=first) & ~Q(to_status__in=Enrolment.OPEN)),
        )
        .filter(started__isnull=False, gone=0)
        .values_list(
            "enrolment__programme__institution",
            "enrolment__person",
            "enrolment__person__sex",
            "enrolment__person__birth_date",
            "started",
        )
        .order_by()
    )
    # Everyone ever enrolled here: a superset of the people counted, to look their history and screening up.
    enrolled = Enrolment.objects.filter(programme__institution__in=places, kind__in=TREATED_KINDS).values(
        "person"
    )
    # Treated before: another enrolment of the person (any UPT) active from a day before this one's start,
    # that is, their first day active anywhere (as recorded by the cut-off) is earlier.
    first_active = dict(
        EnrolmentTransition.objects.filter(
            enrolment__person__in=enrolled,
            enrolment__kind__in=TREATED_KINDS,
            to_status=Enrolment.Status.ACTIVE,
            at__lte=known_at,
        )
        .values("enrolment__person")
        .annotate(first=Min("on"))
        .values_list("enrolment__person", "first")
        .order_by()
    )
    # A person counts once at a UPT; their history there is that of the first enrolment counting them (the
    # flag only grows with the start day: it is "before" when every one of theirs there is).
    people: dict[tuple[int, int], list] = {}
    for upt, person, sex, birth_date, started in enrolments:
        before = first_active.get(person, started) < started
        known = people.get((upt, person))
        if known is None:
            people[(upt, person)] = [sex, birth_date, before]
        else:
            known[2] = known[2] and before
    latest = (
        Screening.objects.filter(
            instrument=Screening.Instrument.ASSIST,
            person__in=enrolled,
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
        .annotate(
            q8=KT("answers__q8"),
            # The whole answer set only where its main substance was not recorded (none such once migrated).
            unscored=Case(
                When(main_substance="", then=F("answers")), default=Value(None), output_field=JSONField()
            ),
        )
        .values_list("person", "version", "main_substance", "q8", "risk", "unscored")
        .order_by()
    )
    screened = {
        person: (
            assist_summary(version, unscored)
            if unscored is not None
            else (substance, ROUTE_OF_Q8.get(q8, UNKNOWN), risk)
        )
        for person, version, substance, q8, risk, unscored in latest
    }
    unscreened = (NOT_SCREENED, NOT_SCREENED, NOT_SCREENED)
    counted: dict[int, dict] = defaultdict(empty)
    for (upt, person), (sex, birth_date, before) in people.items():
        substance, route, risk = screened.get(person, unscreened)
        section = counted[upt]
        section["treated"] += 1
        for name, category in (
            ("sex", sex if sex in BREAKDOWNS["sex"] else UNKNOWN),
            ("age", age_band(birth_date, last)),
            ("substance", substance),
            ("route", route),
            ("risk", risk),
            ("history", BEFORE if before else FIRST),
        ):
            section[name][category] = section[name].get(category, 0) + 1
    for upt, section in counted.items():
        figures[upt]["pp25"] = section
