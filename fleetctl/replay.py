"""Resend recorded newline-delimited JSON (plain or gzip): simulator output, Firehose S3 backup
objects, or dead-letter files, each record to the stream it belongs to, in event order.

Each record's stream is inferred: a dead-letter envelope names it; a contract record with a
`truck_id` is telemetry, any other is clickstream. Several files are merged by event time; a record
without a usable `event_ts` keeps its place after the one before it in its file.
"""

from __future__ import annotations

import gzip
import heapq
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import msgspec
import orjson

from fleetctl.config import Settings
from fleetctl.core import STREAMS
from fleetctl.deadletters import from_document, is_dead_letter
from fleetctl.delivery import RunResult, deliver
from fleetctl.errors import InputError
from fleetctl.manifest import RunManifest, StreamManifest, new_run_id, utc_now_iso
from fleetctl.pacing import Event, event_time_s, pacer_for
from fleetctl.sinks import Sink

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class ReplayRequest:
    paths: tuple[Path, ...]
    sink: str
    speed: float = 0.0  # 1.0 = the recorded pacing; 0 = as fast as possible

    def __post_init__(self) -> None:
        if not self.paths:
            raise InputError("replay: give at least one file")
        for path in self.paths:
            if not path.is_file():
                raise InputError(f"{path}: no such file")
        if self.speed < 0:
            raise InputError(f"--speed must be >= 0 (0: as fast as possible), got {self.speed}")

    @classmethod
    def from_settings(cls, paths: list[Path], settings: Settings) -> ReplayRequest:
        return cls(
            paths=tuple(paths),
            sink=str(settings.get("sink")),
            speed=float(settings.get("replay.speed")),
        )


def read_events(path: Path) -> Iterator[Event]:
    """The records of one file, in file order; gzip is recognised by content, not by name."""
    try:
        with _open(path) as lines:
            for line_number, line in enumerate(lines, start=1):
                if line.strip():
                    yield _event(line, path, line_number)
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise InputError(f"{path}: damaged gzip data ({e})") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None


def count_records(paths: tuple[Path, ...]) -> int:
    """Read every file once, so a malformed line stops the replay before anything is sent."""
    return sum(1 for path in paths for _ in read_events(path))


def merged_events(paths: tuple[Path, ...]) -> Iterator[Event]:
    """All files' records by event time; ties and undated records keep file and line order."""
    if len(paths) == 1:
        yield from read_events(paths[0])
        return
    keyed = [_with_time_key(read_events(path)) for path in paths]
    for _, event in heapq.merge(*keyed, key=lambda pair: pair[0]):
        yield event


def run_replay(
    request: ReplayRequest,
    sink: Sink,
    home: Path,
    on_sent: Callable[[int], None] | None = None,
) -> RunResult:
    manifest = RunManifest(
        run_id=new_run_id(),
        command="replay",
        created_at=utc_now_iso(),
        parameters={"paths": [str(p) for p in request.paths], "speed": request.speed},
        sink=request.sink,
        streams={name: StreamManifest() for name in STREAMS},
    )

    def counted() -> Iterator[Event]:
        for event in merged_events(request.paths):
            stats = manifest.streams[event.stream]
            stats.generated += 1
            stats.bytes += len(event.data)
            if event.event_ts is not None:
                stats.first_event_ts = stats.first_event_ts or event.event_ts
                stats.last_event_ts = event.event_ts
            yield event

    return deliver(manifest, counted(), sink, home, pacer_for(request.speed), on_sent)


def _open(path: Path) -> IO[bytes]:
    with path.open("rb") as probe:
        compressed = probe.read(2) == GZIP_MAGIC
    return gzip.open(path, "rb") if compressed else path.open("rb")


def _event(line: bytes, path: Path, line_number: int) -> Event:
    where = f"{path}:{line_number}"
    try:
        document = orjson.loads(line)
    except orjson.JSONDecodeError as e:
        raise InputError(f"{where}: not valid JSON ({e})") from None
    if not isinstance(document, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(document).__name__}")
    if is_dead_letter(document):
        try:
            letter = from_document(document)
        except msgspec.ValidationError as e:
            raise InputError(f"{where}: not a valid dead-letter envelope ({e})") from None
        if letter.stream not in STREAMS:
            raise InputError(f"{where}: unknown stream {letter.stream!r}")
        return Event(letter.stream, letter.data, *_time_and_id(letter.data))
    stream = "telemetry" if "truck_id" in document else "clickstream"
    data = line if line.endswith(b"\n") else line + b"\n"
    return Event(stream, data, *_time_and_id_of(document))


def _time_and_id(record: bytes) -> tuple[str | None, str | None]:
    """A dead letter's records are whatever was sent, so event time and id may well be missing."""
    try:
        document = orjson.loads(record)
    except orjson.JSONDecodeError:
        return None, None
    return _time_and_id_of(document)


def _time_and_id_of(document: object) -> tuple[str | None, str | None]:
    if not isinstance(document, dict):
        return None, None
    event_ts, event_id = document.get("event_ts"), document.get("event_id")
    return (
        event_ts if isinstance(event_ts, str) else None,
        event_id if isinstance(event_id, str) else None,
    )


def _with_time_key(events: Iterator[Event]) -> Iterator[tuple[float, Event]]:
    last_s = float("-inf")
    for event in events:
        if event.event_ts is not None and (event_s := event_time_s(event.event_ts)) is not None:
            last_s = event_s
        yield last_s, event
