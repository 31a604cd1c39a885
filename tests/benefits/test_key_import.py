"""Importing product keys from a file (SPEC 12): every row checked, then all written or none;
the rules, through the service (the admin's pages: test_key_import_admin.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benefits.licensing import KEY_CONFUSED_CHARACTERS_MESSAGE, KEY_LENGTH_MESSAGE
from benefits.models import Activity, Benefit, ProductKey
from benefits.services import key_import
from benefits.services.key_import import KeyRow, key_import_apply, key_import_check
from tests.benefits.factories import BenefitFactory
from tests.benefits.key_import_files import fresh_keys

pytestmark = pytest.mark.django_db


def rows_for(benefit: Benefit, keys: list[str], licenses: object = 5) -> list[KeyRow]:
    return [
        KeyRow(number=line, key=key, licenses=licenses, benefit=benefit.pk)
        for line, key in enumerate(keys, start=2)
    ]


def only_error(rows: list[KeyRow]) -> str:
    (checked,) = key_import_check(rows=rows)
    assert not checked.is_new
    return checked.error


def test_good_rows_are_new_and_show_only_their_last_group(office_benefit):
    (key,) = fresh_keys(1)
    (checked,) = key_import_check(rows=rows_for(office_benefit, [key.lower().replace("-", " ")]))
    assert checked.is_new
    assert checked.key == key
    assert checked.licenses == 5
    assert checked.shown_key == "…-" + key[-5:]
    assert checked.benefit == office_benefit


def test_a_malformed_key_gets_licensings_own_message(office_benefit):
    error = only_error(rows_for(office_benefit, ["BCDFG-HJKMP"]))
    assert error == KEY_LENGTH_MESSAGE % {"entered": 10}
    error = only_error(rows_for(office_benefit, ["O" + fresh_keys(1)[0][1:]]))
    assert error == KEY_CONFUSED_CHARACTERS_MESSAGE % {"characters": "O"}


def test_a_key_twice_in_the_file_is_refused_on_its_second_row(office_benefit):
    (key,) = fresh_keys(1)
    first, second = key_import_check(rows=rows_for(office_benefit, [key, key.lower()]))
    assert first.is_new
    assert second.error == key_import.DUPLICATE_IN_FILE_MESSAGE % {"row": 2}


def test_a_key_already_in_the_portal_is_refused(office_benefit):
    existing = office_benefit.keys.first().key
    assert only_error(rows_for(office_benefit, [existing])) == key_import.KEY_EXISTS_MESSAGE


@pytest.mark.parametrize(
    ("benefit", "shown"),
    [(987654, "987654"), (2**63, str(2**63)), ("9" * 20, "9" * 20), (1e300, str(int(1e300)))],
)
def test_an_unknown_benefit_is_refused(office_benefit, benefit, shown):
    """Ids past what any id column holds too: SQLite refuses to even look them up."""
    rows = [KeyRow(number=2, key=fresh_keys(1)[0], licenses=1, benefit=benefit)]
    assert only_error(rows) == key_import.UNKNOWN_BENEFIT_MESSAGE % {"benefit": shown}


def test_digits_of_other_scripts_are_no_number(office_benefit):
    """int() reads "١٠" as 10: a file meant for people is read as people read it."""
    error = only_error(rows_for(office_benefit, fresh_keys(1), licenses="١٠"))
    assert error == key_import.LICENSES_MESSAGE % {"value": "١٠"}


def test_a_usage_based_benefit_takes_no_keys(monthly_credit):
    error = only_error(rows_for(monthly_credit, fresh_keys(1)))
    params = {"benefit": monthly_credit.pk, "product": monthly_credit.product.name}
    assert error == key_import.NOT_LICENSE_BASED_MESSAGE % params


@pytest.mark.parametrize("licenses", [0, -3, "2.5", 2.5, "", None, "three", True])
def test_licenses_must_be_a_positive_whole_number(office_benefit, licenses):
    error = only_error(rows_for(office_benefit, fresh_keys(1), licenses=licenses))
    value = "" if licenses is None else str(licenses)
    assert error == key_import.LICENSES_MESSAGE % {"value": value}


@pytest.mark.parametrize(
    ("licenses", "shown"),
    [(10_001, "10,001"), ("3000000000", "3,000,000,000"), (1e20, "100,000,000,000,000,000,000")],
)
def test_licenses_past_a_keys_maximum_are_refused(office_benefit, licenses, shown):
    """More than a key can carry, and more than the database holds (the import's confirm step
    failed on it)."""
    error = only_error(rows_for(office_benefit, fresh_keys(1), licenses=licenses))
    assert error == key_import.TOO_MANY_LICENSES_MESSAGE % {"max": "10,000", "value": shown}


def test_a_keys_maximum_of_licenses_is_imported(office_benefit):
    (checked,) = key_import_check(rows=rows_for(office_benefit, fresh_keys(1), licenses=10_000))
    assert checked.is_new


@pytest.mark.parametrize("licenses", [3, 3.0, "3", " 3 "])
def test_licenses_from_a_spreadsheet_or_text_are_read(office_benefit, licenses):
    (checked,) = key_import_check(rows=rows_for(office_benefit, fresh_keys(1), licenses=licenses))
    assert checked.is_new
    assert checked.licenses == 3


def test_mpn_id_and_product_name_find_the_benefit(contoso, office_benefit):
    rows = [
        KeyRow(
            number=2, key=fresh_keys(1)[0], licenses=2, mpn_id=4711001.0, product="office 365 E3"
        )
    ]
    (checked,) = key_import_check(rows=rows)
    assert checked.is_new
    assert checked.benefit == office_benefit


def test_an_unknown_mpn_id_and_product_pair_is_refused(contoso):
    rows = [KeyRow(number=2, key=fresh_keys(1)[0], licenses=2, mpn_id="4711001", product="Nope")]
    params = {"mpn_id": "4711001", "product": "Nope"}
    assert only_error(rows) == key_import.UNKNOWN_MPN_PRODUCT_MESSAGE % params


def test_several_benefits_of_the_product_are_ambiguous_and_named(contoso, office_benefit):
    second = BenefitFactory.create(organization=contoso, product=office_benefit.product)
    rows = [
        KeyRow(
            number=2, key=fresh_keys(1)[0], licenses=2, mpn_id="4711001", product="Office 365 E3"
        )
    ]
    ids = f"{office_benefit.pk}, {second.pk}"
    params = {"mpn_id": "4711001", "product": "Office 365 E3", "ids": ids}
    assert only_error(rows) == key_import.AMBIGUOUS_BENEFIT_MESSAGE % params


@pytest.mark.parametrize(
    ("mpn_id", "product", "agrees"),
    [
        ("4711002", "", False),
        ("", "Power BI Pro", False),
        ("4711001", "Power BI Pro", False),
        (4711001.0, " office 365 e3 ", True),
    ],
)
def test_a_benefit_id_and_the_rows_mpn_id_and_product_must_agree(
    office_benefit, mpn_id, product, agrees
):
    row = KeyRow(
        number=2,
        key=fresh_keys(1)[0],
        licenses=2,
        benefit=office_benefit.pk,
        mpn_id=mpn_id,
        product=product,
    )
    (checked,) = key_import_check(rows=[row])
    if agrees:
        assert checked.benefit == office_benefit
    else:
        params = {
            "benefit": str(office_benefit.pk),
            "product": "Office 365 E3",
            "mpn_id": "4711001",
        }
        assert checked.error == key_import.BENEFIT_DISAGREES_MESSAGE % params


def test_a_row_naming_no_benefit_is_refused(contoso):
    rows = [KeyRow(number=2, key=fresh_keys(1)[0], licenses=2, mpn_id="4711001")]
    assert only_error(rows) == key_import.NO_BENEFIT_MESSAGE


def test_the_check_writes_nothing(office_benefit):
    keys_before = ProductKey.objects.count()
    key_import_check(rows=rows_for(office_benefit, fresh_keys(3)))
    assert ProductKey.objects.count() == keys_before
    assert not Activity.objects.filter(kind=Activity.Kind.KEYS_IMPORTED).exists()


def test_confirm_writes_every_key_and_quantity_follows_the_keys(contoso, office_benefit, staff):
    other = BenefitFactory.create(organization=contoso, product__name="Visio Plan 2", quantity=1)
    keys = fresh_keys(5)
    rows = rows_for(office_benefit, keys[:3], licenses=4) + [
        KeyRow(number=9, key=key, licenses=7, benefit=str(other.pk)) for key in keys[3:]
    ]
    licenses_before = sum(office_benefit.keys.values_list("licenses", flat=True))
    created = key_import_apply(rows=rows, actor=staff)
    assert sorted(key.key for key in created) == sorted(keys)
    office_benefit.refresh_from_db()
    other.refresh_from_db()
    assert office_benefit.quantity == licenses_before + 12
    assert other.quantity == 14
    records = Activity.objects.filter(kind=Activity.Kind.KEYS_IMPORTED)
    assert records.count() == 2  # one per benefit, not one per key
    office_record = records.get(benefit=office_benefit)
    assert office_record.actor == staff
    assert office_record.organization == contoso
    assert office_record.after == {
        "product": "Office 365 E3",
        "seats": licenses_before + 12,
        "keys": 3,
        "licenses": 12,
    }
    assert keys[0] not in str(office_record.before) + str(office_record.after)


def test_one_refused_row_makes_the_confirm_write_nothing(office_benefit, staff):
    keys = [*fresh_keys(3), office_benefit.keys.first().key]
    keys_before, quantity = ProductKey.objects.count(), office_benefit.quantity
    with pytest.raises(ValidationError) as refused:
        key_import_apply(rows=rows_for(office_benefit, keys), actor=staff)
    assert refused.value.messages == [key_import.REFUSED_AT_CONFIRM_MESSAGE % {"count": 1}]
    assert ProductKey.objects.count() == keys_before
    office_benefit.refresh_from_db()
    assert office_benefit.quantity == quantity
    assert not Activity.objects.filter(kind=Activity.Kind.KEYS_IMPORTED).exists()


def test_the_azure_and_cloud_table_shows_the_new_quantity(
    contoso_client, office_benefit, staff, django_capture_on_commit_callbacks
):
    assert contoso_client.get(reverse("benefits:azure_cloud")).status_code == 200  # cached
    expected = sum(office_benefit.keys.values_list("licenses", flat=True)) + 4321
    with django_capture_on_commit_callbacks(execute=True):
        key_import_apply(rows=rows_for(office_benefit, fresh_keys(1), licenses=4321), actor=staff)
    page = contoso_client.get(reverse("benefits:azure_cloud")).content.decode()
    assert f"<td>{expected}</td>" in page


def count_queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def test_the_import_runs_a_fixed_number_of_queries_whatever_the_rows(office_benefit, staff):
    """No query per row: 1,000 rows cost only the extra slices of the key look-up (900 keys a
    query, checked twice) and of bulk_create (1,000 a query; fewer on SQLite, which limits the
    parameters of a query)."""
    small_rows = rows_for(office_benefit, fresh_keys(10))
    large_rows = rows_for(office_benefit, fresh_keys(1000, start=50_000))
    small = count_queries(lambda: key_import_apply(rows=small_rows, actor=staff))
    large = count_queries(lambda: key_import_apply(rows=large_rows, actor=staff))
    slices = 2 if connection.vendor == "postgresql" else 8
    assert large - small <= slices, (small, large)
