"""Files the key import can't read say why and what to do, instead of the name of the error the
reader raised ('Error', 'BadZipFile', 'StopIteration')."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.chart import BarChart, Reference

from benefits.admin.key_files import (
    A_WORKBOOK_MESSAGE,
    CELL_TOO_LONG_MESSAGE,
    MORE_ROWS_THAN_IMPORTED_MESSAGE,
    NO_ROWS_MESSAGE,
    NOT_A_WORKBOOK_MESSAGE,
)
from benefits.services import key_import
from tests.benefits.key_import_files import csv_file, dry_run, fresh_keys, with_dimension, xlsx_file

pytestmark = pytest.mark.django_db

HEADER = ["product key", "licenses", "benefit"]


def refusal(response) -> list[str]:
    assert "confirm_form" not in response.context
    return response.context["form"].errors["import_file"]


def a_zip_of(name: str) -> bytes:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr(name, "not a workbook")
    return data.getvalue()


@pytest.mark.parametrize(
    "content",
    [b"product key,licenses,benefit\n", b"no zip at all", a_zip_of("notes.txt")],
    ids=["a CSV", "no zip", "another zip"],
)
def test_a_file_that_is_no_workbook_is_told_so(staff_client, content):
    response = dry_run(staff_client, SimpleUploadedFile("keys.xlsx", content), "xlsx")
    assert refusal(response) == [str(NOT_A_WORKBOOK_MESSAGE)]


def test_a_workbook_sent_as_csv_is_told_to_choose_xlsx(staff_client, office_benefit):
    upload = xlsx_file([HEADER, [fresh_keys(1)[0], 1, office_benefit.pk]])
    assert refusal(dry_run(staff_client, upload, "csv")) == [str(A_WORKBOOK_MESSAGE)]


@pytest.mark.parametrize(
    ("upload", "kind"),
    [
        (xlsx_file([]), "xlsx"),
        (xlsx_file([HEADER]), "xlsx"),
        (csv_file([",".join(HEADER)]), "csv"),
    ],
    ids=["an empty workbook", "a workbook's header alone", "a CSV header alone"],
)
def test_a_file_without_rows_of_keys_says_where_they_go(staff_client, upload, kind):
    assert refusal(dry_run(staff_client, upload, kind)) == [str(NO_ROWS_MESSAGE)]


@pytest.mark.parametrize(
    ("start", "line_end", "last"),
    [("", "\n", ""), ("", "\r\n", ""), ("\ufeff", "\n", ""), ("", "\r", "\r")],
    ids=["no last line end", "CRLF, no last", "a BOM", "CR alone"],
)
def test_one_key_is_a_row_whatever_the_line_ends(
    staff_client, office_benefit, start, line_end, last
):
    """Sheets and editors end lines their own ways, and often leave the last one open."""
    text = start + ",".join(HEADER) + line_end + f"{fresh_keys(1)[0]},1,{office_benefit.pk}" + last
    response = dry_run(staff_client, SimpleUploadedFile("keys.csv", text.encode()))
    assert "confirm_form" in response.context, response.context["form"].errors


def test_rows_of_empty_cells_are_no_keys(staff_client):
    lines = [",".join(HEADER), "", ",,", " , , "]
    assert refusal(dry_run(staff_client, csv_file(lines))) == [str(NO_ROWS_MESSAGE)]


def test_a_cell_past_the_readers_limit_is_named_by_its_line(staff_client, office_benefit):
    """An unclosed quotation mark makes the rest of the file one cell, from the line it opens."""
    key = fresh_keys(1)[0]
    lines = [",".join(HEADER), f"{key},1,{office_benefit.pk}", f'"{key},1,{office_benefit.pk}']
    lines += [f"{key},1,{office_benefit.pk}"] * 5_000
    response = dry_run(staff_client, csv_file(lines))
    assert refusal(response) == [CELL_TOO_LONG_MESSAGE % {"line": 3, "limit": "131,072"}]


def test_a_workbook_whose_dimension_record_understates_it_keeps_the_row_limit(
    staff_client, office_benefit, monkeypatch
):
    """The record says two rows over six: the form counts what it says, the reader all there is."""
    monkeypatch.setattr(key_import, "MAX_ROWS", 3)
    keys = fresh_keys(6, start=38_000)
    upload = xlsx_file([HEADER, *([key, 1, office_benefit.pk] for key in keys)])
    response = dry_run(staff_client, with_dimension(upload, "A1:C2"), "xlsx")
    assert refusal(response) == [MORE_ROWS_THAN_IMPORTED_MESSAGE % {"limit": "3"}]


def test_a_workbook_opened_on_a_chart_reads_its_sheet_of_cells(staff_client, office_benefit):
    book = openpyxl.Workbook()
    cells = book.active
    assert cells is not None
    cells.append(HEADER)
    cells.append([fresh_keys(1, start=39_000)[0], 1, office_benefit.pk])
    chart = BarChart()
    chart.add_data(Reference(cells, min_col=2, min_row=1, max_row=2))
    book.create_chartsheet("Chart").add_chart(chart)
    book.active = book.sheetnames.index("Chart")
    data = io.BytesIO()
    book.save(data)
    response = dry_run(staff_client, SimpleUploadedFile("keys.xlsx", data.getvalue()), "xlsx")
    assert "confirm_form" in response.context, response.context["form"].errors
