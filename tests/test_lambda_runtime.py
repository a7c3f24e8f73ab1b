"""The emulated Lambda runtime answers as Lambda does: the handler's result as JSON, or an error
document with FunctionError Unhandled; the handler's log is kept with the outcome."""

from __future__ import annotations

import json

import pytest

from fleetctl.errors import ConfigError
from fleetctl.lambdas.runtime import FunctionTable
from tests.handler_records import event_of, firehose_event, telemetry_record

TABLE = FunctionTable(
    {
        "telemetry": "handlers.telemetry.handler",
        "raising": "tests.lambda_functions.raising",
        "no-module": "tests.no_such_module.handler",
        "no-attribute": "handlers.telemetry.nope",
        "unmarshalable": "tests.lambda_functions.returns_a_set",
        "echo": "tests.lambda_functions.echo",
    }
)


def test_handler_result_comes_back_as_json_with_no_function_error() -> None:
    event = event_of([telemetry_record(1)])
    outcome = TABLE.run("telemetry", json.dumps(event).encode())

    assert outcome.function_error is None
    [answer] = json.loads(outcome.payload)["records"]
    assert answer["result"] == "Ok"
    assert answer["recordId"] == event["records"][0]["recordId"]


def test_exception_becomes_lambdas_error_document() -> None:
    outcome = TABLE.run("raising", json.dumps(event_of([telemetry_record()])).encode())

    assert outcome.function_error == "Unhandled"
    error = json.loads(outcome.payload)
    assert set(error) == {"errorMessage", "errorType", "stackTrace"}
    assert error["errorType"] == "RuntimeError"
    assert error["errorMessage"] == "sensor table unavailable for 1 records"
    assert "lambda_functions.py" in error["stackTrace"][0]


@pytest.mark.parametrize(
    ("function", "error_type", "message"),
    [
        (
            "no-module",
            "Runtime.ImportModuleError",
            "Unable to import module 'tests.no_such_module'",
        ),
        ("no-attribute", "Runtime.HandlerNotFound", "Handler 'nope' missing on module"),
        ("unmarshalable", "Runtime.MarshalError", "Unable to marshal response"),
    ],
)
def test_runtime_failures_use_lambdas_error_types(
    function: str, error_type: str, message: str
) -> None:
    outcome = TABLE.run(function, b"[]")

    assert outcome.function_error == "Unhandled"
    error = json.loads(outcome.payload)
    assert error["errorType"] == error_type
    assert error["errorMessage"].startswith(message)


def test_function_log_is_kept_with_the_outcome_in_lambdas_line_format() -> None:
    outcome = TABLE.run("telemetry", json.dumps(firehose_event([b"oops\n"])).encode())

    [line] = outcome.log.splitlines()
    level, _, request_id, message = line.split("\t")
    assert level == "[WARNING]"
    assert request_id == outcome.request_id
    assert message.startswith("ProcessingFailed telemetry record")


def test_response_over_six_megabytes_is_a_function_error() -> None:
    big = json.dumps(["x" * 1000] * 7000).encode()

    outcome = TABLE.run("echo", big)

    assert outcome.function_error == "Unhandled"
    assert json.loads(outcome.payload)["errorType"] == "Function.ResponseSizeTooLarge"


def test_malformed_function_table_entry_is_a_config_error(home, monkeypatch, tmp_path) -> None:
    from fleetctl.config import load_settings

    extra = tmp_path / "extra.toml"
    extra.write_text('[defaults.lambda.functions]\nbroken = "nodots"\n')
    monkeypatch.setenv("FLEETCTL_CONFIG", str(extra))
    with pytest.raises(ConfigError, match=r"lambda\.functions\.broken: expected 'module\.handler'"):
        FunctionTable.from_settings(load_settings())
