"""Drive the simulators minute by minute into a sink and record the run's manifest."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import orjson

from fleetctl.config import Settings
from fleetctl.delivery import RunResult, deliver
from fleetctl.errors import InputError
from fleetctl.instants import CONTRACT_TS, parse_instant
from fleetctl.manifest import RunManifest, StreamManifest, new_run_id, utc_now_iso
from fleetctl.pacing import Event, pacer_for
from fleetctl.shards import Shard
from fleetctl.sinks import Sink


def parse_start(text: str) -> datetime:
    """An ISO-8601 instant, as UTC, truncated to the minute (telemetry is minute-aligned)."""
    return parse_instant(text, "--start").replace(second=0, microsecond=0)


@dataclass(frozen=True)
class SimulationRequest:
    trucks: int
    minutes: int
    clicks_per_minute: float
    seed: int
    start: datetime
    sink: str
    speed: float = 0.0  # event time per wall time; 0 = as fast as possible
    shard: Shard = field(default_factory=Shard)  # the part of the run this process generates

    def __post_init__(self) -> None:
        for name in ("trucks", "minutes", "clicks_per_minute"):
            if getattr(self, name) < 0:
                flag = "--" + name.replace("_", "-")
                raise InputError(f"{flag} must be >= 0, got {getattr(self, name)}")
        if self.speed < 0:
            raise InputError(f"--speed must be >= 0 (0: as fast as possible), got {self.speed}")

    @classmethod
    def from_settings(cls, settings: Settings) -> SimulationRequest:
        return cls(
            trucks=int(settings.get("simulate.trucks")),
            minutes=int(settings.get("simulate.minutes")),
            clicks_per_minute=float(settings.get("simulate.clicks_per_minute")),
            seed=int(settings.get("simulate.seed")),
            start=parse_start(str(settings.get("simulate.start"))),
            sink=str(settings.get("sink")),
            speed=float(settings.get("simulate.speed")),
            shard=Shard.parse(str(settings.get("simulate.shard"))),
        )

    def parameters(self) -> dict[str, object]:
        return {
            "trucks": self.trucks,
            "minutes": self.minutes,
            "clicks_per_minute": self.clicks_per_minute,
            "seed": self.seed,
            "start": self.start.strftime(CONTRACT_TS),
            "speed": self.speed,
            "shard": str(self.shard),
        }


def run_simulation(
    request: SimulationRequest,
    sink: Sink,
    home: Path,
    on_minute: Callable[[int], None] | None = None,
) -> RunResult:
    """Generate `request.minutes` minutes of both streams into `sink`, streaming minute by minute.

    With a pacer each minute's records go out in event-time order when they are due (speed 1:
    one telemetry minute per wall-clock minute, clicks at their real rate); without, at once.
    A shard generates its part of the run (`fleetctl.shards`).
    """
    from simulators import ClickstreamSimulator, TelemetrySimulator

    pacer = pacer_for(request.speed)
    trucks = request.shard.trucks(request.trucks)
    clicks = ClickstreamSimulator(
        seed=request.seed, start=request.start, clicks_per_minute=request.clicks_per_minute
    ).next_minute
    generators = {
        "clickstream": clicks if request.shard.whole else _shard_clicks(request, clicks),
        "telemetry": TelemetrySimulator(
            seed=request.seed, start=request.start, trucks=len(trucks), first_truck=trucks.start
        ).next_minute,
    }
    manifest = RunManifest(
        run_id=new_run_id(),
        command="simulate",
        created_at=utc_now_iso(),
        parameters=request.parameters(),
        sink=request.sink,
        streams={name: StreamManifest() for name in generators},
    )

    def events() -> Iterator[Event]:
        for minute in range(request.minutes):
            bucket = (request.start + timedelta(minutes=minute)).strftime(CONTRACT_TS)
            due: list[Event] = []
            for stream, next_minute in generators.items():
                records = next_minute()
                if records:
                    lines = [orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE) for r in records]
                    _count(manifest.streams[stream], bucket, records, lines)
                    due.extend(
                        Event(stream, line, r["event_ts"], r["event_id"])
                        for r, line in zip(records, lines, strict=True)
                    )
            if pacer is not None:
                due.sort(key=lambda e: e.event_ts)  # stable; the contract's format sorts as time
            yield from due
            if on_minute is not None:
                on_minute(minute + 1)

    return deliver(manifest, events(), sink, home, pacer)


def _shard_clicks(
    request: SimulationRequest, next_minute: Callable[[], list[dict]]
) -> Callable[[], list[dict]]:
    """`next_minute` of the whole site's clicks, keeping those of the shard's seconds."""
    minute_second = int(request.start.timestamp())
    owns = request.shard.owns_second

    def next_shard_minute() -> list[dict]:
        nonlocal minute_second
        first, minute_second = minute_second, minute_second + 60
        # a minute's clicks carry that minute's timestamps: only the seconds differ
        return [r for r in next_minute() if owns(first + int(r["event_ts"][17:19]))]

    return next_shard_minute


def _count(stats: StreamManifest, bucket: str, records: list[dict], lines: list[bytes]) -> None:
    stats.generated += len(records)
    stats.bytes += sum(map(len, lines))
    if stats.first_event_ts is None:
        stats.first_event_ts = records[0]["event_ts"]
    stats.last_event_ts = records[-1]["event_ts"]
    stats.per_minute[bucket] = len(records)
