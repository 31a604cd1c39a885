"""The admin's shared behaviour: deleting while the portal is in use is refused with a message,
never a 500, and a forged id in a searchable select is a form error, never a 500.

The admin's confirmation page lists what a deletion would take with it, but the portal may add
a protected row (a credit assignment, an activity record) between that page and the click. So a
deletion locks its rows first — whoever writes a row pointing at them locks them too (the
services do: ``select_for_update``), so the two take turns — then checks again and deletes;
a row that became protected meanwhile is refused with ``delete_refused_help``, which says what to
do instead.

Addresses no admin page would write are refused the same way: a date hierarchy's year past the
calendar's end, a bulk action's selection that names no possible row, a many-to-many choice of an
id no column holds.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from common.rows import LARGEST_ID, rows_lock

REFUSED = (ProtectedError, RestrictedError, IntegrityError)
CHANGED_MEANWHILE = _(
    "Nothing was deleted: something now depends on it (it changed while you were deciding). "
    "Check what depends on it below."
)
NO_SUCH_SELECTION = _(
    "No action was taken: the selection names records that can't exist. Select them again in the "
    "list."
)
SELECTION_CHANGED_MEANWHILE = _(
    "Nothing was deleted: something now depends on one of the selected records (it changed "
    "while you were deciding). Select them again to see what depends on each."
)


class StoredIdAutocompleteSelect(AutocompleteSelect):
    """Django's searchable select, but a posted value that can't be an id (a forged 20-digit
    number, "1.5", "x") shows as no choice: Django looks the posted ids up to show them again,
    which fails on a value that is no number (ValueError) and, on SQLite, on a number no column
    holds (OverflowError) — a 500 either way. The form still says the choice is not valid."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [each for each in value if _storable(each)], attr)


class StoredIdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's many-to-many choice (a group's permissions, a member's groups), but a posted id
    no column holds is "not a valid value", as a word is: SQLite can't even look it up
    (OverflowError, a 500)."""

    def clean(self, value):
        model = self.queryset.model if self.queryset is not None else None
        integer_ids = model is not None and isinstance(model._meta.pk, models.IntegerField)
        if integer_ids and self.to_field_name is None and isinstance(value, list | tuple):
            for each in value:
                if not _storable(each):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": each},
                    )
        return super().clean(value)


def _storable(value: object) -> bool:
    """Whether ``value`` can be a row's id: digits only (no sign, point or other script's digits),
    within a database column's range. Anything else would make the lookup itself fail."""
    text = str(value).strip()
    return text.isascii() and text.isdigit() and int(text) <= LARGEST_ID


class DatesCheckedChangeList(ChangeList):
    """A date hierarchy's year the calendar can't hold (``?created_at__year=9999``: its end is the
    next year's first day) is a wrong filter, as any other: Django shows the list unfiltered
    with its "incorrect filters" flag instead of failing."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class PortalAdmin(admin.ModelAdmin):
    """Every admin of the portal: a hand-made address is a message, never a 500."""

    def get_changelist(self, request, **kwargs):
        return DatesCheckedChangeList

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", StoredIdMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def response_action(self, request, queryset):
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if isinstance(self.model._meta.pk, models.IntegerField) and not all(
            _storable(each) for each in selected
        ):
            self.message_user(request, NO_SUCH_SELECTION, messages.WARNING)
            return None  # the list again, as for an action with nothing selected
        return super().response_action(request, queryset)


class SafeDeleteAdmin(PortalAdmin):
    # What to do instead, shown when a deletion is refused; each admin may say better.
    delete_refused_help = _(
        "Records that others depend on are kept so that the activity log still reads right."
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            using = kwargs.get("using")
            kwargs["widget"] = StoredIdAutocompleteSelect(db_field, self.admin_site, using=using)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_deleted_objects(self, objs, request):
        deleted = super().get_deleted_objects(objs, request)
        protected = deleted[3]
        if protected:
            self.message_user(request, self.delete_refused_help, messages.WARNING)
        return deleted

    def delete_model(self, request, obj) -> None:
        with transaction.atomic():
            rows_lock(type(obj)._default_manager.filter(pk=obj.pk))
            obj.delete()

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            rows_lock(queryset)
            queryset.delete()

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except REFUSED:
            self.message_user(request, CHANGED_MEANWHILE, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())  # the confirmation, again

    def get_actions(self, request):
        actions = super().get_actions(request)
        delete_selected = actions.get("delete_selected")
        if delete_selected is not None:
            _function, name, description = delete_selected
            actions["delete_selected"] = (_delete_selected_safely, name, description)
        return actions


class ServiceSaveAdmin(SafeDeleteAdmin):
    """An admin whose ``save_model`` goes through a service that checks the rules again with the
    rows locked: its refusal (something changed since the form was checked) rolls the save back
    and is shown as a message on the form, to fill in again."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refused:
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyAdmin(SafeDeleteAdmin):
    """Staff can look, not change: these rows change only through the portal's services."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _delete_selected_safely(modeladmin, request, queryset):
    try:
        return delete_selected(modeladmin, request, queryset)
    except REFUSED:
        modeladmin.message_user(request, SELECTION_CHANGED_MEANWHILE, messages.ERROR)
        return None
