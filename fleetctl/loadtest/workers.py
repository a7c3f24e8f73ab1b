"""Load-test processes: each generates its part of the schedule, sends it through its own sink on
time (open loop), and reports one-second windows to the parent over a queue."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from fleetctl.config import Settings
from fleetctl.errors import FleetctlError
from fleetctl.loadtest.metrics import WindowPart, WindowRecorder
from fleetctl.loadtest.profiles import RateCurve
from fleetctl.loadtest.record_sources import RecordSource, sources_for
from fleetctl.loadtest.schedule import arrivals
from fleetctl.pacing import Pacer
from fleetctl.sinks import CallOutcome, ReportsCalls, ReportsLag, Sink, SinkReport, open_sink

SHIP_EVERY_S = 0.25
# Records not handed to the sink by this long after the run's end stay unsent: a target too slow
# to take them must not stretch the run without bound (they count against the achieved rate).
LATE_GRACE_S = 1.0


@dataclass(frozen=True)
class WorkerPlan:
    part: int
    parts: int
    streams: dict[str, RateCurve]
    duration_s: float
    tick_s: float
    seed: int
    sink: str
    settings: Settings


class Ready(NamedTuple):
    part: int
    reports_lag: bool


class Progress(NamedTuple):
    part: int
    windows: list[WindowPart]
    watermark: int  # every window before this second has been sent


class Finished(NamedTuple):
    part: int
    windows: list[WindowPart]
    report: SinkReport
    drained_s: float  # seconds from the start until the sink had delivered everything


class Crashed(NamedTuple):
    part: int
    error: FleetctlError | str  # a user-facing error as itself, anything else described


def worker_main(plan: WorkerPlan, messages: Any, start_at: Any, go: Any, stop: Any) -> None:
    """Process entry point; `start_at` holds the agreed start (epoch seconds) once `go` is set."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent turns Ctrl-C into `stop`
    try:
        sink = open_sink(plan.sink, plan.settings)
        peaks = {
            name: curve.peak(plan.duration_s) / plan.parts for name, curve in plan.streams.items()
        }
        sources = sources_for(peaks, plan.seed, plan.part)
        messages.put(Ready(plan.part, isinstance(sink, ReportsLag)))
        while not go.wait(0.1):
            if stop.is_set():
                sink.close()
                return
        start_s = time.monotonic() + (start_at.value - time.time())
        recorder = WindowRecorder(start_s)
        if isinstance(sink, ReportsCalls):
            sink.observe_calls(recorder)
        if isinstance(sink, ReportsLag):
            sink.observe_landing(recorder)
        shipping = _Shipper(plan.part, recorder, messages)
        try:
            drive(plan, sink, sources, recorder, start_s, stop)
        finally:
            report = sink.close()
            drained_s = time.monotonic() - start_s
            shipping.stop()
        windows, _ = recorder.take(everything=True)
        messages.put(Finished(plan.part, windows, report, drained_s))
    except FleetctlError as e:
        messages.put(Crashed(plan.part, e))
    except Exception as e:
        messages.put(Crashed(plan.part, f"{type(e).__name__}: {e}"))


def drive(
    plan: WorkerPlan,
    sink: Sink,
    sources: Mapping[str, RecordSource],
    recorder: WindowRecorder,
    start_s: float,
    stop: Any,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Send this part's arrivals when they are due, whatever the previous sends are doing.

    `start_s` is the run's start on `clock`; `stop` (an Event) ends the run early.
    """
    pacer = Pacer(1.0, clock=clock, sleep=stop.wait, anchor=(0.0, start_s))
    send = sink.send if isinstance(sink, ReportsCalls) else _timed(sink, recorder, clock)
    last_send_s = plan.duration_s + LATE_GRACE_S
    for arrival in arrivals(plan.streams, plan.duration_s, plan.tick_s, plan.part, plan.parts):
        pacer.wait(arrival.due_s)
        if stop.is_set() or clock() - start_s > last_send_s:
            return
        records = sources[arrival.stream].take(arrival.records)
        recorder.sent(arrival.stream, len(records))
        send(arrival.stream, records)


def _timed(
    sink: Sink, recorder: WindowRecorder, clock: Callable[[], float]
) -> Callable[[str, list[bytes]], None]:
    """A sink that does not report calls is synchronous: a `send` is a call, accepted on return."""

    def send(stream: str, records: list[bytes]) -> None:
        started = clock()
        sink.send(stream, records)
        seconds = clock() - started
        recorder.call_finished(
            CallOutcome(
                stream=stream,
                records=len(records),
                bytes=sum(map(len, records)),
                accepted=len(records),
                dead_lettered=0,
                retried=0,
                throttled=0,
                attempts=1,
                seconds=seconds,
            )
        )

    return send


class _Shipper:
    """Sends finished windows to the parent a few times a second, even while sends block."""

    def __init__(self, part: int, recorder: WindowRecorder, messages: Any) -> None:
        self._part = part
        self._recorder = recorder
        self._messages = messages
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="loadtest-shipper", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(SHIP_EVERY_S):
            windows, watermark = self._recorder.take()
            self._messages.put(Progress(self._part, windows, watermark))

    def stop(self) -> None:
        self._done.set()
        self._thread.join()
