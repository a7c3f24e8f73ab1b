"""The local Lambda Invoke API, over real HTTP with boto3: answers, Lambda's error shapes, and
`fleetctl invoke --remote` against it giving the same answers as in-process."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from tests.handler_records import as_json, click_record, event_of, minute, telemetry_record

pytestmark = pytest.mark.integration


@pytest.fixture
def lambda_client(lambda_endpoint: str):
    # aws_env sets AWS_REGION, which boto3 (unlike the other SDKs) does not read by itself.
    return boto3.client("lambda", region_name=os.environ["AWS_REGION"])


@pytest.fixture
def mixed_telemetry(tmp_path: Path) -> Path:
    """Readings of 4 trucks over 150 minutes plus a repeat, broken lines and out-of-range values,
    enough for several batches at --batch-records 200.
    """
    lines = [
        as_json(
            telemetry_record(
                n,
                truck_id=f"TRK-{n % 4}",
                event_ts=f"2026-11-27T{8 + n // 240:02d}:{(n // 4) % 60:02d}:00Z",
                vehicle_speed_kmh=float(n % 90),
                **{"engine.oil_pressure_kpa": 400.0 - n % 300},
            )
        )
        for n in range(600)
    ]
    lines.insert(100, b"{broken\n")
    lines.insert(300, as_json(telemetry_record(250)))
    lines.insert(400, as_json(telemetry_record(1000, **{"gps.lat": 91.0})))
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"".join(lines))
    return path


def test_boto3_invoke_returns_the_handlers_answer(lambda_client) -> None:
    event = event_of([telemetry_record(1, event_ts=minute(1))])

    response = lambda_client.invoke(
        FunctionName="fleet-telemetry-transform", Payload=json.dumps(event).encode()
    )

    assert response["StatusCode"] == 200
    assert "FunctionError" not in response
    [answer] = json.loads(response["Payload"].read())["records"]
    assert answer["result"] == "Ok"
    assert answer["metadata"]["partitionKeys"] == {
        "date": "2026-11-27",
        "hour": "08",
        "depot_id": "DEP-BER",
    }


def test_function_arn_with_qualifier_resolves_to_the_function(lambda_client) -> None:
    arn = "arn:aws:lambda:eu-central-1:123456789012:function:fleet-clickstream-transform:$LATEST"
    response = lambda_client.invoke(
        FunctionName=arn, Payload=json.dumps(event_of([click_record()], "clickstream")).encode()
    )
    [answer] = json.loads(response["Payload"].read())["records"]
    assert answer["result"] == "Ok"


def test_handler_exception_comes_back_as_function_error_unhandled(lambda_client) -> None:
    response = lambda_client.invoke(
        FunctionName="fleet-raising", Payload=json.dumps(event_of([telemetry_record()])).encode()
    )

    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    error = json.loads(response["Payload"].read())
    assert error["errorType"] == "RuntimeError"
    assert error["errorMessage"] == "sensor table unavailable for 1 records"
    assert any("lambda_functions.py" in frame for frame in error["stackTrace"])


def test_unknown_function_raises_resource_not_found(lambda_client) -> None:
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as caught:
        lambda_client.invoke(FunctionName="fleet-nothing", Payload=b"{}")
    assert caught.value.response["Error"]["Message"] == (
        "Function not found: arn:aws:lambda:eu-central-1:123456789012:function:fleet-nothing"
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_payload_that_is_not_json_raises_invalid_request_content(lambda_client) -> None:
    with pytest.raises(lambda_client.exceptions.InvalidRequestContentException):
        lambda_client.invoke(FunctionName="fleet-telemetry-transform", Payload=b"{oops")


def test_log_tail_holds_the_functions_warnings(lambda_client) -> None:
    response = lambda_client.invoke(
        FunctionName="fleet-telemetry-transform",
        Payload=json.dumps(event_of([telemetry_record()]) | {"records": []}).encode(),
        LogType="Tail",
    )
    assert base64.b64decode(response["LogResult"]) == b""

    event = json.loads(json.dumps(event_of([telemetry_record()])))
    event["records"][0]["data"] = "bm90IGpzb24K"  # "not json\n"
    response = lambda_client.invoke(
        FunctionName="fleet-telemetry-transform", Payload=json.dumps(event).encode(), LogType="Tail"
    )
    log = base64.b64decode(response["LogResult"]).decode()
    assert "ProcessingFailed telemetry record" in log
    assert response["ResponseMetadata"]["RequestId"] in log


def test_remote_and_local_answers_are_identical(cli, lambda_endpoint, mixed_telemetry) -> None:
    result = cli(
        "invoke",
        "telemetry",
        "--input",
        str(mixed_telemetry),
        "--compare",
        "--batch-records",
        "200",
        "--json",
    )

    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["batches"] == 4
    assert doc["compare"] == {"identical": True, "difference_count": 0, "differences": []}
    local, remote = doc["runs"]["local"], doc["runs"]["remote"]
    assert remote["endpoint"] == lambda_endpoint
    assert local["results"] == remote["results"]
    assert local["results"] == {"Ok": 600, "Dropped": 1, "ProcessingFailed": 2}
    assert local["response_bytes"] == remote["response_bytes"]


def test_generated_clicks_answer_the_same_remotely_and_in_process(cli, lambda_endpoint) -> None:
    result = cli(
        "invoke", "clickstream", "--generate", "1500", "--seed", "7", "--compare", "--json"
    )

    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["compare"]["identical"] is True
    assert doc["runs"]["remote"]["results"]["Ok"] == 1500


def test_compare_reports_records_the_deployed_function_answers_differently(
    cli, lambda_endpoint, mixed_telemetry, monkeypatch
) -> None:
    # The "deployed" telemetry function is not the local code: it answers a record differently.
    from fleetctl.lambdas.runtime import FunctionTable
    from fleetctl.lambdas.server import LambdaServer

    drifted = FunctionTable(
        {"fleet-telemetry-transform": "tests.lambda_functions.flips_ok_to_dropped"}
    )
    server = LambdaServer(("127.0.0.1", 0), drifted)
    server.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", server.url)
    try:
        result = cli(
            "invoke", "telemetry", "--input", str(mixed_telemetry),
            "--compare", "--batch-records", "200", "--json",
        )  # fmt: skip
    finally:
        server.stop()

    assert result.exit_code == 1
    compare = json.loads(result.stdout)["compare"]
    assert compare["identical"] is False
    assert compare["difference_count"] == 4  # the third record of each of the 4 batches
    first = compare["differences"][0]
    assert (first["batch"], first["field"], first["left"], first["right"]) == (
        1, "result", "Ok", "Dropped",
    )  # fmt: skip
    assert first["origin"] == f"{mixed_telemetry}:3"
    assert result.stderr.strip() == (
        "error: local and remote answers differ for 4 records (the first are in the summary)"
    )


def test_remote_function_error_is_one_line_and_exit_1(
    cli, lambda_endpoint, mixed_telemetry
) -> None:
    result = cli(
        "invoke", "telemetry", "--input", str(mixed_telemetry), "--remote",
        "--function-name", "fleet-raising",
    )  # fmt: skip

    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(
        "error: fleet-raising failed (Unhandled): RuntimeError: sensor table unavailable for 500 "
        "records [remote, batch 1: "
    )


def test_unknown_remote_function_is_one_line_naming_the_endpoint(
    cli, lambda_endpoint, mixed_telemetry
) -> None:
    result = cli(
        "invoke", "telemetry", "--input", str(mixed_telemetry), "--remote",
        "--function-name", "fleet-nothing",
    )  # fmt: skip

    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: fleet-nothing at {lambda_endpoint}: ResourceNotFoundException: Function not found"
    )


def test_lambda_serve_command_prints_its_url_and_stops_on_ctrl_c(home: Path, tmp_path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "FLEETCTL_HOME": str(home),
        "PYTHONPATH": str(Path(__file__).parents[1]),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "fleetctl", "lambda", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first = server.stdout.readline()
        url = first.split(" on ", 1)[1].split(" ", 1)[0]
        assert server.stdout.readline().strip() == f"export AWS_ENDPOINT_URL_LAMBDA={url}"
        client = boto3.client(
            "lambda",
            endpoint_url=url,
            region_name="eu-central-1",
            aws_access_key_id="x",
            aws_secret_access_key="x",
        )
        response = client.invoke(
            FunctionName="fleet-clickstream-transform",
            Payload=json.dumps(event_of([click_record()], "clickstream")).encode(),
        )
        assert json.loads(response["Payload"].read())["records"][0]["result"] == "Ok"
    finally:
        server.send_signal(signal.SIGINT)
        stdout, stderr = server.communicate(timeout=10)
    assert server.returncode == 0, stderr
    assert "stopped" in stdout
    assert "/functions/fleet-clickstream-transform/invocations → 200" in stderr
