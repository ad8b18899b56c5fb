"""The list of sessions whose attendance was never recorded (linked from the home page's to-do counts)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from institutions.models import Institution
from rehab.worklists import attendance_gaps


def session_gap_list(request):
    user = request.user
    sessions = attendance_gaps(user)
    institution = None
    raw = request.GET.get("institution", "")
    if raw.isascii() and raw.isdigit() and len(raw) < 10:  # a bad value drops the filter, never a 500
        institution = Institution.objects.filter(pk=int(raw)).first()
        if institution is not None:
            sessions = sessions.filter(institution=institution)
    sessions = sessions.select_related("programme", "institution").order_by("-starts_at", "-pk")
    page = Paginator(sessions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rehab/session_gap_list.html", {"page_obj": page, "institution": institution})
