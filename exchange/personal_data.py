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


def register_retention() -> None:
    """The SDP files kept after an import (privacy.retention): deleted after their period, by the daily job
    (services.files_expired_delete) and by a retention run; the record, its checksum and counts stay."""
    from django.conf import settings
    from django.utils.translation import gettext_lazy

    from exchange.models import ImportRun
    from privacy import retention

    def due(cutoff):
        return (
            ImportRun.objects.filter(created_at__lt=cutoff)
            .exclude(file="")
            .exclude(status__in=[ImportRun.Status.QUEUED, ImportRun.Status.RUNNING])
        )

    def apply(ids, actor, now):
        from exchange.services import files_delete

        return files_delete(ImportRun.objects.filter(pk__in=ids), actor=actor)

    def forget_rows(sender, ids, **kwargs):
        """The register's rows as they arrived name the person: emptied when the person is anonymised (the
        outcome of each row stays)."""
        from exchange.models import ImportItem

        ImportItem.objects.filter(person_id__in=ids).update(row={})

    retention.people_anonymised.connect(
        forget_rows, dispatch_uid="exchange-forget-anonymised-rows", weak=False
    )
    retention.register(
        retention.Kind(
            "import_files",
            gettext_lazy("SDP import files"),
            gettext_lazy("file deleted; the import's record, checksum and counts stay"),
            settings.SDP_IMPORT_KEEP_DAYS,
            1,
            due,
            apply,
        )
    )
