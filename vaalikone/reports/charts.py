"""Geometry of the server-rendered SVG charts: numbers in, rectangles out, so templates only draw.

Every chart is a column of labelled rows with a bar area of `bar_w` units to the right of a `label_w`
label column, in SVG user units (the viewBox scales them to the page). Values are percentages 0..100
(box plots, bars) or shares 0..1 (stacked bars). NaN (no candidates) draws no bar, only the row's label.
Coordinates are rounded to two decimals: finer steps are invisible and would only lengthen the page.

The labels themselves stay with the caller (`item` of each row): naming a party or a constituency depends
on the page's language, which is the web layer's business.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

BAR_W = 300
TICKS = (0, 25, 50, 75, 100)  # percent


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str = ""


@dataclass(frozen=True)
class Tick:
    x: float
    value: int  # percent, written under the tick


@dataclass(frozen=True)
class Axis:
    """The scale under a chart: a line with a tick and a label at 0, 25, 50, 75 and 100 %."""

    line: Rect
    ticks: list[Rect]
    labels: list[Tick]
    label_y: float


@dataclass(frozen=True)
class ChartRow:
    item: Any  # whatever the caller labels the row with
    label_y: float  # baseline of the row's label
    shapes: list[Rect]  # drawn in order


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    rows: list[ChartRow]
    axis: Axis | None = None


def _r(value: float) -> float:
    return round(value, 2)


def _x(left: float, percent: float, bar_w: float) -> float:
    return _r(left + percent * bar_w / 100)


def axis(top: float, left: float, bar_w: float = BAR_W) -> Axis:
    """The percent scale whose line is at `top`, starting at `left`."""
    return Axis(
        line=Rect(left, top, bar_w, 1, "axis"),
        ticks=[Rect(_r(_x(left, t, bar_w) - 0.5), top, 1, 6, "axis") for t in TICKS],
        labels=[Tick(_x(left, t, bar_w), t) for t in TICKS],
        label_y=top + 20,
    )


def box_plot(
    rows: Sequence[tuple[Any, float, float, float]],
    bar_w: float = BAR_W,
    label_w: float = 160,
    row_h: float = 24,
) -> Chart:
    """One box per row from (item, lower quartile, median, upper quartile), in percent: a thin track
    across the whole scale, the box from quartile to quartile (at least 2 units wide, so a tight group
    stays visible) and a 3-unit median mark centred on the median."""
    out = []
    for k, (item, q1, median, q3) in enumerate(rows):
        y = 10 + k * row_h
        shapes = [Rect(label_w, y + 8, bar_w, 2, "axis")]
        if not math.isnan(q1):
            shapes.append(
                Rect(_x(label_w, q1, bar_w), y + 2, _r(max((q3 - q1) * bar_w / 100, 2)), 14, "box")
            )
            shapes.append(Rect(_r(_x(label_w, median, bar_w) - 1.5), y, 3, 18, "median"))
        out.append(ChartRow(item, y + 14, shapes))
    top = 20 + len(rows) * row_h
    return Chart(bar_w + label_w + 15, top + 30, out, axis(top, label_w, bar_w))


def bar_chart(
    rows: Sequence[tuple[Any, float]],
    bar_w: float = BAR_W,
    label_w: float = 160,
    row_h: float = 20,
) -> Chart:
    """One bar per row from (item, percent), at least 1 unit long so a zero still shows."""
    out = []
    for k, (item, value) in enumerate(rows):
        y = 10 + k * row_h
        shapes = []
        if not math.isnan(value):
            shapes.append(Rect(label_w, y + 2, _r(max(value * bar_w / 100, 1)), 12, "box"))
        out.append(ChartRow(item, y + 12, shapes))
    top = 20 + len(rows) * row_h
    return Chart(bar_w + label_w + 15, top + 30, out, axis(top, label_w, bar_w))


def stacked_bars(
    rows: Sequence[tuple[Any, Sequence[tuple[float, str]]]],
    bar_w: float = BAR_W,
    label_w: float = 150,
    row_h: float = 22,
) -> Chart:
    """One bar per row from (item, [(share 0..1, css class), ...]), segments laid end to end; a row's
    shares sum to at most 1. Empty segments draw nothing."""
    out = []
    for k, (item, segments) in enumerate(rows):
        y = 5 + k * row_h
        x = float(label_w)
        shapes = []
        for share, css in segments:
            if share > 0:
                shapes.append(Rect(_r(x), y, _r(share * bar_w), 16, css))
            x += share * bar_w
        out.append(ChartRow(item, y + 13, shapes))
    return Chart(bar_w + label_w + 10, 10 + len(rows) * row_h, out)
