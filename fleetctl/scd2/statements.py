"""The SCD2 build in Snowflake SQL, for a configurable list of tracked attributes.

Only identifiers are put into these statements, and only after `tracked_columns` has checked
them; values are always bound parameters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fleetctl.errors import ConfigError

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")  # whole string: fullmatch
TELEMETRY_COLUMNS = {"DRIVER_ID", "DEPOT_ID", "BRAKE_STATUS", "TRANSMISSION_STATUS"}
DIM = "CORE.DIM_TRUCK"
LOADS = "CORE.DIM_TRUCK_LOADS"
LAST_EVENT = "CORE.DIM_TRUCK_LAST_EVENT"
EVENTS = "RAW.TRUCK_TELEMETRY"
STAGED = "STAGE.TRUCK_TELEMETRY"  # a dry run's events wait here under their own load id
AFFECTED = "SCD2_AFFECTED"  # temporary: trucks to recompute and from which instant
VERSIONS = "SCD2_VERSIONS"  # temporary: their recomputed versions
PENDING = "SCD2_PENDING_LOADS"  # temporary: RAW loads the dimension has not taken in yet
# one order for every window over a truck's events: the rule's (event_ts, event_id)
EVENT_ORDER = "PARTITION BY TRUCK_ID ORDER BY EVENT_TS, EVENT_ID"
NULL_MARK = "'~'"  # must match fleetctl.scd2.rules.NULL_MARK


def tracked_columns(tracked: Sequence[str]) -> list[str]:
    """Upper-case column names for the configured attributes; each must be a telemetry column."""
    columns = []
    for name in tracked:
        if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
            raise ConfigError(f"scd2.tracked: {name!r} is not a valid column name")
        if name.upper() not in TELEMETRY_COLUMNS:
            known = ", ".join(sorted(c.lower() for c in TELEMETRY_COLUMNS))
            raise ConfigError(f"scd2.tracked: {name!r} is not a tracked-able column ({known})")
        columns.append(name.upper())
    if not columns:
        raise ConfigError("scd2.tracked: at least one attribute must be tracked")
    return columns


def row_hash(columns: Sequence[str], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    parts = " || '|' || ".join(f"COALESCE({prefix}{c}, {NULL_MARK})" for c in columns)
    return f"MD5({parts})"


def events_with_preview(columns: Sequence[str]) -> str:
    """RAW's events and a dry run's staged ones (load id bound as %(preview)s), as one table."""
    cols = "TRUCK_ID, EVENT_TS, EVENT_ID, LOAD_ID, " + ", ".join(columns)
    return (
        f"(SELECT {cols} FROM {EVENTS} "
        f"UNION ALL SELECT {cols} FROM {STAGED} WHERE LOAD_ID = %(preview)s)"
    )


PREVIEW_PENDING = (
    f"CREATE OR REPLACE TEMPORARY TABLE {PENDING} AS SELECT %(preview)s::VARCHAR AS LOAD_ID"
)


def pending_loads(full: bool) -> str:
    """RAW loads not yet in the dimension (every load when rebuilding)."""
    seen = "" if full else f"WHERE LOAD_ID NOT IN (SELECT LOAD_ID FROM {LOADS})"
    return f"""
CREATE OR REPLACE TEMPORARY TABLE {PENDING} AS
SELECT DISTINCT LOAD_ID FROM {EVENTS} {seen}
"""


def affected_incremental(events: str = EVENTS) -> str:
    """Trucks with pending events, and from which instant each is recomputed.

    APPENDED: every pending event is later than anything the dimension took in for the truck, so
    only the current version and the new events matter (ANCHOR = the current version's start).
    Otherwise the truck is recomputed from the start of the version *before* the one holding its
    earliest pending event: that start cannot move (a tie at the later version's start may merge
    it away), so everything after it follows from the events alone. NULL ANCHOR: the whole
    history. NEW_LAST_TS: the truck's latest event time once the build is done.
    """
    return f"""
CREATE OR REPLACE TEMPORARY TABLE {AFFECTED} AS
WITH touched AS (
    SELECT TRUCK_ID, MIN(EVENT_TS) AS EARLIEST, MAX(EVENT_TS) AS LATEST
    FROM {events} ev
    WHERE LOAD_ID IN (SELECT LOAD_ID FROM {PENDING})
    GROUP BY TRUCK_ID
), second_latest_start AS (
    SELECT t.TRUCK_ID, d.EFFECTIVE_FROM
    FROM touched t JOIN {DIM} d ON d.TRUCK_ID = t.TRUCK_ID AND d.EFFECTIVE_FROM <= t.EARLIEST
    QUALIFY ROW_NUMBER() OVER (PARTITION BY t.TRUCK_ID ORDER BY d.EFFECTIVE_FROM DESC) = 2
), appended AS (
    SELECT t.TRUCK_ID, c.EFFECTIVE_FROM AS CURRENT_FROM, l.LAST_EVENT_TS
    FROM touched t
    JOIN {LAST_EVENT} l ON l.TRUCK_ID = t.TRUCK_ID AND t.EARLIEST > l.LAST_EVENT_TS
    JOIN {DIM} c ON c.TRUCK_ID = t.TRUCK_ID AND c.IS_CURRENT
), never_built AS (
    -- trucks the dimension has no latest event time for: read it off their events
    SELECT ev.TRUCK_ID, MAX(ev.EVENT_TS) AS LATEST
    FROM {events} ev
    WHERE ev.TRUCK_ID IN (
        SELECT t.TRUCK_ID FROM touched t
        WHERE t.TRUCK_ID NOT IN (SELECT TRUCK_ID FROM {LAST_EVENT})
    )
    GROUP BY ev.TRUCK_ID
)
SELECT t.TRUCK_ID,
       COALESCE(p.CURRENT_FROM, s.EFFECTIVE_FROM) AS ANCHOR,
       p.TRUCK_ID IS NOT NULL AS APPENDED,
       CASE WHEN l.LAST_EVENT_TS IS NULL THEN n.LATEST
            WHEN l.LAST_EVENT_TS > t.LATEST THEN l.LAST_EVENT_TS
            ELSE t.LATEST END AS NEW_LAST_TS
FROM touched t
LEFT JOIN second_latest_start s ON s.TRUCK_ID = t.TRUCK_ID
LEFT JOIN appended p ON p.TRUCK_ID = t.TRUCK_ID
LEFT JOIN {LAST_EVENT} l ON l.TRUCK_ID = t.TRUCK_ID
LEFT JOIN never_built n ON n.TRUCK_ID = t.TRUCK_ID
"""


def affected_full(trucks: int, events: str = EVENTS) -> str:
    """Every truck, or the `trucks` bound as %(truck_0)s, %(truck_1)s...; whole histories."""
    truck_filter = (
        "AND TRUCK_ID IN (" + ", ".join(f"%(truck_{i})s" for i in range(trucks)) + ")"
        if trucks
        else ""
    )
    return f"""
CREATE OR REPLACE TEMPORARY TABLE {AFFECTED} AS
SELECT k.TRUCK_ID, NULL::TIMESTAMP_NTZ AS ANCHOR, FALSE AS APPENDED, e.LATEST AS NEW_LAST_TS
FROM (
    SELECT DISTINCT TRUCK_ID FROM {events} ev WHERE TRUE {truck_filter}
    UNION
    SELECT DISTINCT TRUCK_ID FROM {DIM} WHERE TRUE {truck_filter}
) k
LEFT JOIN (
    SELECT TRUCK_ID, MAX(EVENT_TS) AS LATEST FROM {events} ev WHERE TRUE {truck_filter}
    GROUP BY TRUCK_ID
) e ON e.TRUCK_ID = k.TRUCK_ID
"""


def versions(columns: Sequence[str], events: str = EVENTS) -> str:
    """Versions of the affected trucks from their anchor on, by the rule in fleetctl.scd2.rules."""
    cols = ", ".join(columns)
    e_cols = ", ".join(f"e.{c}" for c in columns)
    d_cols = ", ".join(f"d.{c}" for c in columns)
    changed = " OR ".join(f"LAG({c}) OVER ({EVENT_ORDER}) IS DISTINCT FROM {c}" for c in columns)
    next_start = "LEAD(EVENT_TS) OVER (PARTITION BY TRUCK_ID ORDER BY EVENT_TS)"
    return f"""
CREATE OR REPLACE TEMPORARY TABLE {VERSIONS} AS
WITH candidates AS (
    -- recomputed trucks: their events from the anchor on
    SELECT e.TRUCK_ID, e.EVENT_TS, e.EVENT_ID, {e_cols}
    FROM {events} e JOIN {AFFECTED} a ON a.TRUCK_ID = e.TRUCK_ID
    WHERE NOT a.APPENDED AND (a.ANCHOR IS NULL OR e.EVENT_TS >= a.ANCHOR)
    UNION ALL
    -- appended trucks: the new events only...
    SELECT e.TRUCK_ID, e.EVENT_TS, e.EVENT_ID, {e_cols}
    FROM {events} e JOIN {AFFECTED} a ON a.TRUCK_ID = e.TRUCK_ID
    WHERE a.APPENDED AND e.LOAD_ID IN (SELECT LOAD_ID FROM {PENDING})
    UNION ALL
    -- ...after the current version, which stands for every event before them
    SELECT d.TRUCK_ID, d.EFFECTIVE_FROM, '' AS EVENT_ID, {d_cols}
    FROM {DIM} d JOIN {AFFECTED} a ON a.TRUCK_ID = d.TRUCK_ID
    WHERE a.APPENDED AND d.IS_CURRENT
), instants AS (
    -- the last event of an instant holds the state there: no version of zero length
    SELECT * FROM candidates
    QUALIFY ROW_NUMBER() OVER (PARTITION BY TRUCK_ID, EVENT_TS ORDER BY EVENT_ID DESC) = 1
), starts AS (
    SELECT TRUCK_ID, EVENT_TS, {cols}
    FROM instants
    QUALIFY ROW_NUMBER() OVER ({EVENT_ORDER}) = 1 OR {changed}
)
SELECT
    MD5(TRUCK_ID || '|' || TO_VARCHAR(EVENT_TS, 'YYYY-MM-DD HH24:MI:SS')) AS TRUCK_SK,
    TRUCK_ID,
    {cols},
    EVENT_TS AS EFFECTIVE_FROM,
    {next_start} AS EFFECTIVE_TO,
    {next_start} IS NULL AS IS_CURRENT,
    {row_hash(columns)} AS ROW_HASH
FROM starts
"""


# a recomputed version `n` the dimension already holds, unchanged, as `d`
SAME_VERSION = (
    "n.TRUCK_ID = d.TRUCK_ID AND n.EFFECTIVE_FROM = d.EFFECTIVE_FROM"
    " AND n.ROW_HASH = d.ROW_HASH AND n.EFFECTIVE_TO IS NOT DISTINCT FROM d.EFFECTIVE_TO"
)


def in_scope(alias: str) -> str:
    """Dimension rows inside the recomputed range of an affected truck."""
    return (
        f"EXISTS (SELECT 1 FROM {AFFECTED} a WHERE a.TRUCK_ID = {alias}.TRUCK_ID"
        f" AND (a.ANCHOR IS NULL OR {alias}.EFFECTIVE_FROM >= a.ANCHOR))"
    )


# rows in range that the recomputation no longer produces exactly as they are
DELETE_STALE = f"""
DELETE FROM {DIM} d
WHERE {in_scope("d")}
  AND NOT EXISTS (SELECT 1 FROM {VERSIONS} n WHERE {SAME_VERSION})
"""


def insert_new(columns: Sequence[str]) -> str:
    """Recomputed versions the dimension does not hold yet, exactly."""
    cols = ", ".join(columns)
    n_cols = ", ".join(f"n.{c}" for c in columns)
    return f"""
INSERT INTO {DIM} (TRUCK_SK, TRUCK_ID, {cols}, EFFECTIVE_FROM, EFFECTIVE_TO, IS_CURRENT,
                   ROW_HASH, UPDATED_AT)
SELECT n.TRUCK_SK, n.TRUCK_ID, {n_cols}, n.EFFECTIVE_FROM, n.EFFECTIVE_TO, n.IS_CURRENT,
       n.ROW_HASH, %(now)s::TIMESTAMP_NTZ
FROM {VERSIONS} n
WHERE NOT EXISTS (SELECT 1 FROM {DIM} d WHERE {SAME_VERSION})
"""


# the latest event time of every truck the build recomputed
REPLACE_LAST_EVENTS = (
    f"DELETE FROM {LAST_EVENT} WHERE TRUCK_ID IN (SELECT TRUCK_ID FROM {AFFECTED})",
    f"INSERT INTO {LAST_EVENT} (TRUCK_ID, LAST_EVENT_TS) "
    f"SELECT TRUCK_ID, NEW_LAST_TS FROM {AFFECTED} WHERE NEW_LAST_TS IS NOT NULL",
)

MARK_LOADS = f"""
INSERT INTO {LOADS} (LOAD_ID, TRACKED, APPLIED_AT)
SELECT p.LOAD_ID, %(tracked)s, %(now)s::TIMESTAMP_NTZ
FROM {PENDING} p
WHERE p.LOAD_ID NOT IN (SELECT LOAD_ID FROM {LOADS})
"""

TRACKED_BEFORE = f"SELECT DISTINCT TRACKED FROM {LOADS}"

CHANGES = f"""
-- per affected truck: versions the build adds, removes, closes and splits
WITH old AS (
    SELECT d.* FROM {DIM} d WHERE {in_scope("d")}
), added AS (
    SELECT n.TRUCK_ID, COUNT(*) AS N FROM {VERSIONS} n
    WHERE NOT EXISTS (SELECT 1 FROM old d WHERE d.TRUCK_ID = n.TRUCK_ID
                      AND d.EFFECTIVE_FROM = n.EFFECTIVE_FROM AND d.ROW_HASH = n.ROW_HASH)
    GROUP BY n.TRUCK_ID
), removed AS (
    SELECT d.TRUCK_ID, COUNT(*) AS N FROM old d
    WHERE NOT EXISTS (SELECT 1 FROM {VERSIONS} n WHERE n.TRUCK_ID = d.TRUCK_ID
                      AND n.EFFECTIVE_FROM = d.EFFECTIVE_FROM AND n.ROW_HASH = d.ROW_HASH)
    GROUP BY d.TRUCK_ID
), closed AS (
    SELECT d.TRUCK_ID, COUNT(*) AS N FROM old d JOIN {VERSIONS} n
      ON n.TRUCK_ID = d.TRUCK_ID AND n.EFFECTIVE_FROM = d.EFFECTIVE_FROM
     AND n.ROW_HASH = d.ROW_HASH
    WHERE d.EFFECTIVE_TO IS NULL AND n.EFFECTIVE_TO IS NOT NULL
    GROUP BY d.TRUCK_ID
), split AS (
    -- a closed version with a new one starting inside it (inside the current one is closing)
    SELECT d.TRUCK_ID, COUNT(DISTINCT d.TRUCK_SK) AS N FROM old d JOIN {VERSIONS} n
      ON n.TRUCK_ID = d.TRUCK_ID AND n.EFFECTIVE_FROM > d.EFFECTIVE_FROM
     AND n.EFFECTIVE_FROM < d.EFFECTIVE_TO
    GROUP BY d.TRUCK_ID
)
SELECT a.TRUCK_ID,
       COALESCE(added.N, 0) AS ADDED,
       COALESCE(removed.N, 0) AS REMOVED,
       COALESCE(closed.N, 0) AS CLOSED,
       COALESCE(split.N, 0) AS SPLIT
FROM {AFFECTED} a
LEFT JOIN added ON added.TRUCK_ID = a.TRUCK_ID
LEFT JOIN removed ON removed.TRUCK_ID = a.TRUCK_ID
LEFT JOIN closed ON closed.TRUCK_ID = a.TRUCK_ID
LEFT JOIN split ON split.TRUCK_ID = a.TRUCK_ID
WHERE COALESCE(added.N, 0) + COALESCE(removed.N, 0) + COALESCE(closed.N, 0) > 0
ORDER BY a.TRUCK_ID
"""
