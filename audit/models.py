"""The append-only audit trail: who viewed, changed, exported or downloaded what, when, and from where.

Rows are only ever inserted. The ORM refuses updates and deletes here; on PostgreSQL a trigger
(migration 0002) refuses them in the database too, so not even raw SQL from the application can rewrite
history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AppendOnlyQuerySet(models.QuerySet):
    """Rows that record history: inserted, never updated or deleted (the audit trail, changes of access)."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be updated.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be updated.")


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")


class AuditEventQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user) -> AuditEventQuerySet:
        """The events `user` may read (audit.visibility): the one rule for every page that lists them."""
        # Imported late: it reads accounts' memberships, and accounts builds on this module's append-only
        # base.
        from audit import visibility

        readable = visibility.condition(user)
        return self.all() if readable is None else self.filter(readable)


class AuditEvent(AppendOnlyModel):
    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        CREATE = "create", _("Created")
        CHANGE = "change", _("Changed")
        DELETE = "delete", _("Deleted")
        EXPORT = "export", _("Exported")
        DOWNLOAD = "download", _("Downloaded")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        # A login attempt refused without checking the password, because of repeated failures.
        LOGIN_BLOCKED = "login_blocked", _("Login refused (locked out)")
        LOGOUT = "logout", _("Logged out")
        # A new custody spell registered on an existing person's record (it opens their history): with reason.
        LINK = "link", _("Linked a registration to an existing record")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # The name typed at a failed login, or the actor's username kept as text for the record.
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # Set whenever the event concerns one person's record, for "who looked at this record".
    person_id = models.BigIntegerField(_("person"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            # "Who looked at this record" on a person's page.
            models.Index(fields=["person_id", "-at"], name="audit_event_person_idx"),
            models.Index(fields=["actor", "-at"], name="audit_event_actor_idx"),
            # The audit trail's user filter: a name typed at a failed sign-in has no user behind it.
            models.Index(fields=["username", "-at"], name="audit_event_username_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}:{self.object_id}"
