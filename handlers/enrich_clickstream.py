"""Clickstream enrichment: item popularity per minute, session features and co-clicked items.

Lambda is stateless, so every figure is computed over the batch being transformed: a session or
a minute that spans two batches is seen in parts (the warehouse aggregates across batches).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from handlers.contract import Category, ClickstreamRecord
from handlers.timestamps import date_hour_keys, epoch_seconds
from handlers.transformed import ClickstreamDerived

CATEGORY_LABELS: dict[Category, str] = {
    "mobile_phones": "Mobile phones",
    "laptops": "Laptops",
    "cameras": "Cameras",
}
# A short list keeps the record small; five is what a "customers also viewed" strip shows.
MAX_CO_CLICKED = 5


def enrich_clicks(clicks: Sequence[ClickstreamRecord]) -> list[ClickstreamDerived]:
    """Derived fields for each click, aligned with `clicks` (which hold no duplicate events)."""
    clicks_per_item_minute: Counter[tuple[str, str]] = Counter()
    sessions: defaultdict[str, list[int]] = defaultdict(list)
    for index, click in enumerate(clicks):
        clicks_per_item_minute[click.item_id, click.event_ts[:16]] += click.click_count
        sessions[click.session_id].append(index)

    epochs = [epoch_seconds(click.event_ts) for click in clicks]
    derived: list[ClickstreamDerived | None] = [None] * len(clicks)
    for indexes in sessions.values():
        # Session order is event time; the sort is stable, so equal times keep batch order.
        indexes.sort(key=epochs.__getitem__)
        # One more than the cap, so a list without the click's own item still fills up.
        top_items = _items_by_session_clicks([clicks[i] for i in indexes])[: MAX_CO_CLICKED + 1]
        first_epoch = epochs[indexes[0]]
        items_so_far: set[str] = set()
        for click_index, i in enumerate(indexes, start=1):
            click = clicks[i]
            items_so_far.add(click.item_id)
            co_clicked = [item for item in top_items if item != click.item_id]
            derived[i] = ClickstreamDerived(
                category_label=CATEGORY_LABELS[click.category],
                item_clicks_in_minute=clicks_per_item_minute[click.item_id, click.event_ts[:16]],
                session_click_index=click_index,
                session_distinct_items=len(items_so_far),
                session_elapsed_s=epochs[i] - first_epoch,
                co_clicked_item_ids=co_clicked[:MAX_CO_CLICKED],
            )
    return derived  # type: ignore[return-value]  # every click belongs to one session


def _items_by_session_clicks(session: list[ClickstreamRecord]) -> list[str]:
    """Items of a time-ordered session, most clicked first; ties keep first-click order."""
    clicks_per_item: Counter[str] = Counter()
    for click in session:
        clicks_per_item[click.item_id] += click.click_count
    # Counter keeps first-insertion order and sorted() is stable, so ties stay in click order.
    return sorted(clicks_per_item, key=clicks_per_item.__getitem__, reverse=True)


def click_partition_keys(click: ClickstreamRecord) -> dict[str, str]:
    """Dynamic-partitioning keys: a few dozen prefixes a day (date, hour, 3 categories)."""
    keys = date_hour_keys(click.event_ts)
    keys["category"] = click.category
    return keys
