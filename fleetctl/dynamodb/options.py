"""`dynamodb.*`: the DynamoDB store's settings, decoded once into a typed Struct."""

from __future__ import annotations

import msgspec

from fleetctl.config import Settings
from fleetctl.errors import ConfigError
from fleetctl.retries import RetryOptions

SECTION = "dynamodb"


class TableSuffixes(msgspec.Struct, kw_only=True):
    """Each table's name after `table_prefix`, by role."""

    telemetry: str
    truck_state: str
    alerts: str
    clickstream: str
    rejected: str
    dim_truck: str


class DynamoSettings(RetryOptions, kw_only=True):
    table_prefix: str
    ttl_days: int
    load_batch_records: int
    concurrency: int
    connect_timeout_s: float
    read_timeout_s: float
    tables: TableSuffixes

    def __post_init__(self) -> None:
        if self.ttl_days < 0 or min(self.load_batch_records, self.concurrency) < 1:
            raise ConfigError(
                "dynamodb: ttl_days must be >= 0, load_batch_records and concurrency >= 1"
            )


def dynamo_settings(settings: Settings) -> DynamoSettings:
    return settings.options(SECTION, DynamoSettings)
