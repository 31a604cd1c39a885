"""Horizontal bar charts as geometry: figures in, bar positions out, for the SVG templates.

Pure (standard library only), so the arithmetic is tested without a page: each bar's length is
proportional to its value, the largest bar (or the largest stack) fills the plot's width, a
zero draws nothing and an all-zero chart is empty rather than a division by zero. Positions are
rounded to a tenth of a unit; a stack's segments are cut at rounded running totals, so they
meet exactly and the largest stack still ends at the full width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# The drawing's coordinate system (the SVG's viewBox): it scales to the page's width. Each
# row's label stands above its bars, over the whole width, so product names are not cut.
CHART_WIDTH = 640
PLOT_LEFT = 4  # where bars start (room for a bar's outline)
VALUE_WIDTH = 60  # the figures, right of the longest bar
PLOT_WIDTH = CHART_WIDTH - PLOT_LEFT - VALUE_WIDTH
LABEL_HEIGHT = 20  # the label's line, above the row's bars
BAR_HEIGHT = 20
ROW_GAP = 10
TOP = 4


@dataclass(frozen=True)
class Segment:
    series: int  # which of the chart's series (its pattern and legend entry)
    value: int
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    y: float
    height: float
    segments: tuple[Segment, ...]

    @property
    def end(self) -> float:
        """Where the bar stops: its figures are written just after."""
        ends = (round(segment.x + segment.width, 1) for segment in self.segments)
        return max(ends, default=float(PLOT_LEFT))

    @property
    def value_x(self) -> float:
        """Where the bar's figures start."""
        return round(self.end + 6, 1)

    @property
    def value_y(self) -> float:
        """The baseline of the bar's figures, mid-bar."""
        return round(self.y + self.height / 2 + 5, 1)


@dataclass(frozen=True)
class Row:
    label: str
    y: float  # the top of the row
    label_y: float  # the baseline of the label, above the bars
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    width: int
    height: float
    rows: tuple[Row, ...]
    label_x: float = PLOT_LEFT  # where the row labels start


def _position(value: int, scale: int) -> float:
    """Where ``value`` falls on the plot, rounded; ``scale`` (> 0) is at the full width."""
    return round(PLOT_LEFT + value * PLOT_WIDTH / scale, 1)


def _stack(values: Sequence[int], scale: int, *, y: float, height: float, first: int) -> Bar:
    segments = []
    start, total = float(PLOT_LEFT), 0
    for offset, value in enumerate(values):
        total += value
        end = _position(total, scale) if scale else float(PLOT_LEFT)
        segments.append(Segment(first + offset, value, start, round(end - start, 1)))
        start = end
    return Bar(y=y, height=height, segments=tuple(segments))


def bar_chart(rows: Sequence[tuple[str, Sequence[int]]], *, stacked: bool) -> Chart:
    """One row per ``(label, values)``, each value one series. ``stacked``: the values of a
    row are parts of one bar (redeemed + available = all licenses); otherwise each value is a
    bar of its own, one under the other (benefits and subscriptions expiring in a month)."""
    if any(value < 0 for _label, values in rows for value in values):
        raise ValueError("A bar chart draws counts: no negative value.")
    if stacked:
        scale = max((sum(values) for _label, values in rows), default=0)
    else:
        scale = max((max(values, default=0) for _label, values in rows), default=0)
    drawn = []
    y = float(TOP)
    for label, values in rows:
        top = y + LABEL_HEIGHT
        bars: tuple[Bar, ...]
        if stacked:
            bars = (_stack(values, scale, y=top, height=BAR_HEIGHT, first=0),)
        else:
            bars = tuple(
                _stack([value], scale, y=top + index * BAR_HEIGHT, height=BAR_HEIGHT, first=index)
                for index, value in enumerate(values)
            )
        drawn.append(Row(label=label, y=y, label_y=round(y + LABEL_HEIGHT - 5, 1), bars=bars))
        y += LABEL_HEIGHT + BAR_HEIGHT * len(bars) + ROW_GAP
    height = round(y - ROW_GAP + TOP, 1) if drawn else 2.0 * TOP
    return Chart(width=CHART_WIDTH, height=height, rows=tuple(drawn))
