"""Integrity checks of CORE.DIM_TRUCK, run after every build and by `fleetctl report scd2`."""

from __future__ import annotations

from collections.abc import Sequence

from fleetctl.core import CheckResult
from fleetctl.scd2.tracked import tracked_columns
from fleetctl.warehouse import Warehouse
from fleetctl.warehouse import dimension_sql as sql

# each check: what must hold, and the rows of the dimension (with NEXT_FROM, EXPECTED_HASH and
# CURRENT_ROWS of their truck alongside) that break it
CHECKS: tuple[tuple[str, str, str], ...] = (
    (
        "no_overlaps",
        "a version ends no later than the next one starts",
        "NEXT_FROM IS NOT NULL AND (EFFECTIVE_TO IS NULL OR EFFECTIVE_TO > NEXT_FROM)",
    ),
    (
        "no_gaps",
        "a version ends exactly when the next one starts",
        "NEXT_FROM IS NOT NULL AND EFFECTIVE_TO < NEXT_FROM",
    ),
    (
        "one_current_per_truck",
        "each truck has exactly one current row, the one without an end",
        "CURRENT_ROWS <> 1 OR IS_CURRENT <> (EFFECTIVE_TO IS NULL)",
    ),
    (
        "from_before_to",
        "EFFECTIVE_FROM < EFFECTIVE_TO",
        "EFFECTIVE_TO IS NOT NULL AND EFFECTIVE_TO <= EFFECTIVE_FROM",
    ),
    (
        "hash_matches_values",
        "ROW_HASH is the hash of the tracked values",
        "ROW_HASH IS DISTINCT FROM EXPECTED_HASH",
    ),
)


def run_checks(warehouse: Warehouse, tracked: Sequence[str]) -> list[CheckResult]:
    columns = tracked_columns(tracked)
    rows = f"""
SELECT TRUCK_ID, EFFECTIVE_FROM, EFFECTIVE_TO, IS_CURRENT, ROW_HASH,
       {sql.row_hash(columns)} AS EXPECTED_HASH,
       LEAD(EFFECTIVE_FROM) OVER (PARTITION BY TRUCK_ID ORDER BY EFFECTIVE_FROM) AS NEXT_FROM,
       COUNT_IF(IS_CURRENT) OVER (PARTITION BY TRUCK_ID) AS CURRENT_ROWS
FROM {sql.DIM}
"""
    results = []
    for name, rule, broken in CHECKS:
        count, examples = warehouse.run(
            f"SELECT COUNT(*), ARRAY_AGG(DISTINCT TRUCK_ID) FROM ({rows}) WHERE {broken}"
        ).fetchone()
        trucks = _as_list(examples)
        results.append(CheckResult(name, rule, int(count), tuple(sorted(trucks)[:5])))
    return results


def _as_list(value: object) -> list[str]:
    """ARRAY_AGG comes back as JSON text through the connector, or as a list."""
    import json

    if value is None:
        return []
    return list(json.loads(value)) if isinstance(value, str) else list(value)  # type: ignore[arg-type]
