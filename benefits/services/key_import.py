"""Importing product keys from a file: every row checked first, then all written or none.

The admin's import (django-import-export) reads the file into rows and calls these two
services; the rules live here so that they hold, and are tested, without the admin.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from benefits import licensing
from benefits.errors import translated
from benefits.models import Activity, Benefit, Product, ProductKey
from benefits.models.product_keys import KEY_LICENSES_MAX
from benefits.services.key_quantities import benefit_quantities_from_keys, benefits_lock
from common.pagecache import pages_changed
from common.rows import LARGEST_ID

# Limits checked before a file is parsed: staff load a few thousand keys at a time.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000

FILE_TOO_LARGE_MESSAGE = _(
    "This file is %(size)s MB; files of at most 10 MB are imported. Split it into smaller files."
)
TOO_MANY_ROWS_MESSAGE = _(
    "This file has %(rows)s rows; at most 100,000 rows are imported at once. Split it into "
    "smaller files."
)
COLUMNS_MESSAGE = _(
    "The file needs the columns “product key” and “licenses”, and either “benefit” (its id) or "
    "“MPN ID” and “product”."
)
DUPLICATE_IN_FILE_MESSAGE = _("This key is also on row %(row)s of the file.")
KEY_EXISTS_MESSAGE = _("This key is already in the portal.")
NO_BENEFIT_MESSAGE = _("Give the benefit's id, or the MPN ID and the product.")
UNKNOWN_BENEFIT_MESSAGE = _("No benefit has the id “%(benefit)s”.")
UNKNOWN_MPN_PRODUCT_MESSAGE = _(
    "The organization with MPN ID “%(mpn_id)s” has no benefit for the product “%(product)s”."
)
AMBIGUOUS_BENEFIT_MESSAGE = _(
    "The organization with MPN ID “%(mpn_id)s” has several benefits for the product "
    "“%(product)s” (ids %(ids)s): give the benefit's id instead."
)
BENEFIT_DISAGREES_MESSAGE = _(
    "Benefit %(benefit)s is “%(product)s” of MPN ID “%(mpn_id)s”, not what this row's MPN ID and "
    "product say. Give the benefit's id alone, or correct the row."
)
NOT_LICENSE_BASED_MESSAGE = _(
    "Benefit %(benefit)s (%(product)s) is usage-based: only license-based benefits take product "
    "keys."
)
LICENSES_MESSAGE = _("Licenses must be a positive whole number; this row has “%(value)s”.")
TOO_MANY_LICENSES_MESSAGE = _(
    "A product key carries at most %(max)s licenses; this row has %(value)s. Check the number."
)
REFUSED_AT_CONFIRM_MESSAGE = _(
    "Nothing was imported: %(count)s rows are refused now (the portal changed since the dry "
    "run). Import the file again to see why."
)

# ASCII digits only: int() would read other scripts' digits too ("١٠" as 10).
_WHOLE = re.compile(r"^\s*\+?(\d+)(\.0*)?\s*$", re.ASCII)


@dataclass(frozen=True)
class KeyRow:
    """One row of the file as read: the cells, untouched (text, or numbers from a spreadsheet).
    ``number`` is the row's line in the file (the header is line 1)."""

    number: int
    key: object
    licenses: object
    benefit: object = None
    mpn_id: object = None
    product: object = None


@dataclass(frozen=True)
class CheckedRow:
    """A row's outcome: new (``error`` empty) or refused with the reason, in the reader's
    language. ``key`` is the canonical key (empty when malformed); ``shown_key`` is all that may
    be displayed of it: its last group."""

    number: int
    key: str
    shown_key: str
    licenses: int | None
    benefit: Benefit | None
    error: str = ""

    @property
    def is_new(self) -> bool:
        return not self.error


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's 1234567.0
    return str(value).strip()


def _whole_number(value: object) -> int | None:
    """A positive whole number from a cell (``3``, ``3.0``, ``"3"``), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None
        number = int(value)
    else:
        match = _WHOLE.match(_text(value))
        if match is None:
            return None
        number = int(match.group(1))
    return number if number > 0 else None


def _benefit_id(row: KeyRow) -> int | None:
    """The benefit id the row names, or None: a number no id column holds names no benefit."""
    number = _whole_number(row.benefit)
    return number if number is not None and number <= LARGEST_ID else None


def _shown(raw: object) -> str:
    """The last group of what the row holds, never more (malformed keys included)."""
    compact = re.sub(r"[\s\-]", "", _text(raw))
    return licensing.key_last_group(compact.upper()) if compact else ""


def key_import_check(*, rows: Sequence[KeyRow]) -> list[CheckedRow]:
    """Every row's outcome, in order: new, or refused with its reason (malformed key, duplicate
    in the file, already in the portal, unknown or ambiguous benefit, benefit not license-based,
    licenses not a positive whole number). Reads a fixed number of queries whatever the number of
    rows; writes nothing."""
    keys: list[str] = []  # canonical, or empty when malformed
    key_errors: dict[int, str] = {}
    for index, row in enumerate(rows):
        try:
            keys.append(licensing.normalize_key(_text(row.key)))
        except licensing.KeyFormatError as refusal:
            keys.append("")
            key_errors[index] = translated(refusal)
    existing = _existing_keys(key for key in keys if key)
    by_id, by_name = _benefits_named(rows)

    first_of: dict[str, KeyRow] = {}
    checked: list[CheckedRow] = []
    for index, (row, key) in enumerate(zip(rows, keys, strict=True)):
        licenses = _whole_number(row.licenses)
        benefit, benefit_error = _benefit_of(row, by_id, by_name)
        if key:
            first_of.setdefault(key, row)
        if index in key_errors:
            error = key_errors[index]
        elif first_of[key] is not row:
            error = DUPLICATE_IN_FILE_MESSAGE % {"row": first_of[key].number}
        elif key in existing:
            error = str(KEY_EXISTS_MESSAGE)
        elif benefit_error:
            error = benefit_error
        elif licenses is None:
            error = LICENSES_MESSAGE % {"value": _text(row.licenses)}
        elif licenses > KEY_LICENSES_MAX:
            error = TOO_MANY_LICENSES_MESSAGE % {
                "max": number_format(KEY_LICENSES_MAX, force_grouping=True),
                "value": number_format(licenses, force_grouping=True),
            }
        else:
            error = ""
        shown = licensing.key_last_group(key) if key else _shown(row.key)
        checked.append(CheckedRow(row.number, key, shown, licenses, benefit, error))
    return checked


def _existing_keys(keys: Iterable[str]) -> set[str]:
    keys = list(keys)
    found: set[str] = set()
    # In slices: SQLite allows a limited number of parameters per query.
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        found.update(ProductKey.objects.filter(key__in=chunk).values_list("key", flat=True))
    return found


def _benefits_named(
    rows: Sequence[KeyRow],
) -> tuple[dict[int, Benefit], dict[tuple[str, str], list[Benefit]]]:
    """The benefits the rows name, by id and by (MPN ID, product name in any case)."""
    ids = {_benefit_id(row) for row in rows if _text(row.benefit)} - {None}
    pairs = {(_text(row.mpn_id), _text(row.product).casefold()) for row in rows}
    mpn_ids = {mpn_id for mpn_id, product in pairs if mpn_id and product}
    benefits = Benefit.objects.select_related("product", "organization")
    by_id = {benefit.pk: benefit for benefit in benefits.filter(pk__in=ids)}
    by_name: dict[tuple[str, str], list[Benefit]] = defaultdict(list)
    if mpn_ids:
        for benefit in benefits.filter(organization__mpn_id__in=mpn_ids).order_by("pk"):
            name = (benefit.organization.mpn_id, benefit.product.name.casefold())
            by_name[name].append(benefit)
    return by_id, by_name


def _benefit_of(
    row: KeyRow, by_id: dict[int, Benefit], by_name: dict[tuple[str, str], list[Benefit]]
) -> tuple[Benefit | None, str]:
    benefit: Benefit | None
    if _text(row.benefit):
        benefit = by_id.get(_benefit_id(row) or 0)
        if benefit is None:
            return None, UNKNOWN_BENEFIT_MESSAGE % {"benefit": _text(row.benefit)}
        if _disagrees(row, benefit):
            return None, BENEFIT_DISAGREES_MESSAGE % {
                "benefit": str(benefit.pk),
                "product": benefit.product.name,
                "mpn_id": benefit.organization.mpn_id,
            }
    else:
        mpn_id, product = _text(row.mpn_id), _text(row.product)
        if not (mpn_id and product):
            return None, str(NO_BENEFIT_MESSAGE)
        found = by_name.get((mpn_id, product.casefold()), [])
        params = {"mpn_id": mpn_id, "product": product}
        if not found:
            return None, UNKNOWN_MPN_PRODUCT_MESSAGE % params
        if len(found) > 1:
            ids = ", ".join(str(benefit.pk) for benefit in found)
            return None, AMBIGUOUS_BENEFIT_MESSAGE % {**params, "ids": ids}
        benefit = found[0]
    if benefit.product.kind != Product.Kind.LICENSE:
        params = {"benefit": str(benefit.pk), "product": benefit.product.name}
        return None, NOT_LICENSE_BASED_MESSAGE % params
    return benefit, ""


def _disagrees(row: KeyRow, benefit: Benefit) -> bool:
    """A row naming its benefit both ways, where the MPN ID or the product is another one's."""
    mpn_id, product = _text(row.mpn_id), _text(row.product)
    return bool(mpn_id and mpn_id != benefit.organization.mpn_id) or bool(
        product and product.casefold() != benefit.product.name.casefold()
    )


@transaction.atomic
def key_import_apply(*, rows: Sequence[KeyRow], actor: User) -> list[ProductKey]:
    """Writes every row's key, or none: the rows are checked again inside the transaction (with
    the benefits concerned locked), and a single refused row raises ValidationError
    (``REFUSED_AT_CONFIRM_MESSAGE``) with nothing written. Each benefit that received keys gets
    its quantity set to the sum of its keys' licenses and one activity record ("keys_imported");
    the pages of the organizations concerned show the new keys once committed."""
    checked = key_import_check(rows=rows)
    refused = [row for row in checked if not row.is_new]
    if refused:
        raise ValidationError(
            REFUSED_AT_CONFIRM_MESSAGE, code="refused", params={"count": len(refused)}
        )
    benefit_ids = sorted({row.benefit.pk for row in checked if row.benefit is not None})
    benefits = {benefit.pk: benefit for benefit in benefits_lock(benefit_ids)}
    # Locked now: keys written meanwhile by another import are seen by the re-check below.
    checked = key_import_check(rows=rows)
    refused = [row for row in checked if not row.is_new]
    if refused:
        raise ValidationError(
            REFUSED_AT_CONFIRM_MESSAGE, code="refused", params={"count": len(refused)}
        )
    created = ProductKey.objects.bulk_create(
        [
            ProductKey(benefit_id=row.benefit.pk, key=row.key, licenses=row.licenses)
            for row in checked
            if row.benefit is not None and row.licenses is not None
        ],
        batch_size=1000,
    )
    added: dict[int, list[ProductKey]] = defaultdict(list)
    for key in created:
        added[key.benefit_id].append(key)
    benefit_quantities_from_keys(
        benefits=list(benefits.values()),
        actor=actor,
        kind=Activity.Kind.KEYS_IMPORTED,
        after={
            pk: {"keys": len(keys), "licenses": sum(key.licenses for key in keys)}
            for pk, keys in added.items()
        },
    )
    pages_changed(*{benefit.organization_id for benefit in benefits.values()})
    return created
