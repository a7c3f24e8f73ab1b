"""The clicks and SCD2 reports against figures computed here from the records and the rule."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from itertools import permutations

import pytest

from fleetctl.reports.clicks import ClicksRequest, clicks_report
from fleetctl.reports.scd2 import Scd2Request, scd2_report
from fleetctl.reports.window import Window
from fleetctl.scd2.rules import DEFAULT_TRACKED, versions
from tests.scd2_events import as_event

pytestmark = pytest.mark.integration

STEPS = {"home": 1, "search": 1, "category": 1, "product": 2, "cart": 3, "checkout": 4}


def test_top_items_trend_sessions_and_funnel_match_the_clicks(report_warehouse, report_records):
    clicks = report_records[1]["clickstream"]
    report = clicks_report(report_warehouse, ClicksRequest(top=3, bucket="hour"))

    per_item = Counter()
    for c in clicks:
        per_item[(c["category"], c["item_id"])] += c["click_count"]
    expected_top = []
    for category in sorted({c["category"] for c in clicks}):
        ranked = sorted(
            ((n, item) for (cat, item), n in per_item.items() if cat == category),
            key=lambda pair: (-pair[0], pair[1]),
        )
        expected_top += [(category, rank, item, n) for rank, (n, item) in enumerate(ranked[:3], 1)]
    assert [(t.category, t.rank, t.item_id, t.clicks) for t in report.top_items] == expected_top

    hourly = Counter()
    for c in clicks:
        hourly[c["event_ts"][:13] + ":00:00Z"] += c["click_count"]
    assert {p.bucket: p.clicks for p in report.trend} == dict(hourly)
    assert report.totals.clicks == sum(c["click_count"] for c in clicks)

    sessions = defaultdict(list)
    for c in clicks:
        sessions[c["session_id"]].append(c)
    assert report.sessions.sessions == len(sessions)
    assert report.sessions.single_click_sessions == sum(len(s) == 1 for s in sessions.values())
    deepest = [max(STEPS.get(c["page"], 0) for c in s) for s in sessions.values()]
    assert [step.sessions for step in report.funnel] == [
        sum(d >= k for d in deepest) for k in (1, 2, 3, 4)
    ]


def test_recommendations_are_the_items_sharing_the_most_sessions(report_warehouse, report_records):
    clicks = report_records[1]["clickstream"]
    report = clicks_report(report_warehouse, ClicksRequest(per_item=2))
    items_of = defaultdict(set)
    for c in clicks:
        items_of[c["session_id"]].add(c["item_id"])
    shared = Counter()
    for items in items_of.values():
        for a, b in permutations(items, 2):
            shared[(a, b)] += 1
    expected = {}
    for (a, b), n in shared.items():
        expected.setdefault(a, []).append((-n, b))
    expected = {a: [(b, -n) for n, b in sorted(pairs)[:2]] for a, pairs in expected.items()}
    assert {
        r.item_id: [(x.item_id, x.sessions) for x in r.recommended] for r in report.recommendations
    } == expected


def test_the_trend_per_minute_within_a_window_includes_empty_minutes(report_warehouse):
    window = Window.parse("2026-11-27T04:30:00Z", "2026-11-27T05:00:00Z")
    report = clicks_report(report_warehouse, ClicksRequest(window=window))
    assert report.bucket == "minute"  # auto: half an hour is shown per minute
    minutes = [p.bucket for p in report.trend]
    assert minutes == sorted(minutes) and len(set(minutes)) == len(minutes)
    assert minutes[0] >= "2026-11-27T04:30:00Z" and minutes[-1] < "2026-11-27T05:00:00Z"
    assert len(minutes) == int(minutes[-1][14:16]) - int(minutes[0][14:16]) + 1


def test_the_scd2_report_shows_the_rule_s_versions_and_passes_its_checks(
    report_warehouse, report_records
):
    telemetry = report_records[1]["telemetry"]
    report = scd2_report(report_warehouse, Scd2Request(tracked=DEFAULT_TRACKED, recent=100))
    rule = versions(map(as_event, telemetry))
    assert report.ok and all(c.ok for c in report.checks) and report.pending_loads == 0
    assert report.rows == len(rule)
    assert {t.truck_id: t.versions for t in report.versions} == Counter(v.truck_id for v in rule)
    assert len(report.recent_changes) == len(rule) - report.trucks
    newest = max(rule, key=lambda v: (v.effective_from, v.truck_id))
    assert report.recent_changes[0].truck_id == newest.truck_id


def test_a_broken_dimension_fails_the_scd2_report_with_exit_code_1(cli, warehouse) -> None:
    from fleetctl.warehouse import dimension_build as engine
    from tests.scd2_events import event, land

    land(warehouse, [event(1, "TRK-1", 0, "A"), event(2, "TRK-1", 5, "B")])
    engine.build(warehouse, DEFAULT_TRACKED)
    warehouse.execute("UPDATE CORE.DIM_TRUCK SET ROW_HASH = 'x' WHERE DRIVER_ID = 'B'")
    warehouse.close()
    result = cli("report", "scd2", "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["ok"] is False
    failed = {c["name"]: c for c in document["checks"] if not c["ok"]}
    assert list(failed) == ["hash_matches_values"]
    assert failed["hash_matches_values"]["examples"] == ["TRK-1"]
    assert result.stderr.strip() == (
        "error: CORE.DIM_TRUCK failed its integrity checks: hash_matches_values"
    )
    assert document["recent_changes"][0]["changes"] == [
        {"attribute": "driver_id", "before": "A", "after": "B"}
    ]
