"""The person page's "Screening and assessment" section (registered with inmates.panels)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from assessments import services
from assessments.instruments import assist
from assessments.models import Assessment, Screening
from inmates import panels

TREND_SCREENINGS = 6  # the ASSIST screenings shown side by side


def _trend(screenings: list[Screening], language: str) -> dict:
    """Per substance ever used, its ASSIST score at each of the latest screenings, oldest first."""
    assists = [s for s in screenings if s.instrument == Screening.Instrument.ASSIST][:TREND_SCREENINGS][::-1]
    results = [screening.result() for screening in assists]
    # Substances in the order results list them; one another version lacks shows as "—" there.
    used = list(dict.fromkeys(s for r in results for s, item in r.substances.items() if item.used_ever))
    return {
        "dates": [screening.screened_on for screening in assists],
        "rows": [
            {
                "label": assist.substance_label(substance, language),
                "cells": [
                    (r.substances[substance].score, r.substances[substance].risk)
                    if substance in r.substances
                    else (None, None)
                    for r in results
                ],
            }
            for substance in used
        ],
    }


@panels.register
def screening_panel(request, person) -> str:
    user = request.user
    screenings = list(Screening.objects.visible_to(user).filter(person=person).select_related("screened_by"))
    assessments = list(
        Assessment.objects.visible_to(user)
        .filter(person=person)
        .select_related("interviewer", "recommendation")
    )
    may_assess = services.may_assess(user, person)
    if not (screenings or assessments or may_assess):
        return ""  # nothing to show this user: no section at all
    today = timezone.localdate()
    last_assist = next((s for s in screenings if s.instrument == Screening.Instrument.ASSIST), None)
    # Re-screening is for people still held: after release, follow-up takes over (nothing flagged).
    due = (
        last_assist.screened_on + dt.timedelta(days=settings.RESCREENING_INTERVAL_DAYS)
        if last_assist and person.admissions.filter(released_on__isnull=True).exists()
        else None
    )
    return render_to_string(
        "assessments/includes/person_panel.html",
        {
            "person": person,
            "screenings": screenings,
            "assessments": assessments,
            "may_assess": may_assess,
            "rescreening_due": due,
            "rescreening_overdue": due is not None and due < today,
            "trend": _trend(screenings, get_language() or "id"),
        },
        request=request,
    )
