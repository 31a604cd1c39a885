"""Page numbers from the address, shared by every paged list."""

from __future__ import annotations

# Far past any real list, yet small enough that the row offset it implies stays a valid
# database integer.
MAX_PAGE = 10**9


def page_number(raw: str | None) -> int:
    """The page asked for: anything that isn't a whole number from 1 up means the first page."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)
