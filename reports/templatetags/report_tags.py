from django import template

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
