from io import BytesIO

import openpyxl
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from import_export.admin import ImportMixin
from import_export.fields import Field
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
from import_export.resources import Resource
from import_export.results import Error, Result, RowResult

from benefits.models import (
    SUBSCRIPTION_STATUS_LABELS,
    Activity,
    Benefit,
    CreditAssignment,
    Product,
    ProductKey,
    Subscription,
)
from benefits.services import key_import
from common.admin import ReadOnlyAdmin, SafeDeleteAdmin


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


# --- Importing product keys (django-import-export) -----------------------------------------
# The library gives the upload, the dry run and the confirm step; the rules are the service's
# (benefits/services/key_import.py). The dry run shows every row with the key's last group only,
# as the lists do.

KEY_COLUMN, LICENSES_COLUMN, BENEFIT_COLUMN = "product key", "licenses", "benefit"
KEYS_IMPORTED_MESSAGE = _("Product keys imported: %(count)s.")
MPN_ID_COLUMN, PRODUCT_COLUMN = "MPN ID", "product"


class KeyImportForm(ImportForm):
    """Refuses a file too large, or with too many rows, before it is parsed."""

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is None or self.errors:
            return cleaned
        if upload.size > key_import.MAX_FILE_BYTES:
            size = f"{upload.size / (1024 * 1024):.1f}"
            raise ValidationError(
                {"import_file": key_import.FILE_TOO_LARGE_MESSAGE % {"size": size}}
            )
        chosen = dict(self.fields["format"].choices).get(cleaned.get("format"))
        rows = _data_rows(upload, is_xlsx=chosen == XLSX().get_title())
        if rows > key_import.MAX_ROWS:
            raise ValidationError(
                {"import_file": key_import.TOO_MANY_ROWS_MESSAGE % {"rows": rows}}
            )
        upload.seek(0)
        return cleaned


def _data_rows(upload, *, is_xlsx: bool) -> int:
    """The rows after the header: counted from line ends (CSV) or the sheet's dimension (XLSX),
    without reading the cells."""
    upload.seek(0)
    if is_xlsx:
        try:
            book = openpyxl.load_workbook(BytesIO(upload.read()), read_only=True)
        except Exception:  # not a workbook: tablib says so when it reads the file
            return 0
        sheet = book.active
        if sheet is not None and sheet.max_row is None:  # no dimension record: count them
            sheet.calculate_dimension(force=True)
        rows = (sheet.max_row or 1) - 1 if sheet is not None else 0
        book.close()
        return rows
    lines = sum(chunk.count(b"\n") for chunk in upload.chunks())
    return max(lines - 1, 0)


class KeyImportResult(Result):
    """import-export's result, plus every row's outcome for the dry-run table."""

    checked: list[key_import.CheckedRow]


class ProductKeyResource(Resource):
    """Reads the file's rows and hands them to the key import service."""

    product_key = Field(column_name=KEY_COLUMN)
    licenses = Field(column_name=LICENSES_COLUMN)
    benefit = Field(column_name=BENEFIT_COLUMN)
    mpn_id = Field(column_name=MPN_ID_COLUMN)
    product = Field(column_name=PRODUCT_COLUMN)

    class Meta:
        model = ProductKey

    @classmethod
    def get_display_name(cls) -> str:
        return str(ProductKey._meta.verbose_name_plural)

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        result = KeyImportResult()
        result.checked = []
        columns = {str(name).strip().casefold(): i for i, name in enumerate(dataset.headers or [])}
        has_benefit = (
            BENEFIT_COLUMN in columns
            or {MPN_ID_COLUMN.casefold(), PRODUCT_COLUMN} <= columns.keys()
        )
        if not ({KEY_COLUMN, LICENSES_COLUMN} <= columns.keys() and has_benefit):
            result.append_base_error(Error(ValidationError(key_import.COLUMNS_MESSAGE)))
            return result

        def cell(values, name):
            index = columns.get(name)
            return values[index] if index is not None and index < len(values) else None

        rows = [
            key_import.KeyRow(
                number=line,
                key=cell(values, KEY_COLUMN),
                licenses=cell(values, LICENSES_COLUMN),
                benefit=cell(values, BENEFIT_COLUMN),
                mpn_id=cell(values, MPN_ID_COLUMN.casefold()),
                product=cell(values, PRODUCT_COLUMN),
            )
            for line, values in enumerate(dataset, start=2)
        ]
        if dry_run:
            result.checked = key_import.key_import_check(rows=rows)
        else:
            created = key_import.key_import_apply(rows=rows, actor=kwargs["user"])
            result.checked = [
                key_import.CheckedRow(row.number, key.key, key.masked_key, key.licenses, None)
                for row, key in zip(rows, created, strict=True)
            ]
        for row in result.checked:
            row_result = RowResult()
            row_result.import_type = (
                RowResult.IMPORT_TYPE_NEW if row.is_new else RowResult.IMPORT_TYPE_INVALID
            )
            result.append_row_result(row_result)
            result.increment_row_result_total(row_result)
            if not row.is_new:
                result.append_invalid_row(row.number, {}, ValidationError(row.error))
        result.total_rows = len(result.checked)
        return result


@admin.register(ProductKey)
class ProductKeyAdmin(ImportMixin, SafeDeleteAdmin):
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

    # Import: CSV or XLSX, by staff who may add keys; the activity records are the log.
    resource_classes = [ProductKeyResource]
    import_formats = [CSV, XLSX]
    import_form_class = KeyImportForm
    import_template_name = "admin/benefits/productkey/import.html"
    skip_admin_log = True

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request)

    # The file holds full keys: error reports hide what the import views hold.
    @method_decorator(sensitive_variables())
    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        # The library keeps the uploaded file for the confirm step. A dry run that can't be
        # confirmed (a row refused) has no next step: its copy of the keys goes at once.
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        upload = form.cleaned_data.get("import_file") if form and form.is_bound else None
        stored = getattr(upload, "tmp_storage_name", None)
        if stored and "confirm_form" not in context:
            self.get_tmp_storage_class()(
                name=stored, **self.get_tmp_storage_class_kwargs()
            ).remove()
        return response

    @method_decorator(sensitive_variables())
    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except ValidationError as error:
            # The portal changed since the dry run (a key added meanwhile): nothing was written.
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("admin:benefits_productkey_import"))

    def add_success_message(self, result, request) -> None:
        messages.success(
            request,
            KEYS_IMPORTED_MESSAGE % {"count": result.totals[RowResult.IMPORT_TYPE_NEW]},
        )


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
