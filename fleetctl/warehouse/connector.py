"""`snowflake.connector`, imported without the optional extras fleetctl never uses.

The connector probes for pandas, boto3 and botocore when it is first imported and imports each
one it finds (`snowflake.connector.options`): pandas only serves `fetch_pandas_*`/`write_pandas`,
boto3/botocore only AWS workload-identity sign-in and platform detection. None of them is a
dependency of the connector or of fleetctl's warehouse (pandas is here because ortools requires
it), yet together they were over half the start-up time of every warehouse command. Hiding them
during that one import gives the connector the environment its own requirements describe; they
stay importable for everything else.
"""

from __future__ import annotations

import sys
from types import ModuleType

UNUSED_EXTRAS = ("pandas", "boto3", "botocore")


def import_connector() -> ModuleType:
    """`snowflake.connector` (fakesnow imports it too: call this before importing fakesnow)."""
    if (connector := sys.modules.get("snowflake.connector")) is not None:
        return connector
    hidden = [name for name in UNUSED_EXTRAS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    try:
        import snowflake.connector
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]
    return snowflake.connector
