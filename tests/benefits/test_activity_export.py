"""The activity log's CSV: exactly the records the filters select, newest first, in the reader's
language, with no full product key, behind the same gate as the log (its queries and memory
at 100,000 records: test_activity_export_scale.py)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import DirectoryUser, User
from benefits.models import Activity, Benefit, ProductKey, Subscription
from benefits.services import credits
from benefits.views.activity import CSV_COLUMNS
from tests.benefits.activity_csv import URL, content_of, rows_of
from tests.benefits.redeeming import redeem_by_service

pytestmark = pytest.mark.django_db

PAGE = reverse("activity")
FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}
OFFICE_KEY = "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"  # the demo's key that extends Office 365 E3


@pytest.fixture
def history(contoso):
    """Assignments, a transfer, a removal and a redemption, as an admin would make them."""
    admin = User.objects.get(email="admin@contoso.example")
    monthly = Benefit.objects.get(organization=contoso, product__name__startswith="Azure monthly")
    bulk = Benefit.objects.get(organization=contoso, product__name__startswith="Azure bulk")
    adele, alex, lee = (
        DirectoryUser.objects.get(display_name=name)
        for name in ("Adele Vance", "Alex Wilber", "Lee Gu")
    )
    today = timezone.localdate()
    credits.credit_assign(benefit=monthly, directory_user=adele, actor=admin, today=today)
    credits.credit_assign(benefit=bulk, directory_user=alex, actor=admin, today=today)
    credits.credit_transfer(benefit=bulk, holder=alex, to=lee, actor=admin, today=today)
    credits.credit_remove(benefit=monthly, directory_user=adele, actor=admin, today=today)
    office = Subscription.objects.get(
        tenant__primary_domain="contoso.onmicrosoft.com", product__name="Office 365 E3"
    )
    key = ProductKey.objects.get(key=OFFICE_KEY)
    assert redeem_by_service(key_id=key.pk, subscription=office, actor=admin) == "redeemed"
    return {"monthly": monthly, "bulk": bulk}


def test_the_csv_is_utf8_with_a_byte_order_mark_and_named_for_the_organization(
    contoso_client, history
):
    response = contoso_client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="activity-4711001.csv"'
    assert content_of(response).startswith("\ufeffRecord,When,Who,What,Benefit,")
    ranged = contoso_client.get(URL, {"from": "2026-01-01", "to": "2026-01-31"})
    assert (
        ranged["Content-Disposition"]
        == 'attachment; filename="activity-4711001-2026-01-01-2026-01-31.csv"'
    )
    since = contoso_client.get(URL, {"from": "2026-01-01"})
    assert since["Content-Disposition"].endswith('filename="activity-4711001-from-2026-01-01.csv"')


def test_the_columns_say_when_who_what_and_to_whom(contoso_client, history):
    rows = rows_of(contoso_client.get(URL))
    assert rows[0] == [str(label) for label in CSV_COLUMNS]
    redeemed, removed, transferred = rows[1], rows[2], rows[3]
    assert int(redeemed[0]) == Activity.objects.latest("created_at", "pk").pk
    redeemed, removed, transferred = (row[1:] for row in rows[1:4])
    when = datetime.fromisoformat(redeemed[0])
    assert when.utcoffset() == timedelta(0)  # ISO 8601 with the offset of the portal's zone
    assert abs(timezone.now() - when) < timedelta(minutes=5)
    assert redeemed[1:7] == [
        "admin@contoso.example",
        "Product key redeemed",
        "Office 365 E3",
        "Office 365 E3",
        "contoso.onmicrosoft.com",
        "",
    ]
    assert "…-F7CPQ" in redeemed[8]
    assert "licenses, ends" in redeemed[8]
    assert removed[2] == "Credit removed"
    assert removed[6].startswith("Adele Vance (")
    assert removed[7].startswith("Adele Vance (")
    assert transferred[7].startswith("Alex Wilber (")
    assert transferred[8].startswith("Lee Gu (")
    assert transferred[5]  # the person's tenant


def test_each_column_comes_from_its_own_place(contoso_client, contoso):
    """Whole lines, with values that differ wherever two columns could be mixed up: the
    subscription's product and tenant (not the benefit's product, not a tenant the record
    kept), the person's name and sign-in name, and records naming none of them."""
    benefit = Benefit.objects.get(organization=contoso, product__name__startswith="Azure monthly")
    power_bi = Subscription.objects.get(tenant__organization=contoso, product__name="Power BI Pro")
    person = DirectoryUser.objects.get(tenant__organization=contoso, display_name="Lee Gu")
    named = Activity.objects.create(
        organization=contoso,
        kind=Activity.Kind.CREDIT_ASSIGNED,
        actor_email="admin@contoso.example",
        benefit=benefit,
        subscription=power_bi,
        directory_user=person,
        after={"tenant": "kept.example", "seats": 3},
    )
    member = Activity.objects.create(
        organization=contoso,
        kind=Activity.Kind.ROLES_CHANGED,
        actor_email="admin@contoso.example",
        before={"member": "megan@contoso.example", "roles": []},
        after={"member": "megan@contoso.example", "roles": ["global_admin"]},
    )
    imported = Activity.objects.create(
        organization=contoso,
        kind=Activity.Kind.KEYS_IMPORTED,
        actor_email="staff@partner.example",
        before={"product": "Visio Plan 2"},  # a record with no benefit names its product
        after={"keys": 12},
    )
    rows = {int(row[0]): row for row in rows_of(contoso_client.get(URL))[1:]}
    assert rows[named.pk][2:] == [
        "admin@contoso.example",
        "Credit assigned",
        benefit.product.name,
        "Power BI Pro",
        power_bi.tenant.primary_domain,
        f"Lee Gu ({person.user_principal_name})",
        "",
        "3 licenses (kept.example, key )",
    ]
    assert rows[member.pk][2:8] == [
        "admin@contoso.example",
        "Roles changed",
        "",
        "",
        "",
        "megan@contoso.example",
    ]
    assert rows[imported.pk][2:] == [
        "staff@partner.example",
        "Product keys imported",
        "Visio Plan 2",
        "",
        "",
        "",
        "",
        "keys: 12",
    ]


def test_no_full_product_key_ever(contoso_client, history, contoso):
    # A record that kept a full key by mistake (an import, an old version): masked all the same.
    Activity.objects.create(
        organization=contoso,
        kind=Activity.Kind.CREDIT_ASSIGNED,
        before={"note": f"key {OFFICE_KEY} and {OFFICE_KEY.replace('-', '').lower()}"},
        after={"keys": [OFFICE_KEY]},
    )
    text = content_of(contoso_client.get(URL))
    compact = OFFICE_KEY.replace("-", "")
    assert OFFICE_KEY not in text
    assert compact not in text.upper().replace("-", "").replace("…", "-")
    for key in ProductKey.objects.filter(benefit__organization=contoso):
        assert key.key not in text
        assert key.key.replace("-", "") not in text.replace("-", "")
    assert "…-F7CPQ" in text


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kind": "credit_assigned"},
        {"kind": "key_redeemed"},
        {"benefit": "monthly"},
        {"from": "today"},
        {"to": "yesterday"},
        {"from": "today", "to": "today", "benefit": "bulk", "kind": "credit_transferred"},
    ],
)
def test_exactly_the_records_the_log_shows_newest_first(contoso_client, history, contoso, params):
    today = timezone.localdate()
    # Older records, one a day for ten days, so that a range leaves some out.
    Activity.objects.bulk_create(
        [
            Activity(
                organization=contoso,
                kind=Activity.Kind.CREDIT_ASSIGNED,
                benefit=history["monthly"],
                created_at=timezone.now() - timedelta(days=n),
            )
            for n in range(1, 11)
        ]
    )
    values = {"today": today, "yesterday": today - timedelta(days=1)}
    query = {
        name: history[value].pk
        if name == "benefit"
        else (values[value].isoformat() if value in values else value)
        for name, value in params.items()
    }
    page = contoso_client.get(PAGE, query).content.decode()
    shown = [int(pk) for pk in re.findall(r'<tr id="activity-(\d+)">', page)]
    expected = list(
        Activity.objects.filter(organization=contoso)
        .filter(**_filters(query))
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
    )
    assert shown == expected
    assert expected  # each case selects something…
    assert _ids(content_of(contoso_client.get(URL, query))) == expected  # …the page's ids


def _filters(query: dict) -> dict:
    lookups: dict = {}
    if "kind" in query:
        lookups["kind"] = query["kind"]
    if "benefit" in query:
        lookups["benefit_id"] = query["benefit"]
    if "from" in query:
        lookups["created_at__gte"] = datetime.combine(
            date.fromisoformat(query["from"]), datetime.min.time(), tzinfo=UTC
        )
    if "to" in query:
        lookups["created_at__lt"] = datetime.combine(
            date.fromisoformat(query["to"]) + timedelta(days=1), datetime.min.time(), tzinfo=UTC
        )
    return lookups


def _ids(text: str) -> list[int]:
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))[1:]
    return [int(row[0]) for row in rows]


def test_in_french_the_headings_and_kinds_are_french(contoso_client, history):
    rows = rows_of(contoso_client.get(URL, headers=FRENCH))
    assert rows[0][1:4] == ["Quand", "Qui", "Quoi"]
    assert rows[1][3] == "Clé de produit échangée"
    assert "licences, fin le" in rows[1][9]


def test_a_french_date_is_understood_in_the_export_too(contoso_client, history):
    today = timezone.localdate()
    french = contoso_client.get(URL, {"from": today.strftime("%d/%m/%Y")}, headers=FRENCH)
    assert len(rows_of(french)) == 6
    name = f"activity-4711001-from-{today.isoformat()}.csv"
    assert french["Content-Disposition"] == f'attachment; filename="{name}"'


def test_a_refused_range_sends_back_to_the_log_which_says_why(contoso_client, history):
    response = contoso_client.get(URL, {"from": "2026-03-11", "to": "2026-03-10"})
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?from=2026-03-11&to=2026-03-10"


def test_an_unknown_kind_is_ignored_as_the_log_ignores_it(contoso_client, history):
    """An old link's kind: before, no file and no message (the log showed no error)."""
    every = rows_of(contoso_client.get(URL))
    assert rows_of(contoso_client.get(URL, {"kind": "nope"})) == every


def test_access_is_the_logs(client, history):
    assert client.get(URL).status_code == 302  # to sign in
    assert client.get(URL)["Location"].startswith(reverse("login"))
    client.force_login(User.objects.get(email="billing@contoso.example"))
    assert client.get(URL).status_code == 403
    client.force_login(User.objects.get(email="admin@contoso.example"))
    assert client.post(URL).status_code == 405


@pytest.mark.parametrize("benefit", ["other", "abc", "999999"])
def test_another_organizations_benefit_is_404(client, history, benefit):
    fabrikam = Benefit.objects.filter(organization__mpn_id="4711002").first()
    assert fabrikam is not None
    client.force_login(User.objects.get(email="admin@contoso.example"))
    value = fabrikam.pk if benefit == "other" else benefit
    assert client.get(URL, {"benefit": value}).status_code == 404


def test_another_organization_gets_none_of_these_records(client, history):
    client.force_login(User.objects.get(email="admin@fabrikam.example"))
    rows = rows_of(client.get(URL))
    assert all("contoso" not in ",".join(row) for row in rows)
    assert "Adele" not in content_of(client.get(URL))


def test_the_page_links_to_the_download_with_its_filters(contoso_client, history):
    page = contoso_client.get(PAGE, {"kind": "credit_assigned", "from": "2026-01-01"})
    assert (
        f'href="{URL}?kind=credit_assigned&amp;from=2026-01-01" download' in page.content.decode()
    )
    assert f'href="{URL}" download' in contoso_client.get(PAGE).content.decode()


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(
    contoso_client, contoso, contoso_admin
):
    """An address typed as a formula (Django's e-mail check lets "=1+2@…" through) must not run
    in the other admins' spreadsheet: the cell starts with an apostrophe, read as text."""
    from benefits.services import team

    team.invitation_create(
        organization=contoso,
        email="=1+2@partner.example",
        roles=["billing_admin"],
        language="en",
        actor=contoso_admin,
    )

    (invited,) = [row for row in rows_of(contoso_client.get(URL))[1:] if "1+2@" in row[7]]

    assert invited[7] == "'=1+2@partner.example"
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in invited)
