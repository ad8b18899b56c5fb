from django import template
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from assessments.models import Recommendation, Screening
from rehab.models import Enrolment, Programme

register = template.Library()


@register.simple_tag
def cell(value, suppress) -> str:
    """A count; 1–4 shown as "<5" in region and national reports (no one can be recognised)."""
    value = value or 0
    return "<5" if suppress and 0 < value < 5 else str(value)


@register.simple_tag
def percent(numerator, denominator) -> str:
    return "—" if not denominator else f"{100 * (numerator or 0) / denominator:.0f}%"


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
    return percent(sessions.get("attended"), expected)
