"""A local endpoint speaking the Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`)
that runs the configured handlers in this process, so boto3 clients (and `fleetctl invoke
--remote`) can be pointed at it with AWS_ENDPOINT_URL_LAMBDA, no Docker needed.

Answers follow Lambda's: a handler's exception is HTTP 200 with `X-Amz-Function-Error: Unhandled`
and an error document; service errors are a status, `x-amzn-ErrorType` and `{"Type", "message"}`,
which botocore turns into ClientError with that code.
"""

from __future__ import annotations

import base64
import json
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from fleetctl.lambdas.events import PAYLOAD_LIMIT_BYTES
from fleetctl.lambdas.runtime import FunctionTable

_INVOKE_PATH = re.compile(r"/2015-03-31/functions/(?P<name>[^/]+)/invocations")
# Function names may come as `name`, `name:qualifier`, or a full or partial ARN.
_ARN_NAME = re.compile(
    r"(?:arn:[^:]+:lambda:[^:]*:[^:]*:function:|[0-9]{12}:function:)?([^:]+)(?::[^:]+)?"
)

# Lambda returns the last 4 KB of the function's log when asked with `LogType="Tail"`.
LOG_TAIL_BYTES = 4096

RequestLog = Callable[[str], None]


class LambdaServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        table: FunctionTable,
        log: RequestLog | None = None,
    ) -> None:
        super().__init__(address, _InvokeHandler)
        self.table = table
        self.log = log
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def handle_error(self, request: object, client_address: object) -> None:
        # A client closing its kept-alive connection abruptly is routine, not a server fault.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]

    def start(self) -> None:
        """Serve from a background thread (tests, embedding); `stop` ends it."""
        self._thread = threading.Thread(target=self.serve_forever, name="lambda-serve", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join()


class _InvokeHandler(BaseHTTPRequestHandler):
    # HTTP/1.1 lets botocore keep its connection open between invocations.
    protocol_version = "HTTP/1.1"
    server: LambdaServer

    def do_POST(self) -> None:
        self._started = time.perf_counter()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        match = _INVOKE_PATH.fullmatch(urlsplit(self.path).path)
        if match is None:
            self._unknown_operation()
            return
        name = _ARN_NAME.fullmatch(unquote(match["name"]))
        table = self.server.table
        if name is None or name[1] not in table.handlers:
            function = name[1] if name else unquote(match["name"])
            self._service_error(
                HTTPStatus.NOT_FOUND,
                "ResourceNotFoundException",
                f"Function not found: {table.arn(function)}",
            )
            return
        if len(body) > PAYLOAD_LIMIT_BYTES:
            self._service_error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                "RequestTooLargeException",
                f"Request must be smaller than {PAYLOAD_LIMIT_BYTES} bytes for the "
                "InvokeFunction operation",
            )
            return
        invocation_type = self.headers.get("X-Amz-Invocation-Type", "RequestResponse")
        if invocation_type == "DryRun":
            self._send(HTTPStatus.NO_CONTENT, b"", {})
            return
        try:
            json.loads(body or b"{}")
        except ValueError as e:
            self._service_error(
                HTTPStatus.BAD_REQUEST,
                "InvalidRequestContentException",
                f"Could not parse request body into json: {e}",
            )
            return
        outcome = table.run(name[1], body or b"{}")
        headers = {"x-amzn-RequestId": outcome.request_id, "X-Amz-Executed-Version": "$LATEST"}
        if invocation_type == "Event":  # asynchronous: Lambda answers before the result exists
            self._send(HTTPStatus.ACCEPTED, b"", headers)
            return
        if outcome.function_error:
            headers["X-Amz-Function-Error"] = outcome.function_error
        if self.headers.get("X-Amz-Log-Type") == "Tail":
            tail = outcome.log.encode()[-LOG_TAIL_BYTES:]
            headers["X-Amz-Log-Result"] = base64.b64encode(tail).decode("ascii")
        if self.server.log is not None:
            for line in outcome.log.splitlines():
                self.server.log(f"  {name[1]}: {line}")
        self._send(HTTPStatus.OK, outcome.payload, headers)

    def do_GET(self) -> None:
        self._started = time.perf_counter()
        self._unknown_operation()

    def _unknown_operation(self) -> None:
        self._service_error(HTTPStatus.NOT_FOUND, "UnknownOperationException", "Unknown operation")

    def _service_error(self, status: HTTPStatus, code: str, message: str) -> None:
        body = json.dumps({"Type": "User", "message": message}).encode()
        self._send(status, body, {"x-amzn-ErrorType": code, "x-amzn-RequestId": str(uuid.uuid4())})

    def _send(self, status: HTTPStatus, body: bytes, headers: dict[str, str]) -> None:
        # logged before the answer goes out: once a client has its answer, the log shows it
        if self.server.log is not None:
            error = headers.get("X-Amz-Function-Error") or headers.get("x-amzn-ErrorType") or ""
            elapsed_ms = (time.perf_counter() - self._started) * 1000
            self.server.log(
                f"{self.command} {unquote(self.path)} → {status.value} {error} "
                f"({len(body):,} bytes, {elapsed_ms:.0f} ms)".replace("  ", " ")
            )
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Answered requests are logged by `_send`, with what they returned."""

    def log_message(self, format: str, *args: object) -> None:
        # http.server's own messages (bad request lines) go to the same log, not to stderr.
        if self.server.log is not None:
            self.server.log(format % args)
