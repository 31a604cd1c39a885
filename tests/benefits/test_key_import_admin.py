"""Importing product keys in the admin (SPEC 12): upload, dry run, confirm, by the staff allowed
to add keys, under the strict Content-Security-Policy."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from benefits.admin import KEYS_IMPORTED_MESSAGE
from benefits.admin.key_files import NOT_UTF8_MESSAGE
from benefits.admin.key_import import REPEATED_COLUMN_MESSAGE, SEMICOLONS_MESSAGE, TABS_MESSAGE
from benefits.licensing import KEY_LENGTH_MESSAGE
from benefits.models import Activity, ProductKey
from benefits.services import key_import
from common.import_storage import upload_folder
from tests.benefits.key_import_files import (
    IMPORT,
    confirm,
    csv_file,
    dry_run,
    fresh_keys,
    with_dimension,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


def test_the_import_page_keeps_the_strict_content_security_policy(staff_client):
    response = staff_client.get(reverse(IMPORT))
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    page = response.content.decode()
    # Every script is a file the policy allows; no inline script or style attribute.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "style=" not in page
    assert " on" + "change=" not in page


def test_staff_without_the_right_to_add_keys_cannot_import(client, demo_data):
    from tests.accounts.factories import UserFactory

    viewer = UserFactory(is_staff=True)
    client.force_login(viewer)
    assert client.get(reverse(IMPORT)).status_code == 403


def test_a_csv_dry_run_lists_every_row_and_writes_nothing(staff_client, office_benefit):
    good, *_ = fresh_keys(1)
    bad = "BCDFG-HJKMP-QRTVW-XY234-6789"  # 24 characters
    upload = csv_file(
        [
            "product key,licenses,benefit",
            f"{good},5,{office_benefit.pk}",
            f"{bad},5,{office_benefit.pk}",
        ]
    )
    keys_before = ProductKey.objects.count()
    response = dry_run(staff_client, upload)
    assert response.status_code == 200
    checked = response.context["result"].checked
    assert [row.is_new for row in checked] == [True, False]
    assert checked[1].error == KEY_LENGTH_MESSAGE % {"entered": 24}
    assert "confirm_form" not in response.context
    # Nothing to confirm: the library's stored copy of the file is removed at once.
    stored = response.context["form"].cleaned_data["import_file"].tmp_storage_name
    assert not (upload_folder() / stored).exists()
    page = response.content.decode()
    # The table shows the last group only, never a full key.
    assert good not in page
    assert bad not in page
    assert good[-5:] in page
    assert ProductKey.objects.count() == keys_before


def test_the_refused_rows_are_named_above_the_table(staff_client, office_benefit):
    """One refusal among thousands of rows is found without scrolling the table."""
    keys = fresh_keys(30, start=37_000)
    lines = ["product key,licenses,benefit"]
    lines += [
        f"{key},{0 if index in {2, 23} else 1},{office_benefit.pk}"
        for index, key in enumerate(keys)
    ]
    page = dry_run(staff_client, csv_file(lines)).content.decode()
    summary = re.search(r'<p id="key-import-refused">(.*?)</p>', page, re.S)
    assert summary is not None
    assert re.search(r"\b2\b.*\b30\b.*\b4, 25\.", summary.group(1)), summary.group(1)


def test_a_rows_number_is_its_line_in_the_file_past_a_blank_line(staff_client, office_benefit):
    good, bad = fresh_keys(2, start=39_100)
    lines = [
        "product key,licenses,benefit",
        f"{good},1,{office_benefit.pk}",
        "",
        f"{bad},0,{office_benefit.pk}",
    ]
    checked = dry_run(staff_client, csv_file(lines)).context["result"].checked
    assert [(row.number, row.is_new) for row in checked] == [(2, True), (4, False)]


def test_cells_past_the_header_are_ignored_as_unknown_columns_are(staff_client, office_benefit):
    key = fresh_keys(1, start=39_200)[0]
    lines = ["product key,licenses,benefit", f"{key},1,{office_benefit.pk},a note"]
    response = dry_run(staff_client, csv_file(lines))
    assert [row.is_new for row in response.context["result"].checked] == [True]
    assert confirm(staff_client, response).status_code == 302
    assert ProductKey.objects.filter(key=key).exists()


def test_past_twenty_refused_rows_the_first_twenty_are_named(staff_client, office_benefit):
    lines = ["product key,licenses,benefit"]
    lines += [f"{key},0,{office_benefit.pk}" for key in fresh_keys(25, start=38_000)]
    result = dry_run(staff_client, csv_file(lines)).context["result"]
    assert result.refused_named == ", ".join(str(row) for row in range(2, 22)) + ", …"


def test_an_xlsx_file_is_imported_after_confirm(staff_client, office_benefit):
    keys = fresh_keys(2)
    upload = xlsx_file(
        [["Product key", "Licenses", "MPN ID", "Product"]]
        + [[key, 3, 4711001, "Office 365 E3"] for key in keys]
    )
    response = dry_run(staff_client, upload, "xlsx")
    assert [row.is_new for row in response.context["result"].checked] == [True, True]
    assert not ProductKey.objects.filter(key__in=keys).exists()
    done = confirm(staff_client, response)
    assert done.status_code == 302
    assert set(ProductKey.objects.filter(key__in=keys).values_list("benefit", flat=True)) == {
        office_benefit.pk
    }
    messages = [str(message) for message in done.wsgi_request._messages]
    assert messages == [KEYS_IMPORTED_MESSAGE % {"count": 2}]
    assert (
        Activity.objects.filter(kind=Activity.Kind.KEYS_IMPORTED, benefit=office_benefit).count()
        == 1
    )


HEADER = ["product key", "licenses", "benefit"]


def test_a_workbook_whose_dimension_record_is_wrong_is_read_whole(staff_client, office_benefit):
    """Past a row left empty too, each row keeps its number."""
    keys = fresh_keys(2, start=37_000)
    upload = xlsx_file(
        [HEADER, [keys[0], 1, office_benefit.pk], [], [keys[1], 2, office_benefit.pk, "note"]]
    )
    response = dry_run(staff_client, with_dimension(upload, "A1"), "xlsx")
    assert [row.is_new for row in response.context["result"].checked] == [True, True]
    assert [row.number for row in response.context["result"].checked] == [2, 4]
    assert confirm(staff_client, response).status_code == 302
    assert ProductKey.objects.filter(key__in=keys).count() == 2


def test_a_key_added_between_dry_run_and_confirm_makes_the_confirm_write_nothing(
    staff_client, office_benefit
):
    keys = fresh_keys(2)
    upload = csv_file(
        ["product key,licenses,benefit"] + [f"{key},1,{office_benefit.pk}" for key in keys]
    )
    response = dry_run(staff_client, upload)
    ProductKey.objects.create(benefit=office_benefit, key=keys[1], licenses=1)
    done = confirm(staff_client, response)
    assert done.status_code == 302
    assert done.url == reverse(IMPORT)
    messages = [str(message) for message in done.wsgi_request._messages]
    assert messages == [key_import.REFUSED_AT_CONFIRM_MESSAGE % {"count": 1}]
    assert not ProductKey.objects.filter(key=keys[0]).exists()


def test_a_file_without_the_columns_is_refused(staff_client):
    response = dry_run(staff_client, csv_file(["key,count", "x,1"]))
    assert str(key_import.COLUMNS_MESSAGE) in response.content.decode()
    assert "confirm_form" not in response.context


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_a_csv_not_in_utf8_is_told_how_to_save_it(staff_client, office_benefit, encoding):
    """Excel's plain "CSV" is in Windows-1252 in France; its "Unicode text" in UTF-16."""
    text = f"product key,licenses,benefit,note\n{fresh_keys(1)[0]},1,{office_benefit.pk},clé\n"
    upload = SimpleUploadedFile("keys.csv", text.encode(encoding))
    response = dry_run(staff_client, upload)
    assert response.context["form"].errors["import_file"] == [str(NOT_UTF8_MESSAGE)]


def test_a_csv_with_semicolons_is_told_to_use_commas(staff_client, office_benefit):
    lines = ["product key;licenses;benefit", f"{fresh_keys(1)[0]};1;{office_benefit.pk}"]
    response = dry_run(staff_client, csv_file(lines))
    assert str(SEMICOLONS_MESSAGE) in response.content.decode()


def test_a_csv_with_tabs_is_told_to_use_commas(staff_client, office_benefit):
    lines = ["product key\tlicenses\tbenefit", f"{fresh_keys(1)[0]}\t1\t{office_benefit.pk}"]
    response = dry_run(staff_client, csv_file(lines))
    assert str(TABS_MESSAGE) in response.content.decode()


def test_a_column_given_twice_is_refused_by_its_name(staff_client, office_benefit):
    lines = ["product key,licenses,Licenses,benefit", f"{fresh_keys(1)[0]},1,9,{office_benefit.pk}"]
    response = dry_run(staff_client, csv_file(lines))
    message = REPEATED_COLUMN_MESSAGE % {"column": "licenses"}
    assert escape(message) in response.content.decode()
    assert "confirm_form" not in response.context


def test_rows_left_empty_at_the_end_of_a_spreadsheet_are_skipped(staff_client, office_benefit):
    key = fresh_keys(1, start=36_000)[0]
    response = dry_run(
        staff_client,
        csv_file(["product key,licenses,benefit", f"{key},1,{office_benefit.pk}", ",,", ",,"]),
    )
    assert "confirm_form" in response.context
    assert confirm(staff_client, response).status_code == 302
    assert ProductKey.objects.filter(key=key).exists()


def test_a_file_over_10_mb_is_refused_before_parsing(staff_client, settings):
    upload = SimpleUploadedFile(
        "keys.csv", b"product key,licenses,benefit\n" + b"x" * key_import.MAX_FILE_BYTES
    )
    response = dry_run(staff_client, upload)
    assert response.context["form"].errors["import_file"] == [
        key_import.FILE_TOO_LARGE_MESSAGE % {"size": "10.0"}
    ]


def test_a_csv_over_100000_rows_is_refused_before_parsing(staff_client):
    upload = SimpleUploadedFile(
        "keys.csv", b"product key,licenses,benefit\n" + b"a,1,1\n" * 100_001
    )
    response = dry_run(staff_client, upload)
    assert response.context["form"].errors["import_file"] == [
        key_import.TOO_MANY_ROWS_MESSAGE % {"rows": 100_001}
    ]


def test_an_xlsx_over_100000_rows_is_refused_before_parsing(staff_client, monkeypatch):
    monkeypatch.setattr(key_import, "MAX_ROWS", 3)
    upload = xlsx_file([["product key", "licenses", "benefit"]] + [["a", 1, 1]] * 4)
    response = dry_run(staff_client, upload, "xlsx")
    assert response.context["form"].errors["import_file"] == [
        key_import.TOO_MANY_ROWS_MESSAGE % {"rows": 4}
    ]
