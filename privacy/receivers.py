"""Sign-in: a running break-glass grant comes back into the new session (privacy.emergency.restore). A
correction made for a rights request: recorded on the request."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from privacy import emergency
from privacy.models import RightsRequest, RightsRequestStep


@receiver(user_logged_in, dispatch_uid="privacy-restore-emergency-access")
def restore_emergency_access(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and emergency.may_ask(user):
        emergency.restore(request.session, user)


@receiver(post_save, sender=AuditEvent, dispatch_uid="privacy-correction-made")
def correction_made(sender, instance: AuditEvent, created: bool, **kwargs):
    """A correction of a person's record made for a rights request (the person page's form, opened from the
    request) is recorded on the request as a step: which fields, by whom. Only for an open correction request
    about that same person; anything else named is ignored."""
    request_id = (instance.details or {}).get("rights_request")
    if not created or not isinstance(request_id, int) or instance.action != AuditEvent.Action.CHANGE:
        return
    rights_request = RightsRequest.objects.filter(
        pk=request_id, person_id=instance.person_id, kind=RightsRequest.Kind.CORRECTION
    ).first()
    if rights_request is None or not rights_request.is_open or instance.actor is None:
        return
    fields = ", ".join(instance.details.get("fields", [])) or "-"
    RightsRequestStep.objects.create(
        request=rights_request,
        status=RightsRequest.Status.IN_PROGRESS,
        note=_("Record corrected: %(fields)s.") % {"fields": fields},
        by=instance.actor,
    )
    RightsRequest.objects.filter(pk=rights_request.pk, status__in=RightsRequest.OPEN).update(
        status=RightsRequest.Status.IN_PROGRESS
    )
