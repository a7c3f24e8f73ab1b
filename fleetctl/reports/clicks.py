"""`fleetctl report clicks`: top items per category, the clicks trend, sessions, the shopping
funnel and co-click recommendations, from RAW.CLICKSTREAM and CORE.ITEM_CLICKS_MINUTE."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated

import msgspec

from fleetctl.reports.sql import read
from fleetctl.reports.window import Window, iso
from fleetctl.warehouse import Warehouse

# (step, the pages that reach it): a session reaches a step when it clicked on one of the
# step's pages or a later step's
FUNNEL = (
    ("browse", ("home", "search", "category")),
    ("product", ("product",)),
    ("cart", ("cart",)),
    ("checkout", ("checkout",)),
)
BUCKET_STEPS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1)}
AUTO_MINUTES_UP_TO = timedelta(hours=3)  # `auto`: per minute up to this span, else per hour


class ClicksOptions(msgspec.Struct, kw_only=True):
    """The report's settings, `reports.*`."""

    top_items: Annotated[int, msgspec.Meta(ge=1)]
    recommendations_per_item: Annotated[int, msgspec.Meta(ge=1)]


@dataclass(frozen=True)
class ClicksRequest:
    window: Window = field(default_factory=Window)
    bucket: str = "auto"  # minute, hour, or auto
    top: int = 5  # items per category
    per_item: int = 3  # recommendations per item


class TopItem(msgspec.Struct, kw_only=True):
    category: str
    rank: int
    item_id: str
    item_name: str
    clicks: int
    events: int
    share_pct: float  # of the category's clicks


class TrendPoint(msgspec.Struct, kw_only=True):
    bucket: str
    clicks: int
    events: int


class SessionStats(msgspec.Struct, kw_only=True):
    sessions: int
    events_per_session: float | None
    clicks_per_session: float | None
    items_per_session: float | None
    mean_duration_s: float | None
    median_duration_s: float | None
    single_click_sessions: int


class FunnelStep(msgspec.Struct, kw_only=True):
    step: str
    pages: list[str]
    sessions: int
    pct_of_sessions: float | None
    pct_of_previous: float | None


class Recommendation(msgspec.Struct, kw_only=True):
    item_id: str
    item_name: str
    sessions: int  # sessions that clicked both


class ItemRecommendations(msgspec.Struct, kw_only=True):
    item_id: str
    item_name: str
    recommended: list[Recommendation]


class ClickTotals(msgspec.Struct, kw_only=True):
    clicks: int
    events: int
    sessions: int
    first_minute: str | None
    last_minute: str | None


class ClicksReport(msgspec.Struct, kw_only=True):
    report: str
    window: dict[str, str | None]
    bucket: str
    totals: ClickTotals
    top_items: list[TopItem]
    trend: list[TrendPoint]
    sessions: SessionStats
    funnel: list[FunnelStep]
    recommendations: list[ItemRecommendations]


def clicks_report(warehouse: Warehouse, request: ClicksRequest) -> ClicksReport:
    params = request.window.params()
    minutes = [
        (row["MINUTE_TS"], int(row["CLICKS"]), int(row["EVENTS"]))
        for row in warehouse.query(read("clicks_per_minute.sql"), params)
    ]
    bucket = _bucket(request.bucket, minutes)
    top = warehouse.query(read("clicks_top_items.sql"), {**params, "top": request.top})
    (session_row,) = warehouse.query(read("clicks_sessions.sql"), params)
    pairs = warehouse.query(read("clicks_co_clicked.sql"), {**params, "per_item": request.per_item})
    return ClicksReport(
        report="clicks",
        window=request.window.document(),
        bucket=bucket,
        totals=ClickTotals(
            clicks=sum(m[1] for m in minutes),
            events=sum(m[2] for m in minutes),
            sessions=int(session_row["SESSIONS"]),
            first_minute=iso(minutes[0][0]) if minutes else None,
            last_minute=iso(minutes[-1][0]) if minutes else None,
        ),
        top_items=[_top_item(row) for row in top],
        trend=trend(minutes, bucket),
        sessions=_sessions(session_row),
        funnel=_funnel(session_row),
        recommendations=_recommendations(pairs),
    )


def trend(minutes: list[tuple[datetime, int, int]], bucket: str) -> list[TrendPoint]:
    """Clicks and events per bucket from the first to the last, empty buckets included."""
    if not minutes:
        return []
    step = BUCKET_STEPS[bucket]
    sums: dict[datetime, list[int]] = {}
    for moment, clicks, events in minutes:
        totals = sums.setdefault(_floor(moment, bucket), [0, 0])
        totals[0] += clicks
        totals[1] += events
    points = []
    moment, last = min(sums), max(sums)
    while moment <= last:
        clicks, events = sums.get(moment, (0, 0))
        points.append(TrendPoint(bucket=iso(moment) or "", clicks=clicks, events=events))
        moment += step
    return points


def _bucket(requested: str, minutes: list[tuple[datetime, int, int]]) -> str:
    if requested != "auto":
        return requested
    if minutes and minutes[-1][0] - minutes[0][0] > AUTO_MINUTES_UP_TO:
        return "hour"
    return "minute"


def _floor(moment: datetime, bucket: str) -> datetime:
    moment = moment.replace(second=0, microsecond=0)
    return moment.replace(minute=0) if bucket == "hour" else moment


def _ratio(value: object) -> float | None:
    return None if value is None else round(float(value), 2)  # type: ignore[arg-type]


def _top_item(row: dict) -> TopItem:
    category_clicks = int(row["CATEGORY_CLICKS"])
    return TopItem(
        category=row["CATEGORY"],
        rank=int(row["RANK"]),
        item_id=row["ITEM_ID"],
        item_name=row["ITEM_NAME"] or "",
        clicks=int(row["CLICKS"]),
        events=int(row["EVENTS"]),
        share_pct=round(100 * int(row["CLICKS"]) / category_clicks, 1) if category_clicks else 0.0,
    )


def _sessions(row: dict) -> SessionStats:
    return SessionStats(
        sessions=int(row["SESSIONS"]),
        events_per_session=_ratio(row["EVENTS_PER_SESSION"]),
        clicks_per_session=_ratio(row["CLICKS_PER_SESSION"]),
        items_per_session=_ratio(row["ITEMS_PER_SESSION"]),
        mean_duration_s=_ratio(row["MEAN_DURATION_S"]),
        median_duration_s=_ratio(row["MEDIAN_DURATION_S"]),
        single_click_sessions=int(row["SINGLE_CLICK_SESSIONS"]),
    )


def _funnel(row: dict) -> list[FunnelStep]:
    sessions = int(row["SESSIONS"])
    steps: list[FunnelStep] = []
    previous = sessions
    for number, (step, pages) in enumerate(FUNNEL, start=1):
        reached = int(row[f"STEP_{number}"])
        steps.append(
            FunnelStep(
                step=step,
                pages=list(pages),
                sessions=reached,
                pct_of_sessions=round(100 * reached / sessions, 1) if sessions else None,
                pct_of_previous=round(100 * reached / previous, 1) if previous else None,
            )
        )
        previous = reached
    return steps


def _recommendations(rows: Iterable[dict]) -> list[ItemRecommendations]:
    items: dict[str, ItemRecommendations] = {}
    for row in rows:
        item = items.setdefault(
            row["ITEM_ID"],
            ItemRecommendations(
                item_id=row["ITEM_ID"], item_name=row["ITEM_NAME"] or "", recommended=[]
            ),
        )
        item.recommended.append(
            Recommendation(
                item_id=row["CO_ITEM_ID"],
                item_name=row["CO_ITEM_NAME"] or "",
                sessions=int(row["SESSIONS"]),
            )
        )
    return list(items.values())
