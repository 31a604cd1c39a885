"""The catalog and the records in the admin: products, benefits (with their keys, read-only),
subscriptions, and the credit assignments and activity log staff only read."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benefits.models import (
    SUBSCRIPTION_STATUS_LABELS,
    Activity,
    Benefit,
    CreditAssignment,
    Product,
    ProductKey,
    Subscription,
)
from benefits.services.staff_changes import (
    benefit_save_by_staff,
    subscription_as_shown,
    subscription_save_by_staff,
)
from common.admin import ReadOnlyAdmin, SafeDeleteAdmin, ServiceSaveAdmin


@admin.register(Product)
class ProductAdmin(SafeDeleteAdmin):
    delete_refused_help = _(
        "A product that benefits or subscriptions use is kept: delete those first, or keep the "
        "product and rename it."
    )
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


KEY_COLUMNS = ("masked_key", "licenses", "redeemed_at", "redeemed_into")


class ProductKeyInline(admin.TabularInline):
    model = ProductKey
    extra = 0
    fields = KEY_COLUMNS
    readonly_fields = KEY_COLUMNS
    can_delete = False
    show_change_link = True

    @admin.display(description=_("product key"))
    def masked_key(self, obj: ProductKey) -> str:
        return obj.masked_key

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Benefit)
class BenefitAdmin(ServiceSaveAdmin):
    delete_refused_help = _(
        "A benefit whose credit someone holds, or that the activity log names, is kept so that "
        "the log still reads right. Remove or transfer its credit in the portal first (Azure & "
        "Cloud, the credit's details); to end it, set its expiration date instead."
    )
    list_display = [
        "product",
        "organization",
        "quantity",
        "offer",
        "benefit_type",
        "expiration_date",
    ]
    list_filter = ["offer", "benefit_type", "product__kind", "expiration_date"]
    list_select_related = ["product", "organization"]
    search_fields = ["product__name", "organization__name", "organization__mpn_id"]
    autocomplete_fields = ["organization", "product"]
    date_hierarchy = "expiration_date"
    inlines = [ProductKeyInline]

    def save_model(self, request, obj, form, change) -> None:
        benefit_save_by_staff(benefit=obj, actor=request.user)


class SubscriptionForm(forms.ModelForm):
    # The subscription as this form showed it: a key redeemed into it meanwhile changes its
    # figures, and the save must not write the old ones back (subscription_save_by_staff).
    shown = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Subscription
        fields = ["tenant", "product", "seats", "start_date", "end_date"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["shown"].initial = subscription_as_shown(self.instance)


@admin.register(Subscription)
class SubscriptionAdmin(ServiceSaveAdmin):
    form = SubscriptionForm
    list_display = ["product", "tenant", "seats", "start_date", "end_date", "status"]
    list_filter = ["product", "end_date"]
    list_select_related = ["product", "tenant"]
    search_fields = ["product__name", "tenant__primary_domain", "tenant__organization__name"]
    autocomplete_fields = ["tenant", "product"]

    def save_model(self, request, obj, form, change) -> None:
        shown = form.cleaned_data.get("shown", "")
        subscription_save_by_staff(subscription=obj, shown=shown, actor=request.user)

    @admin.display(description=_("status"))
    def status(self, obj: Subscription) -> str:
        return str(SUBSCRIPTION_STATUS_LABELS[obj.status_on(timezone.localdate())])


@admin.register(CreditAssignment)
class CreditAssignmentAdmin(ReadOnlyAdmin):
    """Read-only: credit changes go through the portal, which applies the program's rules and
    records each change in the activity log."""

    list_display = ["directory_user", "benefit", "assigned_at", "assigned_by"]
    list_select_related = ["directory_user", "benefit__product", "benefit__organization"]
    list_select_related += ["assigned_by"]
    search_fields = ["directory_user__display_name", "directory_user__user_principal_name"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    """The activity log is append-only: staff read it, nobody edits it."""

    list_display = ["created_at", "organization", "kind", "actor_email", "benefit"]
    list_filter = ["kind", "organization"]
    list_select_related = ["organization", "benefit__product"]
    search_fields = ["actor_email", "organization__name"]
    date_hierarchy = "created_at"
