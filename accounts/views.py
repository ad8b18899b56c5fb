"""Signing in is Django's LoginView (accounts.urls); changing one's own password is here."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from audit.models import AuditEvent
from audit.services import audit_record

# So password managers offer the saved password for the old one and a new one for the others.
AUTOCOMPLETE = {
    "old_password": "current-password",
    "new_password1": "new-password",
    "new_password2": "new-password",
}


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    for name, autocomplete in AUTOCOMPLETE.items():
        form.fields[name].widget.attrs["autocomplete"] = autocomplete
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # stay signed in here; other sessions are signed out
        # Only that it changed; never anything of the password itself.
        audit_record(action=AuditEvent.Action.CHANGE, actor=user, obj=user, details={"password": "changed"})
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})
