from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from assessments.instruments.assist import substance_label
from assessments.models import Recommendation, Screening
from inmates.models import Person
from rehab.models import Enrolment, LeaveReason, Programme, ProgrammePhase, QualityOfLife
from reports.disclosure import HIDDEN, WITHHELD, count_text, rate_text
from reports.people_treated import NOT_SCREENED, UNKNOWN

register = template.Library()


@register.simple_tag
def cell(shown: dict, *path) -> str:
    """A count of people as the report publishes it (reports.publication: the number, "<5" or "×"),
    marked with its cell path."""
    key = ".".join(str(part) for part in path)
    return format_html('<span data-cell="{}">{}</span>', key, shown.get(key, count_text(0)))


@register.simple_tag
def percent(numerator, denominator) -> str:
    """A share of people, withheld when it would reveal a small count."""
    return rate_text(numerator, denominator)


@register.simple_tag
def share_of_target(shown: dict, active, target) -> str:
    """Active participants against the programmes' targets (a plan value, not a count of anyone):
    withheld when the participants are not shown."""
    if shown.get("targets.active") != count_text(active) or count_text(active) == HIDDEN:
        return WITHHELD
    return rate_text(active, target, people_denominator=False)


@register.simple_tag
def coverage(shown: dict, population: dict) -> str:
    """The share of the people held for narcotics screened at least once: withheld unless both counts are
    shown (a rate beside a withheld count would give it back)."""
    held, screened = population.get("narcotics") or 0, population.get("screened") or 0
    if shown.get("population.narcotics") != count_text(held) or shown.get(
        "population.screened"
    ) != count_text(screened):
        return WITHHELD
    return rate_text(screened, held)


@register.simple_tag
def mean_change(shown: dict, quality_of_life: dict, domain: str) -> str:
    """The mean change (end − start, 0–100) of a WHOQOL-BREF domain: "×" where the group is too small to
    publish (reports.outcome_disclosure), "—" where nobody has both scores."""
    mark = shown.get(f"quality_of_life.mean.{domain}")
    if mark:
        return mark
    people = quality_of_life["n"].get(domain) or 0
    if not people:
        return "—"
    mean = quality_of_life["sums"].get(domain, 0) / people
    return f"{mean:+.1f}".replace("-", "−")


@register.filter
def qol_domain_label(domain: str) -> str:
    return capfirst(QualityOfLife._meta.get_field(domain).verbose_name)


@register.filter
def stage_label(stage: str) -> str:
    return str(dict(ProgrammePhase.Stage.choices).get(stage, _("Not in a phase yet")))


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


@register.filter
def leave_reason_label(code):
    return dict(LeaveReason.choices).get(code, code)


# PP 25/2011 Art. 18's table (reports.people_treated): each breakdown's heading and its categories' labels.
PP25_HEADINGS = {
    "sex": gettext_lazy("Sex"),
    "age": gettext_lazy("Age at the month's end"),
    "substance": gettext_lazy("Substance (highest ASSIST involvement score)"),
    "route": gettext_lazy("Route of use: injecting (ASSIST question 8)"),
    "risk": gettext_lazy("Level of involvement (ASSIST), in place of a diagnosis"),
    "history": gettext_lazy("Treatment history"),
}
PP25_LABELS = {
    UNKNOWN: gettext_lazy("Unknown"),
    NOT_SCREENED: gettext_lazy("Not screened with ASSIST"),
    "age.under_18": gettext_lazy("Under 18"),
    "age.18_25": "18–25",
    "age.26_35": "26–35",
    "age.36_45": "36–45",
    "age.46_plus": gettext_lazy("46 and over"),
    "substance.none": gettext_lazy("None scored above 0"),
    "route.never": gettext_lazy("Never injected"),
    "route.past_3_months": gettext_lazy("Injected in the past 3 months"),
    "route.earlier": gettext_lazy("Injected, not in the past 3 months"),
    "history.first": gettext_lazy("First programme"),
    "history.before": gettext_lazy("Treated before"),
}


@register.filter
def pp25_heading(name):
    return PP25_HEADINGS.get(name, name)


@register.filter
def pp25_label(category, name):
    """A category of the PP 25/2011 table's breakdown `name`, in the active language."""
    if category in PP25_LABELS:
        return PP25_LABELS[category]
    if f"{name}.{category}" in PP25_LABELS:
        return PP25_LABELS[f"{name}.{category}"]
    if name == "sex":
        return dict(Person.Sex.choices).get(category, category)
    if name == "risk":
        return risk_label(category)
    if name == "substance":
        return substance_label(category, get_language() or "id")
    return category


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
