"""Request bodies as the OpenAPI schema writes them.

``JsonInt``: a JSON number where the schema says integer. pydantic would otherwise turn ``true``
into id 1 (someone else's credit), and ``"5"`` or ``5.0`` into 5; here each is refused as not a
whole number.

``BodyIn``: the base of every request body, refusing a field it doesn't have. Otherwise a
misspelled optional field is dropped in silence: ``expected_seat`` for ``expected_seats`` would
redeem a key without the check the client asked for.
"""

from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Strict

JsonInt = Annotated[int, Strict()]


class BodyIn(Schema):
    model_config = ConfigDict(extra="forbid")
