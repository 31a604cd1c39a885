"""An uploaded file of product keys, read for the admin's import: the upload form's checks,
made before the file is parsed (size, rows, format, encoding), and the readers of its two
formats, which keep each row's number its line in the file."""

from __future__ import annotations

import csv
from io import BytesIO, StringIO
from itertools import islice
from typing import Any

import openpyxl
import tablib
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
from openpyxl.workbook.workbook import Workbook

from benefits.services import key_import

NOT_UTF8_MESSAGE = _(
    "This CSV file is not in UTF-8. Save it again as “CSV UTF-8” (in Excel: File, Save As, "
    "CSV UTF-8), or upload the Excel workbook itself."
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
MORE_ROWS_THAN_IMPORTED_MESSAGE = _(
    "This workbook has more than %(limit)s rows; at most %(limit)s rows are imported at once. "
    "Split it into smaller files."
)
CELL_TOO_LONG_MESSAGE = _(
    "Line %(line)s of this file has a cell longer than %(limit)s characters, far more than a "
    "product key: check that this is the file of keys, and that each of its quotation marks is "
    "closed."
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
    """The workbook's sheet of keys (``_sheet_of_keys``), read whatever its dimension record
    says. openpyxl's fast reader trusts that record, and some programs write "A1" there over
    thousands of rows: only the header's first cell was read. Since the record isn't trusted,
    the row limit is kept here, while reading. As for a CSV, a row keeps its number and cells
    past the header's are ignored."""

    def create_dataset(self, in_stream, **kwargs):
        book = openpyxl.load_workbook(BytesIO(in_stream), read_only=True, data_only=True)
        sheet = _sheet_of_keys(book)
        if sheet is None:
            raise UnreadableFile(NO_ROWS_MESSAGE)
        sheet.reset_dimensions()
        read = islice(sheet.iter_rows(values_only=True), key_import.MAX_ROWS + 2)
        header, *rows = [list(row) for row in read] or [[]]
        book.close()
        if len(rows) > key_import.MAX_ROWS:
            limit = number_format(key_import.MAX_ROWS, force_grouping=True)
            raise UnreadableFile(MORE_ROWS_THAN_IMPORTED_MESSAGE % {"limit": limit})
        dataset = tablib.Dataset(headers=header)
        for row in rows:  # a row left empty comes as no cells: it stays, skipped when read
            dataset.append((row + [None] * len(header))[: len(header)])
        return dataset


def _sheet_of_keys(book: Workbook) -> Any:
    """The sheet open when the workbook was saved, or else its first sheet of cells (a chart
    sheet has none); None for a workbook without one."""
    if book.active in book.worksheets:
        return book.active
    return book.worksheets[0] if book.worksheets else None


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
        sheet = _sheet_of_keys(book)
        if sheet is None:
            rows = 0
        elif (sheet.max_row or 1) == 1 and (sheet.max_column or 1) == 1:
            # No dimension record, or one cell for the whole sheet: whether a row follows the
            # header; KeyFileXLSX keeps the row limit as it reads.
            sheet.reset_dimensions()
            rows = max(len(list(islice(sheet.iter_rows(values_only=True), 2))) - 1, 0)
        else:
            rows = (sheet.max_row or 1) - 1
        book.close()
        return rows
    # Split at the reader's line ends (\n, \r\n or \r; the last is optional). A line of empty
    # cells is skipped when read, so it is no row; a quoted cell over several lines counts each.
    lines = StringIO(upload.read().decode("utf-8-sig"), newline=None).readlines()
    return sum(1 for line in lines[1:] if line.strip(", \t\n"))
