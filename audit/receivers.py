"""Logins and logouts are audited from Django's auth signals: the one place every login passes through."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AuditEvent
from audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(action=AuditEvent.Action.LOGIN, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the name that was typed; never anything from the password field.
    audit_record(action=AuditEvent.Action.LOGIN_FAILED, username=str(credentials.get("username", ""))[:150])


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, "signed_out_for", "")  # "idle" when the idle timeout signed them out
        audit_record(
            action=AuditEvent.Action.LOGOUT, actor=user, details={"reason": reason} if reason else None
        )
