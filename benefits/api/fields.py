"""Request bodies as the OpenAPI schema writes them.

``JsonInt``: a JSON number where the schema says integer. pydantic would otherwise turn ``true``
into id 1 (someone else's credit), and ``"5"`` or ``5.0`` into 5; here each is refused as not a
whole number.

``PathId``: an id in an address, written in digits (a minus sign is an id no row has: 404;
leading zeros are read, as Django's ``<int:…>`` addresses read them). pydantic would read
``1.0``, ``+1``, `` 1`` and ``1_0`` as 1 too: forms no client means, which a cache or a log
would count apart.

``BodyIn``: the base of every request body, refusing a field it doesn't have. Otherwise a
misspelled optional field is dropped in silence: ``expected_seat`` for ``expected_seats`` would
redeem a key without the check the client asked for.

``refusal``: a field's own words for what is wrong with it, where the general ones
(``field_errors``) would say less.
"""

from typing import Annotated

from django.utils.functional import Promise
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Strict
from pydantic_core import PydanticCustomError

JsonInt = Annotated[int, Strict()]


def _digits_only(value: object) -> object:
    if isinstance(value, str):
        digits = value.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()):
            # pydantic's own type for a text that is no whole number: field_errors words it.
            raise PydanticCustomError("int_parsing", "Input should be a valid integer")
    return value


PathId = Annotated[int, BeforeValidator(_digits_only)]


class BodyIn(Schema):
    model_config = ConfigDict(extra="forbid")


# The type of a refusal a schema words itself (``refusal``).
WORDED_BY_SCHEMA = "worded_by_schema"


def refusal(message: str | Promise) -> PydanticCustomError:
    """A validator's refusal in its own words, taken in the reader's language (the request's,
    active while its body is checked); ``field_errors`` passes them on as they are."""
    return PydanticCustomError(WORDED_BY_SCHEMA, "{message}", {"message": str(message)})
