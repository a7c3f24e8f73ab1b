"""Property: however batches split, overlap and replay, the warehouse ends up the same."""

from __future__ import annotations

import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleetctl.config import load_settings
from fleetctl.warehouse import loading, migrations, open_warehouse
from tests.warehouse_records import clicks_per_minute, clickstream, expected_clicks_per_minute

CLICKS = [clickstream(n) for n in range(40)]

# a delivery: slices of the clicks, in any order, any slice possibly sent again
slices = st.tuples(st.integers(0, len(CLICKS)), st.integers(0, len(CLICKS))).map(
    lambda ends: CLICKS[min(ends) : max(ends)]
)


@pytest.mark.integration
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deliveries=st.lists(slices, min_size=1, max_size=5))
def test_clicks_per_minute_equal_a_recount_of_everything_delivered(
    deliveries: list[list[dict]],
) -> None:
    delivered = [record for batch in deliveries for record in batch]
    with (
        tempfile.TemporaryDirectory() as home,
        open_warehouse(load_settings(environ={"FLEETCTL_HOME": home})) as wh,
    ):
        migrations.apply(wh)
        inserted = sum(
            loading.load_records(wh, "clickstream", batch).inserted for batch in deliveries
        )
        raw_ids = {r["EVENT_ID"] for r in wh.query("SELECT EVENT_ID FROM RAW.CLICKSTREAM")}
        per_minute = clicks_per_minute(wh)
    unique_ids = {record["event_id"] for record in delivered}
    assert inserted == len(unique_ids) == len(raw_ids)
    assert raw_ids == unique_ids
    assert per_minute == expected_clicks_per_minute(delivered)
