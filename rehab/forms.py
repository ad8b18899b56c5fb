from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from agreements.models import Agreement
from core.forms import (
    DateInput,
    ModelForm,
    RecordChoiceField,
    RecordMultipleChoiceField,
    TimeInput,
    check_plausible,
)
from inmates.models import Person
from rehab.models import (
    DROP_OUT_REASONS,
    Attendance,
    Enrolment,
    Facilitation,
    FollowUp,
    Programme,
    ProgrammePhase,
    QualityOfLife,
    Session,
)

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def add_beyond_agreement_fields(form: forms.BaseForm) -> None:
    """The "go ahead anyway" answer to a warning that the dates fall outside every agreement
    (rehab.coverage), with the key of the warning it answers: a tick counts only for the warning the user saw,
    not for dates changed in the same post. Drawn by rehab/includes/beyond_agreement.html, not by crispy."""
    form.fields["beyond_agreement"] = forms.BooleanField(required=False)
    form.fields["beyond_agreement_key"] = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput
    )


def confirms(form: forms.BaseForm, gap) -> bool:
    data = form.cleaned_data
    return (
        gap is not None and bool(data.get("beyond_agreement")) and data.get("beyond_agreement_key") == gap.key
    )


class ProgrammeForm(ModelForm):
    class Meta:
        model = Programme
        fields = [
            "institution",
            "kind",
            "name",
            "agency",
            "agreement",
            "starts_on",
            "ends_on",
            "capacity",
            "target",
            "required_sessions",
            "required_hours",
        ]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        self.fields["institution"].empty_label = None
        self.fields["agreement"].queryset = (
            Agreement.objects.filter(institutions__in=institutions).distinct().order_by("-valid_from")
        )
        self.fields["agency"].queryset = (
            self.fields["agency"].queryset.filter(agreements__institutions__in=institutions).distinct()
        )
        add_beyond_agreement_fields(self)

    def clean_starts_on(self):
        return check_plausible(self.cleaned_data.get("starts_on"))

    def clean_ends_on(self):
        return check_plausible(self.cleaned_data.get("ends_on"))

    def clean(self):
        cleaned = super().clean()
        sessions, hours = cleaned.get("required_sessions"), cleaned.get("required_hours")
        if not sessions and not hours:
            self.add_error("required_sessions", _("Give the sessions or the hours needed for completion."))
        return cleaned


class ProgrammeEditForm(ProgrammeForm):
    """The programme's name, agreement, dates, places and requirement. Its UPT, kind and delivering agency
    stay as set up: its enrolments, sessions and facilitators were made for them."""

    class Meta(ProgrammeForm.Meta):
        fields = [
            "name",
            "agreement",
            "starts_on",
            "ends_on",
            "capacity",
            "target",
            "required_sessions",
            "required_hours",
        ]

    def __init__(self, *args, instance: Programme, **kwargs):
        forms.ModelForm.__init__(self, *args, instance=instance, **kwargs)
        # The agreements between this UPT and this agency covering the kind: a renewal among them.
        self.fields["agreement"].queryset = (
            Agreement.objects.filter(
                institutions=instance.institution_id,
                agencies=instance.agency_id,
                scope_items__scope=Programme.REQUIRED_SCOPE[instance.kind],
            )
            .distinct()
            .order_by("-valid_from")
        )
        self.fields["agreement"].help_text = _(
            "When the agreement has been renewed, choose the renewal so the programme rests on it."
        )
        add_beyond_agreement_fields(self)


class EnrolForm(forms.Form):
    person = RecordChoiceField(label=_("WBP"), queryset=Person.objects.none())
    reason = forms.CharField(
        label=_("Reason for enrolling without an approved recommendation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class MoveForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=Enrolment.Status.choices)
    leave_reason = forms.ChoiceField(
        label=_("Why they dropped out"),
        choices=[("", "—"), *((reason.value, reason.label) for reason in DROP_OUT_REASONS)],
        required=False,
    )
    on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_on(self):
        return check_plausible(self.cleaned_data.get("on"))

    override = forms.BooleanField(
        label=_("Complete although the requirement is not met"),
        required=False,
        help_text=_(
            "Only for a participant who has not reached the programme's required sessions or hours but has"
            " completed it in substance; give the reason, which is kept with the change."
        ),
    )


class SessionForm(forms.Form):
    """One session, or a weekly series when weekdays are chosen (until a date or N times)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Session.Kind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    room = forms.CharField(label=_("Room or place"), max_length=100)
    facilitators = RecordMultipleChoiceField(
        label=_("Facilitators"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    participants = RecordMultipleChoiceField(
        label=_("Participants"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked to invite every active member."),
    )
    day = forms.DateField(label=_("Date (first date of a series)"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Repeat every"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    until = forms.DateField(label=_("Repeat until"), widget=DateInput(), required=False)
    count = forms.IntegerField(label=_("or this many times"), min_value=1, max_value=200, required=False)

    def __init__(self, *args, facilitators, members, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        add_beyond_agreement_fields(self)
        self.fields["facilitators"].queryset = facilitators
        self.fields["participants"].queryset = members
        self.fields["participants"].label_from_instance = lambda enrolment: enrolment.person.full_name
        if editing:
            for name in ("participants", "weekdays", "until", "count"):
                del self.fields[name]
            self.fields["day"].label = _("Date")
            self.fields["following"] = forms.BooleanField(
                label=_("Also change the following sessions of this series (each keeps its own date)"),
                required=False,
            )

    def clean_day(self):
        return check_plausible(self.cleaned_data.get("day"))

    def clean_until(self):
        return check_plausible(self.cleaned_data.get("until"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The session must end after it starts."))
        if cleaned.get("weekdays") and not (cleaned.get("until") or cleaned.get("count")):
            self.add_error("until", _("For a series, give the last date or the number of sessions."))
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    following = forms.BooleanField(
        label=_("Also cancel the following sessions of this series"), required=False
    )


class AttendanceForm(forms.Form):
    """One row per participant: status and, for an excused absence, its reason.

    A refused form is shown again as it was sent (every mark kept) and each message names its participant:
    with twenty rows, "a reason is missing" alone leaves the counsellor hunting for the row."""

    def __init__(self, *args, rows: list[Attendance], all_present: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"status-{row.pk}"] = forms.ChoiceField(
                label=row.enrolment.person.full_name,
                choices=Attendance.Status.choices,
                required=False,
                initial=Attendance.Status.PRESENT if all_present else row.status,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("choose one of the listed answers.")},
            )
            self.fields[f"reason-{row.pk}"] = forms.ChoiceField(
                label=_("Reason"),
                choices=[("", "—"), *Attendance.Reason.choices],
                required=False,
                initial="" if all_present else row.reason,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                error_messages={"invalid_choice": _("choose one of the listed reasons.")},
            )

    @property
    def lines(self):
        return [(row, self[f"status-{row.pk}"], self[f"reason-{row.pk}"]) for row in self.rows]

    def clean(self):
        cleaned = super().clean()
        sent = [row for row in self.rows if f"status-{row.pk}" in self.data]
        for row in sent:
            status, reason = cleaned.get(f"status-{row.pk}"), cleaned.get(f"reason-{row.pk}")
            if status == Attendance.Status.EXCUSED and reason == "":
                self.add_error(f"reason-{row.pk}", _("give the reason for the excused absence."))
        if not self.errors and not any(cleaned.get(f"status-{row.pk}") for row in sent):
            # Saving nothing would still mark the session held, with nobody's attendance in it.
            raise forms.ValidationError(
                _("Nothing was saved: mark the attendance of at least one participant."),
                code="nothing_marked",
            )
        return cleaned

    def row_errors(self) -> list[str]:
        """Every problem, each prefixed with the name of the participant it is about, in the rows' order."""
        messages = []
        for row in self.rows:
            name = row.enrolment.person.full_name
            for field in (f"status-{row.pk}", f"reason-{row.pk}"):
                messages += [f"{name}: {error}" for error in self.errors.get(field, [])]
        return messages

    def marks(self) -> dict[int, tuple[str, str]]:
        """Only the rows the form sent: a row missing from the post (a stale page, say) keeps its mark."""
        return {
            row.pk: (self.cleaned_data[f"status-{row.pk}"], self.cleaned_data[f"reason-{row.pk}"])
            for row in self.rows
            if f"status-{row.pk}" in self.data
        }


class NoteForm(forms.Form):
    person = RecordChoiceField(
        label=_("About"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("The session as a whole"),
    )
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class CalendarFilterForm(forms.Form):
    view = forms.ChoiceField(choices=[("week", _("Week")), ("month", _("Month"))], required=False)
    date = forms.DateField(required=False, widget=DateInput())
    institution = RecordChoiceField(queryset=None, required=False, empty_label=_("All institutions"))
    programme = RecordChoiceField(queryset=None, required=False, empty_label=_("All programmes"))
    counsellor = RecordChoiceField(queryset=None, required=False, empty_label=_("All counsellors"))

    # Above this many UPTs in scope, programmes and counsellors are listed once a UPT is chosen: a national
    # list would be thousands of options.
    UPTS_LISTED_WITHOUT_CHOICE = 20

    def __init__(self, *args, institutions, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        chosen = self._chosen_institution()
        self.choose_upt_first = chosen is None and (
            institutions[: self.UPTS_LISTED_WITHOUT_CHOICE + 1].count() > self.UPTS_LISTED_WITHOUT_CHOICE
        )
        if chosen is not None:
            programmes = programmes.filter(institution=chosen)
        elif self.choose_upt_first:
            programmes = programmes.none()
        self.fields["programme"].queryset = programmes.order_by("name")
        self.fields["counsellor"].queryset = User.objects.filter(
            pk__in=Facilitation.objects.filter(session__programme__in=programmes.values("pk")).values("user")
        ).order_by("first_name")
        self.fields["counsellor"].label_from_instance = lambda user: user.get_full_name() or user.username
        for name in ("view", "institution", "programme", "counsellor"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean_date(self):
        return check_plausible(self.cleaned_data.get("date"))

    def _chosen_institution(self):
        """The UPT asked for, read by its own field (a bad value is no choice)."""
        try:
            return self.fields["institution"].clean(self.data.get("institution"))
        except forms.ValidationError:
            return None

    def day(self) -> dt.date:
        return (self.cleaned_data.get("date") if self.is_valid() else None) or timezone.localdate()


class FollowUpForm(forms.Form):
    URINE_SUBSTANCES = [
        ("amphetamine", _("Amphetamine")),
        ("methamphetamine", _("Methamphetamine")),
        ("cannabis", _("Cannabis (THC)")),
        ("opiates", _("Opiates")),
        ("cocaine", _("Cocaine")),
        ("benzodiazepines", _("Benzodiazepines")),
    ]
    RESULTS = [("", _("not tested")), ("negative", _("Negative")), ("positive", _("Positive"))]

    done_on = forms.DateField(label=_("Date of contact"), widget=DateInput(), initial=timezone.localdate)
    # Nothing chosen beforehand: method and outcome feed the after-care figures.
    method = forms.ChoiceField(label=_("Method"), choices=[("", _("Choose…")), *FollowUp.Method.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("Choose…")), *FollowUp.Outcome.choices])
    urine_panel = forms.CharField(label=_("Urine test panel"), required=False, max_length=80)
    notes = forms.CharField(
        label=_("Confidential notes"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in self.URINE_SUBSTANCES:
            self.fields[f"urine-{code}"] = forms.ChoiceField(
                label=label,
                choices=self.RESULTS,
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def clean_done_on(self):
        return check_plausible(self.cleaned_data.get("done_on"))

    def urine_results(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"urine-{code}", "") for code, _label in self.URINE_SUBSTANCES}

    @property
    def urine_fields(self):
        return [self[f"urine-{code}"] for code, _label in self.URINE_SUBSTANCES]


class AssignForm(forms.Form):
    agency = RecordChoiceField(label=_("Agency that takes over"), queryset=None, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=160, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class PhaseForm(ModelForm):
    """A phase of a programme: its name, stage and planned weeks; changed, also its place in the order."""

    position = forms.IntegerField(
        label=_("Position"), min_value=1, max_value=20, required=False, help_text=_("1 is the first phase.")
    )

    class Meta:
        model = ProgrammePhase
        fields = ["name", "stage", "planned_weeks"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["position"]  # a new phase comes after the last one
        else:
            self.fields["position"].initial = self.instance.position


class PhaseMoveForm(forms.Form):
    phase = RecordChoiceField(label=_("Phase"), queryset=ProgrammePhase.objects.none())
    on = forms.DateField(label=_("From"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = programme.phases.order_by("position")

    def clean_on(self):
        return check_plausible(self.cleaned_data.get("on"))


class QualityOfLifeForm(forms.Form):
    """A WHOQOL-BREF typed from the licensed paper form: the 26 items, each named by its facet (the current
    version's), answered 1–5 or left unanswered. The form only reads what was sent; the instrument decides
    what is valid (rehab.quality_of_life.quality_of_life_record) and its refusals land on the items."""

    timing = forms.ChoiceField(
        label=_("Taken at"), choices=QualityOfLife.Timing.choices, widget=forms.RadioSelect
    )
    taken_on = forms.DateField(label=_("Taken on"), widget=DateInput())

    def __init__(self, *args, definition, language: str, timings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timing"].choices = [(value, QualityOfLife.Timing(value).label) for value in timings]
        self.item_codes = []
        answers = [("", _("not answered")), *((str(n), str(n)) for n in range(1, 6))]
        for number, item in enumerate(definition.items, start=1):
            # Not a ChoiceField: an answer outside 1–5 reaches the instrument, which says what is wrong.
            self.fields[item.code] = forms.CharField(
                label=f"{number}. {item.text.get(language)}",
                required=False,
                max_length=10,
                widget=forms.RadioSelect(choices=answers),
            )
            self.item_codes.append(item.code)

    def clean_taken_on(self):
        return check_plausible(self.cleaned_data.get("taken_on"))

    def items(self):
        return [self[code] for code in self.item_codes]

    def answers(self) -> dict:
        """{item: 1–5, None when unanswered, or the text sent when it is no whole number (refused later)}."""
        parsed = {}
        for code in self.item_codes:
            value = (self.cleaned_data.get(code) or "").strip()
            parsed[code] = (
                None
                if value == ""
                else int(value)
                if value.isascii() and value.isdigit() and len(value) < 4
                else value
            )
        return parsed
