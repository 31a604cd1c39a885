"""GET /api/v1/activity: the log newest first, with the Activity page's filters, a page at a
time; each record as the webhooks describe it, plus the token that made the change."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Scope
from benefits import selectors
from benefits.api.problems import INVALID
from benefits.models import Activity
from benefits.webhooks.payload import activity_data
from tests.benefits.api.conftest import bearer
from tests.benefits.api.paging import walk
from tests.conftest import url

pytestmark = pytest.mark.django_db

OFFICE_KEY = "36XHH-2D2TT-9HB6D-FV6M9-F7CPQ"


def records(organization, count: int, *, when: datetime, **fields) -> list[Activity]:
    return Activity.objects.bulk_create(
        Activity(organization=organization, created_at=when, **fields) for _ in range(count)
    )


def test_a_change_through_the_api_is_listed_with_its_token_and_no_full_key(
    client, contoso_admin, office_benefit
):
    headers = bearer(contoso_admin, name="Nightly sync")
    redeemed = client.post(
        url("api:redemption_create"),
        {"key": OFFICE_KEY, "action": "activate"},
        content_type="application/json",
        headers={**headers, "Idempotency-Key": "sync-1"},
    )
    assert redeemed.status_code == 201, redeemed.content
    response = client.get(url("api:activity_list"), headers=headers)
    assert response.status_code == 200, response.content
    [item] = response.json()["items"]
    record = Activity.objects.get(kind=Activity.Kind.KEY_REDEEMED)
    assert item["id"] == record.pk
    assert item["kind"] == "key_redeemed"
    assert item["actor_email"] == "admin@contoso.example"
    assert item["api_token_name"] == "Nightly sync"
    assert item["benefit_id"] == office_benefit.pk
    assert item["subscription_id"] == record.subscription_id
    text = response.content.decode()
    assert OFFICE_KEY not in text
    assert OFFICE_KEY.replace("-", "") not in text
    assert "36XHH" not in text


def test_a_record_reads_as_its_webhook_data(contoso_api, contoso, office_benefit):
    [record] = records(
        contoso,
        1,
        when=timezone.now(),
        kind=Activity.Kind.KEYS_IMPORTED,
        benefit=office_benefit,
        before={},
        after={"keys": 3},
        actor_email="staff@partnerbenefits.example",
    )
    [item] = contoso_api.get(url("api:activity_list")).json()["items"]
    assert item == {**activity_data(record), "api_token_name": ""}
    assert parse_datetime(item["created_at"]) == record.created_at


def test_another_organizations_records_are_never_listed(contoso_api, fabrikam):
    records(fabrikam, 3, when=timezone.now(), kind=Activity.Kind.KEYS_IMPORTED)
    assert contoso_api.get(url("api:activity_list")).json()["items"] == []


@pytest.fixture
def log(contoso, office_benefit, monthly_credit):
    """Records over ten days, several at the very same instant (ties broken by id)."""
    now = timezone.now().replace(microsecond=0)
    for day in range(10):
        when = now - timedelta(days=day)
        records(contoso, 3, when=when, kind=Activity.Kind.KEYS_IMPORTED, benefit=office_benefit)
        records(contoso, 2, when=when, kind=Activity.Kind.CREDIT_ASSIGNED, benefit=monthly_credit)
    return now


def test_walking_the_log_sees_every_record_once_newest_first(contoso_api, contoso, log):
    forwards, backwards = walk(contoso_api, url("api:activity_list", query={"page_size": 7}))
    expected = list(selectors.activity_list(organization=contoso).values_list("pk", flat=True))
    assert len(expected) == 50
    assert forwards == backwards == expected


@pytest.mark.parametrize(
    "filters",
    [
        {"kind": "credit_assigned"},
        {"benefit": "office"},
        {"from": 3},
        {"to": 5},
        {"from": 6, "to": 2, "kind": "keys_imported"},
    ],
)
def test_filters_are_the_activity_pages(contoso_api, contoso, office_benefit, log, filters):
    today = timezone.localdate()
    days = {
        name: today - timedelta(days=filters[name]) for name in ("from", "to") if name in filters
    }
    benefit_id = office_benefit.pk if filters.get("benefit") else None
    params = {
        **{name: day.isoformat() for name, day in days.items()},
        **({"kind": filters["kind"]} if "kind" in filters else {}),
        **({"benefit": benefit_id} if benefit_id else {}),
    }
    forwards, _ = walk(contoso_api, url("api:activity_list", query={**params, "page_size": 4}))
    expected = selectors.activity_list(
        organization=contoso,
        kind=filters.get("kind", ""),
        benefit_id=benefit_id,
        date_from=days.get("from"),
        date_to=days.get("to"),
    )
    assert forwards == list(expected.values_list("pk", flat=True))
    assert 0 < len(forwards) < 50


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "everything"}, "kind"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "to"),
    ],
)
def test_a_filter_the_page_refuses_is_refused_naming_it(contoso_api, params, field):
    response = contoso_api.get(url("api:activity_list", query=params))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == str(INVALID)
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_another_organizations_benefit_is_refused(contoso_api, fabrikam):
    theirs = fabrikam.benefits.get()
    response = contoso_api.get(url("api:activity_list", query={"benefit": theirs.pk}))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "benefit"


def test_the_log_needs_the_read_scope(client, contoso_admin):
    response = client.get(url("api:activity_list"), headers=bearer(contoso_admin, [Scope.REDEEM]))
    assert response.status_code == 403


def test_records_written_during_a_walk_shift_no_page(contoso_api, contoso, log):
    """A page starts after the last record seen, not at an offset: records written meanwhile
    (newer, so before the walk's position) neither repeat a record nor skip one."""
    before = list(selectors.activity_list(organization=contoso).values_list("pk", flat=True))
    first = contoso_api.get(url("api:activity_list", query={"page_size": 10})).json()
    seen = [item["id"] for item in first["items"]]
    records(contoso, 5, when=timezone.now(), kind=Activity.Kind.KEYS_IMPORTED)
    address = first["next"]
    while address:
        body = contoso_api.get(address).json()
        seen += [item["id"] for item in body["items"]]
        address = body["next"]
    assert seen == before
