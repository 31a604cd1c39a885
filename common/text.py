"""Values a person or client sent, written back into a refusal so they can be recognised: the
characters that print, each other one as U+XXXX (a NUL would otherwise vanish from the
message), and at most a few dozen of them."""

from __future__ import annotations

SHOWN_MAX_LENGTH = 40


def as_sent(value: str) -> str:
    """``value`` as a message names it: "roU+0000ot" shows what ``"ro\\x00ot"`` hides."""
    shown = "".join(
        char if char.isprintable() or char == " " else f"U+{ord(char):04X}"
        for char in value[:SHOWN_MAX_LENGTH]
    )
    return shown + "…" if len(value) > SHOWN_MAX_LENGTH else shown
