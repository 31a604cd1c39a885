"""The top bar's count of unread notices: right, kept in the pages cache so no page pays for it,
0 once /notifications/ is seen, up again when something new is due."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from benefits.notifications import context_processors, unread
from tests.accounts.factories import UserFactory
from tests.benefits.factories import BenefitFactory, ProductFactory, ProductKeyFactory
from tests.conftest import url

pytestmark = pytest.mark.django_db

HOME, LIST, COUNT = url("home"), url("notifications:list"), url("notifications:unread")
FRENCH = {"accept-language": "fr"}


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs what the block's transactions left for after their commit, as a real commit would
    (the test itself runs inside one transaction that never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def due(admin_user):
    """Two notices for the organization: Intune expires in 20 days with a key unredeemed."""
    benefit = BenefitFactory.create(
        organization=admin_user.organization,
        product=ProductFactory.create(name="Microsoft Intune"),
        expiration_date=timezone.localdate() + timedelta(days=20),
    )
    ProductKeyFactory.create(benefit=benefit)
    return benefit


def top_bar(client, **headers) -> str:
    page = client.get(HOME, headers=headers).content.decode()
    return page[page.index("<header") : page.index("</header>")]


def shown_count(bar: str) -> int | None:
    """The number the top bar shows; None when it asks for it after loading."""
    if f'hx-get="{COUNT}"' in bar:
        return None
    found = re.search(r'data-testid="unread-count">(\d+)<', bar)
    return int(found.group(1)) if found else 0


def asked(client) -> str:
    response = client.get(COUNT, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def notice_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if "benefits_" in q["sql"] or "notifications_" in q["sql"]]


def test_a_page_whose_count_is_not_kept_asks_for_it_and_runs_no_query_for_it(partner_client, due):
    with CaptureQueriesContext(connection) as captured:
        bar = top_bar(partner_client)
    assert shown_count(bar) is None
    assert f'href="{LIST}"' in bar  # the link is there, with or without JavaScript
    assert notice_queries(captured) == []


def test_the_count_is_the_notices_not_read_and_is_kept(partner_client, due):
    answer = asked(partner_client)
    assert 'data-testid="unread-count">2<' in answer
    assert '<span class="visually-hidden">(2 unread)</span>' in answer
    with CaptureQueriesContext(connection) as captured:
        bar = top_bar(partner_client)
    assert shown_count(bar) == 2
    assert "(2 unread)" in bar
    assert notice_queries(captured) == []


def test_the_count_answer_is_not_kept_by_the_browser(partner_client, due):
    assert "no-store" in partner_client.get(COUNT)["Cache-Control"]


def test_it_drops_to_zero_once_the_list_is_seen_in_every_language(partner_client, due, committed):
    asked(partner_client)
    with committed():
        partner_client.get(LIST)
    with CaptureQueriesContext(connection) as captured:
        assert shown_count(top_bar(partner_client)) == 0
        assert shown_count(top_bar(partner_client, **FRENCH)) == 0
    assert notice_queries(captured) == []
    assert asked(partner_client).strip() == ""


def test_it_rises_again_when_a_new_notice_becomes_due(partner_client, admin_user, due, committed):
    with committed():
        partner_client.get(LIST)
    assert shown_count(top_bar(partner_client)) == 0
    with committed():  # a new benefit says pages_changed once committed: the count is new
        BenefitFactory.create(
            organization=admin_user.organization,
            product=ProductFactory.create(name="Visio Plan 2"),
            expiration_date=timezone.localdate() + timedelta(days=5),
        )
    assert shown_count(top_bar(partner_client)) is None
    assert 'data-testid="unread-count">1<' in asked(partner_client)
    assert shown_count(top_bar(partner_client)) == 1


def test_each_account_has_its_own_count(client, admin_user, due, committed):
    colleague = UserFactory.create(organization=admin_user.organization)
    client.force_login(admin_user)
    with committed():
        client.get(LIST)
    assert shown_count(top_bar(client)) == 0
    client.force_login(colleague)
    assert shown_count(top_bar(client)) is None  # not the admin's 0
    assert 'data-testid="unread-count">2<' in asked(client)
    assert shown_count(top_bar(client)) == 2


def test_a_new_day_is_a_new_count(admin_user, due):
    today = timezone.localdate()
    assert unread.unread_count_kept(account=admin_user, today=today) == 2
    assert unread.cached_unread_count(account=admin_user, today=today) == 2
    tomorrow = today + timedelta(days=1)
    assert unread.cached_unread_count(account=admin_user, today=tomorrow) is None


def test_fragments_that_htmx_swaps_in_never_read_the_count(partner_client, monkeypatch):
    reads = []
    monkeypatch.setattr(
        context_processors, "cached_unread_count", lambda **kwargs: reads.append(kwargs)
    )
    partner_client.get(url("benefits:azure_cloud"), headers={"HX-Request": "true"})
    assert reads == []
    partner_client.get(url("benefits:azure_cloud"))
    assert len(reads) == 1


def test_a_page_from_the_cache_stays_at_two_queries_with_its_count(contoso_client):
    """As tests/benefits/test_cached_tables.py: the count comes from the cache too."""
    asked(contoso_client)
    first = contoso_client.get(url("benefits:azure_cloud")).content.decode()
    assert 'data-testid="unread-count">2<' in first
    with CaptureQueriesContext(connection) as captured:
        again = contoso_client.get(url("benefits:azure_cloud")).content.decode()
    assert 'data-testid="unread-count">2<' in again
    assert len(captured) <= 2, [q["sql"] for q in captured]


def test_marking_read_twice_writes_nothing_new(admin_user, due):
    from benefits.notifications.due import notices_due
    from benefits.notifications.models import NoticeRead

    notices = notices_due(organization_id=admin_user.organization_id, today=timezone.localdate())
    for _ in range(2):
        unread.notices_mark_read(account=admin_user, notices=notices, count_keys=[])
    assert NoticeRead.objects.count() == 2


@pytest.mark.parametrize("roles", [[Role.BILLING_ADMIN.value], []])
def test_accounts_without_a_benefits_role_have_no_count(client, organization, roles):
    client.force_login(UserFactory.create(organization=organization, roles=roles))
    bar = top_bar(client)
    assert COUNT not in bar
    assert f'href="{LIST}"' not in bar
    assert client.get(COUNT).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(COUNT).status_code == 302
