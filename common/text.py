"""Values a person or client sent, written back into a refusal so they can be recognised: the
characters that print, each other one as U+XXXX (a NUL would otherwise vanish from the
message), at most a few dozen of them, and of a list at most a few values."""

from __future__ import annotations

from collections.abc import Iterable

SHOWN_MAX_LENGTH = 40
SHOWN_MAX_VALUES = 5


def as_sent(value: str) -> str:
    """``value`` as a message names it: "roU+0000ot" shows what ``"ro\\x00ot"`` hides."""
    shown = "".join(
        char if char.isprintable() or char == " " else f"U+{ord(char):04X}"
        for char in value[:SHOWN_MAX_LENGTH]
    )
    return shown + "…" if len(value) > SHOWN_MAX_LENGTH else shown


def as_sent_list(values: Iterable[str]) -> str:
    """Several values as a message names them: each as ``as_sent`` writes it, one of spaces or
    nothing in quotes (else "Unknown kinds: ." names nothing), the first few only."""
    shown = [as_sent(value) if value.strip() else f'"{as_sent(value)}"' for value in values]
    listed = ", ".join(shown[:SHOWN_MAX_VALUES])
    return listed + ", …" if len(shown) > SHOWN_MAX_VALUES else listed
