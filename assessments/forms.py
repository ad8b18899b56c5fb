"""Forms built from the instrument definitions, in the user's language. Each form checks its answers with
the instrument's own scoring, so the form and the score can never disagree about what is required."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from assessments import instruments
from assessments.instruments import InstrumentError, asi, assist
from assessments.models import Recommendation
from core.forms import DateInput, ModelForm

ANSWER_THIS = _("Answer this question.")
CHOOSE_LISTED = _("Choose one of the listed answers.")


def _language() -> str:
    return get_language() or "id"


def _attach_instrument_errors(form: forms.Form, error: InstrumentError, field_for) -> None:
    """Show the instrument's complaints on the fields they concern (unless the field already has one)."""
    for code in error.missing:
        name = field_for(code)
        if name in form.fields and name not in form.errors:
            form.add_error(name, ANSWER_THIS)
    for code in error.invalid:
        name = field_for(code)
        if name in form.fields and name not in form.errors:
            form.add_error(name, CHOOSE_LISTED)
        elif name not in form.fields:
            form.add_error(None, CHOOSE_LISTED)


class DatedForm(forms.Form):
    def _add_date(self, name: str, label) -> None:
        self.fields[name] = forms.DateField(label=label, widget=DateInput(), initial=timezone.localdate)


class AssistForm(DatedForm):
    """One page: a row per substance, a column per question; Q8 and the date below."""

    QUESTIONS = ("q1", "q2", "q3", "q4", "q5", "q6", "q7")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = _language()
        self.definition = instruments.definition("ASSIST")
        for substance in self.definition.extra["substances"]:
            for question in self.questions_for(substance):
                item = self.definition.item(question)
                self.fields[f"{substance}-{question}"] = forms.ChoiceField(
                    label=f"{assist.SUBSTANCES[substance].get(language)} — {item.code.upper()}",
                    required=False,
                    choices=[
                        ("", "—"),
                        *((option.code, option.label.get(language)) for option in item.options),
                    ],
                    widget=forms.Select(
                        attrs={"class": "form-select form-select-sm", "data-question": question}
                    ),
                )
        q8 = self.definition.item("q8")
        self.fields["q8"] = forms.ChoiceField(
            label=q8.text.get(language),
            required=False,
            choices=[(option.code, option.label.get(language)) for option in q8.options],
            widget=forms.RadioSelect(attrs={"data-question": "q8"}),
        )
        self.fields["other-specify"] = forms.CharField(
            label=_("Which other substance?"),
            required=False,
            max_length=120,
            widget=forms.TextInput(
                attrs={"class": "form-control form-control-sm", "placeholder": _("name it")}
            ),
        )
        self.fields["q8_days_per_month"] = forms.DecimalField(
            label=_("If injected in the past 3 months: on how many days a month, on average?"),
            required=False,
            min_value=0,
            max_value=31,
            decimal_places=1,
        )
        self._add_date("screened_on", _("Screened on"))

    def questions_for(self, substance: str) -> tuple[str, ...]:
        skipped = ("q5",) if substance in self.definition.extra["no_q5"] else ()
        return tuple(question for question in self.QUESTIONS if question not in skipped)

    @property
    def other_specify(self):
        return self["other-specify"]

    @property
    def grid(self) -> list[dict]:
        """Rows for the template: the substance, its label, and per question its code, its text (shown in
        each cell on a narrow screen, where the grid becomes one block per substance) and the bound field, or
        None where it is not asked."""
        language = _language()
        questions = self.questions
        return [
            {
                "substance": substance,
                "label": assist.SUBSTANCES[substance].get(language),
                "cells": [
                    {
                        "code": code,
                        "text": text,
                        "field": self[f"{substance}-{question}"]
                        if f"{substance}-{question}" in self.fields
                        else None,
                    }
                    for question, (code, text) in zip(self.QUESTIONS, questions, strict=True)
                ],
            }
            for substance in self.definition.extra["substances"]
        ]

    @property
    def questions(self) -> list[tuple[str, str]]:
        language = _language()
        return [
            (question.upper(), self.definition.item(question).text.get(language))
            for question in self.QUESTIONS
        ]

    def answers(self) -> dict[str, Any]:
        data = self.cleaned_data
        substances = {
            substance: {
                question: data.get(f"{substance}-{question}")
                for question in self.questions_for(substance)
                if data.get(f"{substance}-{question}")
            }
            for substance in self.definition.extra["substances"]
        }
        if substances.get("other", {}).get("q1") == "yes" and data.get("other-specify", "").strip():
            substances["other"]["specify"] = " ".join(data["other-specify"].split())
        answers: dict[str, Any] = {"substances": substances, "q8": data.get("q8") or None}
        days = data.get("q8_days_per_month")
        if days is not None and data.get("q8") == "yes_past_3_months":
            answers["q8_days_per_month"] = int(days) if days == days.to_integral_value() else float(days)
        return answers

    def clean(self):
        cleaned = super().clean()
        injected_recently = cleaned.get("q8") == "yes_past_3_months"
        if (
            injected_recently
            and cleaned.get("q8_days_per_month") is None
            and "q8_days_per_month" not in self.errors
        ):
            # The API may leave the pattern out; the screener asks it, since it decides the advice.
            self.add_error("q8_days_per_month", ANSWER_THIS)
        try:
            instruments.score("ASSIST", self.answers())  # the same rules decide what is required
        except InstrumentError as error:
            _attach_instrument_errors(self, error, lambda code: code.replace(".", "-"))
        return cleaned


class ItemsForm(DatedForm):
    """DAST-10 or AUDIT: every item a set of radio buttons with the WHO wording."""

    def __init__(self, *args, instrument: str, **kwargs):
        super().__init__(*args, **kwargs)
        language = _language()
        self.instrument = instrument
        self.definition = instruments.definition(instrument)
        for item in self.definition.items:
            self.fields[item.code] = forms.TypedChoiceField(
                label=item.text.get(language),
                choices=[(json.dumps(option.code), option.label.get(language)) for option in item.options],
                coerce=json.loads,
                widget=forms.RadioSelect,
                error_messages={"required": ANSWER_THIS, "invalid_choice": CHOOSE_LISTED},
            )
        self._add_date("screened_on", _("Screened on"))

    def answers(self) -> dict[str, Any]:
        return {item.code: self.cleaned_data.get(item.code) for item in self.definition.items}

    # AUDIT (WHO 2001): someone who never drinks (item 1 "Never") goes straight to items 9 and 10; items 2–8
    # then score 0 and need no answer.
    NON_DRINKER_SKIPS = ("a2", "a3", "a4", "a5", "a6", "a7", "a8")

    def full_clean(self):
        if self.instrument == "AUDIT" and self.data.get("a1") == "0":
            for code in self.NON_DRINKER_SKIPS:
                self.fields[code].required = False
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        if self.instrument == "AUDIT" and cleaned.get("a1") == 0:
            for code in self.NON_DRINKER_SKIPS:
                cleaned[code] = 0
        if not self.errors:
            try:
                instruments.score(self.instrument, self.answers())
            except InstrumentError as error:
                _attach_instrument_errors(self, error, lambda code: code)
        return cleaned


class AssessmentForm(DatedForm):
    """The ASI-based interview: per domain the client's two 0–4 ratings, the interviewer's 0–9, notes."""

    team = forms.CharField(
        label=_("Assessment team"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One member per line: name and role, e.g. dr. Rina — doctor."),
        max_length=2000,
    )
    summary = forms.CharField(
        label=_("Summary of the assessment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = _language()
        self._add_date("assessed_on", _("Assessed on"))
        self.domains = []
        for domain, name in asi.DOMAINS.items():
            names = []
            for rating, (label, top) in asi.RATINGS.items():
                item = asi.DEFINITION.item(f"{domain}.{rating}")
                field_name = f"{domain}-{rating}"
                self.fields[field_name] = forms.TypedChoiceField(
                    label=label.get(language),
                    choices=[
                        ("", "—"),
                        *(
                            (str(o.code), f"{o.code} · {o.label.get(language)}" if top == 4 else str(o.code))
                            for o in item.options
                        ),
                    ],
                    coerce=int,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                    error_messages={"required": ANSWER_THIS, "invalid_choice": CHOOSE_LISTED},
                )
                names.append(field_name)
            self.fields[f"{domain}-notes"] = forms.CharField(
                label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.domains.append({"name": name.get(language), "ratings": names, "notes": f"{domain}-notes"})

    @property
    def domain_rows(self) -> list[dict]:
        return [
            {
                "name": row["name"],
                "ratings": [self[name] for name in row["ratings"]],
                "notes": self[row["notes"]],
            }
            for row in self.domains
        ]

    def answers(self) -> dict[str, dict[str, int]]:
        return {
            domain: {rating: self.cleaned_data.get(f"{domain}-{rating}") for rating in asi.RATINGS}
            for domain in asi.DOMAINS
        }

    def notes(self) -> dict[str, str]:
        return {domain: self.cleaned_data.get(f"{domain}-notes", "") for domain in asi.DOMAINS}


class RecommendationForm(ModelForm):
    class Meta:
        model = Recommendation
        fields = ["kind", "reasons", "decided_on"]
        widgets = {
            "kind": forms.RadioSelect,
            "reasons": forms.Textarea(attrs={"rows": 4}),
            "decided_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate
        self.fields["kind"].choices = Recommendation.Kind.choices  # no empty "---------" radio


class ApproveForm(forms.Form):
    decree_number = forms.CharField(
        label=_("Decree number"),
        max_length=120,
        help_text=_("The head of the UPT's decree (SK) approving it."),
    )
    approved_on = forms.DateField(label=_("Decree date"), widget=DateInput(), initial=timezone.localdate)
