"""The UPT's list of what its imports left to decide, and the decisions: release (many at once) or "still
held" for people who left according to SDP; link or create for rows that may be someone already registered;
"noted" for people held at another UPT. Reads start from ImportItem.objects.visible_to(user) (404 outside);
writes are one service call each and only for the UPT's staff."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from exchange import decisions, services
from exchange.forms import BatchReleaseForm, CreateForm, LinkForm, NoteForm
from exchange.models import ImportItem
from inmates.models import Person
from institutions.models import Institution

KINDS = ImportItem.Kind


def decision_counts(items) -> dict[str, int]:
    """{kind: open items} in one query."""
    open_items = items.still_open()
    return open_items.aggregate(**{kind: Count("pk", filter=Q(kind=kind)) for kind in KINDS.values})


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


@require_http_methods(["GET"])
def item_list(request):
    user = request.user
    services.require_importer(user)
    items = ImportItem.objects.visible_to(user)
    kind = request.GET.get("kind") if request.GET.get("kind") in KINDS.values else KINDS.LEFT
    decided = request.GET.get("status") == "decided"
    place, run = _int(request.GET.get("upt")), _int(request.GET.get("run"))
    if place:
        items = items.filter(institution_id=place)
    if run:
        items = items.filter(run_id=run)
    counts = decision_counts(items)
    query = (request.GET.get("q") or "").strip()[:100]
    shown = items.filter(kind=kind)
    shown = shown.exclude(pk__in=items.still_open()) if decided else shown.still_open()
    if query:
        shown = shown.filter(
            Q(admission__person__full_name__icontains=query)
            | Q(admission__register_number__icontains=query)
            | Q(row__full_name__icontains=query)
            | Q(row__register_number__icontains=query)
        )
    shown = shown.select_related(
        "institution", "admission__person", "admission__institution", "person", "decided_by", "run"
    ).order_by("institution__name", "line", "pk")
    if kind == KINDS.REVIEW:
        shown = shown.annotate(candidate_count=Count("candidates"))
    page = Paginator(shown, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    writable_ids = {
        item.institution_id for item in page.object_list if user.scope.can_write_at(item.institution_id)
    }
    places = Institution.objects.filter(
        pk__in=ImportItem.objects.visible_to(user).values("institution_id")
    ).order_by("name")
    return render(
        request,
        "exchange/item_list.html",
        {
            "page_obj": page,
            "kind": kind,
            "kinds": KINDS.choices,
            "counts": counts,
            "decided": decided,
            "query": query,
            "place": place,
            "places": places,
            "run_id": run,
            "may_decide": bool(writable_ids) and not decided,
            "writable_ids": writable_ids,
            "release_form": BatchReleaseForm(initial={"released_on": timezone.localdate()}),
        },
    )


def _visible_item(user, pk: int) -> ImportItem:
    return get_object_or_404(
        ImportItem.objects.visible_to(user).select_related(
            "institution", "admission__person", "admission__institution", "person", "run", "decided_by"
        ),
        pk=pk,
    )


@require_http_methods(["GET"])
def item_detail(request, pk: int):
    user = request.user
    item = _visible_item(user, pk)
    candidates = list(
        item.candidates.select_related(None).prefetch_related("admissions__institution").order_by("full_name")
    )
    still_open = ImportItem.objects.filter(pk=item.pk).still_open().exists()
    # As at registration: someone held only elsewhere is "a record at another UPT", never named here.
    in_scope = set(
        Person.objects.visible_to(user).filter(pk__in=[c.pk for c in candidates]).values_list("pk", flat=True)
    )
    # Someone in custody now cannot be admitted here as well: they are not offered (as at registration).
    admissible = [c for c in candidates if not any(spell.is_open for spell in c.admissions.all())]
    return render(
        request,
        "exchange/item_detail.html",
        {
            "item": item,
            "candidates": candidates,
            "in_scope": in_scope,
            "still_open": still_open,
            "may_decide": still_open and user.scope.can_write_at(item.institution_id),
            "admissible": admissible,
            "link_form": LinkForm(candidates=admissible, in_scope=in_scope),
            "create_form": CreateForm(),
            "note_form": NoteForm(),
        },
    )


def _writable_item(user, pk: int) -> ImportItem:
    item = _visible_item(user, pk)
    if not user.scope.can_write_at(item.institution_id):
        raise PermissionDenied(_("Only staff of the UPT decide what its imports left open."))
    return item


def _listing(item: ImportItem) -> str:
    return f"{reverse('exchange:item-list')}?kind={item.kind}"


def _error_text(error: ValidationError) -> str:
    return "; ".join(error.messages)


@require_POST
def left_release(request):
    """Release every ticked person who left according to SDP, with one date and type, all or nothing."""
    user = request.user
    services.require_importer(user)
    listing = reverse("exchange:item-list")
    back = request.POST.get("next") or ""
    back = back if back.startswith(listing + "?") else listing
    ids = [pk for pk in (_int(value) for value in request.POST.getlist("items")) if pk]
    items = list(ImportItem.objects.visible_to(user).filter(pk__in=ids[: settings.PAGE_SIZE * 4]))
    form = BatchReleaseForm(request.POST)
    if not items:
        messages.error(request, _("Nothing was recorded: tick at least one person."))
        return redirect(back)
    if not form.is_valid():
        messages.error(
            request,
            _("Nothing was recorded: %(errors)s")
            % {"errors": "; ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
        return redirect(back)
    try:
        released = decisions.left_release(
            by=user,
            items=items,
            on=form.cleaned_data["released_on"],
            release_type=form.cleaned_data["release_type"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, _("Nothing was recorded: %(errors)s") % {"errors": _error_text(error)})
    else:
        messages.success(request, _("%(count)s releases recorded.") % {"count": len(released)})
        for admission in released:
            for notice in admission.notices:
                messages.info(request, notice)
    return redirect(back)


@require_POST
def left_still_held(request, pk: int):
    user = request.user
    item = _writable_item(user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            decisions.left_still_held(by=user, item=item, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Recorded: still held here."))
            return redirect(_listing(item))
    else:
        messages.error(request, _("Say how you checked that the person is still held here."))
    return redirect("exchange:item-detail", pk=item.pk)


@require_POST
def review_link(request, pk: int):
    user = request.user
    item = _writable_item(user, pk)
    form = LinkForm(request.POST, candidates=list(item.candidates.all()), in_scope=set())
    if not form.is_valid():
        messages.error(request, _("Choose one of the people and say why it is the same person."))
        return redirect("exchange:item-detail", pk=item.pk)
    person = item.candidates.get(pk=form.cleaned_data["person"])
    try:
        admission = decisions.review_link(
            by=user, item=item, person=person, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("exchange:item-detail", pk=item.pk)
    messages.success(request, _("Admitted as %(person)s.") % {"person": person.full_name})
    for notice in getattr(admission, "notices", []):
        messages.info(request, notice)
    return redirect(person)


@require_POST
def review_create(request, pk: int):
    user = request.user
    item = _writable_item(user, pk)
    form = CreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why this is none of the people already registered."))
        return redirect("exchange:item-detail", pk=item.pk)
    try:
        admission = decisions.review_create(by=user, item=item, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("exchange:item-detail", pk=item.pk)
    messages.success(request, _("Registered as a new person."))
    return redirect(admission.person)


@require_POST
def transfer_noted(request, pk: int):
    user = request.user
    item = _writable_item(user, pk)
    try:
        decisions.transfer_noted(by=user, item=item)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Noted."))
    return redirect(_listing(item))
