"""The resource that hands an uploaded file's rows to the key import service (the file itself is
read by key_files.py): its columns, the dry run's result and what staff see of each row."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field
from import_export.resources import Resource
from import_export.results import Error, Result, RowResult

from benefits.models import ProductKey
from benefits.services import key_import

# --- Importing product keys (django-import-export) -----------------------------------------
# The library gives the upload, the dry run and the confirm step; the rules are the service's
# (benefits/services/key_import.py). The dry run shows every row with the key's last group only,
# as the lists do.

KEY_COLUMN, LICENSES_COLUMN, BENEFIT_COLUMN = "product key", "licenses", "benefit"
KEYS_IMPORTED_MESSAGE = _("Product keys imported: %(count)s.")
MPN_ID_COLUMN, PRODUCT_COLUMN = "MPN ID", "product"
SEMICOLONS_MESSAGE = _(
    "This CSV file separates its columns with semicolons; the import reads commas. Save it again "
    "with commas, or upload the Excel workbook itself."
)
TABS_MESSAGE = _(
    "This CSV file separates its columns with tabs; the import reads commas. Save it again with "
    "commas, or upload the Excel workbook itself."
)
REPEATED_COLUMN_MESSAGE = _(
    "The column “%(column)s” appears more than once in the first row: keep one, so that each "
    "row says one thing."
)


KNOWN_COLUMNS = (KEY_COLUMN, LICENSES_COLUMN, BENEFIT_COLUMN, MPN_ID_COLUMN, PRODUCT_COLUMN)


def _columns_refusal(names: list[str]) -> str:
    """Why the first row's column names (trimmed, in any case) can't be read, or ""."""
    for column in KNOWN_COLUMNS:
        if names.count(column.casefold()) > 1:
            return REPEATED_COLUMN_MESSAGE % {"column": column}
    present = set(names)
    has_benefit = BENEFIT_COLUMN in present or {MPN_ID_COLUMN.casefold(), PRODUCT_COLUMN} <= present
    if {KEY_COLUMN, LICENSES_COLUMN} <= present and has_benefit:
        return ""
    if len(names) == 1 and ";" in names[0]:
        return str(SEMICOLONS_MESSAGE)
    if len(names) == 1 and "\t" in names[0]:
        return str(TABS_MESSAGE)
    return str(key_import.COLUMNS_MESSAGE)


# The refused rows named above the table, so that one refusal among thousands of rows is found.
REFUSED_ROWS_NAMED = 20


class KeyImportResult(Result):
    """import-export's result, plus every row's outcome for the dry-run table."""

    checked: list[key_import.CheckedRow]

    @property
    def refused_numbers(self) -> list[int]:
        return [row.number for row in self.checked if not row.is_new]

    @property
    def refused_named(self) -> str:
        """The first refused rows' numbers, "4, 17, 2501", with "…" when there are more."""
        numbers = self.refused_numbers
        named = ", ".join(str(number) for number in numbers[:REFUSED_ROWS_NAMED])
        return named + (", …" if len(numbers) > REFUSED_ROWS_NAMED else "")


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
        names = [str(name).strip().casefold() for name in dataset.headers or []]
        columns = {name: i for i, name in enumerate(names)}
        refusal = _columns_refusal(names)
        if refusal:
            result.append_base_error(Error(ValidationError(refusal)))
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
            # A row with no cell filled (a spreadsheet's trailing ",,,") is no row.
            if any(str(value).strip() for value in values if value is not None)
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
