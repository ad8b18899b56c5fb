"""A user's own API tokens: create one (its key shown once, never stored), see when each was last used,
revoke one. Audited without the key."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from api.forms import TokenForm
from api.models import ApiToken
from audit.models import AuditEvent
from audit.services import audit_record


@require_http_methods(["GET", "POST"])
def tokens(request):
    user = request.user
    form = TokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        token, key = ApiToken.issue(user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"])
        audit_record(
            action=AuditEvent.Action.CREATE, actor=user, obj=token, details={"api_token": token.prefix}
        )
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "key": key, "tokens": ApiToken.objects.filter(user=user), "now": timezone.now()},
        # Created: the key is shown in this very answer (201), never stored to be shown after a redirect.
        status=201 if key else 400 if form.is_bound and not form.is_valid() else 200,
    )


@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user, revoked_at__isnull=True), pk=pk)
    with transaction.atomic():  # revoked and audited together, or neither
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        audit_record(
            action=AuditEvent.Action.CHANGE, actor=request.user, obj=token, details={"revoked": token.prefix}
        )
    messages.success(
        request, _("The token “%(name)s” is revoked: it no longer opens the API.") % {"name": token.name}
    )
    return redirect("api-tokens")
