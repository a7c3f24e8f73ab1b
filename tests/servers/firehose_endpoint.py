"""A Firehose-protocol endpoint on 127.0.0.1 for tests and benchmarks.

It answers `Firehose_20150804.PutRecordBatch` (JSON 1.1, as boto3 sends it) after a fixed delay,
with seeded faults: whole-request 503 ServiceUnavailableException and per-record
ServiceUnavailableException entries, and throttling past a records/s limit per delivery stream.
It enforces the service limits (500 records, 4 MiB, 1,000 KiB per record) by refusing the call with
InvalidArgumentException and counting the violation, and it counts accepted records by content so
a test can check that every record arrived exactly once.
"""

from __future__ import annotations

import base64
import json
import random
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.servers.loopback import LoopbackServer

TARGET = "Firehose_20150804.PutRecordBatch"
MAX_RECORDS = 500
MAX_BYTES = 4 * 1024 * 1024
MAX_RECORD_BYTES = 1000 * 1024


@dataclass(frozen=True)
class Faults:
    record_failure_rate: float = 0.0  # chance each record comes back ServiceUnavailableException
    request_failure_rate: float = 0.0  # chance a whole call gets HTTP 503
    latency_s: float = 0.0  # added to every call, like a network round trip
    # records/s a delivery stream takes (0: no limit); a call over it gets the whole-call 503
    # Firehose answers when a stream's throughput limit is exceeded
    throttle_records_per_s: float = 0.0
    seed: int = 0


class FirehoseEndpoint(LoopbackServer):
    """Start with `with FirehoseEndpoint({"fleet-telemetry"}) as endpoint:`; `endpoint.url`."""

    def __init__(
        self, delivery_streams: set[str], faults: Faults | None = None, keep_records: bool = True
    ) -> None:
        """`keep_records=False` only counts (`accepted_count`): long benchmarks, less memory."""
        self.delivery_streams = set(delivery_streams)
        self.faults = faults or Faults()
        self.keep_records = keep_records
        self.accepted: dict[str, Counter[bytes]] = {s: Counter() for s in delivery_streams}
        self.accepted_count = 0
        self.calls = 0
        self.failed_calls = 0  # whole-call 503s injected
        self.failed_call_records = 0  # records those calls carried
        self.failed_entries = 0  # per-record failures injected
        self.throttled_calls = 0
        self.throttled_records = 0
        self.limit_violations: list[str] = []
        self.max_records_per_call = 0
        self.max_bytes_per_call = 0
        self.max_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        self._rng = random.Random(self.faults.seed)
        self._buckets = {
            s: _TokenBucket(self.faults.throttle_records_per_s) for s in delivery_streams
        }
        self._listen(_handler_for(self))

    def records(self, delivery_stream: str) -> list[bytes]:
        """Every accepted record, once per time it was accepted."""
        return list(self.accepted[delivery_stream].elements())

    def put_record_batch(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """HTTP status and JSON answer for one PutRecordBatch request body."""
        name = body.get("DeliveryStreamName")
        records = [base64.b64decode(r["Data"]) for r in body.get("Records", [])]
        with self._lock:
            self.calls += 1
            self.max_records_per_call = max(self.max_records_per_call, len(records))
            self.max_bytes_per_call = max(self.max_bytes_per_call, sum(map(len, records)))
            if name not in self.delivery_streams:
                return 400, _error("ResourceNotFoundException", f"Firehose {name} not found.")
            if violation := _limit_violation(records):
                self.limit_violations.append(violation)
                return 400, _error("InvalidArgumentException", violation)
            if self.faults.throttle_records_per_s and not self._buckets[name].take(len(records)):
                self.throttled_calls += 1
                self.throttled_records += len(records)
                return 503, _error("ServiceUnavailableException", "Slow down.")
            if self._rng.random() < self.faults.request_failure_rate:
                self.failed_calls += 1
                self.failed_call_records += len(records)
                return 503, _error("ServiceUnavailableException", "Slow down.")
            entries = []
            for record in records:
                if self._rng.random() < self.faults.record_failure_rate:
                    self.failed_entries += 1
                    entries.append(
                        {"ErrorCode": "ServiceUnavailableException", "ErrorMessage": "Slow down."}
                    )
                else:
                    self.accepted_count += 1
                    if self.keep_records:
                        self.accepted[name][record] += 1
                    entries.append({"RecordId": secrets.token_hex(16)})
        failed = sum("ErrorCode" in e for e in entries)
        return 200, {"FailedPutCount": failed, "Encrypted": False, "RequestResponses": entries}

    def _enter_call(self) -> None:
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _leave_call(self) -> None:
        with self._lock:
            self._in_flight -= 1


class _TokenBucket:
    """`per_s` tokens a second, at most a second's worth saved up."""

    def __init__(self, per_s: float) -> None:
        self.per_s = per_s
        self.tokens = per_s
        self.refilled_at = time.monotonic()

    def take(self, count: int) -> bool:
        now = time.monotonic()
        self.tokens = min(self.per_s, self.tokens + (now - self.refilled_at) * self.per_s)
        self.refilled_at = now
        if self.tokens < count:
            return False
        self.tokens -= count
        return True


def _limit_violation(records: list[bytes]) -> str | None:
    if not 1 <= len(records) <= MAX_RECORDS:
        return f"{len(records)} records in one call (1 to {MAX_RECORDS} allowed)"
    if (total := sum(map(len, records))) > MAX_BYTES:
        return f"{total} bytes in one call (at most {MAX_BYTES})"
    if (largest := max(map(len, records))) > MAX_RECORD_BYTES:
        return f"a record of {largest} bytes (at most {MAX_RECORD_BYTES})"
    return None


def _error(code: str, message: str) -> dict[str, Any]:
    return {"__type": code, "message": message}


def _handler_for(endpoint: FirehoseEndpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            endpoint._enter_call()
            try:
                if endpoint.faults.latency_s:
                    time.sleep(endpoint.faults.latency_s)
                if self.headers.get("X-Amz-Target") != TARGET:
                    status, answer = 400, _error("UnknownOperationException", "not implemented")
                else:
                    status, answer = endpoint.put_record_batch(json.loads(body))
            finally:
                endpoint._leave_call()
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler
