"""What the API says about a monthly report: its row in the archive (place, month, edition, status) and, once
it is ready, the figures its PDF prints, taken from the report's own snapshot and read through the functions
the PDF is rendered with: reports.publication.published for every count of people (the number, or "<5" or
"×" where the month's figure set withholds it), the PDF template's tags for the two percentages. A count the
PDF does not print as a number is never given here as one; nothing the PDF leaves out (the days followed
behind the survival curve, the returns by each window) is given at all."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports import indicators
from reports.disclosure import AT_RISK_MONTHS, HIDDEN, WITHHELD, count_text
from reports.models import Report
from reports.publication import published
from reports.render import breakdown_rows, release_years_of
from reports.templatetags.report_tags import attendance_rate, coverage, mean_change, share_of_target

SUPPRESSED = [(HIDDEN, "1 to 4 people"), (WITHHELD, "withheld: it would give a hidden count away")]
MONTH_PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"
WITHHELD_ONLY = [(WITHHELD, "withheld")]  # a rate or a mean: only ever withheld whole


@extend_schema_field({"type": "string", "pattern": MONTH_PATTERN, "example": "2026-10"})
class MonthField(serializers.DateField):
    """A month as YYYY-MM: the schema's `date` format would promise a day."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class CountSerializer(serializers.Serializer):
    value = serializers.IntegerField(
        allow_null=True, help_text="The count as the PDF prints it; null where the PDF prints a mark."
    )
    suppressed = serializers.ChoiceField(
        choices=SUPPRESSED,
        allow_null=True,
        help_text='The PDF\'s mark for a suppressed count ("<5" or "×"), or null where it is shown.',
    )


class RateSerializer(serializers.Serializer):
    percent = serializers.IntegerField(
        allow_null=True,
        help_text="Whole percent, rounded as printed; null when suppressed or when there is nothing to "
        'divide by (the PDF prints "—").',
    )
    suppressed = serializers.ChoiceField(choices=WITHHELD_ONLY, allow_null=True)


def _count(text: str) -> dict:
    """A count of people as the PDF prints it: "12", "<5" or "×"."""
    if text in (HIDDEN, WITHHELD):
        return {"value": None, "suppressed": text}
    return {"value": int(text), "suppressed": None}


def _plain(value) -> dict:
    """A count of sessions, agreements or target places: not of people, printed as it is."""
    return {"value": value or 0, "suppressed": None}


def _rate(text: str) -> dict:
    """A percentage as the PDF prints it: "83%", "×" (withheld) or "—" (nothing to divide by)."""
    if text == WITHHELD:
        return {"percent": None, "suppressed": WITHHELD}
    if text.endswith("%"):
        return {"percent": int(text[:-1]), "suppressed": None}
    return {"percent": None, "suppressed": None}


def printed_figures(snapshot: dict) -> dict:
    """The figures of the PDF (templates/reports/pdf/monthly.html), section by section, from `snapshot`."""
    shown = published(snapshot)
    rows = breakdown_rows(snapshot, shown)  # every category the PDF lists, 0 and withheld ones included

    def count(path: str) -> dict:
        return _count(shown.get(path, count_text(0)))  # as the template's `cell` tag

    def counts(prefix: str, keys) -> dict:
        return {key: count(f"{prefix}.{key}") for key in keys}

    rehabilitation, sessions = snapshot["rehabilitation"], snapshot["sessions"]
    targets, recidivism = snapshot["targets"], snapshot["recidivism"]
    windows = recidivism["windows"]
    # The numbers at risk are printed under the curve, and the curve is drawn for a group large enough only
    # (reports.render; a snapshot from before that rule kept every curve of 5 or more).
    drawn = recidivism.get("publishable", recidivism["size"] >= 5)
    at_risk = ["recidivism.size", *(f"recidivism.followed.{months}" for months in windows)]
    return {
        "screening": {
            "screened": count("screening.screened"),
            "assist_by_risk": counts("screening.assist_by_risk", rows["risks"]),
        },
        "assessment": {
            "assessed": count("assessment.assessed"),
            "recommended_by_kind": counts("assessment.recommended_by_kind", rows["recommendations"]),
            "approved": count("assessment.approved"),
        },
        "rehabilitation": {
            "active_by_kind": counts("rehabilitation.active_by_kind", rows["kinds"]),
            "active_people": (
                count("rehabilitation.active_people")
                if rehabilitation.get("active_people") is not None
                else None
            ),
            "moves": counts("rehabilitation.moves", rows["moves"]),
            "left": counts("rehabilitation.left", [f"{status}.{reason}" for status, reason in rows["left"]]),
            "phase": counts("rehabilitation.phase", rows["phases"]),
        },
        "sessions": {
            **{key: _plain(sessions[key]) for key in ("planned", "held", "cancelled", "without_attendance")},
            "excused": count("sessions.excused") if sessions.get("excused") is not None else None,
            "attendance_rate": _rate(attendance_rate(sessions)),
        },
        "aftercare": {
            **counts("aftercare", ("due", "done", "overdue", "urine_positive", "relapsed")),
            # Figures from before issue 20 did not count it: null, as the PDF leaves the row out.
            "on_time": count("aftercare.on_time") if "on_time" in snapshot["aftercare"] else None,
        },
        "population": (
            {
                **counts("population", ("narcotics", "screened")),
                "coverage": _rate(coverage(shown, snapshot["population"])),
            }
            if "population" in snapshot
            else None
        ),
        "quality_of_life": (
            {
                "people": count("quality_of_life.people"),
                "mean_change": {
                    domain: _mean(mean_change(shown, snapshot["quality_of_life"], domain))
                    for domain in rows["qol_domains"]
                },
            }
            if "quality_of_life" in snapshot
            else None
        ),
        "pp25": (
            {
                "treated": count("pp25.treated"),
                **{name: counts(f"pp25.{name}", categories) for name, categories in rows["pp25"]},
                "duration_of_use": None,  # not recorded: the PDF prints "not recorded"
            }
            if "pp25" in snapshot
            else None
        ),
        "agreements": {key: _plain(snapshot["agreements"][key]) for key in ("active", "expiring")},
        "targets": {
            "target": _plain(targets.get("target")),
            "active": count("targets.active"),
            "achievement": _rate(share_of_target(shown, targets["active"], targets.get("target"))),
        },
        "recidivism": {
            "windows": windows,
            "release_years": [
                {
                    "year": year,
                    "released": count(f"recidivism.{year}.size"),
                    "windows": [
                        {
                            "months": months,
                            "eligible": count(f"recidivism.{year}.eligible.{months}"),
                            "returned": count(f"recidivism.{year}.returned.{months}"),
                        }
                        for months in windows
                    ],
                }
                for year in release_years_of(snapshot, shown)
            ],
            "curve_drawn": drawn,
            "at_risk": (
                [
                    {"months": months, "people": count(path)}
                    for months, path in zip(AT_RISK_MONTHS, at_risk, strict=True)
                ]
                if drawn
                else []
            ),
        },
        "places": [
            {
                "place": row.scope,
                "name": row.name,
                "counts": {
                    path.split(".", 2)[2]: _count_or_none(text)  # "members.<place>.<cell path>"
                    for path, text in row.cells[:-1]
                },
                "attendance_rate": _rate(row.cells[-1][1]),
            }
            for row in indicators.members(snapshot)
        ],
        "trend": [
            {
                "indicator": row.path,
                "this_month": row.this_month,
                "previous_month": row.previous,
                "change": row.change,
                "year_to_date": row.year_to_date,
            }
            for row in indicators.summary(snapshot)
        ],
    }


def _mean(text: str) -> dict:
    """A mean change as the PDF prints it: "+3.5", "−1.0", "×" (withheld) or "—" (nobody with both)."""
    if text == WITHHELD:
        return {"value": None, "suppressed": WITHHELD}
    if text == "—":
        return {"value": None, "suppressed": None}
    return {"value": float(text.replace("−", "-")), "suppressed": None}


def _count_or_none(text: str) -> dict:
    """A place's count as its row prints it; "—" where that month's figures had no such count."""
    return {"value": None, "suppressed": None} if text == "—" else _count(text)


# --- The shape of the figures, for the schema ------------------------------------------------------------


def _counts_by(what: str) -> serializers.DictField:
    return serializers.DictField(child=CountSerializer(), help_text=f"By {what}: only those the PDF lists.")


class ScreeningFiguresSerializer(serializers.Serializer):
    screened = CountSerializer(help_text="People screened (any instrument) at each UPT.")
    assist_by_risk = _counts_by("ASSIST risk level (lower, moderate, high)")


class AssessmentFiguresSerializer(serializers.Serializer):
    assessed = CountSerializer()
    recommended_by_kind = _counts_by("recommendation kind")
    approved = CountSerializer()


class RehabilitationFiguresSerializer(serializers.Serializer):
    active_by_kind = _counts_by("programme kind: enrolments active at the month's end")
    active_people = CountSerializer(
        allow_null=True, help_text="People active, each once (null: not printed)."
    )
    moves = _counts_by("enrolment status moved to in the month")
    phase = _counts_by(
        "phase of the Therapeutic Community of the people active at the month's end (induction, primary,"
        " reentry, other; none: not yet in a phase)"
    )
    left = _counts_by(
        "step out of a programme and its reason, as `<status>.<reason>` (dropped_out: disciplinary,"
        " voluntary, health, death, other; released: released, death)"
    )


class MeanSerializer(serializers.Serializer):
    value = serializers.FloatField(
        allow_null=True, help_text="To one decimal, as printed; null when withheld or none."
    )
    suppressed = serializers.ChoiceField(choices=WITHHELD_ONLY, allow_null=True)


class QualityOfLifeFiguresSerializer(serializers.Serializer):
    people = CountSerializer(
        help_text="People with WHOQOL-BREF at the start and at an end dated in the month."
    )
    mean_change = serializers.DictField(
        child=MeanSerializer(),
        help_text="By domain (physical, psychological, social, environment): end − start, 0–100.",
    )


class SessionFiguresSerializer(serializers.Serializer):
    planned = CountSerializer()
    held = CountSerializer()
    cancelled = CountSerializer()
    without_attendance = CountSerializer()
    excused = CountSerializer(
        allow_null=True, help_text="Absences with an acceptable reason (null: not printed)."
    )
    attendance_rate = RateSerializer(help_text="Attended ÷ expected.")


class AftercareFiguresSerializer(serializers.Serializer):
    due = CountSerializer()
    done = CountSerializer()
    overdue = CountSerializer()
    urine_positive = CountSerializer()
    relapsed = CountSerializer()
    on_time = CountSerializer(allow_null=True, help_text="Done by their due date (null: not counted then).")


class PopulationFiguresSerializer(serializers.Serializer):
    narcotics = CountSerializer(help_text="People held for narcotics at the month's end.")
    screened = CountSerializer(help_text="Of them, screened at least once in that custody spell.")
    coverage = RateSerializer(help_text="Screened ÷ held for narcotics.")


class PeopleTreatedFiguresSerializer(serializers.Serializer):
    treated = CountSerializer(
        help_text="People in medical or social rehabilitation at each UPT on some day of the month."
    )
    sex = _counts_by("sex (male, female)")
    age = _counts_by("age group at the month's end (under_18, 18_25, 26_35, 36_45, 46_plus, unknown)")
    substance = _counts_by(
        "substance with the highest ASSIST involvement score in the latest ASSIST screening (an ASSIST "
        "substance code, none: nothing scored above 0, not_screened)"
    )
    duration_of_use = serializers.JSONField(
        allow_null=True, help_text="Always null: not recorded by this system (the PDF prints so)."
    )
    route = _counts_by("injecting, ASSIST question 8 (never, past_3_months, earlier, not_screened)")
    risk = _counts_by(
        "ASSIST level of involvement, in place of a diagnosis (lower, moderate, high, not_screened)"
    )
    history = _counts_by("treatment history (first: first programme, before: treated before)")


class AgreementFiguresSerializer(serializers.Serializer):
    active = CountSerializer()
    expiring = CountSerializer(help_text="Ending within 90 days.")


class TargetFiguresSerializer(serializers.Serializer):
    target = CountSerializer(help_text="Sum of the targets of the programmes running in the month.")
    active = CountSerializer(help_text="Active participants at the month's end.")
    achievement = RateSerializer(help_text="Active participants ÷ target.")


class WindowFiguresSerializer(serializers.Serializer):
    months = serializers.IntegerField()
    eligible = CountSerializer()
    returned = CountSerializer()


class ReleaseYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    released = CountSerializer()
    windows = WindowFiguresSerializer(many=True)


class AtRiskSerializer(serializers.Serializer):
    months = serializers.IntegerField(help_text="Months since release.")
    people = CountSerializer(help_text="Still followed (at risk).")


class RecidivismFiguresSerializer(serializers.Serializer):
    windows = serializers.ListField(child=serializers.IntegerField(), help_text="Months: 6, 12, 24, 36.")
    release_years = ReleaseYearSerializer(many=True)
    curve_drawn = serializers.BooleanField(
        help_text="Whether the PDF draws the survival curve (20 released or more). The curve itself is only "
        "in the PDF."
    )
    at_risk = AtRiskSerializer(many=True, help_text="The numbers at risk under the curve; empty without it.")


class PlaceFiguresSerializer(serializers.Serializer):
    place = serializers.CharField(
        help_text='"institution:<id>" in a region\'s report, "region:<id>" in the nation\'s.'
    )
    name = serializers.CharField(help_text="Its name when the report was made.")
    counts = _counts_by("main indicator (as the place's own report of the month prints it)")
    attendance_rate = RateSerializer()


class TrendRowSerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text='A cell path, or "attendance_rate".')
    this_month = serializers.CharField()
    previous_month = serializers.CharField(help_text="As the month before's report published it.")
    change = serializers.CharField(help_text='"+3", "−2", "0"; "×" where either month is withheld.')
    year_to_date = serializers.CharField(help_text='A sum of published months; "≥ n" over a withheld month.')


class FiguresSerializer(serializers.Serializer):
    screening = ScreeningFiguresSerializer()
    assessment = AssessmentFiguresSerializer()
    rehabilitation = RehabilitationFiguresSerializer()
    sessions = SessionFiguresSerializer()
    aftercare = AftercareFiguresSerializer()
    population = PopulationFiguresSerializer(allow_null=True, help_text="Null: figures from before issue 20.")
    quality_of_life = QualityOfLifeFiguresSerializer(
        allow_null=True, help_text="Null: figures from before it."
    )
    pp25 = PeopleTreatedFiguresSerializer(
        allow_null=True,
        help_text="The people treated, as PP 25/2011 Art. 18 asks (each breakdown adds up to `treated`); "
        "null: figures from before the table.",
    )
    agreements = AgreementFiguresSerializer()
    targets = TargetFiguresSerializer()
    recidivism = RecidivismFiguresSerializer()
    places = PlaceFiguresSerializer(
        many=True, help_text="A row per UPT (region report) or region (national)."
    )
    trend = TrendRowSerializer(
        many=True, help_text="The main indicators beside the month before and the year."
    )


# --- Reports ---------------------------------------------------------------------------------------------


class PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="The UPT's or region's id; null for the nation.")
    code = serializers.CharField()
    name = serializers.CharField()


class ReportSerializer(serializers.ModelSerializer):
    place = serializers.SerializerMethodField()
    month = MonthField(read_only=True, help_text="YYYY-MM.")
    superseded = serializers.SerializerMethodField()
    generated_at = serializers.DateTimeField(source="finished_at", read_only=True, allow_null=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "scope",
            "place",
            "month",
            "language",
            "edition",
            "provisional",
            "superseded",
            "status",
            "data_cutoff",
            "generated_at",
        ]

    @extend_schema_field(PlaceSerializer)
    def get_place(self, report: Report) -> dict:
        place = report.institution if report.scope == Report.Scope.INSTITUTION else report.region
        return {"id": place.pk if place else None, "code": report.scope_code, "name": report.scope_name}

    def get_superseded(self, report: Report) -> bool:
        """A later edition of the same place, month and language replaces it (the archive's badge)."""
        return (report.latest_edition or report.edition) > report.edition


class ReportDetailSerializer(ReportSerializer):
    figures = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [
            *ReportSerializer.Meta.fields,
            "reissue_reason",
            "generator_version",
            "checksum",
            "figures",
        ]

    @extend_schema_field(FiguresSerializer(allow_null=True))
    def get_figures(self, report: Report) -> dict | None:
        if report.status != Report.Status.DONE or not report.snapshot:
            return None  # not ready: its status says why
        return printed_figures(report.snapshot)
