"""Bounded retries for delivery calls: which failures deserve another try, how long to wait."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import NamedTuple

import msgspec

from fleetctl.errors import ConfigError

# Error codes AWS services use for "slow down / try later"; any 5xx or 429 counts as well.
THROTTLING_CODES = frozenset(
    {
        "ServiceUnavailableException",
        "ThrottlingException",
        "ProvisionedThroughputExceededException",  # DynamoDB's, with HTTP 400
        "Throttling",
        "LimitExceededException",
        "RequestLimitExceeded",
        "SlowDown",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


@dataclass(frozen=True)
class RetryPolicy:
    """At most `max_attempts` calls per record; retry n waits U(0, min(cap, base * 2**(n-1)))."""

    max_attempts: int = 8
    base_delay_s: float = 0.1
    max_delay_s: float = 5.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {self.max_attempts}")
        if self.base_delay_s < 0 or self.max_delay_s < 0:
            raise ValueError("retry delays must be >= 0")

    def delay_s(self, retry: int, rng: random.Random) -> float:
        """Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): spreads resends of
        many producers hitting the same throttled stream instead of retrying in lockstep."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (retry - 1))
        return rng.uniform(0.0, ceiling)


class RetryOptions(msgspec.Struct, kw_only=True):
    """The retry keys of a plug-in's settings section, for its options Struct to extend."""

    max_attempts: int
    base_delay_s: float
    max_delay_s: float

    def retry_policy(self, section: str) -> RetryPolicy:
        try:
            return RetryPolicy(self.max_attempts, self.base_delay_s, self.max_delay_s)
        except ValueError as e:
            raise ConfigError(f"{section}: {e}") from None


def is_throttling(code: str) -> bool:
    """Whether an error code says the service wants less traffic (or more time)."""
    return code in THROTTLING_CODES


class CallFailure(NamedTuple):
    code: str
    message: str
    retryable: bool


def classify(error: Exception) -> CallFailure | None:
    """What a failed AWS call means for the records it carried; None if it is not an AWS failure."""
    from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, HTTPClientError

    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        code = details.get("Code") or "Unknown"
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        retryable = status >= 500 or status == 429 or code in THROTTLING_CODES
        return CallFailure(code, details.get("Message") or str(error), retryable)
    if isinstance(error, ConnectionError | HTTPClientError):
        return CallFailure(type(error).__name__, str(error), True)
    if isinstance(error, BotoCoreError):
        return CallFailure(type(error).__name__, str(error), False)
    return None
