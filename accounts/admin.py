"""Accounts and memberships in the admin, where national officers manage users.

Every change of access goes through accounts.services, which refuses changes to one's own access, holds
counsellor memberships granted by non-superusers until a second administrator confirms them, and records the
change with its before and after. Passwords are never set here: the user is sent a one-time link.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import services
from accounts.models import AccessChange, Membership, User
from core.admin import RecordChoicesAdmin
from core.forms import ModelForm

ACCESS_CHANGES_SHOWN = 50
OWN_ACCESS = gettext_lazy("Nobody changes their own access. Ask another administrator to make this change.")
ADMINISTRATORS_ACCESS = gettext_lazy("Only a superuser changes the access of an administrator.")


class MembershipForm(ModelForm):
    """Refuses, with a message on the form, a membership of the administrator's own (set by the admin)."""

    acting_user: User | None = None

    class Meta:
        model = Membership
        fields = ["user", "role", "institution", "agency", "region", "is_head"]

    def clean(self):
        cleaned = super().clean()
        holders = [
            h for h in (cleaned.get("user"), self.instance.user if self.instance.user_id else None) if h
        ]
        if self.acting_user is not None and self.acting_user in holders:
            raise ValidationError(OWN_ACCESS)
        acting = self.acting_user
        if (
            acting is not None
            and not acting.is_superuser
            and any(h.is_staff or h.is_superuser for h in holders)
        ):
            raise ValidationError(ADMINISTRATORS_ACCESS)
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # In the user page's inline Django leaves the account out of the constraint checks, and with it those
        # that name it (one national membership, one per UPT or agency), which the database would then refuse
        # with an error page: check them here.
        if self.instance.user_id:
            try:
                self.instance.validate_constraints()
            except ValidationError as error:
                self._update_errors(error)


class MembershipFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        places = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            place = (data.get("role"), data.get("institution"), data.get("agency"), data.get("region"))
            if place in places:
                raise ValidationError(_("The same role at the same place is listed twice."))
            places.add(place)


class MembershipInline(RecordChoicesAdmin, admin.TabularInline):
    model = Membership
    fk_name = "user"
    form = MembershipForm
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ["institution", "agency", "region"]
    fields = ["role", "institution", "agency", "region", "is_head", "awaiting_confirmation", "granted_by"]
    readonly_fields = ["awaiting_confirmation", "granted_by"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.acting_user = request.user
        return formset

    def _own(self, request, obj) -> bool:
        return obj is not None and obj.pk == request.user.pk

    def has_add_permission(self, request, obj=None):
        return not self._own(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._own(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._own(request, obj) and super().has_delete_permission(request, obj)


class AccountCreationForm(ModelForm):
    """A new account has no password anyone knows: its owner chooses one from the link mailed to them."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = gettext_lazy(
            "The user's own address: the link to choose a password is sent there."
        )

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(RecordChoicesAdmin, BaseUserAdmin):
    inlines = [MembershipInline]
    add_form = AccountCreationForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "first_name", "last_name", "email")}),
    )
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]
    change_form_template = "admin/accounts/user/change_form.html"
    # Who may use the admin, and with which rights, is for superusers to decide: a national officer managing
    # accounts must not be able to raise anyone (themselves included) to administrator or superuser.
    PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [name for name in self.PRIVILEGE_FIELDS if name not in readonly]
        return readonly

    def _out_of_reach(self, request, obj) -> bool:
        """One's own account is changed by another administrator; an administrator's account (and its
        password and address) only by a superuser, so no administrator can borrow another's to confirm their
        own grants."""
        if obj is None:
            return False
        if obj.pk == request.user.pk:
            return True
        return (obj.is_staff or obj.is_superuser) and not request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return not self._out_of_reach(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._out_of_reach(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            stored = User.objects.get(pk=obj.pk)
            request.access_before = (services.rights_of(stored), stored.email or "")
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        user = form.instance
        if not change:  # recorded first: memberships given with the new account then wait for a second admin
            services.account_created(by=request.user, user=user)
        super().save_related(request, form, formsets, change)
        if change:
            before, email_before = request.access_before
            services.account_rights_changed(
                by=request.user, user=user, before=before, email_before=email_before
            )
        else:
            self.message_user(
                request,
                _("A link to choose a password has been sent to %(email)s.") % {"email": user.email},
                messages.INFO,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.membership_revoke(by=request.user, membership=membership)
        for membership, _fields in formset.changed_objects:
            services.membership_change(by=request.user, membership=membership)
        for membership in formset.new_objects:
            services.membership_grant(by=request.user, membership=membership)
            _tell_if_awaiting(self, request, membership)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "access_changes": AccessChange.objects.filter(user_id=_int_or_none(object_id))
            .select_related("by", "institution", "agency", "region")
            .order_by("-at", "-pk")[:ACCESS_CHANGES_SHOWN],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @transaction.atomic
    def user_change_password(self, request, id, form_url=""):
        """Instead of a form to type someone's new password: send them a one-time link to choose it."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        if request.method == "POST":
            try:
                services.password_link_send(by=request.user, user=user)
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", None) or [str(error)]:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("A one-time link to choose a new password has been sent to %(email)s.")
                    % {"email": user.email},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Send a password link"),
            "original": user,
            "address_change": services.last_address_change(user),
            "opts": self.opts,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/accounts/user/password_link.html", context)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _tell_if_awaiting(model_admin, request, membership: Membership) -> None:
    if membership.awaiting_confirmation:
        model_admin.message_user(
            request,
            _(
                "The counsellor membership of %(user)s gives no access until a second administrator "
                "confirms it (Memberships, action “Confirm”)."
            )
            % {"user": membership.user},
            messages.WARNING,
        )


@admin.register(Membership)
class MembershipAdmin(RecordChoicesAdmin, admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "role", "institution", "is_head", "agency", "region", "awaiting_confirmation"]
    list_filter = ["awaiting_confirmation", "role", "is_head"]
    search_fields = ["user__username", "institution__name", "agency__name", "region__name"]
    autocomplete_fields = ["user", "institution", "agency", "region"]
    readonly_fields = ["granted_by", "awaiting_confirmation", "confirmed_by", "confirmed_at", "created_at"]
    actions = ["confirm"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.acting_user = request.user  # a class made for this request by modelform_factory
        return form

    def _own(self, request, obj) -> bool:
        return obj is not None and obj.user_id == request.user.pk

    def has_change_permission(self, request, obj=None):
        return not self._own(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._own(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            services.membership_change(by=request.user, membership=obj)
        else:
            services.membership_grant(by=request.user, membership=obj)
        _tell_if_awaiting(self, request, obj)

    def delete_model(self, request, obj):
        services.membership_revoke(by=request.user, membership=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        memberships = list(queryset.select_related("user"))
        if any(membership.user_id == request.user.pk for membership in memberships):
            raise PermissionDenied(OWN_ACCESS)  # checked before any is removed: all or nothing
        for membership in memberships:
            services.membership_revoke(by=request.user, membership=membership)

    @admin.action(description=gettext_lazy("Confirm the selected memberships (as the second administrator)"))
    def confirm(self, request, queryset):
        for membership in queryset.filter(awaiting_confirmation=True).select_related("user"):
            try:
                services.membership_confirm(by=request.user, membership=membership)
            except (ValidationError, PermissionDenied) as error:
                reason = "; ".join(getattr(error, "messages", None) or [str(error)])
                self.message_user(request, f"{membership}: {reason}", messages.ERROR)
            else:
                self.message_user(request, _("Confirmed: %(membership)s") % {"membership": membership})

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            actions.pop("confirm", None)
        return actions


# Groups carry permissions: only superusers change them, and not a group they belong to themselves.
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(RecordChoicesAdmin, BaseGroupAdmin):
    def _member(self, request, obj) -> bool:
        return obj is not None and obj.user_set.filter(pk=request.user.pk).exists()

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and not self._member(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and not self._member(request, obj)
