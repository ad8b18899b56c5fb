"""What the access bundle (privacy.bundle) hands over from the SDP imports: the register's rows matched to
the person, as they arrived, and what was decided about each."""

from django.utils.translation import gettext_lazy as _

from exchange.models import ImportItem
from privacy.bundle import Section, register


def register_sections() -> None:
    register(
        Section(
            "register_rows",
            _("Rows of the national register (SDP) imported"),
            ImportItem,
            lambda options: ImportItem.objects.filter(person_id__in=options.people).order_by(
                "run_id", "line"
            ),
            (
                ("run__file_name", _("file")),
                ("line", _("line")),
                ("kind", _("kind")),
                ("row", _("row as it arrived")),
                ("outcome", _("outcome")),
                ("decided_at", _("decided at")),
            ),
        )
    )
