"""The part of the Lambda Python runtime fleetctl emulates: resolve a function's handler, run it
on a JSON payload, and answer with the response payload or the error payload Lambda would send.
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fleetctl.config import Settings
from fleetctl.errors import ConfigError
from fleetctl.lambdas.events import PAYLOAD_LIMIT_BYTES

Handler = Callable[[Any, Any], Any]

# Lambda's answer to an oversized response uses this number, 100 bytes over the request limit.
RESPONSE_LIMIT_MESSAGE = (
    "Response payload size exceeded maximum allowed payload size (6291556 bytes)."
)


@dataclass(frozen=True)
class LambdaContext:
    """The attributes of Lambda's context object that handlers commonly read."""

    function_name: str
    invoked_function_arn: str
    aws_request_id: str
    memory_limit_in_mb: int = 128
    function_version: str = "$LATEST"
    deadline_ms: int = 0

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self.deadline_ms - int(time.time() * 1000))


@dataclass(frozen=True)
class Outcome:
    """What an invocation returns: the payload, and `function_error` ("Unhandled") when the
    payload is an error document rather than the handler's result.
    """

    payload: bytes
    function_error: str | None
    request_id: str
    log: str = ""  # what the function logged, formatted as Lambda writes it to CloudWatch


@dataclass(frozen=True)
class FunctionTable:
    """Function names and the `module.attribute` of their handler, as Lambda's Handler setting."""

    handlers: Mapping[str, str]
    region: str = "us-east-1"
    account_id: str = "123456789012"
    timeout_s: int = 60

    @classmethod
    def from_settings(cls, settings: Settings) -> FunctionTable:
        handlers = settings.section("lambda.functions")
        for name, spec in handlers.items():
            if not isinstance(spec, str) or "." not in spec:
                raise ConfigError(
                    f"lambda.functions.{name}: expected 'module.handler', got {spec!r}"
                )
        return cls(
            handlers=handlers,
            region=str(settings.get("lambda.region")),
            account_id=str(settings.get("lambda.account_id")),
        )

    def arn(self, name: str) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{name}"

    def run(self, name: str, payload: bytes) -> Outcome:
        """Invoke `name` (which must be in the table) on `payload`, as Lambda would."""
        request_id = str(uuid.uuid4())
        context = LambdaContext(
            function_name=name,
            invoked_function_arn=self.arn(name),
            aws_request_id=request_id,
            deadline_ms=int(time.time() * 1000) + self.timeout_s * 1000,
        )
        with _captured_log(request_id) as log:
            body, function_error = _run(self.handlers[name], payload, context)
        return Outcome(body, function_error, request_id, "".join(log))


def _run(spec: str, payload: bytes, context: LambdaContext) -> tuple[bytes, str | None]:
    try:
        handler = _load(spec)
    except _RuntimeError as e:
        return _error_payload(e.error_type, str(e), []), "Unhandled"
    try:
        event = json.loads(payload)
    except ValueError as e:
        message = f"Unable to unmarshal input: {e}"
        return _error_payload("Runtime.UnmarshalError", message, []), "Unhandled"
    try:
        result = handler(event, context)
    except Exception as e:
        stack = traceback.format_list(traceback.extract_tb(e.__traceback__)[1:])
        return _error_payload(type(e).__name__, str(e), stack), "Unhandled"
    try:
        body = json.dumps(result).encode()
    except (TypeError, ValueError) as e:
        message = f"Unable to marshal response: {e}"
        return _error_payload("Runtime.MarshalError", message, []), "Unhandled"
    if len(body) > PAYLOAD_LIMIT_BYTES:
        return _error_payload(
            "Function.ResponseSizeTooLarge", RESPONSE_LIMIT_MESSAGE, []
        ), "Unhandled"
    return body, None


class _ThreadLog(logging.Handler):
    """Collects the records one invocation's thread logs, in Lambda's log line format."""

    def __init__(self, request_id: str) -> None:
        super().__init__()
        self.thread = threading.get_ident()
        self.request_id = request_id
        self.lines: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread == self.thread

    def emit(self, record: logging.LogRecord) -> None:
        moment = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        millis = int(record.msecs)
        message = record.getMessage()
        self.lines.append(
            f"[{record.levelname}]\t{moment}.{millis:03d}Z\t{self.request_id}\t{message}\n"
        )


@contextmanager
def _captured_log(request_id: str) -> Iterator[list[str]]:
    # Lambda sends a function's log to CloudWatch, not to the caller: keep it with the outcome.
    handler = _ThreadLog(request_id)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)


class _RuntimeError(Exception):
    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def _load(spec: str) -> Handler:
    module_name, _, attribute = spec.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except Exception as e:
        raise _RuntimeError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {e}"
        ) from None
    handler = getattr(module, attribute, None)
    if not callable(handler):
        raise _RuntimeError(
            "Runtime.HandlerNotFound", f"Handler '{attribute}' missing on module '{module_name}'"
        )
    return handler


def _error_payload(error_type: str, message: str, stack: list[str]) -> bytes:
    return json.dumps(
        {"errorMessage": message, "errorType": error_type, "stackTrace": stack}
    ).encode()
