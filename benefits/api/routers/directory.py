"""Tenants and people: the organization's Azure AD tenants, and people found by the start of a
name or address, as the screens' people picker finds them."""

from uuid import UUID

from ninja import Query, Router, Schema
from pydantic import Field, field_validator

from accounts import selectors as people
from accounts.models import Scope
from benefits.api.auth import ApiRequest, TokenAuth
from benefits.api.field_errors import TEXT_TOO_SHORT
from benefits.api.fields import refusal
from benefits.api.problems import READ_ERRORS

router = Router(tags=["Tenants and people"])


class TenantOut(Schema):
    id: int
    display_name: str
    primary_domain: str
    tenant_id: UUID
    is_primary: bool


class PersonOut(Schema):
    id: int
    display_name: str
    user_principal_name: str
    tenant_id: int
    tenant_domain: str
    credit_held: str | None = Field(None, description="The Azure credit this person holds.")


class PeopleQuery(Schema):
    q: str = Field(
        ...,
        min_length=people.PICKER_MIN_LENGTH,
        max_length=people.PICKER_QUERY_MAX_LENGTH,
        description="The start of a name or of an address (user principal name).",
    )

    @field_validator("q")
    @classmethod
    def searched(cls, value: str) -> str:
        """Counted as searched: trimmed, without control characters. "a " is one character, so
        refused as too short, not answered with nobody."""
        text = people.picker_text(value)
        if len(text) < people.PICKER_MIN_LENGTH:
            raise refusal(TEXT_TOO_SHORT % {"limit": people.PICKER_MIN_LENGTH})
        return text


@router.get(
    "/tenants",
    response={200: list[TenantOut], **READ_ERRORS},
    summary="List the organization's tenants",
    auth=TokenAuth(Scope.READ),
)
def tenants_list(request: ApiRequest) -> list:
    return list(people.tenant_list(organization=request.organization))


@router.get(
    "/people",
    response={200: list[PersonOut], **READ_ERRORS},
    summary="Find enabled people by the start of their name or address",
    description=f"At most {people.PICKER_LIMIT}, as the people picker shows them.",
    auth=TokenAuth(Scope.READ),
)
def people_search(request: ApiRequest, query: Query[PeopleQuery]) -> list:
    return people.directory_user_search_cached(organization=request.organization, text=query.q)
