"""Cells of the CSV exports: text a spreadsheet program would run as a formula stays text."""

from __future__ import annotations

import csv
import io

import pytest

from common.spreadsheets import SpreadsheetWriter, text_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("https://evil.example")', '\'=HYPERLINK("https://evil.example")'),
        ("+33 1 23 45 67 89", "'+33 1 23 45 67 89"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Contoso = partner", "Contoso = partner"),
        ("", ""),
        (-5, -5),  # numbers stay numbers
        (12.5, 12.5),
    ],
)
def test_a_cell_that_would_start_a_formula_starts_with_an_apostrophe(value, cell):
    assert text_cell(value) == cell


def test_the_writer_quotes_every_cell_of_every_row():
    file = io.StringIO()
    writer = SpreadsheetWriter(file)
    writer.writerow(["=1", "ok", 3])
    writer.writerows([["@a"], ["b"]])
    assert list(csv.reader(io.StringIO(file.getvalue()))) == [["'=1", "ok", "3"], ["'@a"], ["b"]]
