"""Product keys in the admin: lists that show the last group only, and the import from a file
(the file's reading is in key_files.py and key_import.py, the rules in
benefits/services/key_import.py)."""

from __future__ import annotations

from contextlib import suppress
from zipfile import BadZipFile

from django.contrib import admin, messages
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from import_export.admin import ImportMixin
from import_export.results import RowResult
from openpyxl.utils.exceptions import InvalidFileException

from benefits.admin.key_files import KeyFileCSV, KeyFileXLSX, KeyImportForm, UnreadableFile
from benefits.admin.key_import import KEYS_IMPORTED_MESSAGE, ProductKeyResource
from benefits.models import ProductKey
from benefits.services.key_quantities import key_save_by_staff, keys_delete_by_staff
from common.admin import ServiceSaveAdmin

IMPORT_URL = "admin:benefits_productkey_import"
UPLOAD_EXPIRED_MESSAGE = _(
    "Nothing was imported now: the checked file is gone. Either it was imported already (the "
    "Activity log shows the keys imported), or it waited more than an hour, the time a checked "
    "file is kept. If it wasn't imported, upload it again."
)
CONFIRM_CHANGED_MESSAGE = _(
    "Nothing was imported: the confirm form didn't match the file checked. Upload it again."
)
# A checked file read in another format than it was checked in (a confirm form changed by hand).
UNREADABLE_AS_CHECKED = (BadZipFile, UnicodeDecodeError, InvalidFileException)


@admin.register(ProductKey)
class ProductKeyAdmin(ImportMixin, ServiceSaveAdmin):
    """Keys are secrets: lists show the last group only; the full key is on its own page."""

    delete_refused_help = _(
        "A redeemed key is kept: the activity log and the subscription it went into name it. "
        "Only keys nobody redeemed can be deleted."
    )

    list_display = ["masked_key", "benefit", "licenses", "redeemed_at", "redeemed_into"]
    list_filter = [("redeemed_at", admin.EmptyFieldListFilter), "benefit__product"]
    list_select_related = ["benefit__product", "benefit__organization", "redeemed_into__product"]
    list_select_related += ["redeemed_into__tenant"]
    # Staff search by the last group they read off a list or a screenshot. The search box takes
    # 5 characters (templates/admin/benefits/productkey/search_form.html): a search travels in
    # the address, and a full key must never reach an access log.
    search_fields = ["key__iendswith"]
    search_help_text = _("The key's last group: 5 characters, never a full key.")
    autocomplete_fields = ["benefit"]
    # A redemption is made in the portal, with its activity record: staff read it here.
    readonly_fields = ["redeemed_at", "redeemed_by", "redeemed_into"]

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

    # The benefit's quantity follows its keys, with an activity record (key_quantities).
    def save_model(self, request, obj, form, change) -> None:
        key_save_by_staff(key=obj, actor=request.user)

    def delete_model(self, request, obj) -> None:
        keys_delete_by_staff(keys=[obj], actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        keys_delete_by_staff(keys=queryset, actor=request.user)

    # Import: CSV or XLSX, by staff who may add keys; the activity records are the log.
    resource_classes = [ProductKeyResource]
    import_formats = [KeyFileCSV, KeyFileXLSX]
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
            self._remove_stored(stored)
        return response

    @method_decorator(sensitive_variables())
    def process_import(self, request, **kwargs):
        try:
            if not self._confirm_choices_known(request):
                return _back_to_upload(request, CONFIRM_CHANGED_MESSAGE)
            return super().process_import(request, **kwargs)
        except UNREADABLE_AS_CHECKED:
            return _back_to_upload(request, CONFIRM_CHANGED_MESSAGE)
        except ValidationError as error:
            # The portal changed since the dry run (a key added meanwhile): nothing was written.
            return _back_to_upload(request, " ".join(error.messages))
        except FileNotFoundError:
            # The stored file outlived its age limit (common/import_storage.py) and was removed.
            return _back_to_upload(request, UPLOAD_EXPIRED_MESSAGE)
        finally:
            # The library removes the file after a successful import only: whatever happened,
            # the confirm was its last use.
            self._remove_stored(request.POST.get("import_file_name"))

    def _confirm_choices_known(self, request) -> bool:
        """The confirm form's format and resource are indexes the library looks up unchecked."""
        choices = {
            "format": len(self.get_import_formats()),
            "resource": len(self.get_import_resource_classes(request)),
        }
        for field, count in choices.items():
            value = request.POST.get(field, "0")
            if not (value.isascii() and value.isdigit() and int(value) < count):
                return False
        return True

    def _remove_stored(self, name: str | None) -> None:
        storage = self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())
        # Not a name this storage made (nothing to remove), or gone already.
        with suppress(SuspiciousFileOperation, FileNotFoundError):
            storage.remove()

    def add_data_read_fail_error_to_form(self, form, e) -> None:
        if isinstance(e, UnreadableFile):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def add_success_message(self, result, request) -> None:
        messages.success(
            request,
            KEYS_IMPORTED_MESSAGE % {"count": result.totals[RowResult.IMPORT_TYPE_NEW]},
        )


def _back_to_upload(request, message) -> HttpResponseRedirect:
    """The import's first page again, saying why nothing was imported."""
    messages.error(request, message)
    return HttpResponseRedirect(reverse(IMPORT_URL))
