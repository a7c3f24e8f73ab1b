"""Which failed calls are retried, and backoff with full jitter within its documented bounds."""

from __future__ import annotations

import random

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError
from hypothesis import given
from hypothesis import strategies as st

from fleetctl.retries import RetryPolicy, classify


def client_error(code: str, status: int) -> ClientError:
    response = {
        "Error": {"Code": code, "Message": "m"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "PutRecordBatch")


@pytest.mark.parametrize(
    ("error", "code", "retryable"),
    [
        (client_error("ServiceUnavailableException", 503), "ServiceUnavailableException", True),
        (client_error("ThrottlingException", 400), "ThrottlingException", True),
        (
            client_error("ProvisionedThroughputExceededException", 400),
            "ProvisionedThroughputExceededException",
            True,
        ),
        (client_error("InternalFailure", 500), "InternalFailure", True),
        (client_error("SomethingNew", 429), "SomethingNew", True),
        (client_error("ResourceNotFoundException", 400), "ResourceNotFoundException", False),
        (client_error("InvalidArgumentException", 400), "InvalidArgumentException", False),
        (EndpointConnectionError(endpoint_url="http://x"), "EndpointConnectionError", True),
        (NoCredentialsError(), "NoCredentialsError", False),
    ],
)
def test_throttling_server_and_connection_errors_are_retried_the_rest_not(
    error: Exception, code: str, retryable: bool
) -> None:
    failure = classify(error)
    assert failure is not None
    assert (failure.code, failure.retryable) == (code, retryable)


def test_a_bug_is_not_mistaken_for_a_delivery_failure() -> None:
    assert classify(KeyError("RequestResponses")) is None


@given(
    retry=st.integers(1, 40),
    base=st.floats(0, 2, allow_nan=False),
    cap=st.floats(0, 30, allow_nan=False),
    seed=st.integers(0, 2**32),
)
def test_backoff_is_full_jitter_under_the_capped_exponential(
    retry: int, base: float, cap: float, seed: int
) -> None:
    policy = RetryPolicy(max_attempts=50, base_delay_s=base, max_delay_s=cap)
    delay = policy.delay_s(retry, random.Random(seed))
    assert 0.0 <= delay <= min(cap, base * 2 ** (retry - 1))


def test_backoff_spreads_over_the_whole_window() -> None:
    policy = RetryPolicy(base_delay_s=0.1, max_delay_s=5.0)
    rng = random.Random(1)
    delays = [policy.delay_s(4, rng) for _ in range(2000)]  # window [0, 0.8]
    assert min(delays) < 0.05 and max(delays) > 0.75


def test_at_least_one_attempt_is_required() -> None:
    with pytest.raises(ValueError, match="max_attempts must be >= 1"):
        RetryPolicy(max_attempts=0)
