"""`fleetctl invoke` as a library call: batch records into events, invoke the function with one
or two invokers, check every answer against the contract, and tally or diff the results.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from fleetctl.config import Settings
from fleetctl.errors import InvocationError
from fleetctl.lambdas.compare import Difference, differences
from fleetctl.lambdas.contract_check import RESULTS, Answer, check_response
from fleetctl.lambdas.events import (
    BatchLimits,
    DeliveryStream,
    TransformationBatch,
    firehose_batches,
)
from fleetctl.lambdas.inputs import RecordSource
from fleetctl.lambdas.invoker import Invoker

# Enough to act on; a broken handler would otherwise fill the screen.
KEPT_VIOLATIONS = 20
KEPT_DIFFERENCES = 10


@dataclass(frozen=True)
class InvokeRequest:
    stream: str
    function_name: str
    delivery_stream: DeliveryStream
    limits: BatchLimits

    @classmethod
    def from_settings(
        cls, settings: Settings, stream: str, function_name: str | None = None
    ) -> InvokeRequest:
        """`function_name` defaults to the stream's function in `lambda.stream_functions`."""
        return cls(
            stream=stream,
            function_name=function_name or str(settings.get(f"lambda.stream_functions.{stream}")),
            delivery_stream=DeliveryStream(
                name=str(settings.get(f"streams.{stream}")),
                region=str(settings.get("lambda.region")),
                account_id=str(settings.get("lambda.account_id")),
            ),
            limits=BatchLimits(
                max_records=int(settings.get("invoke.batch_records")),
                buffer_mb=float(settings.get("invoke.buffer_mb")),
            ),
        )


@dataclass(frozen=True)
class ReasonSample:
    record_id: str
    origin: str


@dataclass
class InvokerTally:
    """What one invoker's answers added up to."""

    label: str
    results: Counter[str] = field(default_factory=lambda: Counter(dict.fromkeys(RESULTS, 0)))
    reasons: Counter[str] = field(default_factory=Counter)
    samples: dict[str, ReasonSample] = field(default_factory=dict)
    response_bytes: int = 0
    max_response_bytes: int = 0
    seconds: float = 0.0
    violation_count: int = 0
    violations: list[str] = field(default_factory=list)


@dataclass
class InvokeReport:
    request: InvokeRequest
    source: str
    tallies: dict[str, InvokerTally]
    records: int = 0
    blank_lines: int = 0
    batches: int = 0
    data_bytes: int = 0
    request_bytes: int = 0
    max_request_bytes: int = 0
    difference_count: int = 0
    differences: list[Difference] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def compared(self) -> bool:
        return len(self.tallies) == 2

    @property
    def violation_count(self) -> int:
        return sum(t.violation_count for t in self.tallies.values())


def run_invoke(
    request: InvokeRequest,
    source: RecordSource,
    invokers: list[Invoker],
    on_batch: Callable[[TransformationBatch], None] | None = None,
) -> InvokeReport:
    """Send every record through each invoker (the same events to each); with two invokers,
    diff their answers record by record.
    """
    tallies = {invoker.label: InvokerTally(invoker.label) for invoker in invokers}
    report = InvokeReport(request, source.description, tallies)
    started = time.perf_counter()
    for batch in firehose_batches(source, request.delivery_stream, request.limits):
        report.batches += 1
        report.records += batch.records
        report.data_bytes += batch.data_bytes
        report.request_bytes += len(batch.payload)
        report.max_request_bytes = max(report.max_request_bytes, len(batch.payload))
        answers = [_invoke_and_check(invoker, request, batch, report) for invoker in invokers]
        if len(answers) == 2:
            found = differences(batch, *answers)
            report.difference_count += len(found)
            report.differences.extend(found[: KEPT_DIFFERENCES - len(report.differences)])
        if on_batch is not None:
            on_batch(batch)
    report.seconds = time.perf_counter() - started
    report.blank_lines = source.blank_lines
    return report


def _invoke_and_check(
    invoker: Invoker, request: InvokeRequest, batch: TransformationBatch, report: InvokeReport
) -> list[Answer]:
    tally = report.tallies[invoker.label]
    began = time.perf_counter()
    try:
        payload = invoker.invoke(request.function_name, batch.payload)
    except InvocationError as e:
        raise InvocationError(
            f"{e} [{invoker.label}, batch {batch.number}: {batch.origins[0]}..{batch.origins[-1]}]"
        ) from None
    tally.seconds += time.perf_counter() - began
    tally.response_bytes += len(payload)
    tally.max_response_bytes = max(tally.max_response_bytes, len(payload))
    checked = check_response(batch, payload, request.stream, request.limits.payload_limit_bytes)
    tally.violation_count += len(checked.violations)
    tally.violations.extend(checked.violations[: KEPT_VIOLATIONS - len(tally.violations)])
    origins = dict(zip(batch.record_ids, batch.origins, strict=True))
    for answer in checked.answers:
        tally.results[answer.result] += 1
        if answer.reason is not None:
            tally.reasons[answer.reason] += 1
            tally.samples.setdefault(
                answer.reason, ReasonSample(answer.record_id, origins.get(answer.record_id, "?"))
            )
    return checked.answers
