"""The access bundle's readable copy: a PDF in Indonesian, rendered from the same data as the JSON file."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from privacy import bundle

LANGUAGE = "id"  # the person's copy is in Indonesian (issue 18)
WIDEST_TABLE = 6  # columns


def _field(model: type[models.Model], path: str):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        if field.is_relation and field.related_model is not None:
            model = field.related_model
    return field


def _shown(field, value, zone) -> str:
    """A value as a person reads it: a choice's label, a date, a time in the UPT's zone, yes / no."""
    if value is None or value == "" or value == {} or value == []:
        return "—"
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if isinstance(field, models.DateTimeField):
        moment = dt.datetime.fromisoformat(value).astimezone(zone)
        return date_format(moment, "j F Y H:i") + f" {moment.tzname()}"
    if isinstance(field, models.DateField):
        return date_format(dt.date.fromisoformat(value), "j F Y")
    if isinstance(value, bool):
        return translation.gettext("yes") if value else translation.gettext("no")
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_plain(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    return str(value)


def _plain(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_plain(item)}" for key, item in value.items()) + "}"
    return str(value)


def bundle_html(data: dict, person, *, zone: str) -> str:
    info = zoneinfo.ZoneInfo(zone)
    with translation.override(LANGUAGE), timezone.override(info):
        sections = []
        for section in bundle.SECTIONS:
            rows = data["sections"].get(section.key, [])
            fields = [(_field(section.model, name), label) for name, label in section.columns]
            labels = [str(label) for _name, label in section.columns]
            shown = [
                [
                    _shown(field, row[bundle.key(name)], info)
                    for (field, _l), (name, _l2) in zip(fields, section.columns, strict=True)
                ]
                for row in rows
            ]
            # Many columns do not fit a page's width readably: each row is then a card of its own.
            wide = len(section.columns) > WIDEST_TABLE
            sections.append(
                {
                    "key": section.key,
                    "title": str(section.title),
                    "labels": labels,
                    "wide": wide,
                    "rows": [list(zip(labels, values, strict=True)) for values in shown] if wide else shown,
                    "withheld": data["notes_withheld"].get(section.key, 0),
                }
            )
        return render_to_string(
            "privacy/pdf/access_bundle.html",
            {
                "person": person,
                "data": data,
                "sections": sections,
                "generated_at": dt.datetime.fromisoformat(data["generated_at"]).astimezone(info),
                "language": LANGUAGE,
            },
        )


def bundle_pdf(data: dict, person, *, zone: str) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango takes a moment and only rendering needs it

    return HTML(string=bundle_html(data, person, zone=zone)).write_pdf()
