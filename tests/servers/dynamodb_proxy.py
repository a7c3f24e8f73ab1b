"""A DynamoDB-protocol proxy on 127.0.0.1 in front of moto server, for tests.

moto processes every BatchWriteItem and BatchGetItem whole; DynamoDB may not (throttling, 16 MB
responses). The proxy forwards each batch call with only part of its items or keys and answers
the rest as `UnprocessedItems` / `UnprocessedKeys` in moto's own response, as DynamoDB does; when
it holds back everything it answers ProvisionedThroughputExceededException (HTTP 400), as DynamoDB
does when no item could be processed. Items matched by `never` are never processed. It records
the TransactWriteItems calls, and can run a callable (a concurrent writer) before each.
Everything else passes through unchanged.
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from tests.servers.loopback import LoopbackServer

TARGET_PREFIX = "DynamoDB_20120810."
# a response body the proxy changed no longer matches these
# (the server writes its own Server and Date)
DROPPED_HEADERS = {
    "content-length",
    "x-amz-crc32",
    "connection",
    "transfer-encoding",
    "server",
    "date",
}
THROTTLED = json.dumps(
    {
        "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
        "message": "The level of configured provisioned throughput for the table was exceeded.",
    }
).encode()


@dataclass(frozen=True)
class Faults:
    unprocessed_share: float = 0.0  # of each batch call's items/keys held back (random, seeded)
    never: Callable[[dict[str, Any]], bool] = lambda item: False  # items always held back
    seed: int = 0


class DynamoProxy(LoopbackServer):
    """`with DynamoProxy(moto_url, Faults(...)) as proxy:`, then point boto3 at `proxy.url`."""

    def __init__(self, upstream: str, faults: Faults | None = None) -> None:
        self.upstream = urlsplit(upstream)
        self.faults = faults or Faults()
        self.calls: Counter[str] = Counter()  # operation -> calls received
        self.held_back = 0  # items and keys answered as unprocessed (throttled calls included)
        self.throttled_calls = 0
        self.forwarded_puts: Counter[str] = Counter()  # json of each PutRequest item forwarded
        self.transactions: list[list[dict[str, Any]]] = []  # TransactItems of each call
        self.before_transaction: Callable[[], None] | None = None  # e.g. a concurrent writer
        self._lock = threading.Lock()
        self._rng = random.Random(self.faults.seed)
        self._listen(_handler_for(self))

    def handle(
        self, operation: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict, bytes]:
        with self._lock:
            self.calls[operation] += 1
        if operation in ("BatchWriteItem", "BatchGetItem"):
            return self._batch(operation, json.loads(body), headers)
        if operation == "TransactWriteItems":
            with self._lock:
                self.transactions.append(json.loads(body)["TransactItems"])
            if self.before_transaction is not None:
                self.before_transaction()
        return self.forward(body, headers)

    def forward(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length")}
            connection.request("POST", "/", body=body, headers=sent)
            response = connection.getresponse()
            answer = response.read()
            kept = {k: v for k, v in response.getheaders() if k.lower() not in DROPPED_HEADERS}
            return response.status, kept, answer
        finally:
            connection.close()

    def _batch(self, operation: str, request: dict, headers: dict[str, str]):
        entries = _entries(operation, request)
        with self._lock:
            never = {i for i, entry in enumerate(entries) if self.faults.never(_item(entry))}
            rest = [i for i in range(len(entries)) if i not in never]
            held_ids = never | set(
                self._rng.sample(rest, round(len(rest) * self.faults.unprocessed_share))
            )
            held = [entries[i] for i in sorted(held_ids)]
            kept = [entries[i] for i in range(len(entries)) if i not in held_ids]
            self.held_back += len(held)
            if not kept:
                self.throttled_calls += 1
            elif operation == "BatchWriteItem":
                for _, entry in kept:
                    self.forwarded_puts[
                        json.dumps(entry["PutRequest"]["Item"], sort_keys=True)
                    ] += 1
        if not kept:
            return 400, {"Content-Type": "application/x-amz-json-1.0"}, THROTTLED
        forwarded = json.dumps(_request(operation, request, kept)).encode()
        status, answer_headers, answer = self.forward(forwarded, headers)
        if status != 200 or not held:
            return status, answer_headers, answer
        document = json.loads(answer)
        leftover = "UnprocessedItems" if operation == "BatchWriteItem" else "UnprocessedKeys"
        document[leftover] = _merge(operation, request, document.get(leftover) or {}, held)
        return status, answer_headers, json.dumps(document).encode()


def _entries(operation: str, request: dict) -> list[tuple[str, Any]]:
    """(table, entry) for every item of a BatchWriteItem or key of a BatchGetItem."""
    if operation == "BatchWriteItem":
        return [(t, e) for t, entries in request["RequestItems"].items() for e in entries]
    return [(t, k) for t, spec in request["RequestItems"].items() for k in spec["Keys"]]


def _item(entry: tuple[str, Any]) -> dict[str, Any]:
    value = entry[1]
    return value["PutRequest"]["Item"] if "PutRequest" in value else value


def _request(operation: str, request: dict, kept: list[tuple[str, Any]]) -> dict:
    items: dict[str, Any] = {}
    for table, value in kept:
        if operation == "BatchWriteItem":
            items.setdefault(table, []).append(value)
        else:
            spec = {k: v for k, v in request["RequestItems"][table].items() if k != "Keys"}
            items.setdefault(table, spec | {"Keys": []})["Keys"].append(value)
    return {**request, "RequestItems": items}


def _merge(operation: str, request: dict, leftover: dict, held: list[tuple[str, Any]]) -> dict:
    merged = _request(operation, request, held)["RequestItems"]
    for table, value in leftover.items():
        if operation == "BatchWriteItem":
            merged.setdefault(table, []).extend(value)
        else:
            merged.setdefault(table, value | {"Keys": []})["Keys"].extend(value["Keys"])
    return merged


def _handler_for(proxy: DynamoProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects

        def setup(self) -> None:
            super().setup()
            # headers and body go out as two writes: without this, Nagle's algorithm and the
            # client's delayed ACK hold every answer back ~40 ms
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            operation = self.headers.get("X-Amz-Target", "").removeprefix(TARGET_PREFIX)
            status, headers, answer = proxy.handle(operation, body, dict(self.headers.items()))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler
