"""The screening and assessment work lists, as querysets: the work list page shows them, the home page and the
daily digest count them (dashboard). One definition each, so a count always matches the list it links to."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from agreements.access import Work
from assessments.models import Assessment, Recommendation, Screening
from inmates.models import Admission


def _latest_assist_of_held(user):
    """The latest ASSIST of each person held in the user's scope for assessment work: one screening per row.

    Held in the user's scope is within what they may see (Person.visible_to), and a record merged into
    another holds no custody spell (the merge moves them): the spells held there say who, and the database
    starts from them, not from every screening in the country."""
    assist = Screening.objects.filter(instrument=Screening.Instrument.ASSIST)
    later = assist.filter(person=OuterRef("person")).filter(
        Q(screened_on__gt=OuterRef("screened_on"))
        | Q(screened_on=OuterRef("screened_on"), pk__gt=OuterRef("pk"))
    )
    held = Admission.objects.open().held_in_scope(user, Work.ASSESSMENT)
    return assist.filter(person__in=held.values("person")).exclude(Exists(later))


def to_assess(user):
    """The latest ASSIST of each person held in the user's scope where it is moderate or high and nobody has
    been assessed since. Driven from those screenings (a moderate or high ASSIST with none after it), not
    from everyone in custody: the nation holds 170,000 people, looking up each one's latest screening took
    1.5 s."""
    assessed_since = Assessment.objects.filter(
        person=OuterRef("person"), assessed_on__gte=OuterRef("screened_on")
    )
    return (
        _latest_assist_of_held(user)
        .filter(risk__in=Screening.NEEDS_ASSESSMENT)
        .exclude(Exists(assessed_since))
        .select_related("person")
        .only("pk", "risk", "screened_on", "person__id", "person__full_name")  # not the answers: sorted wide
        .order_by("screened_on", "person__full_name", "pk")
    )


def to_rescreen(user, *, today: dt.date):
    """People still held whose latest ASSIST is older than the re-screening interval (settings
    RESCREENING_INTERVAL_DAYS, as the person page flags it), longest waiting first."""
    due_before = today - dt.timedelta(days=settings.RESCREENING_INTERVAL_DAYS)
    return (
        _latest_assist_of_held(user)
        .filter(screened_on__lte=due_before)
        .select_related("person")
        .only("pk", "risk", "screened_on", "person__id", "person__full_name")
        .order_by("screened_on", "person__full_name", "pk")
    )


def to_approve(user):
    """Recommendations the assessment team made for people held in the user's scope, not yet approved."""
    held = Admission.objects.open().held_in_scope(user, Work.ASSESSMENT)
    return (
        Recommendation.objects.visible_to(user)
        .awaiting_approval()
        .filter(assessment__person__in=held.values("person"))
        .select_related("assessment__person", "assessment__institution", "decided_by")
        .order_by("decided_on", "pk")
    )
