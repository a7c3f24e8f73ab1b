"""Charts of a report: one description, drawn for the terminal by plotext and as inline SVG by
pygal (no external script or stylesheet: the HTML page must render offline).

Both libraries are imported on use, so commands that draw nothing never load them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

TERMINAL_HEIGHT = 12  # rows of a terminal chart, frame and tick labels included
SVG_WIDTH, SVG_HEIGHT = 900, 320
# at most this many x tick labels, so labels never run into each other
MAX_TICKS = 8
POINT_MARKERS = ("•", "+", "x")


@dataclass(frozen=True)
class Chart:
    """`kind` bar: one series, a bar per label; line: one or more series over the labels."""

    title: str
    kind: Literal["bar", "line"]
    labels: list[str]
    series: dict[str, list[float]] = field(default_factory=dict)
    y_title: str = ""

    @property
    def empty(self) -> bool:
        return not self.labels or not any(any(v for v in s) for s in self.series.values())


def terminal(chart: Chart, width: int) -> str:
    """The chart as text with ANSI colours, `width` cells wide."""
    import plotext

    # the caller's console decides the width, not the size of whatever terminal we run in
    plotext.terminal.limit(width=False, height=False)
    figure = plotext.figure
    figure.clear()
    figure.plot_size(width, TERMINAL_HEIGHT)
    figure.theme("simple")  # no background: readable on dark and light terminals
    title = chart.title + (f" ({chart.y_title})" if chart.y_title else "")
    positions = list(range(1, len(chart.labels) + 1))
    if chart.kind == "bar":
        (heights,) = chart.series.values()  # one series a bar chart
        figure.draw(figure.bar(chart.labels, heights))
    else:
        # a legend box would hide data: the first series is a line, the others points named
        # in the title by their marker
        names = []
        for n, (name, values) in enumerate(chart.series.items()):
            marker = None if n == 0 else POINT_MARKERS[(n - 1) % len(POINT_MARKERS)]
            line = figure.signal(positions, values, marker=marker)
            if marker is None:
                line.lines()
            figure.draw(line)
            names.append(f"{name} ({marker or 'line'})")
        if len(names) > 1:
            title += ": " + ", ".join(names)
        figure.legend(active=False)
        ticks = _tick_positions(len(chart.labels))
        figure.ruler(axis="x").ticks(ticks, [chart.labels[i - 1] for i in ticks])
    figure.title(title)
    return figure.build().string()


def svg(chart: Chart) -> str:
    """The chart as an `<svg>` element to inline into a page."""
    import pygal
    from pygal.style import Style

    style = Style(
        background="white",
        plot_background="white",
        font_family="DejaVu Sans, Arial, sans-serif",
        colors=("#2f6db3", "#d9822b", "#3a9a5b", "#b33a3a"),
        stroke_width="3",  # pygal's own rule for lines wins over a series' stroke_style width
    )
    kind = pygal.Bar if chart.kind == "bar" else pygal.Line
    plot = kind(
        js=[],  # pygal's tooltips come from a CDN; the page must work offline
        style=style,
        width=SVG_WIDTH,
        height=SVG_HEIGHT,
        disable_xml_declaration=True,
        show_legend=len(chart.series) > 1,
        legend_at_bottom=True,
        show_dots=chart.kind == "line" and len(chart.labels) <= 30,
        x_label_rotation=0,
        show_minor_x_labels=False,
        truncate_label=-1,
        y_title=chart.y_title or None,
        margin=12,
    )
    plot.title = chart.title
    plot.x_labels = chart.labels
    ticks = {chart.labels[i - 1] for i in _tick_positions(len(chart.labels))}
    plot.x_labels_major = [label for label in chart.labels if label in ticks]
    for n, (name, values) in enumerate(chart.series.items()):
        # later series dashed: drawn over the first where they agree, both stay visible
        plot.add(name, values, stroke_style={"dasharray": "7, 5"} if n else None)
    return plot.render(is_unicode=True)


def _tick_positions(count: int) -> list[int]:
    """1-based positions of up to MAX_TICKS evenly spread labels, first and last included."""
    if count <= MAX_TICKS:
        return list(range(1, count + 1))
    step = (count - 1) / (MAX_TICKS - 1)
    return sorted({1 + round(i * step) for i in range(MAX_TICKS)})
