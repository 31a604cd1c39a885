from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import library_admin  # noqa: F401  (the libraries' admin pages, on our base)
from accounts.api_tokens import api_token_revoke, api_tokens_revoke_all
from accounts.mail import mail_deliver_again
from accounts.models import (
    ApiToken,
    AzureOffer,
    DirectoryUser,
    Organization,
    OutgoingMail,
    Role,
    Tenant,
    User,
)
from accounts.models.organizations import ONE_PRIMARY_TENANT
from accounts.models.tokens import TOKEN_START
from accounts.staff_changes import directory_user_save_by_staff, tenant_save_by_staff
from common.admin import ReadOnlyAdmin, SafeDeleteAdmin, ServiceSaveAdmin


class CodesField(forms.TypedMultipleChoiceField):
    """A JSON list of codes edited as check boxes."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        return value or []


class TenantFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        """Two tenants ticked primary in one save: told here, as the database would refuse."""
        super().clean()
        primary = [
            form
            for form in self.forms
            if form.cleaned_data.get("is_primary") and not form.cleaned_data.get("DELETE")
        ]
        if len(primary) > 1:
            raise ValidationError(ONE_PRIMARY_TENANT)


class TenantInline(admin.TabularInline):
    model = Tenant
    formset = TenantFormSet
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(SafeDeleteAdmin):
    delete_refused_help = _(
        "An organization whose people hold Azure credit, or that the activity log names, is "
        "kept so that the log still reads right. To end its access, deactivate its members "
        "(Members, untick Active) instead of deleting it."
    )
    list_display = ["name", "mpn_id", "country", "currency"]
    list_filter = ["country", "currency"]
    search_fields = ["name", "mpn_id"]
    inlines = [TenantInline]


@admin.register(Tenant)
class TenantAdmin(ServiceSaveAdmin):
    delete_refused_help = _(
        "A tenant whose people hold Azure credit, or that the activity log names, is kept so "
        "that the log still reads right. Remove or transfer their credit in the portal first "
        "(Azure & Cloud, each credit's details)."
    )
    list_display = ["primary_domain", "display_name", "organization", "is_primary", "tenant_id"]
    list_filter = ["is_primary"]
    list_select_related = ["organization"]
    search_fields = ["primary_domain", "display_name", "tenant_id", "organization__name"]
    autocomplete_fields = ["organization"]

    def save_model(self, request, obj, form, change) -> None:
        tenant_save_by_staff(tenant=obj)


class DirectoryUserForm(forms.ModelForm):
    other_offers = CodesField(
        choices=AzureOffer.choices, required=False, label=_("other Azure offers")
    )

    class Meta:
        model = DirectoryUser
        fields = [
            "tenant",
            "display_name",
            "user_principal_name",
            "kind",
            "is_enabled",
            "other_offers",
        ]


@admin.register(DirectoryUser)
class DirectoryUserAdmin(ServiceSaveAdmin):
    form = DirectoryUserForm
    delete_refused_help = _(
        "People who hold Azure credit, or whom the activity log names, are kept so that the log "
        "still reads right. To free a credit seat, remove or transfer the credit in the portal "
        "(Azure & Cloud, the credit's details); to keep someone from being given credit, untick "
        "Enabled instead of deleting them."
    )
    list_display = ["display_name", "user_principal_name", "kind", "is_enabled", "tenant"]
    list_filter = ["kind", "is_enabled"]
    list_select_related = ["tenant"]
    search_fields = ["display_name", "user_principal_name", "tenant__primary_domain"]
    autocomplete_fields = ["tenant"]

    def save_model(self, request, obj, form, change) -> None:
        directory_user_save_by_staff(person=obj)


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() in Role.values:
            # The JSON text contains the quoted code; works on SQLite and PostgreSQL alike.
            return queryset.filter(Q(roles__icontains=f'"{self.value()}"'))
        return queryset


class MemberChangeForm(UserChangeForm):
    """Django's account form (the password hash read-only, with a reset link) plus roles."""

    roles = CodesField(choices=Role.choices, required=False, label=_("roles"))

    # The stubs don't declare UserChangeForm.Meta.
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = "__all__"  # the admin's fieldsets choose what is shown


class MemberCreationForm(AdminUserCreationForm):
    roles = CodesField(choices=Role.choices, required=False, label=_("roles"))

    class Meta:
        model = User
        fields = ["email", "organization", "roles"]


@admin.register(User)
class UserAdmin(SafeDeleteAdmin, BaseUserAdmin):
    form = MemberChangeForm
    add_form = MemberCreationForm
    ordering = ["email"]
    list_display = ["email", "organization", "roles_display", "is_active", "is_staff"]
    list_filter = [RoleFilter, "is_active", "is_staff", "organization"]
    list_select_related = ["organization"]
    search_fields = ["email", "first_name", "last_name", "organization__name"]
    autocomplete_fields = ["organization"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Organization and roles"), {"fields": ["organization", "roles"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]},
        ),
        (_("Organization and roles"), {"fields": ["organization", "roles"]}),
    ]

    @admin.display(description=_("roles"))
    def roles_display(self, obj: User) -> str:
        return ", ".join(obj.get_roles_display())

    def save_model(self, request, obj: User, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # As on the Team page: a deactivated account's tokens stay revoked, even if the
            # account is reactivated later.
            api_tokens_revoke_all(account=obj)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """API tokens, read-only but for revoking. The secret's hash is never shown: it opens
    nothing by itself, but it is no one's business either."""

    # The secret's hash is left out of every list.
    shown = (
        "name",
        "token_prefix",
        "account",
        "scopes_display",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_display = shown
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "created_at"]
    list_select_related = ["account"]
    search_fields = ["name", "prefix", "account__email", "account__organization__name"]
    readonly_fields = shown
    fields = shown
    actions = ["revoke"]

    @admin.display(description=_("token"))
    def token_prefix(self, obj: ApiToken) -> str:
        return f"{TOKEN_START}{obj.prefix}_…"

    @admin.display(description=_("scopes"))
    def scopes_display(self, obj: ApiToken) -> str:
        return ", ".join(obj.get_scopes_display())

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_apitoken")

    @admin.action(description=_("Revoke the selected API tokens"), permissions=["revoke"])
    def revoke(self, request, queryset) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                api_token_revoke(token=token, actor=None)
            except ValidationError:  # revoked meanwhile, by someone else
                continue
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d API token revoked.", "%(count)d API tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    """The outbox, read-only: what was sent, what waits, what was given up. A mail's text is
    never shown (it may hold an invitation or reset link)."""

    list_display = [
        "template",
        "to",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
        "given_up_at",
    ]
    list_filter = [
        "template",
        ("sent_at", admin.EmptyFieldListFilter),
        ("given_up_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["to", "template"]
    date_hierarchy = "created_at"
    fields = [
        "template",
        "to",
        "from_email",
        "subject",
        "created_at",
        "sent_at",
        "attempts",
        "last_attempt_at",
        "last_error",
        "given_up_at",
    ]
    actions = ["deliver_again"]

    def has_deliver_permission(self, request) -> bool:
        # Sending again is a change: staff who may only look at the outbox can't.
        return request.user.has_perm("accounts.change_outgoingmail")

    @admin.action(description=_("Deliver the selected unsent mails again"), permissions=["deliver"])
    def deliver_again(self, request, queryset) -> None:
        count = mail_deliver_again(mail_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d unsent mail handed to a worker again.",
                "%(count)d unsent mails handed to a worker again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
