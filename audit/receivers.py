"""Logins and logouts are audited from Django's auth signals, the one place every login passes through; admin
changes from the admin's own log entries."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
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


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_change")
def _admin_change(sender, instance: LogEntry, created: bool, **kwargs):
    """Changes made in the admin (reference data, accounts, memberships) join the same audit trail."""
    if not created:
        return
    action = {
        ADDITION: AuditEvent.Action.CREATE,
        CHANGE: AuditEvent.Action.CHANGE,
        DELETION: AuditEvent.Action.DELETE,
    }[instance.action_flag]
    content_type = instance.content_type
    audit_record(
        action=action,
        actor=instance.user,
        # The object itself may be gone (a deletion): the log entry keeps what it was.
        object_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        object_id=str(instance.object_id or ""),
        object_repr=instance.object_repr,
        details={"admin": instance.get_change_message()},
    )
