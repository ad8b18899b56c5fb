"""Sign-in: a running break-glass grant comes back into the new session (privacy.emergency.restore)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from privacy import emergency


@receiver(user_logged_in, dispatch_uid="privacy-restore-emergency-access")
def restore_emergency_access(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and emergency.may_ask(user):
        emergency.restore(request.session, user)
