"""`dynamodb.*`: the DynamoDB store's settings, decoded once into a typed Struct."""

from __future__ import annotations

import re

import msgspec

from fleetctl.config import Settings
from fleetctl.errors import ConfigError
from fleetctl.retries import RetryOptions

SECTION = "dynamodb"


NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")  # DynamoDB's rule for table names (fullmatch)


class TableNames(msgspec.Struct, frozen=True, kw_only=True):
    """A table name per role: as configured (`dynamodb.tables.*`, after the prefix), or in full."""

    telemetry: str
    truck_state: str
    alerts: str
    clickstream: str
    rejected: str
    dim_truck: str

    @classmethod
    def from_settings(cls, settings: Settings) -> TableNames:
        return dynamo_settings(settings).table_names()

    def roles(self) -> list[tuple[str, str]]:
        return [(role, getattr(self, role)) for role in self.__struct_fields__]


class DynamoSettings(RetryOptions, kw_only=True):
    table_prefix: str
    ttl_days: int
    load_batch_records: int
    concurrency: int
    connect_timeout_s: float
    read_timeout_s: float
    tables: TableNames

    def table_names(self) -> TableNames:
        """The full name of each table: `table_prefix` + `tables.<role>`, checked."""
        for role, name in self.tables.roles():
            if not NAME.fullmatch(self.table_prefix + name):
                raise ConfigError(
                    f"dynamodb.tables.{role}: {self.table_prefix + name!r} is not a DynamoDB "
                    "table name (3 to 255 letters, digits, '_', '-' and '.')"
                )
        names = {role: self.table_prefix + name for role, name in self.tables.roles()}
        return TableNames(**names)

    def __post_init__(self) -> None:
        if self.ttl_days < 0 or min(self.load_batch_records, self.concurrency) < 1:
            raise ConfigError(
                "dynamodb: ttl_days must be >= 0, load_batch_records and concurrency >= 1"
            )


def dynamo_settings(settings: Settings) -> DynamoSettings:
    return settings.options(SECTION, DynamoSettings)
