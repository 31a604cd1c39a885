"""The activity log page: newest first, 50 a page, filters, tenancy, read-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import DirectoryUser, Organization, User
from benefits.models import Activity, Benefit
from benefits.services import credits
from common.pagecache import page_cache

pytestmark = pytest.mark.django_db

URL = reverse("activity")


@pytest.fixture
def history(demo_data):
    """Assign, transfer and remove, as an admin would."""
    admin = User.objects.get(email="admin@contoso.example")
    monthly = Benefit.objects.get(product__name__startswith="Azure monthly credit")
    bulk = Benefit.objects.get(product__name__startswith="Azure bulk credit")
    today = timezone.localdate()
    adele, alex, lee = (
        DirectoryUser.objects.get(display_name=name)
        for name in ("Adele Vance", "Alex Wilber", "Lee Gu")
    )
    credits.credit_assign(benefit=monthly, directory_user=adele, actor=admin, today=today)
    credits.credit_assign(benefit=bulk, directory_user=alex, actor=admin, today=today)
    credits.credit_transfer(benefit=bulk, holder=alex, to=lee, actor=admin, today=today)
    credits.credit_remove(benefit=monthly, directory_user=adele, actor=admin, today=today)
    return {"monthly": monthly, "bulk": bulk}


def kinds_in(page: str) -> list[str]:
    labels = dict(Activity.Kind.choices)
    order = []
    for line in page.splitlines():
        for label in labels.values():
            if line.strip() == f"<td>{label}</td>":
                order.append(str(label))
    return order


def test_newest_first(contoso_client, history):
    page = contoso_client.get(URL).content.decode()
    assert kinds_in(page) == [
        "Credit removed",
        "Credit transferred",
        "Credit assigned",
        "Credit assigned",
    ]
    assert "Alex Wilber" in page
    assert "Lee Gu" in page
    assert f'<time datetime="{timezone.localdate().isoformat()}">' in page


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "htmx"])
def test_filter_by_kind_and_by_benefit(contoso_client, history, headers):
    page = contoso_client.get(URL, {"kind": "credit_transferred"}, headers=headers)
    assert kinds_in(page.content.decode()) == ["Credit transferred"]
    page = contoso_client.get(URL, {"benefit": history["monthly"].pk}, headers=headers)
    assert kinds_in(page.content.decode()) == ["Credit removed", "Credit assigned"]


@pytest.mark.parametrize(
    "params", [{"kind": "nonsense"}, {"benefit": "abc"}, {"benefit": "999999"}, {"page": "x"}]
)
def test_bad_filters_fall_back_to_everything(contoso_client, history, params):
    response = contoso_client.get(URL, params)
    assert response.status_code == 200
    assert len(kinds_in(response.content.decode())) == 4
    # Said so, for a kind or benefit (a page number that is no number is page 1).
    said = "among your choices (an old link?)" in response.content.decode()
    assert said == ("page" not in params)


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "htmx"])
def test_filters_among_the_choices_say_nothing_was_ignored(contoso_client, history, headers):
    page = contoso_client.get(URL, {"kind": "credit_transferred"}, headers=headers)
    assert "among your choices" not in page.content.decode()
    ignored = contoso_client.get(URL, {"kind": "nonsense"}, headers=headers)
    assert "among your choices" in ignored.content.decode()


def test_another_organizations_benefit_filter_shows_none_of_its_records(client, history):
    client.force_login(User.objects.get(email="admin@fabrikam.example"))
    page = client.get(URL, {"benefit": history["monthly"].pk}).content.decode()
    assert kinds_in(page) == []
    assert "Adele" not in page


def test_fifty_records_a_page_and_404_past_the_end(contoso_client, demo_data):
    contoso = Organization.objects.get(mpn_id="4711001")
    now = timezone.now()
    Activity.objects.bulk_create(
        [
            Activity(
                organization=contoso,
                kind=Activity.Kind.CREDIT_ASSIGNED,
                created_at=now - timedelta(minutes=n),
            )
            for n in range(60)
        ]
    )
    first = contoso_client.get(URL).content.decode()
    assert len(kinds_in(first)) == 50
    assert "Page 1" in first
    assert 'rel="next" href="?page=2"' in first
    assert len(kinds_in(contoso_client.get(URL, {"page": 2}).content.decode())) == 10
    assert contoso_client.get(URL, {"page": 3}).status_code == 404


def test_the_log_runs_a_constant_number_of_queries(contoso_client, demo_data):
    contoso = Organization.objects.get(mpn_id="4711001")
    benefit = Benefit.objects.filter(organization=contoso).first()

    def add(count: int) -> int:
        Activity.objects.bulk_create(
            [
                Activity(organization=contoso, kind=Activity.Kind.CREDIT_ASSIGNED, benefit=benefit)
                for _ in range(count)
            ]
        )
        page_cache().clear()  # measure the table built, not a copy from the cache
        with CaptureQueriesContext(connection) as captured:
            assert contoso_client.get(URL).status_code == 200
        return len(captured)

    assert add(5) == add(500)


def test_other_roles_and_anonymous_visitors_are_kept_out(client, demo_data):
    assert client.get(URL).status_code == 302
    client.force_login(User.objects.get(email="billing@contoso.example"))
    assert client.get(URL).status_code == 403


def test_the_log_offers_no_way_to_change_it(contoso_client, history):
    assert contoso_client.post(URL).status_code == 405


@pytest.mark.parametrize(
    ("number", "status"), [("0", 200), ("-1", 200), ("x", 200), ("9" * 12, 404)]
)
def test_odd_page_numbers_show_the_first_page_or_404(contoso_client, number, status):
    assert contoso_client.get(URL, {"page": number}).status_code == status


def test_page_links_keep_the_filters_and_drop_the_rest(contoso_client, demo_data):
    contoso = Organization.objects.get(mpn_id="4711001")
    Activity.objects.bulk_create(
        [Activity(organization=contoso, kind=Activity.Kind.CREDIT_ASSIGNED) for _ in range(60)]
    )
    page = contoso_client.get(URL, {"kind": "credit_assigned", "junk": "x"}).content.decode()
    assert 'rel="next" href="?kind=credit_assigned&amp;page=2"' in page
