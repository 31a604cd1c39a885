"""The organization's activity log: newest first, 50 a page, filterable by kind, benefit and
a range of days; and the CSV export of exactly the records the filters select, streamed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accounts.permissions import PortalRequest, benefits_access_required
from benefits import licensing, selectors
from benefits.forms import ActivityFilterForm
from benefits.models import Activity
from benefits.templatetags.benefit_tags import changes_text, role_names, setting_text
from common.htmx import render_page_or_partial, wants_partial
from common.pagecache import page_key
from common.paging import page_number
from common.spreadsheets import SpreadsheetWriter

PAGE_SIZE = 50


@dataclass(frozen=True)
class LogPage:
    """One page of the log. The log is never counted — over a large organization's hundred
    thousand records the count cost more than the page — so the page is read with one record
    more than it shows, which tells whether an older page follows."""

    object_list: list[Activity]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


@require_safe
@benefits_access_required
def activity(request: PortalRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET, organization=request.organization)
    filters = form.filters()
    number = page_number(request.GET.get("page"))

    def page() -> LogPage:
        # Read only when the table is rendered, not when its cached copy is shown.
        records = selectors.activity_list(organization=request.organization, **filters)
        start = (number - 1) * PAGE_SIZE
        shown = list(records.select_related("benefit__product")[start : start + PAGE_SIZE + 1])
        if not shown and number > 1:
            raise Http404("No such page")  # such a page is never cached
        return LogPage(shown[:PAGE_SIZE], number, len(shown) > PAGE_SIZE)

    context = {
        "form": form,
        "filters": filters,
        "page": SimpleLazyObject(page),
        # The page links and the download keep the filters; the key holds only what was
        # understood, so junk in the address can't fill the cache with copies of one table.
        "filter_query": filter_query(filters),
        "table_key": page_key(request.organization.pk, "activity", number, filters),
        # An htmx request swaps the table; the range's fields come back beside it.
        "oob": wants_partial(request),
    }
    return render_page_or_partial(request, "benefits/activity.html", "activity-table", context)


def filter_query(filters: dict) -> str:
    """The address's query string that gives these filters again (dates as ISO)."""
    params = {
        "kind": filters["kind"],
        "benefit": filters["benefit_id"],
        "from": filters["date_from"] and filters["date_from"].isoformat(),
        "to": filters["date_to"] and filters["date_to"].isoformat(),
    }
    return urlencode({name: value for name, value in params.items() if value})


# Column headings in the reader's language, like the values under them.
CSV_COLUMNS = [
    _("Record"),  # its number, as the log's rows are anchored (#activity-<number>)
    _("When"),
    _("Who"),
    _("What"),
    _("Benefit"),
    _("Subscription"),
    _("Tenant"),
    _("Person"),
    _("Before"),
    _("After"),
]
# What a line is made of: the record's own fields and those of the objects it names.
EXPORT_FIELDS = (
    "pk",
    "created_at",
    "actor_email",
    "kind",
    "before",
    "after",
    "benefit__product__name",
    "subscription_id",
    "subscription__product__name",
    "subscription__tenant__primary_domain",
    "directory_user_id",
    "directory_user__display_name",
    "directory_user__user_principal_name",
)
# Records read from the database at a time: the export holds one such batch, never the log.
EXPORT_CHUNK_SIZE = 2000
# Lines handed to the server at a time: a few kilobytes, rather than one write per record.
LINES_PER_WRITE = 100
# A full product key (five groups of five, with or without dashes) in any text the export
# writes: records keep only a key's last group, and this makes sure no other text carries one.
FULL_KEY = re.compile(r"(?<![0-9A-Z])(?:[0-9A-Z]{5}-?){4}[0-9A-Z]{5}(?![0-9A-Z])", re.IGNORECASE)


@require_safe
@benefits_access_required
def activity_export(request: PortalRequest) -> HttpResponse:
    """The records the log shows for the same address, every page of them, newest first."""
    form = ActivityFilterForm(request.GET, organization=request.organization)
    form.is_valid()
    if "benefit" in form.errors:
        raise Http404("No such benefit")  # another organization's, or none
    if form.range_errors:
        # A refused range: the log says why, for the same address.
        return redirect(f"{reverse('activity')}?{request.GET.urlencode()}")
    filters = form.filters()  # an unknown kind (an old link) is ignored, as the log ignores it
    # Plain rows of the columns written, not model instances (a record and up to six objects it
    # names): a long export runs about three times as fast, in half the memory.
    records = (
        selectors.activity_list(organization=request.organization, **filters)
        .values(*EXPORT_FIELDS)
        .iterator(chunk_size=EXPORT_CHUNK_SIZE)
    )
    response = StreamingHttpResponse(
        csv_lines(
            records,
            language=translation.get_language() or "en",
            zone=timezone.get_current_timezone(),
        ),
        content_type="text/csv; charset=utf-8",
    )
    name = export_filename(request.organization.mpn_id, filters)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # The gate is typed for HttpResponse; a streamed response passes through it the same way.
    return cast(HttpResponse, response)


def export_filename(mpn_id: str, filters: dict) -> str:
    """activity-4711001.csv, …-2026-01-01-2026-01-31.csv, …-from-2026-01-01.csv, …-to-….csv"""
    start, end = filters["date_from"], filters["date_to"]
    if start and end:
        dates = f"-{start.isoformat()}-{end.isoformat()}"
    elif start or end:
        dates = f"-from-{start.isoformat()}" if start else f"-to-{end.isoformat()}"
    else:
        dates = ""
    return f"activity-{re.sub(r'[^0-9A-Za-z]', '', mpn_id)}{dates}.csv"


class _Echo:
    """A file for csv.writer that hands each line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(records: Iterable[dict], *, language: str, zone) -> Iterator[str]:
    """The CSV of ``records`` (rows of EXPORT_FIELDS), LINES_PER_WRITE lines at a time: a
    byte-order mark (so spreadsheet programs read the French accents as UTF-8), the headings,
    then one line per record. It runs after the view has returned, so the reader's language
    and time zone are passed in (and set only while lines are written, not while the server
    sends them)."""
    writer = SpreadsheetWriter(_Echo())
    with translation.override(language):
        yield "\ufeff" + writer.writerow([str(label) for label in CSV_COLUMNS])
        # Translated once: get_kind_display() translates every label at every call.
        kinds = {kind: str(label) for kind, label in Activity.Kind.choices}
    batch: list[dict] = []
    for record in records:
        batch.append(record)
        if len(batch) == LINES_PER_WRITE:
            yield _lines(writer, batch, language, zone, kinds)
            batch = []
    if batch:
        yield _lines(writer, batch, language, zone, kinds)


def _lines(writer, records: list[dict], language: str, zone, kinds: dict) -> str:
    with translation.override(language):
        return "".join(
            writer.writerow([_without_keys(cell) for cell in _row(record, zone, kinds)])
            for record in records
        )


def _row(record: dict, zone, kinds: dict) -> list[str]:
    before, after = record["before"], record["after"]
    state = after or before
    holder = state.get("holder") or {}
    in_subscription = record["subscription_id"] is not None
    return [
        str(record["pk"]),
        timezone.localtime(record["created_at"], zone).isoformat(timespec="seconds"),
        record["actor_email"],
        kinds.get(record["kind"], record["kind"]),
        before.get("product") or record["benefit__product__name"] or "",
        record["subscription__product__name"] if in_subscription else "",
        record["subscription__tenant__primary_domain"]
        if in_subscription
        else state.get("tenant") or holder.get("tenant", ""),
        f"{record['directory_user__display_name']} "
        f"({record['directory_user__user_principal_name']})"
        if record["directory_user_id"] is not None
        else state.get("member") or "",
        state_text(before),
        state_text(after),
    ]


def state_text(state: dict) -> str:
    """A record's before or after as one line of text, as the page shows it."""
    if "changed" in state:
        return changes_text(state["changed"])  # the tenant has its column
    if state.get("token") or state.get("endpoint"):
        return setting_text(state)
    if state.get("member"):
        return f"{state['member']} ({gettext('roles:')} {role_names(state.get('roles'))})"
    if state.get("holder"):
        return f"{state['holder'].get('name', '')} ({state['holder'].get('upn', '')})"
    if state.get("seats"):
        text = ngettext("%(seats)s license", "%(seats)s licenses", state["seats"]) % {
            "seats": state["seats"]
        }
        if state.get("end"):
            text += f", {gettext('ends')} {state['end']}"
        if state.get("tenant"):
            text += f" ({state['tenant']}, {gettext('key')} {state.get('key', '')})"
        return text
    # Anything else a record keeps (the product has its own column), as name: value.
    return "; ".join(f"{name}: {value}" for name, value in state.items() if name != "product")


def _without_keys(text: object) -> str:
    return FULL_KEY.sub(lambda found: licensing.key_last_group(found.group()), str(text))
