"""Two records of one person, or two people alike: merging them (after a confirmation page that shows which
record remains), undoing a merge, and recording that they are different people (so the duplicate check stops
offering them), or taking that back. Reads start from ``visible_to(user)`` (404 outside); each write is one
service call, and only staff of institutions that have held both may make it (403 for readers)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AuditEvent
from audit.services import audit_record
from inmates import services
from inmates.models import DistinctPeople, Person, PersonMerge

NOTE_MAX = 500


def _id(value: str | None) -> int:
    """A record id from a form; anything else (junk, an id no column holds) is 0, which finds nothing."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 18 else 0


def _visible_person(user, pk: int) -> Person:
    return get_object_or_404(Person.objects.visible_to(user), pk=pk)


def _both_writable(user, one: Person, other: Person) -> None:
    if not services.may_edit_both(user, one, other):
        raise PermissionDenied(_("Only staff of institutions that have held both people can do this."))


@require_http_methods(["GET", "POST"])
def person_merge(request, pk: int):
    """Merge another record (`merged`) into this one. Asked first: a page shows both records, which one
    remains, and what moves; only its "merge" button, posted with `confirm`, merges."""
    user = request.user
    kept = _visible_person(user, pk)
    merged = _visible_person(user, _id(request.POST.get("merged") or request.GET.get("merged")))
    _both_writable(user, kept, merged)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.person_merge(by=user, kept=kept, merged=merged)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "The second record has been merged into this one (record #%(pk)s remains). "
                    "This can be undone."
                )
                % {"pk": kept.pk},
            )
            return redirect(kept)
    for person in (kept, merged):  # both identities are shown side by side
        audit_record(
            action=AuditEvent.Action.VIEW,
            actor=user,
            obj=person,
            person_id=person.pk,
            details={"merge_confirmation": [kept.pk, merged.pk]},
        )
    return render(
        request,
        "inmates/person_merge.html",
        {
            "kept": kept,
            "merged": merged,
            "records": [
                (kept, list(kept.admissions.select_related("institution"))),
                (merged, list(merged.admissions.select_related("institution"))),
            ],
            "moving": services.merge_moves(merged=merged),
            "refusal": services.merge_refusal(kept=kept, merged=merged),
        },
    )


@require_POST
def person_merge_undo(request, pk: int):
    user = request.user
    merge = get_object_or_404(
        PersonMerge.objects.filter(kept__in=Person.objects.visible_to(user)).select_related("kept"), pk=pk
    )
    try:
        services.person_merge_undo(by=user, merge=merge)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The merge has been undone: the two records are separate again."))
    return redirect(merge.kept)


@require_POST
def distinct_record(request, pk: int):
    """Record that this person and `other`, alike to the duplicate check, are two different people."""
    user = request.user
    person = _visible_person(user, pk)
    other = _visible_person(user, _id(request.POST.get("other")))
    _both_writable(user, person, other)
    try:
        services.distinct_people_record(
            by=user, person=person, other=other, note=request.POST.get("note", "")[:NOTE_MAX]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Recorded: %(name)s (record #%(pk)s) is someone else. The two are no longer offered as one.")
            % {"name": other.full_name, "pk": other.pk},
        )
    return redirect(person)


@require_POST
def distinct_undo(request, pk: int):
    user = request.user
    visible = Person.objects.visible_to(user).values("pk")
    pair = get_object_or_404(
        DistinctPeople.objects.filter(first__in=visible, second__in=visible).select_related(
            "first", "second"
        ),
        pk=pk,
    )
    _both_writable(user, pair.first, pair.second)
    back_to = _id(request.POST.get("person"))
    try:
        services.distinct_people_undo(by=user, pair=pair)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Taken back: the two may be offered as one person again."))
    return redirect(pair.second if back_to == pair.second_id else pair.first)
