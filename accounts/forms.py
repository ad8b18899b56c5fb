from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.lockout import lockout_for
from accounts.models import User
from audit.context import client_address
from audit.models import AuditEvent
from audit.services import audit_record
from core.forms import ModelForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The username or password is not correct. Both are case-sensitive."),
        "inactive": _("This account has been deactivated. Contact your administrator."),
        "locked_out": _(
            "Too many failed attempts to log in with this name or from this computer. "
            "Try again in %(minutes)s minutes, or ask your administrator for help."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self):
        # Checked before the password, so nothing more is learnt about it while locked out.
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request is not None else None
        lockout = lockout_for(username=username, ip_address=address)
        if lockout is not None:
            audit_record(action=AuditEvent.Action.LOGIN_BLOCKED, username=username[:150])
            raise ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": lockout.minutes_left},
            )
        return super().clean()


class PreferencesForm(ModelForm):
    """One's own choices: the language of pages and mails, and whether the daily to-do email comes."""

    class Meta:
        model = User
        fields = ["language", "daily_digest"]
        widgets = {
            "language": forms.Select(attrs={"class": "form-select"}),
            "daily_digest": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }
