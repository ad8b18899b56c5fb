"""Form pieces every app shares: core sits at the bottom of the layout, so all may import it.

Choosing a record by id (RecordChoiceField, RecordMultipleChoiceField, and the ModelForm base whose foreign
keys use them): an id that no integer column can hold is an invalid choice, not a server error. Django's
model choice fields look the posted id up in the database; on SQLite (the embedded database of `make run`)
an id beyond 64 bits makes the driver raise OverflowError while binding the query, which Django does not
catch (it catches ValueError and TypeError), so a tampered form answered 500. PostgreSQL is not affected.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

LARGEST_ID = 2**63 - 1  # the largest value a 64-bit integer column holds
# Dates outside these years are typing slips (0025 for 2025, 9999 for "no end"), not records.
EARLIEST_DATE, LATEST_DATE = dt.date(1945, 1, 1), dt.date(2100, 12, 31)


class DateInput(forms.DateInput):
    """The browser's date picker; ISO format both ways, whatever the language."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    """The browser's time picker, hours and minutes."""

    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def check_plausible(day: dt.date | None) -> dt.date | None:
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise forms.ValidationError(
            _("Check the year: dates from %(first)s to %(last)s are accepted.")
            % {"first": EARLIEST_DATE.year, "last": LATEST_DATE.year}
        )
    return day


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class LongSelect(forms.Select):
    """A select whose options are written out in Python: Django renders each option through a template of
    its own, 50 ms for the nation's 530 UPT on every WBP list page. No option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


def too_large(value) -> bool:
    """An id (as posted) beyond what an integer column holds; anything that is no number is not."""
    try:
        return abs(int(str(value).strip())) > LARGEST_ID
    except (TypeError, ValueError):
        return False


class RecordChoiceField(forms.ModelChoiceField):
    """A choice of one record by id; an id too large for any column is an invalid choice (module doc)."""

    def to_python(self, value):
        if value not in self.empty_values and too_large(value):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return super().to_python(value)

    def bound_data(self, data, initial):
        # Shown again after the error, the posted id would be looked up by the widget (the admin's
        # autocomplete select does): nothing is selected instead.
        return (
            None if data not in self.empty_values and too_large(data) else super().bound_data(data, initial)
        )


class RecordMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several records by id; an id too large for any column is an invalid value."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple | set) else []:
            if too_large(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)

    def bound_data(self, data, initial):
        if isinstance(data, list | tuple):
            data = [pk for pk in data if not too_large(pk)]
        return super().bound_data(data, initial)


def record_choice_formfield(db_field, **kwargs):
    """ModelForm's formfield_callback: foreign keys and many-to-many fields choose by id safely."""
    if db_field.many_to_many:
        kwargs.setdefault("form_class", RecordMultipleChoiceField)
    elif db_field.is_relation:
        kwargs.setdefault("form_class", RecordChoiceField)
    return db_field.formfield(**kwargs)


class _RecordChoices(forms.models.ModelFormMetaclass):
    """Django reads formfield_callback from a form's own Meta only: each subclass's Meta gets ours unless it
    names another, so subclasses declare their Meta as usual."""

    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(record_choice_formfield)
        return super().__new__(mcs, name, bases, attrs)


class ModelForm(forms.ModelForm, metaclass=_RecordChoices):
    """The project's ModelForm: its relation fields are RecordChoiceField / RecordMultipleChoiceField."""


class ExportForm(forms.Form):
    """Asked before a list with personal data leaves as a file (UU 27/2022): who receives it and what for;
    with many people (settings.EXPORT_REASON_FROM), why so many."""

    recipient = forms.CharField(
        label=_("Recipient"), max_length=200, help_text=_("Who receives the file: a name and their office.")
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300, help_text=_("What the file is for."))
    reason = forms.CharField(
        label=_("Why this many people"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, people: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        if people >= settings.EXPORT_REASON_FROM:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _(
                "%(count)s people or more: say why all of them are needed. The data-protection officer is"
                " told."
            ) % {"count": settings.EXPORT_REASON_FROM}
        else:
            del self.fields["reason"]
