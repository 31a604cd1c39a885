"""Types of the request bodies' fields, taken as the OpenAPI schema writes them: a JSON number
where it says integer. pydantic would otherwise turn ``true`` into id 1 (someone else's credit),
and ``"5"`` or ``5.0`` into 5; here each is refused as not a whole number."""

from typing import Annotated

from pydantic import Strict

JsonInt = Annotated[int, Strict()]
