"""The activity log's date range: both days included in the portal's time zone, typed in the
reader's language or as ISO, refused with a message that says what to do (and the log shown
without a range), kept in the page links and the download, and in the htmx swaps."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, translation

from accounts.models import Organization
from benefits import selectors
from benefits.forms import NO_SUCH_DAY, RANGE_REVERSED, ActivityFilterForm, invalid_date_message
from benefits.models import Activity, Benefit
from common.pagecache import page_cache

pytestmark = pytest.mark.django_db

URL = reverse("activity")
FRENCH = {"accept-language": "fr-FR,fr;q=0.9"}
PARIS = ZoneInfo("Europe/Paris")


def shown_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="activity-(\d+)">', response.content.decode())]


def range_fields(page: str) -> str:
    return page.split('id="activity-range"', 1)[1].split('type="submit"', 1)[0]


def record_at(organization: Organization, when: datetime, **fields) -> Activity:
    return Activity.objects.create(
        organization=organization, kind=Activity.Kind.CREDIT_ASSIGNED, created_at=when, **fields
    )


@pytest.fixture
def around_march_tenth(contoso, settings):
    """Records on each side of 10 March 2026's two midnights, in Paris time (the portal's time
    zone here), newest first."""
    settings.TIME_ZONE = "Europe/Paris"
    moments = [
        datetime(2026, 3, 11, 0, 0, 0, tzinfo=PARIS),  # the next day
        datetime(2026, 3, 10, 23, 59, 59, 999999, tzinfo=PARIS),  # last instant of the day
        datetime(2026, 3, 10, 12, 0, tzinfo=PARIS),
        datetime(2026, 3, 10, 0, 0, 0, tzinfo=PARIS),  # 9 March 23:00 in UTC
        datetime(2026, 3, 9, 23, 59, 59, 999999, tzinfo=PARIS),  # the day before
    ]
    return [record_at(contoso, moment).pk for moment in moments]


def test_both_days_are_included_in_the_portals_time_zone(contoso, around_march_tenth):
    on_the_tenth = around_march_tenth[1:4]
    one_day = selectors.activity_list(
        organization=contoso, date_from=date(2026, 3, 10), date_to=date(2026, 3, 10)
    )
    assert list(one_day.values_list("pk", flat=True)) == on_the_tenth
    since = selectors.activity_list(organization=contoso, date_from=date(2026, 3, 10))
    assert list(since.values_list("pk", flat=True)) == around_march_tenth[:4]
    until = selectors.activity_list(organization=contoso, date_to=date(2026, 3, 10))
    assert list(until.values_list("pk", flat=True)) == around_march_tenth[1:]


def test_the_page_shows_the_days_chosen(contoso_client, around_march_tenth):
    response = contoso_client.get(URL, {"from": "2026-03-10", "to": "2026-03-10"})
    assert response.status_code == 200
    assert shown_ids(response) == around_march_tenth[1:4]


@pytest.mark.parametrize(
    ("headers", "typed"),
    [({}, "03/10/2026"), ({}, "2026-03-10"), (FRENCH, "10/03/2026"), (FRENCH, "2026-03-10")],
    ids=["english", "english iso", "french", "french iso"],
)
def test_dates_typed_the_readers_way_or_as_iso(contoso_client, around_march_tenth, headers, typed):
    response = contoso_client.get(URL, {"from": typed, "to": typed}, headers=headers)
    assert shown_ids(response) == around_march_tenth[1:4]
    # Shown back as the date field wants it, whatever was typed.
    assert 'value="2026-03-10"' in response.content.decode()


def test_a_french_reader_is_told_the_french_way_to_write_a_date(contoso_client, demo_data):
    response = contoso_client.get(URL, {"from": "03/31/2026"}, headers=FRENCH)  # no 31st month
    with translation.override("fr"):
        message = invalid_date_message()
    assert "/" in message
    assert message in response.content.decode().replace("&#x27;", "'")


def test_the_invalid_date_message_gives_the_languages_format_and_iso():
    today = date.today()
    with translation.override("en"):
        assert today.strftime("%m/%d/%Y") in invalid_date_message()
        assert today.isoformat() in invalid_date_message()
    with translation.override("fr"):
        assert today.strftime("%d/%m/%Y") in invalid_date_message()


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "htmx"])
def test_a_range_ending_before_it_starts_is_refused_and_the_log_shown_whole(
    contoso_client, around_march_tenth, headers
):
    response = contoso_client.get(URL, {"from": "2026-03-11", "to": "2026-03-10"}, headers=headers)
    assert response.status_code == 200
    page = response.content.decode()
    start = formats.date_format(date(2026, 3, 11), "SHORT_DATE_FORMAT")
    assert str(RANGE_REVERSED % {"start": start}) in page.replace("&#x27;", "'")
    assert 'aria-invalid="true"' in page
    assert shown_ids(response) == around_march_tenth  # no range applied
    # What was typed stays, to be corrected.
    assert 'value="2026-03-11"' in page
    assert 'value="2026-03-10"' in page
    if headers:  # the fields come back beside the table, with the message
        assert 'id="activity-range" class="col-12 col-md-4" hx-swap-oob="true"' in page


@pytest.mark.parametrize(
    "params",
    [
        {"from": "yesterday"},
        {"from": "31/03/2026"},  # French order, English reader
        {"from": "2026-03-10", "to": "nope"},
        {"from": "9" * 40},
    ],
)
def test_bad_dates_are_refused_with_the_format_to_use(contoso_client, around_march_tenth, params):
    response = contoso_client.get(URL, params)
    assert response.status_code == 200
    assert invalid_date_message() in response.content.decode()
    assert shown_ids(response) == around_march_tenth


@pytest.mark.parametrize("day", ["2026-02-30", "2026-04-31", "2026-13-01"])
def test_a_day_the_calendar_hasnt_is_told_so(contoso_client, around_march_tenth, day):
    """Written right, as ISO: the format is not what to look at."""
    response = contoso_client.get(URL, {"to": day})
    assert response.status_code == 200
    assert NO_SUCH_DAY % {"date": day} in response.content.decode()
    assert invalid_date_message() not in response.content.decode()
    assert shown_ids(response) == around_march_tenth


@pytest.mark.parametrize(
    "params",
    [
        {"from": "0001-01-01"},
        {"to": "9999-12-31"},
        {"from": "0001-01-01", "to": "9999-12-31"},
    ],
)
def test_the_calendars_edges_are_an_open_range_not_an_error(
    contoso_client, around_march_tenth, params
):
    response = contoso_client.get(URL, params)
    assert response.status_code == 200
    assert shown_ids(response) == around_march_tenth


def test_the_form_names_its_fields_as_the_address_does(contoso):
    form = ActivityFilterForm({"from": "2026-03-10", "to": "2026-03-12"}, organization=contoso)
    assert form.filters() == {
        "kind": "",
        "benefit_id": None,
        "date_from": date(2026, 3, 10),
        "date_to": date(2026, 3, 12),
    }


def test_the_range_is_kept_with_the_other_filters_in_page_links_and_download(
    contoso_client, contoso
):
    benefit = Benefit.objects.filter(organization=contoso).first()
    assert benefit is not None
    moment = datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("UTC"))
    Activity.objects.bulk_create(
        [
            Activity(
                organization=contoso,
                kind=Activity.Kind.CREDIT_ASSIGNED,
                benefit=benefit,
                created_at=moment - timedelta(minutes=n),
            )
            for n in range(60)
        ]
    )
    params = {"kind": "credit_assigned", "benefit": benefit.pk, "from": "03/10/2026"}
    page = contoso_client.get(URL, params).content.decode()
    query = f"kind=credit_assigned&amp;benefit={benefit.pk}&amp;from=2026-03-10"
    assert f'rel="next" href="?{query}&amp;page=2"' in page
    assert f'href="{reverse("activity_export")}?{query}" download' in page
    second = contoso_client.get(URL, {**params, "page": 2}).content.decode()
    assert f'rel="prev" href="?{query}&amp;page=1"' in second


def test_a_kind_or_benefit_applies_at_once_and_a_range_with_apply(contoso_client, demo_data):
    page = contoso_client.get(URL).content.decode()
    assert 'hx-trigger="submit, change from:#id_kind, change from:#id_benefit"' in page
    assert '<button type="submit" class="btn btn-primary w-100">Apply</button>' in page
    assert 'type="date"' in page
    assert '<label for="id_from" class="form-label">From</label>' in page


def test_a_range_runs_no_more_queries(contoso_client, contoso):
    def queries(params: dict) -> int:
        page_cache().clear()
        with CaptureQueriesContext(connection) as captured:
            assert contoso_client.get(URL, params).status_code == 200
        return len(captured)

    assert queries({"from": "2026-03-10", "to": "2026-03-12"}) == queries({})


def test_an_understood_range_is_shown_from_the_cached_copy(contoso_client, contoso, monkeypatch):
    params = {"from": "2026-03-10", "to": "2026-03-12"}
    page_cache().clear()
    first = contoso_client.get(URL, params).content.decode()
    built: list[ActivityFilterForm] = []

    def shown(form: ActivityFilterForm) -> ActivityFilterForm:
        built.append(form)
        return form

    monkeypatch.setattr(ActivityFilterForm, "shown", property(shown))
    again = contoso_client.get(URL, params).content.decode()
    assert range_fields(again) == range_fields(first)
    assert 'value="2026-03-10"' in range_fields(again)
    assert built == []  # the fields came with the copy: no form for them, no widget rendered


def test_a_refused_range_is_never_served_from_a_copy_of_the_whole_log(contoso_client, contoso):
    page_cache().clear()
    whole = contoso_client.get(URL).content.decode()  # cached: the log without a range
    assert 'value="2026-03-11"' not in whole
    refused = contoso_client.get(URL, {"from": "2026-03-11", "to": "2026-03-10"}).content.decode()
    assert 'value="2026-03-11"' in refused  # as typed, to be corrected
    assert 'aria-invalid="true"' in refused
