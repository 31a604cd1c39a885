from django.contrib import admin
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from benefits.models import (
    SUBSCRIPTION_STATUS_LABELS,
    Activity,
    Benefit,
    CreditAssignment,
    Product,
    ProductKey,
    Subscription,
)
from common.admin import SafeDeleteAdmin


@admin.register(Product)
class ProductAdmin(SafeDeleteAdmin):
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

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Benefit)
class BenefitAdmin(SafeDeleteAdmin):
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


@admin.register(ProductKey)
class ProductKeyAdmin(SafeDeleteAdmin):
    """Keys are secrets: lists show the last group only; the full key is on its own page."""

    list_display = ["masked_key", "benefit", "licenses", "redeemed_at", "redeemed_into"]
    list_filter = [("redeemed_at", admin.EmptyFieldListFilter), "benefit__product"]
    list_select_related = ["benefit__product", "benefit__organization", "redeemed_into__product"]
    list_select_related += ["redeemed_into__tenant"]
    # Staff search by the last group they read off a list or a screenshot. The search box takes
    # 5 characters (templates/admin/benefits/productkey/search_form.html): a search travels in
    # the address, and a full key must never reach an access log.
    search_fields = ["key__iendswith"]
    search_help_text = _("The key's last group: 5 characters, never a full key.")
    autocomplete_fields = ["benefit", "redeemed_into", "redeemed_by"]

    @admin.display(description=_("product key"), ordering="key")
    def masked_key(self, obj: ProductKey) -> str:
        return obj.masked_key

    def get_search_results(self, request, queryset, search_term):
        last_group = search_term.strip().upper().replace(" ", "-").rsplit("-", 1)[-1]
        return super().get_search_results(request, queryset, last_group)

    # Staff type a full key into this form: error reports hide the field and what holds it.
    @method_decorator(sensitive_post_parameters("key"))
    @method_decorator(sensitive_variables())
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(Subscription)
class SubscriptionAdmin(SafeDeleteAdmin):
    list_display = ["product", "tenant", "seats", "start_date", "end_date", "status"]
    list_filter = ["product", "end_date"]
    list_select_related = ["product", "tenant"]
    search_fields = ["product__name", "tenant__primary_domain", "tenant__organization__name"]
    autocomplete_fields = ["tenant", "product"]

    @admin.display(description=_("status"))
    def status(self, obj: Subscription) -> str:
        return str(SUBSCRIPTION_STATUS_LABELS[obj.status_on(timezone.localdate())])


class ReadOnlyAdmin(SafeDeleteAdmin):
    """Staff can look, not change: these rows change only through the portal's services."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
