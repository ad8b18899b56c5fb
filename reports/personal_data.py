"""What the access bundle (privacy.bundle) hands over from the reports: each release's outcome as the
recidivism dashboard counts it (reports.release_outcomes). The published figures are aggregates: no row
of them is about one person."""

from django.utils.translation import gettext_lazy as _

from privacy.bundle import Section, register
from reports.models import ReleaseOutcome


def register_sections() -> None:
    register(
        Section(
            "release_outcomes",
            _("Release outcomes (for the recidivism figures)"),
            ReleaseOutcome,
            lambda options: ReleaseOutcome.objects.filter(admission__person_id__in=options.people).order_by(
                "released_on"
            ),
            (
                ("admission_id", _("Custody spell")),
                ("released_on", _("released on")),
                ("readmitted_on", _("back in custody on")),
                ("participation", _("took part in rehabilitation")),
                ("programme_kind", _("programme kind")),
                ("first_follow_up_on", _("first follow-up")),
                ("first_relapse_on", _("first relapse recorded")),
            ),
        )
    )
