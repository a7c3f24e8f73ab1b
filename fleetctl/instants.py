"""Instants given on the command line: ISO-8601, UTC when no offset is given."""

from __future__ import annotations

from datetime import UTC, datetime

from fleetctl.errors import InputError

CONTRACT_TS = "%Y-%m-%dT%H:%M:%SZ"  # how the record contract writes event times


def parse_instant(text: str, option: str) -> datetime:
    """`text` as an aware UTC datetime; a one-line InputError naming `option` otherwise."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: not an ISO-8601 timestamp: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
