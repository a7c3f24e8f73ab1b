"""boto3 clients on the standard AWS configuration chain, with one-line errors when it is unusable.

The chain is left to botocore (AWS_PROFILE and the shared files, AWS_ACCESS_KEY_ID...,
AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>), except that AWS_REGION is honoured as well:
botocore reads only AWS_DEFAULT_REGION, while the other AWS SDKs and Lambda set AWS_REGION.
"""

from __future__ import annotations

import os
from typing import Any

from fleetctl.errors import ConfigError


def client(service: str, config: Any = None, *, require_credentials: bool = False) -> Any:
    """A boto3 client for `service`; boto3 is imported here, never at startup."""
    import boto3
    from botocore.exceptions import BotoCoreError, NoRegionError

    try:
        session = boto3.session.Session(region_name=os.environ.get("AWS_REGION") or None)
        if require_credentials and session.get_credentials() is None:
            raise ConfigError(
                "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY (any values will do for a local endpoint)"
            )
        return session.client(service, config=config)
    except NoRegionError:
        raise ConfigError(
            "no AWS region: set AWS_REGION, or a region in your AWS profile"
        ) from None
    except BotoCoreError as e:
        raise ConfigError(f"AWS configuration: {e}") from None
