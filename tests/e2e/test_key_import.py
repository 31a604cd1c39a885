"""Staff import product keys in the admin: the dry run refuses a row, staff fix the file and
import it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from benefits.models import Benefit, ProductKey
from benefits.services.key_import import KEY_EXISTS_MESSAGE
from tests.benefits.factories import random_key
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser


def test_staff_fix_a_refused_row_and_import_the_file(page, tmp_path):
    office = Benefit.objects.get(organization__mpn_id="4711001", product__name="Office 365 E3")
    taken = office.keys.earliest("pk").key
    fresh = [random_key(seed) for seed in (90_001, 90_002)]
    header = "product key,licenses,MPN ID,product"
    first = tmp_path / "keys.csv"
    first.write_text(
        f"{header}\n{fresh[0]},5,4711001,Office 365 E3\n{taken},5,4711001,Office 365 E3\n"
    )

    sign_in(page, "staff@partnerbenefits.example")
    page.goto(reverse("admin:benefits_productkey_changelist"))
    page.get_by_role("link", name="Import").click()
    page.get_by_label("File to import").set_input_files(str(first))
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()

    table = page.locator("#key-import-rows")
    table.wait_for()
    assert table.locator("tbody tr").count() == 2
    assert str(KEY_EXISTS_MESSAGE) in table.locator("tr.invalid").inner_text()
    assert taken not in page.content()  # the last group only
    assert page.get_by_role("button", name="Confirm import").count() == 0

    fixed = tmp_path / "keys-fixed.csv"
    fixed.write_text(
        f"{header}\n{fresh[0]},5,4711001,Office 365 E3\n{fresh[1]},5,4711001,Office 365 E3\n"
    )
    page.get_by_label("File to import").set_input_files(str(fixed))
    page.get_by_label("Format").select_option(label="csv")
    page.get_by_role("button", name="Submit").click()
    page.get_by_role("button", name="Confirm import").click()
    page.get_by_text("Product keys imported: 2.").wait_for()
    assert ProductKey.objects.filter(key__in=fresh, benefit=office).count() == 2
