"""WBP pages. Every read starts from ``visible_to(user)``; every write is one call to a service."""

import re
from contextlib import nullcontext

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Value
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agreements.access import institutions_reached
from audit.context import batch
from audit.exports import hand_over_export
from audit.models import AuditEvent
from audit.services import audit_record
from core.forms import ExportForm, apply_service_errors
from core.replica import reads_from_replica
from core.sorting import Sorting
from inmates import panels, services
from inmates.filters import AdmissionFilter
from inmates.forms import (
    AdmissionForm,
    LinkReviewForm,
    LinkUndoForm,
    PersonForm,
    ReleaseForm,
    TransferForm,
)
from inmates.matching import find_matches
from inmates.models import (
    Admission,
    DistinctPeople,
    Movement,
    Person,
    PersonMerge,
    RegistrationLink,
    sentence_as_text,
)
from institutions.models import Institution
from institutions.paging import capped_page


def _visible_person(user, pk: int) -> Person:
    return get_object_or_404(Person.objects.visible_to(user), pk=pk)


def _staff_institutions(user):
    return Institution.objects.filter(pk__in=user.scope.staff_institution_ids).order_by("name")


def _require_upt_staff(user) -> None:
    if not user.scope.staff_institution_ids:
        raise PermissionDenied(_("Only UPT staff can register or change WBP records."))


def _writable_admission(user, pk: int) -> Admission:
    """An open admission the user's institution holds; visible-but-not-ours answers 403, unseen 404."""
    admission = get_object_or_404(
        Admission.objects.visible_to(user).select_related("person", "institution"), pk=pk
    )
    if not admission.is_open or not user.scope.can_write_at(admission.institution_id):
        raise PermissionDenied(_("Only staff of the institution holding this person can do this."))
    return admission


# The WBP list's sortable columns (core.sorting): key → the fields it orders by.
SORTABLE = {
    "name": ("person__full_name",),
    "number": ("register_number",),
    "admitted": ("admitted_on",),
    "institution": ("institution__name",),
    "expected": ("expected_release",),
}


def _filtered_admissions(request):
    """The WBP list's rows as the filters in the query string choose them (shared by the page and the CSV)."""
    user = request.user
    visible_institutions = institutions_reached(user)
    filterset = AdmissionFilter(request.GET, user=user, institutions=visible_institutions)
    admissions = filterset.qs
    if filterset.chosen.get("q", "").strip():
        # Sorted by an expression of the name, which no index serves: otherwise the database may walk the
        # whole name index in order, testing every person against the words, rather than find the few
        # through the trigram indexes and sort them (a counsellor's search: 330 ms, not 30).
        admissions = admissions.order_by(Concat("person__full_name", Value("")), "-admitted_on")
    elif filterset.chosen.get("release"):
        admissions = admissions.order_by("expected_release", "person__full_name", "pk")  # most overdue first
    else:
        admissions = admissions.order_by("person__full_name", "-admitted_on")
    sorting = Sorting.from_request(request, SORTABLE)
    return filterset, sorting.apply(admissions), filterset.chosen_status, visible_institutions


def admission_list(request):
    user = request.user
    filterset, admissions, status, visible_institutions = _filtered_admissions(request)
    capped = False
    if filterset.chosen.get("q", "").strip():  # as _filtered_admissions reads it
        # A name search's tolerant matching is dear to run: run once for the page and the count alike.
        page, capped = capped_page(
            admissions, request.GET.get("page"), Admission.objects.select_related("person", "institution")
        )
    else:
        page = Paginator(admissions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "inmates/admission_list.html",
        {
            "form": filterset.form,
            "page_obj": page,
            "capped": capped,
            "status": status,
            "can_register": bool(user.scope.staff_institution_ids),
            "show_institution": len(visible_institutions) > 1,
            "show_expected": bool(filterset.chosen.get("release")),
            "sorting": Sorting.from_request(request, SORTABLE),
            "export_query": export_query.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
@reads_from_replica()  # the list and its count, however long: the hand-over and its audit are written as ever
def admission_export(request):
    """The WBP list as CSV or XLSX (?format=xlsx), with the same filters and scope as the page, in the columns
    the SDP import reads (so an export imports back unchanged); no NIK, which stays on the person's own page.
    Asked first who receives it and what for; handed over through a link that expires, audited as an export
    with the filters used."""
    _form, admissions, status, _institutions = _filtered_admissions(request)
    as_xlsx = request.GET.get("format") == "xlsx"
    people = admissions.count()
    form = ExportForm(request.POST or None, people=people)
    if not (request.method == "POST" and form.is_valid()):
        back = reverse("inmates:admission-list") + ("?" + request.GET.urlencode() if request.GET else "")
        return render(
            request,
            "exports/export_form.html",
            {
                "form": form,
                "people": people,
                "xlsx": as_xlsx,
                "title": _("Export the WBP list"),
                "back": back,
                "back_label": _("WBP"),
            },
            status=400 if form.is_bound else 200,
        )
    header = [
        _("Full name"),
        _("Register number"),
        _("Sex"),
        _("Place of birth"),
        _("Date of birth"),
        _("UPT"),
        _("Admission date"),
        _("Register category"),
        _("Kind of offence"),
        _("Sentence length"),
        _("Expected release date"),
        _("Released on"),
    ]
    # Labels looked up once, in the request's language (rows are written after the view has returned).
    offences = {value: str(label) for value, label in Admission.Offence.choices}
    columns = admissions.values_list(
        "person__full_name",
        "register_number",
        "person__sex",
        "person__birth_place",
        "person__birth_date",
        "institution__name",
        "admitted_on",
        "register_category",
        "offence",
        "sentence_months",
        "expected_release",
        "released_on",
    )
    rows = (
        [
            name,
            number,
            "L" if sex == Person.Sex.MALE else "P",
            birth_place,
            _iso(birth_date),
            upt,
            _iso(admitted_on),
            category,
            offences.get(offence, offence),
            sentence_as_text(months),
            _iso(expected),
            _iso(released_on),
        ]
        for (
            name,
            number,
            sex,
            birth_place,
            birth_date,
            upt,
            admitted_on,
            category,
            offence,
            months,
            expected,
            released_on,
        ) in columns.iterator(chunk_size=5000)
    )
    filters = {key: value for key, value in request.GET.items() if key != "page"}
    return redirect(
        hand_over_export(
            actor=request.user,
            filename=f"wbp-{timezone.localdate().isoformat()}.{'xlsx' if as_xlsx else 'csv'}",
            header=header,
            rows=rows,
            xlsx=as_xlsx,
            what="wbp_list",
            details={"filters": filters, "status": status},
            people=people,
            **form.cleaned_data,
        )
    )


def _iso(day) -> str:
    return day.isoformat() if day else ""


def person_detail(request, pk: int):
    """A person's identity and whole custody history.

    Whoever may see the person sees all their admissions, also those at other institutions: staff need the
    person's history to work with them (shared/DESIGN.md: "the WBP admitted to their institution, and those
    persons' history"). Lists of admissions, by contrast, show only spells that passed through the user's
    scope.
    """
    user = request.user
    person = _visible_person(user, pk)
    admissions = list(
        person.admissions.select_related("institution").prefetch_related(
            Prefetch(
                "movements",
                queryset=Movement.objects.select_related(
                    "from_institution__region", "to_institution__region", "recorded_by"
                ),
            )
        )
    )
    timeline = sorted(
        (movement for admission in admissions for movement in admission.movements.all()),
        key=lambda movement: (movement.on, movement.pk),
        reverse=True,
    )
    open_admission = next((admission for admission in admissions if admission.is_open), None)
    audit_record(action=AuditEvent.Action.VIEW, actor=user, obj=person, person_id=person.pk)
    scope = user.scope
    # An admission added to this existing record by mistake can be taken back by its UPT's staff.
    undoable = {
        link.admission_id: link
        for link in RegistrationLink.objects.filter(
            person=person,
            undone_at__isnull=True,
            admission__released_on__isnull=True,
            institution_id__in=scope.staff_institution_ids,
        )
    }
    for admission in admissions:
        admission.undo_link = undoable.get(admission.pk)
    can_edit = Person.objects.editable_by(user).filter(pk=person.pk).exists()
    # Possible second records of this person that the user may merge (staff of a UPT that held both).
    duplicates, told_apart = [], []
    if can_edit:
        candidates = find_matches(
            full_name=person.full_name,
            nik=person.nik,
            birth_date=person.birth_date,
            birth_place=person.birth_place,
            exclude_pk=person.pk,
        )
        editable = set(
            Person.objects.editable_by(user)
            .filter(pk__in=[match.person.pk for match in candidates])
            .values_list("pk", flat=True)
        )
        duplicates = [match for match in candidates if match.person.pk in editable]
        # Records said to be someone else, each with the other record where the user may see it.
        pairs = list(
            DistinctPeople.objects.standing().of(person.pk).select_related("first", "second", "recorded_by")
        )
        seen = set(
            Person.objects.visible_to(user)
            .filter(pk__in=[pair.other_than(person.pk) for pair in pairs])
            .values_list("pk", flat=True)
        )
        for pair in pairs:
            other = pair.second if pair.first_id == person.pk else pair.first
            told_apart.append((pair, other if other.pk in seen else None))
    return render(
        request,
        "inmates/person_detail.html",
        {
            "person": person,
            "admissions": admissions,
            "timeline": timeline,
            "open_admission": open_admission,
            "can_move": open_admission is not None and scope.can_write_at(open_admission.institution_id),
            "can_admit": open_admission is None and bool(scope.staff_institution_ids),
            "can_edit": can_edit,
            "duplicates": duplicates,
            "told_apart": told_apart,
            "merges": PersonMerge.objects.filter(kept=person, undone_at__isnull=True).select_related(
                "merged"
            ),
            "viewers": _who_looked(user, person),
            "panels": panels.render_panels(request, person),
        },
    )


VIEWERS_SHOWN = 20


def _who_looked(user, person: Person):
    """For the head of a UPT that has held the person: the latest views of this record, by whom."""
    heads = user.scope.head_institution_ids
    if (
        not heads
        or not Movement.objects.filter(admission__person=person, to_institution_id__in=heads).exists()
    ):
        return None
    return list(
        AuditEvent.objects.visible_to(user)
        .filter(person_id=person.pk, action=AuditEvent.Action.VIEW)
        .select_related("actor")
        .order_by("-at")[:VIEWERS_SHOWN]
    )


LINK_REASON_MAX = 500


@require_http_methods(["GET", "POST"])
def person_create(request):
    user = request.user
    _require_upt_staff(user)
    institutions = _staff_institutions(user)
    person_form = PersonForm(request.POST or None, prefix="person")
    admission_form = AdmissionForm(request.POST or None, prefix="admission", institutions=institutions)
    matches, link_error = [], ""
    if request.method == "POST":
        person_ok = person_form.is_valid()
        admission_form.birth_date = person_form.cleaned_data.get("birth_date")  # for the age check
        admission_ok = admission_form.is_valid()
        # A NIK already registered is not a dead end: it is the strongest sign of the same person.
        # (The NIK's own warnings may stand beside it: linking saves nothing of what was typed about them.)
        nik_taken = set(person_form.errors) <= {"nik", "confirm_nik"} and person_form.has_error(
            "nik", "unique"
        )
        if admission_ok and (person_ok or nik_taken):
            identity = person_form.cleaned_data
            nik = identity.get("nik") or PersonForm.normalise_nik(person_form.data.get("person-nik", ""))
            matches = find_matches(
                full_name=identity["full_name"],
                nik=nik,
                birth_date=identity.get("birth_date"),
                birth_place=identity.get("birth_place", ""),
            )
            decision = request.POST.get("decision", "")
            chosen = next((m for m in matches if decision == f"link:{m.person.pk}"), None)
            if chosen is not None:
                link_reason = request.POST.get("link_reason", "").strip()[:LINK_REASON_MAX]
                if link_reason:
                    return _link_registration(
                        request, chosen, link_reason, person_form, admission_form, matches
                    )
                link_error = _("Say why this is the same person before adding the admission to their record.")
            if person_ok and (decision == "new" or not matches):
                return _register(request, person_form, admission_form)
            for match in matches:  # who was shown to whom: these are other institutions' records
                audit_record(
                    action=AuditEvent.Action.VIEW,
                    actor=user,
                    obj=match.person,
                    person_id=match.person.pk,
                    details={"shown_as_possible_match": True},
                )
    return _registration_page(request, person_form, admission_form, matches, link_error=link_error)


def _registration_page(request, person_form, admission_form, matches, link_error=""):
    # Details (place, status) only for people the user may already see; others show as a record elsewhere.
    in_scope = set(
        Person.objects.visible_to(request.user)
        .filter(pk__in=[m.person.pk for m in matches])
        .values_list("pk", flat=True)
    )
    # Someone in custody now cannot be admitted again: no "add the admission" for them (find_matches has
    # read their custody spells already).
    in_custody = {m.person.pk for m in matches if any(spell.is_open for spell in m.person.admissions.all())}
    return render(
        request,
        "inmates/person_form.html",
        {
            "person_form": person_form,
            "admission_form": admission_form,
            "creating": True,
            "matches": matches,
            "in_scope": in_scope,
            "in_custody": in_custody,
            "link_error": link_error,
            "link_reason": request.POST.get("link_reason", "")[:LINK_REASON_MAX],
            "link_reason_max": LINK_REASON_MAX,
        },
    )


def _register(request, person_form, admission_form):
    try:
        admission = services.person_register(
            by=request.user,
            person=person_form.save(commit=False),
            admission=admission_form.save(commit=False),
            confirmed=person_form.confirmed + admission_form.confirmed,
        )
    except ValidationError as error:
        target = person_form if "nik" in getattr(error, "error_dict", {}) else admission_form
        apply_service_errors(target, error)
        return render(
            request,
            "inmates/person_form.html",
            {"person_form": person_form, "admission_form": admission_form, "creating": True},
        )
    messages.success(request, _("%(name)s has been registered.") % {"name": admission.person.full_name})
    for notice in getattr(admission, "notices", []):
        messages.info(request, notice)
    return redirect(admission.person)


def _link_registration(request, match, reason, person_form, admission_form, matches):
    person = match.person
    try:
        admission = services.admission_link(
            by=request.user,
            person=person,
            admission=admission_form.save(commit=False),
            reason=reason,
            match_reason=str(match.reason),
            confirmed=admission_form.confirmed,
        )
    except ValidationError as error:  # what was typed stays on the page, with the matches to choose again
        apply_service_errors(admission_form, error)
        return _registration_page(request, person_form, admission_form, matches)
    messages.success(
        request, _("The admission was added to the existing record of %(name)s.") % {"name": person.full_name}
    )
    for notice in admission.notices:
        messages.info(request, notice)
    return redirect(person)


@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    user = request.user
    person = _visible_person(user, pk)  # out of scope: 404 before any talk of roles
    _require_upt_staff(user)
    if not Person.objects.editable_by(user).filter(pk=person.pk).exists():
        raise PermissionDenied(_("Only staff of an institution that has held this person can correct it."))
    form = PersonForm(request.POST or None, instance=person, prefix="person")
    # A correction asked for in a rights request (privacy): the change's audit event names the request, which
    # records it as a step; afterwards the user goes back to the request (`next`, a path on this site only).
    for_request = request.GET.get("rights_request", "")
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        back = ""
    if request.method == "POST" and form.is_valid():
        named = (
            batch(rights_request=int(for_request))
            if re.fullmatch(r"[0-9]{1,18}", for_request)
            else nullcontext()
        )
        try:
            with named:
                services.person_update(
                    by=user,
                    person=form.save(commit=False),
                    changed_fields=[name for name in form.changed_data if name != "confirm_nik"],
                    confirmed=form.confirmed,
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The identity has been updated."))
            return redirect(back or person.get_absolute_url())
    return render(request, "inmates/person_form.html", {"person_form": form, "person": person})


@require_http_methods(["GET", "POST"])
def admission_create(request, pk: int):
    user = request.user
    person = _visible_person(user, pk)  # out of scope: 404 before any talk of roles
    _require_upt_staff(user)
    form = AdmissionForm(
        request.POST or None,
        prefix="admission",
        institutions=_staff_institutions(user),
        birth_date=person.birth_date,
    )
    if request.method == "POST" and form.is_valid():
        admission = form.save(commit=False)
        admission.person = person
        try:
            services.admission_open(by=user, admission=admission, confirmed=form.confirmed)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The new admission has been recorded."))
            for notice in admission.notices:
                messages.info(request, notice)
            return redirect(person)
    return render(request, "inmates/admission_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def admission_transfer(request, pk: int):
    user = request.user
    admission = _writable_admission(user, pk)
    form = TransferForm(request.POST or None, admission=admission)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            movement = services.admission_transfer(
                by=user,
                admission=admission,
                to_institution=data["to_institution"],
                on=data["on"],
                note=data["note"],
                register_number=data["register_number"],
                minor_reason=data["minor_reason"],
                confirmed=form.confirmed,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            for notice in movement.notices:
                messages.info(request, notice)
            messages.success(
                request,
                _("The transfer to %(institution)s has been recorded.")
                % {"institution": form.cleaned_data["to_institution"]},
            )
            return redirect(admission.person)
    return render(request, "inmates/admission_transfer.html", {"form": form, "admission": admission})


@require_http_methods(["GET", "POST"])
def admission_release(request, pk: int):
    user = request.user
    admission = _writable_admission(user, pk)
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            released = services.admission_release(
                by=user,
                admission=admission,
                on=form.cleaned_data["released_on"],
                release_type=form.cleaned_data["release_type"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The release has been recorded."))
            for notice in released.notices:
                messages.info(request, notice)
            return redirect(admission.person)
    return render(request, "inmates/admission_release.html", {"form": form, "admission": admission})


# --- Registrations linked to existing records -------------------------------------------------------------


@require_POST
def registration_link_undo(request, pk: int):
    user = request.user
    link = get_object_or_404(
        RegistrationLink.objects.filter(person__in=Person.objects.visible_to(user).values("pk")), pk=pk
    )
    form = LinkUndoForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: say why the admission was registered by mistake."))
        return redirect(link.person)
    try:
        link = services.registration_link_undo(by=user, link=link, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(link.person)
    messages.success(request, _("The admission registered by mistake has been removed."))
    for notice in link.notices:
        messages.info(request, notice)
    if Person.objects.visible_to(user).filter(pk=link.person_id).exists():
        return redirect(link.person)
    return redirect("inmates:admission-list")  # the person's record is closed to this UPT again


def registration_link_review(request):
    """Links of new registrations to existing records, for the heads of the UPT that held the person before
    and the data-protection officer: the ones undone within a day first."""
    user = request.user
    scope = user.scope
    if not (scope.head_institution_ids or scope.is_dpo):
        raise PermissionDenied(_("This list is for heads of UPT and data-protection officers."))
    links = (
        RegistrationLink.objects.for_review_by(user)
        .select_related("person", "institution", "linked_by", "undone_by", "reviewed_by")
        .prefetch_related(Prefetch("earlier_institutions", queryset=Institution.objects.order_by("name")))
    )
    show = request.GET.get("show", "")
    if show == "flagged":
        links = links.flagged()
    elif show == "open":
        links = links.filter(reviewed_at__isnull=True)
    page = Paginator(links.order_by("-linked_at", "-pk"), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    readable = set(
        Person.objects.visible_to(user)
        .filter(pk__in=[link.person_id for link in page.object_list])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "inmates/registration_link_list.html",
        {"page_obj": page, "show": show, "readable": readable, "review_form": LinkReviewForm()},
    )


@require_POST
def registration_link_reviewed(request, pk: int):
    user = request.user
    link = get_object_or_404(RegistrationLink.objects.for_review_by(user), pk=pk)
    form = LinkReviewForm(request.POST)
    if form.is_valid():
        try:
            services.registration_link_review(by=user, link=link, note=form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as error:
            for message in getattr(error, "messages", None) or [str(error)]:
                messages.error(request, message)
        else:
            messages.success(request, _("Marked as reviewed."))
    else:
        messages.error(request, _("Nothing was saved: the note is too long."))
    return redirect(reverse("inmates:link-review") + "?show=open")
