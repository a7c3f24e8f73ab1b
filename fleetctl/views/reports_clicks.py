"""The clickstream report as a page: totals, trend chart, top items, sessions, funnel, co-clicks."""

from __future__ import annotations

from fleetctl.reports.charts import Chart
from fleetctl.reports.clicks import ClicksReport
from fleetctl.reports.page import Cell, Column, Page, Table, Text, number
from fleetctl.views.report_page import window_subtitle

RECOMMENDED_FOR_TOP = 5  # items (the most clicked) whose recommendations are shown


def page(report: ClicksReport) -> Page:
    t = report.totals
    clicks = Page(title="Clickstream report", subtitle=window_subtitle(report.window))
    clicks.add(
        Text(
            [
                Cell(
                    f"{t.clicks:,} clicks in {t.events:,} click events over {t.sessions:,} "
                    f"sessions, {t.first_minute or '-'} to {t.last_minute or '-'}",
                    "strong",
                )
            ]
        )
    )
    clicks.add(
        Chart(
            title=f"Clicks per {report.bucket}",
            kind="line",
            labels=[_label(p.bucket, report.bucket) for p in report.trend],
            series={"clicks": [p.clicks for p in report.trend]},
            y_title="clicks",
        )
    )
    clicks.add(_top_items(report))
    clicks.add(_sessions(report))
    clicks.add(_funnel(report))
    clicks.add(
        Chart(
            title="Funnel: sessions reaching each step",
            kind="bar",
            labels=[step.step for step in report.funnel],
            series={"sessions": [step.sessions for step in report.funnel]},
            y_title="sessions",
        )
    )
    clicks.add(_recommendations(report))
    return clicks


def _label(bucket: str, size: str) -> str:
    """`11-27 14:00`: short enough for a chart's axis."""
    return f"{bucket[5:10]} {bucket[11:16]}" if size == "hour" else bucket[11:16]


def _top_items(report: ClicksReport) -> Table:
    table = Table(
        "Top items per category",
        [
            Column("category"),
            Column("#", True),
            Column("item"),
            Column("name", wrap=True),
            Column("clicks", True),
            Column("events", True),
            Column("share %", True),
        ],
        empty="no clicks in the window",
    )
    for item in report.top_items:
        table.add(
            item.category if item.rank == 1 else "",
            item.rank,
            item.item_id,
            item.item_name,
            item.clicks,
            item.events,
            number(item.share_pct),
        )
    return table


def _sessions(report: ClicksReport) -> Table:
    s = report.sessions
    table = Table("Sessions", [Column("measure"), Column("value", True)])
    table.add("sessions", s.sessions)
    table.add("click events per session", number(s.events_per_session, 2))
    table.add("clicks per session", number(s.clicks_per_session, 2))
    table.add("distinct items per session", number(s.items_per_session, 2))
    table.add("mean duration (s)", number(s.mean_duration_s))
    table.add("median duration (s)", number(s.median_duration_s))
    table.add("single-click sessions", s.single_click_sessions)
    return table


def _funnel(report: ClicksReport) -> Table:
    table = Table(
        "Funnel",
        [
            Column("step"),
            Column("pages"),
            Column("sessions", True),
            Column("% of sessions", True),
            Column("% of previous", True),
        ],
        caption="a session reaches a step when it clicked on that step's pages or a later step's",
    )
    for step in report.funnel:
        table.add(
            step.step,
            ", ".join(step.pages),
            step.sessions,
            number(step.pct_of_sessions),
            number(step.pct_of_previous),
        )
    return table


def _recommendations(report: ClicksReport) -> Table:
    by_item = {r.item_id: r for r in report.recommendations}
    top = sorted(report.top_items, key=lambda i: (-i.clicks, i.item_id))[:RECOMMENDED_FOR_TOP]
    table = Table(
        "Co-clicked with the most clicked items",
        [
            Column("item"),
            Column("name", wrap=True),
            Column("recommend (sessions clicking both)", wrap=True),
        ],
        empty="no co-clicks",
        caption="items clicked in the same sessions; every item's list is in --json",
    )
    for item in top:
        recommended = by_item.get(item.item_id)
        if recommended is None or not recommended.recommended:
            continue
        table.add(
            item.item_id,
            item.item_name,
            ", ".join(f"{r.item_id} {r.item_name} ({r.sessions})" for r in recommended.recommended),
        )
    return table
