"""The activity log, newest first, with the Activity page's filters (kind, benefit, a range of
days), a page at a time.

Each record is described by the webhooks' own builder (benefits.webhooks.payload
``activity_data``), so a script reading the log and an endpoint receiving its events see the
same fields, the name of the API token that made a change among them. Snapshots (``before``,
``after``) never hold a full product key: the services write only its last group.
"""

from typing import Any

from ninja import Query, Router, Schema
from pydantic import Field

from accounts.models import Scope
from benefits import selectors
from benefits.api.auth import ApiRequest, TokenAuth
from benefits.api.cursor import cursor_read, keyset_page, page_link
from benefits.api.problems import READ_ERRORS
from benefits.api.queries import CURSOR, PAGE_SIZE, choice, form_valid
from benefits.forms import ActivityFilterForm
from benefits.models import Activity
from benefits.webhooks.payload import activity_data

router = Router(tags=["Activity"])


class ActivityParams(Schema):
    kind: str = choice(list(Activity.Kind.values), "Only records of this kind.")
    benefit: str = Field("", description="Only records of this benefit (its id).")
    date_from: str = Field(
        "",
        alias="from",
        description="The first day (YYYY-MM-DD, a day of the portal's time zone), included.",
    )
    date_to: str = Field("", alias="to", description="The last day (YYYY-MM-DD), included.")
    cursor: str | None = CURSOR
    page_size: int = PAGE_SIZE


class ActivityOut(Schema):
    id: int
    kind: str
    # The builder's ISO 8601 text, microseconds kept, as the webhooks send it (ninja's encoder
    # would cut a datetime to milliseconds).
    created_at: str = Field(..., json_schema_extra={"format": "date-time"})
    actor_email: str = Field(..., description="Who made the change (empty for the system).")
    api_token_name: str = Field(..., description="The API token used, if any.")
    benefit_id: int | None
    subscription_id: int | None
    directory_user_id: int | None
    before: dict[str, Any] = Field(..., description="What changed, as it was.")
    after: dict[str, Any] = Field(..., description="What changed, as it became.")


class ActivityPage(Schema):
    items: list[ActivityOut]
    next: str | None = Field(..., description="Older records' page; null on the last.")
    previous: str | None = Field(..., description="Newer records' page; null on the first.")


@router.get(
    "/activity",
    response={200: ActivityPage, **READ_ERRORS},
    summary="List the activity log, newest first",
    description="Filtered as the Activity page; a page at a time, following `next` (older) "
    "and `previous` (newer). Records never change: a walk sees each once.",
    auth=TokenAuth(Scope.READ),
)
def activity_list(request: ApiRequest, params: Query[ActivityParams]) -> dict:
    form = ActivityFilterForm(
        params.dict(by_alias=True, exclude={"cursor", "page_size"}),
        organization=request.organization,
        iso_dates=True,
    )
    filters = form_valid(form).filters()
    page = keyset_page(
        selectors.activity_list(organization=request.organization, **filters),
        cursor=cursor_read(params.cursor),
        size=params.page_size,
        context={},
    )
    return {
        "items": [activity_data(record) for record in page.items],
        "next": page_link(request, page.next),
        "previous": page_link(request, page.previous),
    }
