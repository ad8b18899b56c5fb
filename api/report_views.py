"""Monthly reports: the archive's second door, through Report.objects.visible_to (the archive's own rule), and
each ready report's figures as its PDF prints them (api.report_serializers). Aggregates: nobody's record is
read, so nothing is audited per read."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from api.base import ReadOnlyResource
from api.report_serializers import MONTH_PATTERN, ReportDetailSerializer, ReportSerializer
from reports.models import Report, ReportQuerySet

MAX_ID = 2**63 - 1  # the largest id of a row (BigAutoField): a larger one overflows SQLite's integers


class ReportFilters(serializers.Serializer):
    """The list's filters. A value that is not valid answers 400 with that field's message."""

    scope = serializers.ChoiceField(choices=Report.Scope.choices, required=False)
    month = serializers.CharField(required=False)
    place = serializers.CharField(required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)

    def validate_month(self, value: str) -> dt.date:
        try:
            return dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError as exc:
            raise serializers.ValidationError(_("Give a month as YYYY-MM.")) from exc

    def validate_place(self, value: str) -> dict:
        """The places of the archive's "Report for" choices: national, region:<id> or institution:<id>."""
        if value == Report.Scope.NATIONAL:
            return {"scope": Report.Scope.NATIONAL}
        kind, _sep, pk = value.partition(":")
        # ASCII digits only (str.isdigit() also takes "²", which int() refuses), and an id a row can have.
        if (
            kind not in (Report.Scope.REGION, Report.Scope.INSTITUTION)
            or not (pk.isascii() and pk.isdigit())
            or int(pk) > MAX_ID
        ):
            raise serializers.ValidationError(_("Give national, region:<id> or institution:<id>."))
        return {"scope": kind, f"{kind}_id": int(pk)}

    def apply(self, reports: ReportQuerySet) -> ReportQuerySet:
        data = self.validated_data
        if "scope" in data:
            reports = reports.filter(scope=data["scope"])
        if "month" in data:
            reports = reports.filter(month=data["month"])
        if "place" in data:
            reports = reports.filter(**data["place"])
        if "language" in data:
            reports = reports.filter(language=data["language"])
        return reports


LIST_FILTERS = [
    OpenApiParameter("scope", OpenApiTypes.STR, enum=list(Report.Scope.values), description="Kind of place."),
    OpenApiParameter(
        "month", OpenApiTypes.STR, pattern=MONTH_PATTERN, description="The month reported on, YYYY-MM."
    ),
    OpenApiParameter(
        "place",
        OpenApiTypes.STR,
        pattern=r"^(national|(region|institution):[0-9]+)$",
        description="One place, as the archive's “Report for” choices: `national`, `region:<id>` or "
        "`institution:<id>`.",
    ),
    OpenApiParameter("language", OpenApiTypes.STR, enum=[code for code, _name in settings.LANGUAGES]),
]

PLACE = {"id": 3, "code": "KALSEL", "name": "Kanwil Kalimantan Selatan"}
ROW = {
    "id": 41,
    "scope": "region",
    "place": PLACE,
    "month": "2026-10",
    "language": "id",
    "edition": 1,
    "provisional": False,
    "superseded": False,
    "status": "done",
    "data_cutoff": "2026-10-31T17:00:00Z",
    "generated_at": "2026-11-01T19:02:11Z",
}
SHOWN, HIDDEN_CELL, WITHHELD_CELL = (
    {"value": 16, "suppressed": None},
    {"value": None, "suppressed": "<5"},
    {"value": None, "suppressed": "×"},
)
ZERO = {"value": 0, "suppressed": None}
DETAIL = {
    **ROW,
    "reissue_reason": "",
    "generator_version": "1.0",
    "checksum": "9f2c…",
    "figures": {
        "screening": {
            "screened": SHOWN,
            "assist_by_risk": {"high": HIDDEN_CELL, "moderate": {"value": 13, "suppressed": None}},
        },
        "assessment": {"assessed": ZERO, "recommended_by_kind": {}, "approved": ZERO},
        "rehabilitation": {"active_by_kind": {}, "active_people": ZERO, "moves": {}},
        "sessions": {
            "planned": ZERO,
            "held": ZERO,
            "cancelled": ZERO,
            "without_attendance": ZERO,
            "excused": ZERO,
            "attendance_rate": {"percent": None, "suppressed": None},
        },
        "aftercare": {
            "due": {"value": 9, "suppressed": None},
            "done": {"value": 7, "suppressed": None},
            "overdue": HIDDEN_CELL,
            "urine_positive": WITHHELD_CELL,
            "relapsed": HIDDEN_CELL,
        },
        "agreements": {"active": {"value": 2, "suppressed": None}, "expiring": ZERO},
        "targets": {"target": ZERO, "active": ZERO, "achievement": {"percent": None, "suppressed": None}},
        "recidivism": {
            "windows": [6, 12, 24, 36],
            "release_years": [
                {
                    "year": 2025,
                    "released": {"value": 12, "suppressed": None},
                    "windows": [
                        {"months": 6, "eligible": {"value": 12, "suppressed": None}, "returned": ZERO}
                    ],
                }
            ],
            "curve_drawn": False,
            "at_risk": [],
        },
    },
}
SUPPRESSION = (
    'Counts and percentages are given as the PDF prints them. A count of 1 to 4 people is `{"value": null, '
    '"suppressed": "<5"}`; a count withheld because it would let a hidden one be worked out (from its table '
    'or from the reports of the same month at other scopes) is `{"value": null, "suppressed": "×"}`; a '
    'percentage that would reveal a small count is `{"percent": null, "suppressed": "×"}`, and one with '
    'nothing to divide by (the PDF\'s "—") `{"percent": null, "suppressed": null}`. The raw counts behind a '
    "mark are never given."
)


@extend_schema_view(
    list=extend_schema(
        parameters=LIST_FILTERS,
        description="The monthly reports you may see, as in the archive: the nation's for national officers, "
        "a region's and its UPTs' for its officers, a UPT's for its staff; other users (counsellors, partner "
        "clients) see none. Newest first, cursor pages. An invalid filter value answers 400.",
        examples=[OpenApiExample("A region's report", value=ROW, response_only=True)],
    ),
    retrieve=extend_schema(
        description="A report with the figures its PDF prints, from the same recorded snapshot and through "
        "the same small-cell suppression. "
        + SUPPRESSION
        + " A report that is not ready (`status` queued, running or failed) answers 200 with its status and "
        "`figures: null`; ask again later.",
        examples=[OpenApiExample("A region's report, ready", value=DETAIL, response_only=True)],
    ),
)
@extend_schema(tags=["reports"])
class ReportViewSet(ReadOnlyResource):
    """Monthly reports and their published figures."""

    queryset = Report.objects.none()  # for the schema's types; every request reads get_queryset()
    audit_reads = False  # aggregates: no person's data
    validates_query = True  # ReportFilters: a filter value that is not valid answers 400 (api.schema)

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        reports = (
            Report.objects.visible_to(self.request.user)
            .with_latest_edition()
            .select_related("institution", "region")
        )
        if self.action != "list":
            return reports
        filters = ReportFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return filters.apply(reports).defer("snapshot", "error")  # the figures are the detail's
