"""Signing in is Django's LoginView (accounts.urls); one's own account page, changing one's own password and
choosing one from a mailed link are here."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.debug import sensitive_post_parameters

from accounts import services
from accounts.forms import LoginForm, PreferencesForm
from accounts.models import AccessChange, Membership, User
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
        with transaction.atomic():  # changed and audited together, or neither
            user = form.save()
            # Only that it changed; never anything of the password itself.
            audit_record(
                action=AuditEvent.Action.CHANGE, actor=user, obj=user, details={"password": "changed"}
            )
        update_session_auth_hash(request, user)  # stay signed in here; other sessions are signed out
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


def account(request: HttpRequest) -> HttpResponse:
    """The user's own page: what they may reach and every change made to that, with who made it; and their
    preferences (language, daily email)."""
    user = request.user
    form = PreferencesForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=user, **form.cleaned_data)
        response = redirect("accounts:account")
        with translation.override(user.language):
            messages.success(request, _("Your preferences have been saved."))
        return with_language(response, user.language)
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("institution", "agency", "region", "granted_by", "confirmed_by")
        .order_by("role", "pk")
    )
    changes = AccessChange.objects.filter(user=user).select_related("by").order_by("-at", "-pk")
    page = Paginator(changes, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "accounts/account.html", {"memberships": memberships, "page_obj": page, "form": form}
    )


def with_language(response: HttpResponse, language: str) -> HttpResponse:
    """The response, setting the language cookie the pages are read in (Django's LocaleMiddleware)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    return response


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """Django's sign-in, after which the pages are in the user's own language on a browser where nobody has
    chosen one; a language chosen with the switcher on this browser (on the login page, say) is kept."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if settings.LANGUAGE_COOKIE_NAME in self.request.COOKIES:
            return response
        return with_language(response, form.get_user().language)


@login_not_required
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switcher; a signed-in user's choice is also kept as their preference."""
    response = i18n.set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    known = {code for code, _name in settings.LANGUAGES}
    if request.user.is_authenticated and language in known and language != request.user.language:
        services.preferences_set(user=request.user, language=language, daily_digest=request.user.daily_digest)
    return response


@method_decorator(login_not_required, name="dispatch")
class PasswordFromLinkView(auth_views.PasswordResetConfirmView):
    """The one-time link mailed to a new user, or to one whose administrator asked for a new password."""

    template_name = "accounts/password_from_link.html"
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_set_from_link(user=form.user)
        messages.success(self.request, _("Your password has been set. You can now log in with it."))
        return response
