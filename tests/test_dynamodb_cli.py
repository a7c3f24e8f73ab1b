"""`fleetctl db create-tables --store dynamodb` against moto server, through the public CLI."""

from __future__ import annotations

import json
import uuid

import pytest

from tests import dynamodb_tables as db

pytestmark = pytest.mark.integration
ROLES = ["telemetry", "truck_state", "alerts", "clickstream", "rejected", "dim_truck"]


@pytest.fixture
def moto_dynamodb(aws_env: pytest.MonkeyPatch, moto_url: str) -> str:
    prefix = f"cli{uuid.uuid4().hex[:8]}-"
    aws_env.setenv("AWS_ENDPOINT_URL_DYNAMODB", moto_url)
    aws_env.setenv("FLEETCTL_DYNAMODB_TABLE_PREFIX", prefix)
    return prefix


def one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_create_tables_creates_them_once_on_demand_with_ttl(cli, moto_dynamodb: str) -> None:
    first = cli("db", "create-tables", "--store", "dynamodb", "--json")
    again = cli("db", "create-tables", "--store", "dynamodb")

    assert first.exit_code == 0, first.stderr
    document = json.loads(first.stdout)
    assert [t["role"] for t in document["tables"]] == ROLES
    assert {t["table"] for t in document["tables"]} == {
        f"{moto_dynamodb}{name}"
        for name in ("telemetry", "truck-state", "alerts", "clickstream", "rejected", "dim-truck")
    }
    assert all(t["created"] for t in document["tables"])
    ttl = {t["role"]: t["ttl_attribute"] for t in document["tables"]}
    assert ttl == {
        role: "expires_at" if role in ("telemetry", "clickstream") else None for role in ROLES
    }
    assert again.exit_code == 0, again.stderr
    assert "0 created, 6 already there" in again.stdout
    client = db.client()
    for entry in document["tables"]:
        table = client.describe_table(TableName=entry["table"])["Table"]
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert [k["AttributeName"] for k in table["KeySchema"]] == entry["key"]


def test_the_store_flag_defaults_to_the_configured_store(
    cli, moto_dynamodb: str, aws_env: pytest.MonkeyPatch
) -> None:
    refused = cli("db", "create-tables")  # the default store is the warehouse
    aws_env.setenv("FLEETCTL_STORE", "dynamodb")
    created = cli("db", "create-tables")
    assert refused.exit_code == 2
    assert one_error_line(refused) == (
        "error: --store warehouse: only the dynamodb store has tables to create; the warehouse's "
        "come from `fleetctl db migrate`"
    )
    assert created.exit_code == 0 and "6 created, 0 already there" in created.stdout


def test_a_table_with_other_keys_is_refused_by_name(cli, moto_dynamodb: str) -> None:
    db.client().create_table(
        TableName=f"{moto_dynamodb}alerts",
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    result = cli("db", "create-tables", "--store", "dynamodb")
    assert result.exit_code == 2
    assert one_error_line(result) == (
        f"error: DynamoDB table {moto_dynamodb}alerts exists with key (id) but fleetctl needs "
        "(truck_id, alert_key): choose other names with dynamodb.table_prefix"
    )


def test_an_endpoint_that_is_down_is_one_line_and_exit_1(
    cli, aws_env: pytest.MonkeyPatch, closed_port_url: str
) -> None:
    aws_env.setenv("AWS_ENDPOINT_URL_DYNAMODB", closed_port_url)
    aws_env.setenv("FLEETCTL_DYNAMODB_CONNECT_TIMEOUT_S", "1")
    result = cli("db", "create-tables", "--store", "dynamodb")
    assert result.exit_code == 1
    line = one_error_line(result)
    assert line.startswith(
        "error: DynamoDB DescribeTable on fleet-telemetry: EndpointConnectionError"
    )


def test_no_credentials_is_one_line_and_exit_2(cli, aws_env: pytest.MonkeyPatch) -> None:
    aws_env.delenv("AWS_ACCESS_KEY_ID")
    aws_env.delenv("AWS_SECRET_ACCESS_KEY")
    result = cli("db", "create-tables", "--store", "dynamodb")
    assert result.exit_code == 2
    assert one_error_line(result).startswith("error: no AWS credentials found")
