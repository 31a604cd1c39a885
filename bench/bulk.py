"""Writing many rows fast: PostgreSQL's COPY through psycopg 3, with a progress bar."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED

# --- Progress ---------------------------------------------------------------------------------


class Progress:
    """One line per table on the terminal: a bar, the rows written and the total."""

    WIDTH = 30

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done, self._shown = label, total, 0, -1

    def advance(self, rows: int = 1) -> None:
        self.done += rows
        filled = self.WIDTH * self.done // max(self.total, 1)
        if filled != self._shown or self.done == self.total:
            self._shown = filled
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            end = "\n" if self.done >= self.total else ""
            print(
                f"\r  {self.label:<20} [{bar}] {self.done:>9,}/{self.total:,}",
                end=end,
                flush=True,
                file=sys.stderr,
            )


# --- Rows -------------------------------------------------------------------------------------


@dataclass
class Rows:
    """Rows of one model, as tuples in the order of ``fields`` (attribute names)."""

    model: type[models.Model]
    names: str  # the attribute names, separated by spaces
    rows: list[tuple] = field(default_factory=list)

    @property
    def fields(self) -> list[str]:
        return self.names.split()

    def add(self, *values) -> int:
        """Append a row whose first value is its id; returns the id."""
        self.rows.append(values)
        return values[0]

    @property
    def next_id(self) -> int:
        return len(self.rows) + 1


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.column is None:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field.column


def _unlisted_defaults(model: type[models.Model], listed: list[str]) -> dict[str, object]:
    """Columns the builder doesn't write that Django fills with a plain default but the
    database would leave NULL (no db_default): a column added to a model later (the activity
    record's API token name, say) must not break the fill."""
    names = {_column(model, name) for name in listed}
    defaults: dict[str, object] = {}
    for column in model._meta.concrete_fields:
        if column.column in names or column.null or column.db_default is not NOT_PROVIDED:
            continue
        value = column.get_default()  # "" for text without a default, as Django saves it
        if isinstance(value, str | int | bool):
            defaults[column.column] = value
    return defaults


def copy_rows(table: Rows, label: str) -> None:
    meta = table.model._meta
    defaults = _unlisted_defaults(table.model, table.fields)
    names = [_column(table.model, name) for name in table.fields] + list(defaults)
    columns = ", ".join(connection.ops.quote_name(name) for name in names)
    sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    extra = tuple(defaults.values())
    progress = Progress(label, len(table.rows))
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for start in range(0, len(table.rows), 5000):
            for row in table.rows[start : start + 5000]:
                copy.write_row(row + extra)
            progress.advance(len(table.rows[start : start + 5000]))
    if not table.rows:
        progress.advance(0)
