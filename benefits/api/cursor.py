"""Cursor pagination by keyset, for lists whose order has ties (a label, a date, a name).

A page is read as "the ``size`` rows after this row, in this order": the cursor carries the
ordering values of the row it starts after (or before, walking back), which the next query
compares against, so a row added or removed between two requests never shifts a page onto
rows already seen or past rows not yet seen, and a page is one query whatever the list's
length (no OFFSET, no COUNT). The order always ends with the primary key, so it is total.

Cursors are signed (django.core.signing): opaque to the caller, and a changed one is refused
rather than compared against the database. A cursor also carries the ``context`` it was made
in (the sort asked for, the language its labels were compared in): one from another context
is refused, since its position means nothing in that order.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core import signing
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from benefits.api.problems import ApiProblem

M = TypeVar("M", bound=Model)

SALT = "benefits.api.cursor"
CURSOR_INVALID = _("This cursor is not one the API gave: use the next or previous link as given.")
CURSOR_OTHER_ORDER = _(
    "This cursor belongs to another sort order: start again without a cursor, or keep the "
    "parameters of the link that gave it."
)
PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 100


@dataclass(frozen=True)
class Key:
    """One field of the order: a field, an annotation or a relation's (``product__name``)."""

    field: str
    descending: bool = False


@dataclass(frozen=True)
class Cursor:
    position: list[Any]
    backwards: bool = False
    context: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    next: Cursor | None
    previous: Cursor | None


def cursor_read(text: str | None) -> Cursor | None:
    """The cursor of a request's ``cursor`` parameter, None without one; 422 if not ours."""
    if not text:
        return None
    try:
        data = signing.loads(text, salt=SALT)
        return Cursor(position=list(data["p"]), backwards=bool(data["b"]), context=dict(data["c"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise _refused(CURSOR_INVALID) from error


def cursor_text(cursor: Cursor) -> str:
    data = {"p": cursor.position, "b": cursor.backwards, "c": cursor.context}
    return signing.dumps(data, salt=SALT, compress=True)


def keyset_page(
    rows: QuerySet[M], *, cursor: Cursor | None, size: int, context: dict[str, str]
) -> Page[M]:
    """The page of ``rows`` that ``cursor`` points to (the first page without one), in the
    order the selector gave ``rows``: it must end with the primary key, so it is total. Reads
    ``size + 1`` rows, the extra one telling whether more follow in the direction walked. One
    query."""
    if cursor is not None and cursor.context != context:
        raise _refused(CURSOR_OTHER_ORDER)
    keys = ordering_keys(rows)
    backwards = cursor is not None and cursor.backwards
    ordering = [f"-{key.field}" if key.descending != backwards else key.field for key in keys]
    rows = rows.order_by(*ordering)
    if cursor is not None:
        if len(cursor.position) != len(keys):
            raise _refused(CURSOR_INVALID)
        rows = rows.filter(_beyond(keys, cursor.position, backwards=backwards))
    found = list(rows[: size + 1])
    more = len(found) > size
    items = found[:size]
    if backwards:
        items.reverse()
    first = _position(items[0], keys) if items else cursor and cursor.position
    last = _position(items[-1], keys) if items else cursor and cursor.position
    # Walking forwards, rows lie behind whenever a cursor was followed; walking back, ahead.
    has_next = more if not backwards else True
    has_previous = cursor is not None if not backwards else more
    return Page(
        items=items,
        next=Cursor(last, False, context) if has_next and last else None,
        previous=Cursor(first, True, context) if has_previous and first else None,
    )


def ordering_keys(rows: QuerySet) -> list[Key]:
    """The keys of ``rows``'s ordering, as the selector wrote it: the paginator follows the
    screens' order rather than restating it."""
    ordering = [str(name) for name in rows.query.order_by]
    if not ordering or ordering[-1].lstrip("-") not in {"pk", "id"}:
        raise ValueError(f"A keyset needs an order ending with the primary key: {ordering}")
    return [Key(name.lstrip("-"), name.startswith("-")) for name in ordering]


def page_link(request: HttpRequest, cursor: Cursor | None) -> str | None:
    """The request's own address with ``cursor`` in place of its cursor (filters kept)."""
    if cursor is None:
        return None
    params = request.GET.copy()
    params["cursor"] = cursor_text(cursor)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _beyond(keys: Sequence[Key], position: Sequence[Any], *, backwards: bool) -> Q:
    """Rows after ``position`` in the order of ``keys`` (before it, walking back): greater
    on the first key, or equal on it and greater on the second, and so on."""
    condition = Q()
    equal: dict[str, Any] = {}
    for key, value in zip(keys, position, strict=True):
        lookup = "lt" if key.descending != backwards else "gt"
        condition |= Q(**equal, **{f"{key.field}__{lookup}": value})
        equal[key.field] = value
    return condition


def _position(row: Model, keys: Sequence[Key]) -> list[Any]:
    return [_plain(_value(row, key.field)) for key in keys]


def _value(row: Any, path: str) -> Any:
    for name in path.split("__"):
        row = getattr(row, name)
    return row


def _plain(value: Any) -> Any:
    """A value as JSON carries it; the database compares the text of a date or time (ISO
    8601, microseconds and offset kept) exactly as the value itself."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _refused(message: Any) -> ApiProblem:
    return ApiProblem(422, str(message), errors=[{"field": "cursor", "message": str(message)}])
