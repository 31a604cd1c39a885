"""The report's bar geometry: proportional, the largest bar full width, zero drawn as nothing,
rounded without gaps. Pure arithmetic, no database."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from benefits.report_charts import (
    BAR_HEIGHT,
    LABEL_HEIGHT,
    PLOT_LEFT,
    PLOT_WIDTH,
    ROW_GAP,
    Chart,
    bar_chart,
)

FULL = PLOT_LEFT + PLOT_WIDTH  # where the largest bar ends


def widths(chart: Chart) -> list[list[float]]:
    return [[segment.width for bar in row.bars for segment in bar.segments] for row in chart.rows]


def test_stacked_bars_are_proportional_and_the_largest_fills_the_plot():
    chart = bar_chart([("Office", [15, 5]), ("Intune", [0, 10])], stacked=True)
    office, intune = chart.rows
    assert [segment.width for segment in office.bars[0].segments] == [432.0, 144.0]
    assert office.bars[0].end == FULL
    assert [segment.width for segment in intune.bars[0].segments] == [0.0, 288.0]
    # The available part starts where the redeemed part stops: here at the plot's start.
    assert intune.bars[0].segments[1].x == PLOT_LEFT


def test_grouped_bars_share_one_scale_and_stand_one_under_the_other():
    chart = bar_chart([("March", [2, 1]), ("April", [0, 4])], stacked=False)
    assert widths(chart) == [[288.0, 144.0], [0.0, 576.0]]
    march = chart.rows[0]
    assert [bar.y for bar in march.bars] == [top := march.y + LABEL_HEIGHT, top + BAR_HEIGHT]
    assert [bar.segments[0].series for bar in march.bars] == [0, 1]
    assert chart.rows[1].y == march.y + LABEL_HEIGHT + 2 * BAR_HEIGHT + ROW_GAP


def test_all_zero_draws_no_bar_and_divides_by_nothing():
    chart = bar_chart([("A", [0, 0]), ("B", [0, 0])], stacked=True)
    assert widths(chart) == [[0.0, 0.0], [0.0, 0.0]]
    assert all(bar.end == PLOT_LEFT for row in chart.rows for bar in row.bars)
    assert widths(bar_chart([("A", [0, 0])], stacked=False)) == [[0.0, 0.0]]


def test_no_rows_is_an_empty_chart():
    chart = bar_chart([], stacked=True)
    assert chart.rows == ()
    assert chart.height > 0


def test_positions_are_rounded_to_a_tenth_and_a_stack_has_no_gap():
    chart = bar_chart([("A", [1, 1, 1, 1, 1, 1, 1]), ("B", [2, 0, 1])], stacked=True)
    segments = chart.rows[0].bars[0].segments
    # 576 / 7 = 82.29 each: cut at rounded running totals, one is a tenth shorter.
    assert [segment.width for segment in segments] == [82.3, 82.3, 82.3, 82.2, 82.3, 82.3, 82.3]
    assert round(segments[-1].x + segments[-1].width, 1) == FULL
    for before, after in pairwise(segments):
        assert round(before.x + before.width, 1) == after.x


def test_a_negative_figure_is_refused():
    with pytest.raises(ValueError, match="negative"):
        bar_chart([("A", [-1, 2])], stacked=True)


counts = st.integers(min_value=0, max_value=1_000_000)
rows = st.lists(
    st.tuples(st.text(max_size=5), st.lists(counts, min_size=2, max_size=2)), max_size=12
)


@given(rows, st.booleans())
@example([("", [0, 96]), ("", [0, 33064]), ("", [66, 31])], True)  # a float sum
def test_any_figures_fit_the_plot_and_keep_their_order(drawn, stacked):
    chart = bar_chart(drawn, stacked=stacked)
    ends = [bar.end for row in chart.rows for bar in row.bars]
    assert all(PLOT_LEFT <= end <= FULL for end in ends)
    if stacked:
        totals = [sum(values) for _label, values in drawn]
    else:
        totals = [value for _label, values in drawn for value in values]
    if any(totals):
        assert max(ends) == FULL  # the largest bar is full width
    else:
        assert all(end == PLOT_LEFT for end in ends)
    # A larger figure never draws a shorter bar.
    for total_a, end_a in zip(totals, ends, strict=True):
        for total_b, end_b in zip(totals, ends, strict=True):
            if total_a < total_b:
                assert end_a <= end_b
    for row in chart.rows:
        for bar in row.bars:
            for segment in bar.segments:
                assert segment.width >= 0
                assert segment.width == 0 or segment.value > 0
