"""Changes of who may see what: memberships and account rights. Every one goes through here (the admin calls
these), is refused when it would let someone raise their own access, and leaves an AccessChange with the state
before and after, plus an event in the audit trail.

The rules (issue 13):
- nobody changes their own memberships, roles, head-of-UPT flag or rights;
- a membership that opens counselling notes (a counsellor membership) takes effect only when granted by a
  superuser, or once a second administrator, neither its grantor nor its holder, confirms it;
- an administrator never sets another person's password: the person gets a one-time link by mail.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AccessChange, Membership, User
from audit.models import AuditEvent
from audit.services import audit_record


def _not_oneself(*, by: User, user: User) -> None:
    if by.pk == user.pk:
        raise PermissionDenied(
            _("Nobody changes their own access. Ask another administrator to make this change.")
        )


def _record(*, by: User | None, user: User, kind: str, before=None, after=None, place=None) -> AccessChange:
    place = place or {}
    change = AccessChange.objects.create(
        by=by,
        user=user,
        kind=kind,
        institution_id=place.get("institution"),
        agency_id=place.get("agency"),
        region_id=place.get("region"),
        before=before or {},
        after=after or {},
    )
    audit_record(
        action=AuditEvent.Action.CHANGE,
        actor=by,
        obj=user,
        details={"access_change": change.pk, "kind": kind, "before": change.before, "after": change.after},
    )
    return change


def _places(*snapshots: dict | None) -> dict:
    """The places a change concerns: those of the membership after it, else before it."""
    for snapshot in snapshots:
        if snapshot:
            return {key: snapshot.get(key) for key in ("institution", "agency", "region")}
    return {}


def _needs_second_administrator(membership: Membership, by: User) -> bool:
    """A counsellor membership opens counselling notes; any membership on an account whose address this
    administrator set (they created it, or changed its e-mail) could be an alter ego of theirs. Both wait for
    a second administrator, unless a superuser grants them."""
    if by.is_superuser:
        return False
    if membership.opens_notes:
        return True
    return AccessChange.objects.filter(
        user_id=membership.user_id,
        by=by,
        kind__in=[AccessChange.Kind.ACCOUNT_CREATED, AccessChange.Kind.EMAIL_CHANGED],
    ).exists()


@transaction.atomic
def membership_grant(*, by: User, membership: Membership) -> Membership:
    _not_oneself(by=by, user=membership.user)
    membership.granted_by = by
    membership.awaiting_confirmation = _needs_second_administrator(membership, by)
    if not membership.awaiting_confirmation:
        membership.confirmed_by, membership.confirmed_at = by, timezone.now()
    membership.full_clean(exclude=["granted_by", "confirmed_by"])
    membership.save()
    after = membership.snapshot()
    _record(
        by=by,
        user=membership.user,
        kind=AccessChange.Kind.MEMBERSHIP_GRANTED,
        after=after,
        place=_places(after),
    )
    return membership


@transaction.atomic
def membership_change(*, by: User, membership: Membership) -> Membership:
    """Save changes made to `membership` (a form's instance, not yet saved)."""
    stored = Membership.objects.select_for_update().get(pk=membership.pk)
    _not_oneself(by=by, user=stored.user)
    _not_oneself(by=by, user=membership.user)
    before = stored.snapshot()
    grants_new_reach = (stored.role, stored.agency_id, stored.user_id) != (
        membership.role,
        membership.agency_id,
        membership.user_id,
    )
    if grants_new_reach:
        membership.granted_by = by
        membership.awaiting_confirmation = _needs_second_administrator(membership, by)
        membership.confirmed_by = None if membership.awaiting_confirmation else by
        membership.confirmed_at = None if membership.awaiting_confirmation else timezone.now()
    membership.full_clean(exclude=["granted_by", "confirmed_by"])
    membership.save()
    after = membership.snapshot()
    if before != after or stored.user_id != membership.user_id:
        _record(
            by=by,
            user=membership.user,
            kind=AccessChange.Kind.MEMBERSHIP_CHANGED,
            before=before | {"user": stored.user.get_username()},
            after=after | {"user": membership.user.get_username()},
            place=_places(after, before),
        )
    return membership


@transaction.atomic
def membership_revoke(*, by: User, membership: Membership) -> None:
    _not_oneself(by=by, user=membership.user)
    before = membership.snapshot()
    user = membership.user
    membership.delete()
    _record(by=by, user=user, kind=AccessChange.Kind.MEMBERSHIP_REVOKED, before=before, place=_places(before))


@transaction.atomic
def membership_confirm(*, by: User, membership: Membership) -> Membership:
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if not membership.awaiting_confirmation:
        raise ValidationError(_("This membership is already in effect."))
    _not_oneself(by=by, user=membership.user)
    if membership.granted_by_id == by.pk:
        raise PermissionDenied(
            _("A membership you granted must be confirmed by a second administrator, not by you.")
        )
    before = membership.snapshot()
    membership.awaiting_confirmation = False
    membership.confirmed_by, membership.confirmed_at = by, timezone.now()
    membership.save(update_fields=["awaiting_confirmation", "confirmed_by", "confirmed_at"])
    after = membership.snapshot()
    _record(
        by=by,
        user=membership.user,
        kind=AccessChange.Kind.MEMBERSHIP_CONFIRMED,
        before=before,
        after=after,
        place=_places(after),
    )
    return membership


# --- Accounts ---------------------------------------------------------------------------------------------

RIGHTS = ("is_active", "is_staff", "is_superuser")


def rights_of(user: User) -> dict:
    """The account's rights as recorded before and after a change (what the admin can alter)."""
    if user.pk is None:
        return {}
    return {
        **{name: getattr(user, name) for name in RIGHTS},
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app}.{codename}"
            for app, codename in user.user_permissions.values_list("content_type__app_label", "codename")
        ),
    }


def account_rights_changed(*, by: User, user: User, before: dict, email_before: str = "") -> None:
    """Record what changed on an account that an administrator saved (the admin calls this after saving)."""
    after = rights_of(user)
    if before and before != after:
        _record(by=by, user=user, kind=AccessChange.Kind.RIGHTS_CHANGED, before=before, after=after)
    if email_before != (user.email or "") and before:
        _record(
            by=by,
            user=user,
            kind=AccessChange.Kind.EMAIL_CHANGED,
            before={"email": email_before},
            after={"email": user.email},
        )
        if email_before:  # the old address learns of it: a hijack attempt does not go unnoticed
            _send(
                to=email_before,
                subject=gettext_lazy("The e-mail address of your Rehab Lapas account was changed"),
                template="accounts/email/email_changed.txt",
                context={"user": user, "by": by, "new_email": user.email},
            )


def account_created(*, by: User, user: User) -> None:
    _record(by=by, user=user, kind=AccessChange.Kind.ACCOUNT_CREATED, after=rights_of(user))
    if user.email:
        password_link_send(by=by, user=user, welcome=True)


def password_link_send(*, by: User, user: User, welcome: bool = False) -> None:
    """Send the account's owner a one-time link to choose a password. The administrator never learns it.

    The link is Django's password-reset token: it works once (it is bound to the current password hash) and
    expires after settings.PASSWORD_RESET_TIMEOUT.
    """
    _not_oneself(by=by, user=user)
    if user.is_superuser and not by.is_superuser:
        raise PermissionDenied(_("Only a superuser can help a superuser with their password."))
    if not user.email:
        raise ValidationError(
            _("This account has no e-mail address. Add the user's own address first; the link is sent there.")
        )
    last_change = last_address_change(user)
    if last_change is not None and last_change.by_id == by.pk:
        raise PermissionDenied(
            _("You set this account's e-mail address, so another administrator must send its password link.")
        )
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = settings.SITE_URL.rstrip("/") + reverse(
        "accounts:password-reset-confirm", args=[uid, default_token_generator.make_token(user)]
    )
    _send(
        to=user.email,
        subject=gettext_lazy("Welcome to Rehab Lapas: choose your password")
        if welcome
        else gettext_lazy("Choose a new password for Rehab Lapas"),
        template="accounts/email/password_link.txt",
        context={
            "user": user,
            "link": link,
            "welcome": welcome,
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )
    _record(by=by, user=user, kind=AccessChange.Kind.PASSWORD_RESET_SENT, after={"sent_to": user.email})


def last_address_change(user: User) -> AccessChange | None:
    """The latest time an administrator set this account's e-mail address, if any (shown on the password page:
    a link goes to whatever address is on the account)."""
    return (
        AccessChange.objects.filter(user=user, kind=AccessChange.Kind.EMAIL_CHANGED)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )


def password_set_from_link(*, user: User) -> None:
    _record(by=user, user=user, kind=AccessChange.Kind.PASSWORD_SET)


def _send(*, to: str, subject, template: str, context: dict) -> None:
    """Users have no language preference yet: the mail is in Indonesian (the working language), then
    English."""
    subjects, bodies = [], []
    for language in ("id", "en"):
        with translation.override(language):
            subjects.append(str(subject))
            bodies.append(render_to_string(template, context).strip())
    send_mail(" / ".join(subjects), "\n\n— — —\n\n".join(bodies) + "\n", None, [to])


def preferences_set(*, user: User, language: str, daily_digest: bool) -> User:
    """One's own language and digest choice; audited like any change to an account."""
    before = {"language": user.language, "daily_digest": user.daily_digest}
    user.language, user.daily_digest = language, daily_digest
    user.save(update_fields=["language", "daily_digest"])
    after = {"language": language, "daily_digest": daily_digest}
    if after != before:
        audit_record(action=AuditEvent.Action.CHANGE, actor=user, obj=user, details={"preferences": after})
    return user
