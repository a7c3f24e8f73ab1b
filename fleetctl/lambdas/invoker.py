"""Invoke a transformation function with a JSON payload: in this process through the emulated
runtime, or through the Lambda Invoke API with boto3 (AWS, `fleetctl lambda serve`, or any
endpoint set by AWS_ENDPOINT_URL_LAMBDA).
"""

from __future__ import annotations

from typing import Any, Protocol

import orjson

from fleetctl import aws
from fleetctl.errors import ConfigError, InvocationError
from fleetctl.lambdas.runtime import FunctionTable

# Lambda runs a function for up to 15 minutes; the HTTP read must outlast it.
READ_TIMEOUT_S = 900


class Invoker(Protocol):
    label: str

    def invoke(self, function_name: str, payload: bytes) -> bytes:
        """The function's response payload; raises InvocationError if it raised instead."""
        ...


class LocalInvoker:
    """Runs the handler named for `function_name` in `lambda.functions`, in this process."""

    label = "local"

    def __init__(self, table: FunctionTable) -> None:
        self.table = table

    def invoke(self, function_name: str, payload: bytes) -> bytes:
        if function_name not in self.table.handlers:
            known = ", ".join(sorted(self.table.handlers)) or "none"
            raise ConfigError(
                f"function {function_name!r} is not in lambda.functions (known: {known})"
            )
        outcome = self.table.run(function_name, payload)
        if outcome.function_error:
            raise function_failed(function_name, outcome.function_error, outcome.payload)
        return outcome.payload


class RemoteInvoker:
    """Calls `lambda.invoke` (RequestResponse) with the standard AWS configuration chain."""

    label = "remote"

    def __init__(self) -> None:
        self._client: Any = None  # a botocore Lambda client, made on first use

    @property
    def client(self) -> Any:
        if self._client is None:
            from botocore.config import Config

            config = Config(read_timeout=READ_TIMEOUT_S, retries={"mode": "standard"})
            self._client = aws.client("lambda", config)
        return self._client

    @property
    def endpoint(self) -> str:
        return self.client.meta.endpoint_url

    def invoke(self, function_name: str, payload: bytes) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        client = self.client
        try:
            response = client.invoke(
                FunctionName=function_name, InvocationType="RequestResponse", Payload=payload
            )
            body = response["Payload"].read()
        except NoCredentialsError:
            raise ConfigError(
                "no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
                "(any value works against `fleetctl lambda serve`)"
            ) from None
        except ClientError as e:
            error = e.response.get("Error", {})
            raise InvocationError(
                f"{function_name} at {client.meta.endpoint_url}: "
                f"{error.get('Code', 'error')}: {error.get('Message', e)}"
            ) from None
        except BotoCoreError as e:
            raise InvocationError(f"{function_name}: {e}") from None
        if kind := response.get("FunctionError"):
            raise function_failed(function_name, kind, body)
        return body


def function_failed(function_name: str, kind: str, payload: bytes) -> InvocationError:
    """The one-line error of a function that answered with Lambda's error document."""
    try:
        document: Any = orjson.loads(payload)
    except orjson.JSONDecodeError:
        document = None
    if isinstance(document, dict) and "errorType" in document:
        detail = f"{document['errorType']}: {document.get('errorMessage', '')}"
    else:
        detail = payload[:200].decode(errors="replace")
    return InvocationError(f"{function_name} failed ({kind}): {detail}")
