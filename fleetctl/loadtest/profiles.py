"""Load profiles: records/s per stream over time (piecewise linear) and the thresholds of a verdict.

A profile is a TOML file, packaged under `config/loadtests/` (chosen by name) or anywhere (by path):

    description = "10,000 trucks every minute, clicks ramping up"
    duration_s = 300                             # optional; `--duration` overrides it
    [streams.telemetry]
    rate = [[0, 166.7]]                          # [seconds from start, records/s] points
    [streams.clickstream]
    rate = [[0, 500], [120, 3000], [300, 3000]]  # linear in between; the last rate holds after
    [thresholds]                                 # optional; over config `loadtest.thresholds.*`
    p99_put_ms = 500
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any

import msgspec

from config import DEFAULT_CONFIG_PATH
from fleetctl.config import Settings
from fleetctl.errors import ConfigError, InputError

PROFILES_DIR = DEFAULT_CONFIG_PATH.parent / "loadtests"

NonNegative = Annotated[float, msgspec.Meta(ge=0)]
Positive = Annotated[float, msgspec.Meta(gt=0)]
Fraction = Annotated[float, msgspec.Meta(ge=0, le=1)]


class Thresholds(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Limits a run must stay within to pass; a limit left unset is not checked."""

    p99_put_ms: Positive | None = None  # put latency p99, all streams
    error_rate: Fraction | None = None  # records dead-lettered / records sent
    min_achieved_ratio: Fraction | None = None  # achieved / target records/s, every stream
    p99_lag_s: Positive | None = None  # end-to-end lag p99 (only sinks that report lag)

    def over(self, defaults: Thresholds) -> Thresholds:
        """These limits, with `defaults` filling the ones left unset."""
        mine = msgspec.structs.asdict(self)
        theirs = msgspec.structs.asdict(defaults)
        return Thresholds(**{k: theirs[k] if v is None else v for k, v in mine.items()})


def configured_thresholds(settings: Settings) -> Thresholds:
    """The `loadtest.thresholds.*` settings, the limits of runs whose profile sets none."""
    try:
        return msgspec.convert(settings.section("loadtest.thresholds"), Thresholds)
    except msgspec.ValidationError as e:
        raise ConfigError(f"loadtest.thresholds: {e}") from None


class _StreamFile(msgspec.Struct, forbid_unknown_fields=True):
    rate: Annotated[list[tuple[NonNegative, NonNegative]], msgspec.Meta(min_length=1)]


class _StreamsFile(msgspec.Struct, forbid_unknown_fields=True):
    # fields, not a dict, so that an error's path names the stream
    clickstream: _StreamFile | None = None
    telemetry: _StreamFile | None = None


class _ProfileFile(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    description: str = ""
    duration_s: Positive | None = None
    streams: _StreamsFile
    thresholds: Thresholds = msgspec.field(default_factory=Thresholds)


class RateCurve:
    """Records/s as a piecewise-linear function of seconds since the start, and its integral."""

    def __init__(self, points: list[tuple[float, float]]) -> None:
        if not points or points[0][0] != 0:
            raise ValueError("the first point must be at 0 s")
        for (t0, _), (t1, _) in pairwise(points):
            if t1 <= t0:
                raise ValueError(f"times must increase ({t1:g} s after {t0:g} s)")
        self.points = [(float(t), float(r)) for t, r in points]
        self._times = [t for t, _ in self.points]
        self._counts = [0.0]  # records due from 0 s to each point
        for (t0, r0), (t1, r1) in pairwise(self.points):
            self._counts.append(self._counts[-1] + (r0 + r1) / 2 * (t1 - t0))

    def rate_at(self, t_s: float) -> float:
        k = bisect_right(self._times, t_s) - 1
        t0, r0 = self.points[k]
        if k + 1 == len(self.points):
            return r0
        t1, r1 = self.points[k + 1]
        return r0 + (r1 - r0) * (t_s - t0) / (t1 - t0)

    def count_until(self, t_s: float) -> float:
        """Records due in [0, t_s): the integral of the rate (trapezoids between points)."""
        k = bisect_right(self._times, t_s) - 1
        t0, r0 = self.points[k]
        return self._counts[k] + (r0 + self.rate_at(t_s)) / 2 * (t_s - t0)

    def peak(self, until_s: float) -> float:
        return max([r for t, r in self.points if t < until_s] + [self.rate_at(until_s)])


@dataclass(frozen=True)
class LoadProfile:
    name: str
    source: str  # the file it came from, or "--rate"
    description: str
    streams: dict[str, RateCurve]
    thresholds: Thresholds
    duration_s: float | None = None

    def document(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "description": self.description,
            "streams": {name: curve.points for name, curve in self.streams.items()},
        }


def steady_profile(records_per_s: float) -> LoadProfile:
    """`--rate R`: R records/s in all, split evenly between the two streams."""
    if not records_per_s > 0 or math.isinf(records_per_s):
        raise InputError(f"--rate must be a positive number of records/s, got {records_per_s}")
    half = [(0.0, records_per_s / 2)]
    return LoadProfile(
        name=f"steady {records_per_s:g}/s",
        source="--rate",
        description=f"{records_per_s:g} records/s, half clickstream, half telemetry",
        streams={"clickstream": RateCurve(half), "telemetry": RateCurve(half)},
        thresholds=Thresholds(),
    )


def known_profiles() -> list[str]:
    return sorted(p.stem for p in PROFILES_DIR.glob("*.toml"))


def load_profile(name_or_path: str) -> LoadProfile:
    """A packaged profile by name (`black-friday`) or a TOML file by path."""
    path = Path(name_or_path)
    if path.suffix != ".toml" and "/" not in name_or_path and not path.exists():
        path = PROFILES_DIR / f"{name_or_path}.toml"
        if not path.is_file():
            known = ", ".join(known_profiles())
            raise InputError(f"unknown load profile {name_or_path!r} (known: {known}, or a file)")
    return parse_profile(path)


def parse_profile(path: Path) -> LoadProfile:
    """Read and validate a profile file; any fault is one InputError naming the file and field."""
    try:
        spec = msgspec.toml.decode(path.read_bytes(), type=_ProfileFile)
    except OSError as e:
        raise InputError(f"{path}: cannot read load profile ({e.strerror})") from None
    except msgspec.ValidationError as e:
        raise InputError(f"{path}: {e}") from None
    except msgspec.DecodeError as e:
        raise InputError(f"{path}: not valid TOML ({e})") from None
    streams: dict[str, RateCurve] = {}
    given = msgspec.structs.asdict(spec.streams)
    for stream, load in sorted((k, v) for k, v in given.items() if v is not None):
        try:
            streams[stream] = RateCurve(load.rate)
        except ValueError as e:
            raise InputError(f"{path}: {e} - at `$.streams.{stream}.rate`") from None
    if not any(rate > 0 for curve in streams.values() for _, rate in curve.points):
        raise InputError(f"{path}: no stream has a rate above 0 - at `$.streams`")
    return LoadProfile(
        name=path.stem,
        source=str(path),
        description=spec.description,
        streams=streams,
        thresholds=spec.thresholds,
        duration_s=spec.duration_s,
    )
