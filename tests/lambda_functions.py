"""Test-only Lambda handlers, mapped to function names through FLEETCTL_CONFIG by the fixtures:
one that raises, and ones whose answers break the transformation contract.
"""

from __future__ import annotations

from typing import Any

from handlers import telemetry


def raising(event: dict[str, Any], context: Any) -> dict[str, Any]:
    raise RuntimeError(f"sensor table unavailable for {len(event['records'])} records")


def loses_last_record(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = telemetry.handler(event, context)
    response["records"].pop()
    return response


def flips_ok_to_dropped(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answers like telemetry.handler except that the third record comes back Dropped."""
    response = telemetry.handler(event, context)
    third = response["records"][2]
    third["result"] = "Dropped"
    third["data"] = event["records"][2]["data"]
    del third["metadata"]
    return response


def echo(event: Any, context: Any) -> Any:
    return event


def returns_a_set(event: Any, context: Any) -> set[int]:
    return {1, 2}
