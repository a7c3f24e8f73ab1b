"""Clickstream enrichment against hand-computed values: popularity per minute, session
features and co-clicked items, all within one batch."""

from __future__ import annotations

from handlers import clickstream
from tests.handler_records import click_record, decoded_data, derived_fields, event_of


def derive(*records: dict) -> list[dict]:
    return derived_fields(clickstream.handler, list(records))


def test_category_label_is_the_canonical_name() -> None:
    labels = [
        d["category_label"]
        for d in derive(
            click_record(1, category="mobile_phones"),
            click_record(2, category="laptops"),
            click_record(3, category="cameras"),
        )
    ]

    assert labels == ["Mobile phones", "Laptops", "Cameras"]


def test_item_popularity_sums_click_counts_of_the_item_in_the_same_minute() -> None:
    derived = derive(
        click_record(1, item_id="A", event_ts="2026-11-27T08:15:07Z", session_id="S-1"),
        click_record(
            2, item_id="A", event_ts="2026-11-27T08:15:59Z", session_id="S-2", click_count=3
        ),
        click_record(3, item_id="A", event_ts="2026-11-27T08:16:00Z", session_id="S-2"),
        click_record(4, item_id="B", event_ts="2026-11-27T08:15:30Z", session_id="S-1"),
    )

    assert [d["item_clicks_in_minute"] for d in derived] == [4, 4, 1, 1]


def test_dropped_repeats_are_not_counted() -> None:
    click = click_record(1, item_id="A", click_count=2)
    event = event_of([click, click, click_record(2, item_id="A")], "clickstream")

    answers = clickstream.handler(event, None)["records"]

    assert [a["result"] for a in answers] == ["Ok", "Dropped", "Ok"]
    assert decoded_data(answers[0])["derived"]["item_clicks_in_minute"] == 3
    assert decoded_data(answers[2])["derived"]["session_click_index"] == 2


def test_session_features_follow_event_time_not_batch_order() -> None:
    derived = derive(
        click_record(1, item_id="A", event_ts="2026-11-27T08:15:07Z"),
        click_record(2, item_id="B", event_ts="2026-11-27T08:15:30Z"),
        click_record(3, item_id="A", event_ts="2026-11-27T08:15:10Z"),
        click_record(4, item_id="C", event_ts="2026-11-27T08:15:00Z", session_id="S-2"),
    )

    features = [
        (d["session_click_index"], d["session_distinct_items"], d["session_elapsed_s"])
        for d in derived
    ]
    assert features == [(1, 1, 0), (3, 2, 23), (2, 1, 3), (1, 1, 0)]


def test_session_elapsed_seconds_cross_midnight() -> None:
    derived = derive(
        click_record(1, event_ts="2026-11-27T23:59:50Z"),
        click_record(2, event_ts="2026-11-28T00:00:20Z"),
    )

    assert [d["session_elapsed_s"] for d in derived] == [0, 30]


def test_co_clicked_items_rank_by_session_clicks_then_first_click() -> None:
    derived = derive(
        click_record(1, item_id="A", event_ts="2026-11-27T08:15:00Z"),
        click_record(2, item_id="B", event_ts="2026-11-27T08:15:10Z", click_count=2),
        click_record(3, item_id="C", event_ts="2026-11-27T08:15:20Z"),
        click_record(4, item_id="D", event_ts="2026-11-27T08:15:30Z"),
        click_record(5, item_id="X", session_id="S-OTHER"),
    )

    assert [d["co_clicked_item_ids"] for d in derived] == [
        ["B", "C", "D"],
        ["A", "C", "D"],
        ["B", "A", "D"],
        ["B", "A", "C"],
        [],
    ]


def test_co_clicked_list_is_capped_at_five_without_the_items_own_id() -> None:
    clicks = [
        click_record(n, item_id=f"I{n}", event_ts=f"2026-11-27T08:15:{n:02d}Z") for n in range(8)
    ]

    derived = derive(*clicks)

    assert derived[0]["co_clicked_item_ids"] == ["I1", "I2", "I3", "I4", "I5"]
    assert derived[3]["co_clicked_item_ids"] == ["I0", "I1", "I2", "I4", "I5"]
