"""The list of sessions whose attendance was never recorded (linked from the home page's to-do counts)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.db.models.functions import Coalesce
from django.shortcuts import render

from core.forms import RecordChoiceField
from institutions.models import Institution
from rehab.worklists import attendance_gaps

UPT = RecordChoiceField(queryset=Institution.objects.all(), required=False)


def session_gap_list(request):
    user = request.user
    sessions = attendance_gaps(user)
    # One UPT's (the officers' "work piling up" links here); a bad or unknown value drops the filter.
    try:
        institution = UPT.clean(request.GET.get("institution"))
    except ValidationError:
        institution = None
    if institution is not None:
        sessions = sessions.filter(institution=institution)
    # Newest first. In a region or a UPT the sessions with gaps are few and spread over years: walking the
    # start's index back until a page is found tested tens of thousands (160 ms), so there they are sorted by
    # an expression no index serves (found first, then sorted). The nation's are many: the index finds a
    # page at once, and sorting them all cost 230 ms.
    newest = F("starts_at") if user.scope.is_national else Coalesce("starts_at", "ends_at")
    sessions = sessions.select_related("programme", "institution__region").order_by(newest.desc(), "-pk")
    page = Paginator(sessions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rehab/session_gap_list.html", {"page_obj": page, "institution": institution})
