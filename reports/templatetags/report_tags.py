from django import template
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from assessments.models import Recommendation, Screening
from rehab.models import Enrolment, Programme
from reports.disclosure import WITHHELD, count_text, rate_text, total_text

register = template.Library()


@register.simple_tag
def cell(value) -> str:
    """A count of people; 1–4 shown as "<5" in every report (reports.disclosure: the one rule)."""
    return count_text(value)


@register.simple_tag
def percent(numerator, denominator) -> str:
    """A share of people, withheld when it would reveal a small count."""
    return rate_text(numerator, denominator)


@register.simple_tag
def total(value, parts) -> str:
    """A total of people beside its parts, withheld when it would give a hidden part away."""
    return total_text(value, list(parts or ()))


@register.simple_tag
def share_of_target(active, target, parts=()) -> str:
    """Active participants against the programmes' targets: a plan value, not a count of anyone; withheld
    like the total it is computed from."""
    if total_text(active, list(parts or ())) == WITHHELD:
        return WITHHELD
    return rate_text(active, target, people_denominator=False)


@register.filter
def risk_label(code):
    return dict(Screening.Risk.choices).get(code, code)


@register.filter
def recommendation_label(code):
    return dict(Recommendation.Kind.choices).get(code, code)


@register.filter
def programme_label(code):
    return dict(Programme.Kind.choices).get(code, code)


@register.filter
def enrolment_label(code):
    return dict(Enrolment.Status.choices).get(code, code)


QUARTER_NUMERALS = ("I", "II", "III", "IV")


@register.filter
def quarter_label(first_day) -> str:
    """A quarter as people say it: "Triwulan IV 2025 (Okt–Des)" / "Quarter IV 2025 (Oct–Dec)"."""
    if not first_day:
        return ""
    index = (first_day.month - 1) // 3
    last_month = first_day.replace(month=first_day.month + 2)
    return _("Quarter %(numeral)s %(year)s (%(first)s–%(last)s)") % {
        "numeral": QUARTER_NUMERALS[index],
        "year": first_day.year,
        "first": date_format(first_day, "M"),
        "last": date_format(last_month, "M"),
    }


@register.simple_tag
def attendance_rate(sessions: dict) -> str:
    """Present or late ÷ those expected: recorded, less the absences with an acceptable reason."""
    expected = (sessions.get("recorded") or 0) - (sessions.get("excused") or 0)
    return rate_text(sessions.get("attended"), expected)
