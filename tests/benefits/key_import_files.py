"""Product-key files as staff upload them to the admin's import (CSV or Excel), and the dry run
and confirm that take them."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.benefits.factories import random_key

IMPORT, PROCESS = "admin:benefits_productkey_import", "admin:benefits_productkey_process_import"


def fresh_keys(count: int, start: int = 10_000) -> list[str]:
    return [random_key(seed) for seed in range(start, start + count)]


def csv_file(lines: list[str], name: str = "keys.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def xlsx_file(rows: Sequence[Sequence[object]], name: str = "keys.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile(name, data.getvalue())


def with_dimension(upload: SimpleUploadedFile, ref: str) -> SimpleUploadedFile:
    """The workbook as some programs write it: its dimension record says ``ref`` ("A1", say)
    whatever its sheet holds."""
    source, rewritten = zipfile.ZipFile(io.BytesIO(upload.read())), io.BytesIO()
    with zipfile.ZipFile(rewritten, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                record = f'<dimension ref="{ref}"/>'.encode()
                content = re.sub(rb'<dimension ref="[^"]*"\s*/>', record, content)
            target.writestr(item, content)
    return SimpleUploadedFile(upload.name or "keys.xlsx", rewritten.getvalue())


FORMAT = {"csv": "0", "xlsx": "1"}


def dry_run(client: Client, upload: SimpleUploadedFile, kind: str = "csv"):
    """The admin's import page given ``upload``: every row checked, nothing written yet."""
    return client.post(
        reverse(IMPORT), {"import_file": upload, "format": FORMAT[kind], "resource": "0"}
    )


def confirm(client: Client, response):
    """Confirms the import ``response`` (a dry run's page) previewed."""
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(reverse(PROCESS), data)
