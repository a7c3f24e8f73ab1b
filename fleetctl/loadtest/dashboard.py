"""The load test on screen: a Rich Live table while it runs, the same table and the verdict after.

Every number is formatted from a `Snapshot`, the object the saved JSON is written from, at the
precision it was rounded to, so the screen and the file agree digit for digit.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from fleetctl.loadtest.aggregate import Percentiles, Snapshot, StreamSummary
from fleetctl.loadtest.verdict import Verdict

NA = "n/a"

Metric = tuple[str, Callable[[StreamSummary], str]]


def _count(value: int) -> str:
    return f"{value:,}"


def _percentile(field: str, key: str) -> Callable[[StreamSummary], str]:
    def cell(summary: StreamSummary) -> str:
        values: Percentiles | None = getattr(summary, field)
        return NA if values is None else f"{getattr(values, key):,.3f}"

    return cell


METRICS: list[Metric] = [
    ("target records/s", lambda s: f"{s.target_per_s:,.1f}"),
    ("achieved records/s", lambda s: f"{s.achieved_per_s:,.1f}"),
    ("achieved / target", lambda s: NA if s.achieved_ratio is None else f"{s.achieved_ratio:.2%}"),
    ("target, last second", lambda s: _count(s.last_second_scheduled)),
    ("achieved, last second", lambda s: _count(s.last_second_accepted)),
    ("sent", lambda s: _count(s.sent)),
    ("accepted", lambda s: _count(s.accepted)),
    ("throttled", lambda s: _count(s.throttled)),
    ("retried", lambda s: _count(s.retried)),
    ("dead-lettered", lambda s: _count(s.dead_lettered)),
    ("error rate", lambda s: f"{s.error_rate:.4%}"),
    ("batches", lambda s: _count(s.calls)),
    *[(f"put {key} ms", _percentile("put_ms", key)) for key in ("p50", "p95", "p99", "max")],
    *[(f"lag {key} s", _percentile("lag_s", key)) for key in ("p50", "p95", "p99", "max")],
]


def render(snapshot: Snapshot, title: str) -> Table:
    """One column per stream and one for all of them, one row per metric."""
    state = "" if snapshot.final else "  (running)"
    table = Table(
        title=f"{title}  {snapshot.elapsed_s:,.1f} s of {snapshot.duration_s:g} s{state}",
        title_justify="left",
    )
    table.add_column("metric")
    columns = {**snapshot.streams, "total": snapshot.total}
    for name in columns:
        table.add_column(name, justify="right")
    for label, cell in METRICS:
        table.add_row(label, *(cell(summary) for summary in columns.values()))
    return table


def verdict_lines(verdict: Verdict) -> Text:
    text = Text()
    if verdict.passed:
        text.append("PASS", style="bold green")
        text.append(f": all {len(verdict.checks)} thresholds met")
    else:
        text.append("FAIL", style="bold red")
        for reason in verdict.failures:
            text.append(f"\n  {reason}")
    return text


class Dashboard:
    """`with Dashboard(console, title) as board:` then `board.update(snapshot)`; silent when the
    console is not a terminal (CI logs get the final table only)."""

    def __init__(self, console: Console, title: str) -> None:
        self._title = title
        self._live = Live(console=console, refresh_per_second=4, transient=True)
        self.enabled = console.is_terminal

    def __enter__(self) -> Dashboard:
        if self.enabled:
            self._live.start()
        return self

    def update(self, snapshot: Snapshot) -> None:
        if self.enabled:
            self._live.update(render(snapshot, self._title))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.enabled:
            self._live.stop()
