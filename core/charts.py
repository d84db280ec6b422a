"""Charts drawn on the server as SVG (no JavaScript, no CDN): the geometry of bars and lines over
labelled slots, for ``core/includes/svg_chart.html`` to draw.

Used by 访问统计's daily trend (``cms.visits.statistics.trend_chart``) and by 每月通报's score
trends and veto counts (``cms.monitoring.report``). Every chart carries a text ``summary`` for
screen readers (the SVG's ``aria-label`` and ``<title>``) and a tooltip per bar or point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Line:
    css: str  # the line's class, next to "line", for the page's stylesheet
    colour: str
    segments: list[str]  # SVG polyline points, one string per run without gaps
    dots: list[Dot]


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Series:
    """A line's values, one per slot; None leaves a gap (no data that month)."""

    css: str
    values: Sequence[float | None]
    dots: bool = False
    colour: str = "#d9480f"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    bars: list[Bar]
    lines: list[Line]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    summary: str
    bar_colour: str = "#2e6fb7"
    font_size: int = 12

    @property
    def x_label_y(self) -> float:
        """The baseline of the month or day labels: under the plot, clear of its bottom line."""
        return self.top + self.plot_height + self.font_size + 4


def nice_step(value: float) -> int:
    """The smallest 1, 2 or 5 × 10^n not below ``value`` (at least 1): the axis' step."""
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def series_chart(
    labels: Sequence[str],
    *,
    summary: str,
    bars: Sequence[float] | None = None,
    lines: Sequence[Series] = (),
    titles: Sequence[str] | None = None,
    width: int = 960,
    height: int = 300,
    margins: tuple[int, int, int, int] = (56, 16, 16, 40),  # left, top, right, bottom
    ceiling: float | None = None,
    step: float | None = None,
    max_x_ticks: int = 8,
    bar_colour: str = "#2e6fb7",
    font_size: int = 12,
) -> Chart:
    """Bars and/or lines over ``labels`` (one slot each). Without ``ceiling`` the axis runs in
    whole nice steps up to the highest value (at most 5 steps). Colours and sizes are written
    into the SVG itself (a stylesheet may override them): WeasyPrint's PDFs do not apply the
    page's CSS classes inside an SVG."""
    left, top, right, bottom = margins
    plot_width, plot_height = width - left - right, height - top - bottom
    values = [v for v in (bars or ())] + [v for s in lines for v in s.values if v is not None]
    if ceiling is None:
        highest = max(values, default=0)
        step = nice_step(highest / 5)
        ceiling = step * max(-(-highest // step), 1)
    step = step or ceiling
    slot = plot_width / max(len(labels), 1)
    bar_width = max(slot * 0.7, 1)
    titles = titles or list(labels)

    def y_of(value: float) -> float:
        return round(top + plot_height - plot_height * value / ceiling, 1)

    def x_of(n: int) -> float:
        return round(left + n * slot + slot / 2, 1)

    chart_bars = [
        Bar(
            round(left + n * slot + (slot - bar_width) / 2, 1),
            y_of(value),
            round(bar_width, 1),
            round(top + plot_height - y_of(value), 1),
            titles[n],
        )
        for n, value in enumerate(bars or ())
    ]
    chart_lines = []
    for series in lines:
        segments, run, dots = [], [], []
        for n, value in enumerate(series.values):
            if value is None:
                if run:
                    segments.append(" ".join(run))
                run = []
                continue
            run.append(f"{x_of(n)},{y_of(value)}")
            if series.dots:
                dots.append(Dot(x_of(n), y_of(value), titles[n]))
        if run:
            segments.append(" ".join(run))
        chart_lines.append(Line(series.css, series.colour, segments, dots))
    y_ticks, value = [], 0.0
    while value <= ceiling + 1e-9:
        y_ticks.append(Tick(y_of(value), str(int(value)) if value == int(value) else f"{value:.1f}"))
        value += step
    every = max(1, round(len(labels) / max_x_ticks))
    x_ticks = [Tick(x_of(n), label) for n, label in enumerate(labels) if n % every == 0]
    return Chart(
        width,
        height,
        left,
        top,
        plot_width,
        plot_height,
        chart_bars,
        chart_lines,
        y_ticks,
        x_ticks,
        summary,
        bar_colour,
        font_size,
    )
