"""The admin's model pages choose related records by id as the application's forms do (core.forms)."""

from core.forms import RecordChoiceField, RecordMultipleChoiceField


class RecordChoicesAdmin:
    """Mixed into every ModelAdmin and inline: foreign keys and many-to-many fields refuse ids too large for
    any column as invalid choices rather than answer 500 (on SQLite)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", RecordChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", RecordMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
