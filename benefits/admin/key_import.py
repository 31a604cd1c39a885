"""Reading a file of product keys for the admin's import (django-import-export): the upload
form's limits, and the resource that hands the rows to the key import service."""

from __future__ import annotations

import csv
from io import BytesIO, StringIO

import openpyxl
import tablib
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
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
NOT_UTF8_MESSAGE = _(
    "This CSV file is not in UTF-8. Save it again as “CSV UTF-8” (in Excel: File, Save As, "
    "CSV UTF-8), or upload the Excel workbook itself."
)
SEMICOLONS_MESSAGE = _(
    "This CSV file separates its columns with semicolons; the import reads commas. Save it again "
    "with commas, or upload the Excel workbook itself."
)

TABS_MESSAGE = _(
    "This CSV file separates its columns with tabs; the import reads commas. Save it again with "
    "commas, or upload the Excel workbook itself."
)
NOT_A_WORKBOOK_MESSAGE = _(
    "This file is not an Excel workbook (.xlsx). If it is a CSV file, choose the format “csv”; "
    "an older workbook (.xls) must be saved again as .xlsx first."
)
A_WORKBOOK_MESSAGE = _(
    "This file is an Excel workbook, not a CSV file: choose the format “xlsx” and upload it again."
)
NO_ROWS_MESSAGE = _(
    "This file has no keys: under the first row, which names the columns, put one key per row."
)
CELL_TOO_LONG_MESSAGE = _(
    "Line %(line)s of this file has a cell longer than %(limit)s characters, far more than a "
    "product key: check that this is the file of keys, and that each of its quotation marks is "
    "closed."
)
REPEATED_COLUMN_MESSAGE = _(
    "The column “%(column)s” appears more than once in the first row: keep one, so that each "
    "row says one thing."
)


class UnreadableFile(Exception):
    """A file the import can't read, with what to do about it (ProductKeyAdmin shows it)."""


class KeyFileCSV(CSV):
    """CSV read line by line so that a row's number is its line in the file: tablib leaves blank
    lines out (every row after one was numbered one short) and refuses a row with more cells
    than the header (the cells past the header's are ignored here, as unknown columns are)."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        header, *rows = _csv_rows(in_stream) or [[]]
        dataset = tablib.Dataset(headers=header)
        for row in rows:  # a blank line stays, as a row of empty cells, skipped when read
            dataset.append((row + [""] * len(header))[: len(header)])
        return dataset


class KeyFileXLSX(XLSX):
    """The first sheet, read whatever its dimension record says. openpyxl's fast reader trusts
    that record, and some programs write "A1" there over thousands of rows: only the header's
    first cell was read. As for a CSV, a row keeps its number and cells past the header's are
    ignored."""

    def create_dataset(self, in_stream, **kwargs):
        book = openpyxl.load_workbook(BytesIO(in_stream), read_only=True, data_only=True)
        sheet = book.active
        if sheet is None:
            raise UnreadableFile(NOT_A_WORKBOOK_MESSAGE)
        sheet.reset_dimensions()
        header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)] or [[]]
        book.close()
        dataset = tablib.Dataset(headers=header)
        for row in rows:  # a row left empty comes as no cells: it stays, skipped when read
            dataset.append((row + [None] * len(header))[: len(header)])
        return dataset


def _csv_rows(text: str) -> list[list[str]]:
    """The file's rows; a cell past the reader's limit is refused naming the line it starts on."""
    reader = csv.reader(StringIO(text))
    rows: list[list[str]] = []
    starts_on = 1  # the line the next row starts on (a quoted cell may span lines)
    try:
        for row in reader:
            rows.append(row)
            starts_on = reader.line_num + 1
    except csv.Error as error:  # the reader's one refusal: a cell past its size limit
        limit = number_format(csv.field_size_limit(), force_grouping=True)
        raise UnreadableFile(CELL_TOO_LONG_MESSAGE % {"line": starts_on, "limit": limit}) from error
    return rows


class KeyImportForm(ImportForm):
    """Refuses, before the file is parsed, one too large, with no rows or too many, or not in
    the format chosen (a workbook as CSV, anything else as a workbook, a CSV not in UTF-8)."""

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
        is_xlsx = chosen == XLSX().get_title()
        if not is_xlsx and _is_zip(upload):  # a workbook is a zip file
            raise ValidationError({"import_file": A_WORKBOOK_MESSAGE})
        if not is_xlsx and not _is_utf8(upload):
            # Excel's plain "CSV" is in the computer's own encoding (Windows-1252 in France).
            raise ValidationError({"import_file": NOT_UTF8_MESSAGE})
        rows = _data_rows(upload, is_xlsx=is_xlsx)
        if rows is None:
            raise ValidationError({"import_file": NOT_A_WORKBOOK_MESSAGE})
        if rows == 0:
            raise ValidationError({"import_file": NO_ROWS_MESSAGE})
        if rows > key_import.MAX_ROWS:
            raise ValidationError(
                {"import_file": key_import.TOO_MANY_ROWS_MESSAGE % {"rows": rows}}
            )
        upload.seek(0)
        return cleaned


def _is_zip(upload) -> bool:
    upload.seek(0)
    return upload.read(4) == b"PK\x03\x04"


def _is_utf8(upload) -> bool:
    upload.seek(0)
    try:
        upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _data_rows(upload, *, is_xlsx: bool) -> int | None:
    """The rows after the header: counted from lines (CSV) or the sheet's dimension record
    (XLSX), read without the cells unless the record can't be trusted. None for a file that is
    no workbook."""
    upload.seek(0)
    if is_xlsx:
        try:
            book = openpyxl.load_workbook(BytesIO(upload.read()), read_only=True)
        except Exception:  # no zip, or a zip without a workbook's parts: openpyxl varies
            return None
        sheet = book.active
        if sheet is None:
            rows = 0
        elif (sheet.max_row or 1) == 1 and (sheet.max_column or 1) == 1:
            # No dimension record, or one cell for the whole sheet (see KeyFileXLSX): count.
            sheet.reset_dimensions()
            rows = max(sum(1 for _row in sheet.iter_rows(values_only=True)) - 1, 0)
        else:
            rows = (sheet.max_row or 1) - 1
        book.close()
        return rows
    # Split at the reader's line ends (\n, \r\n or \r; the last is optional). A line of empty
    # cells is skipped when read, so it is no row; a quoted cell over several lines counts each.
    lines = StringIO(upload.read().decode("utf-8-sig"), newline=None).readlines()
    return sum(1 for line in lines[1:] if line.strip(", \t\n"))


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
