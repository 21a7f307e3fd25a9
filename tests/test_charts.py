"""The charts' geometry: every bar lies inside its chart, in the right place, and missing data draws nothing."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from vaalikone.reports import charts

percent = st.floats(min_value=0, max_value=100)


@given(st.lists(st.tuples(percent, percent, percent), max_size=30))
def test_boxes_lie_on_the_scale_between_the_quartiles(values):
    rows = [(f"p{k}", *sorted(v)) for k, v in enumerate(values)]
    chart = charts.box_plot(rows)
    assert [r.item for r in chart.rows] == [r[0] for r in rows]
    for (_item, q1, median, _q3), row in zip(rows, chart.rows, strict=True):
        track, box, mark = row.shapes
        assert math.isclose(box.x, 160 + 3 * q1, abs_tol=0.01)
        assert box.width >= 2 and box.x + box.width <= 160 + 300 + 2.01
        assert math.isclose(mark.x + 1.5, 160 + 3 * median, abs_tol=0.01), "the mark is centred"
        assert track.y < box.y + box.height and box.y < track.y + track.height
        assert 0 < row.label_y < chart.height
    assert chart.axis.line.y + 26 <= chart.height, "the tick labels fit in the picture"
    assert [t.value for t in chart.axis.labels] == [0, 25, 50, 75, 100]


def test_a_group_without_candidates_gets_its_label_but_no_box():
    chart = charts.box_plot([("a", 10.0, 20.0, 30.0), ("b", math.nan, math.nan, math.nan)])
    assert [r.css for r in chart.rows[1].shapes] == ["axis"]
    bars = charts.bar_chart([("a", 0.0), ("b", math.nan)])
    assert bars.rows[0].shapes[0].width == 1, "a zero still shows as a sliver"
    assert bars.rows[1].shapes == []


@given(st.lists(st.lists(st.integers(0, 50), min_size=1, max_size=6), max_size=20))
def test_stacked_segments_are_laid_end_to_end(counts):
    rows = []
    for k, row in enumerate(counts):
        total = sum(row) or 1
        rows.append((k, [(c / total, f"ans-{j}") for j, c in enumerate(row)]))
    chart = charts.stacked_bars(rows)
    for (_item, segments), row in zip(rows, chart.rows, strict=True):
        drawn = [s for s in segments if s[0] > 0]
        assert [r.css for r in row.shapes] == [css for _share, css in drawn]
        for left, right in zip(row.shapes, row.shapes[1:], strict=False):
            assert math.isclose(left.x + left.width, right.x, abs_tol=0.02), "no gap, no overlap"
        if row.shapes:
            end = row.shapes[-1].x + row.shapes[-1].width
            assert row.shapes[0].x == 150 and end <= 450.02
        assert all(0 <= r.y and r.y + r.height <= chart.height for r in row.shapes)
