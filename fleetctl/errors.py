"""Failures a user can cause or needs to hear about; the CLI shows each as one line."""


class FleetctlError(Exception):
    """Base for errors shown to users as one line; `exit_code` is the process exit status."""

    exit_code = 1


class ConfigError(FleetctlError):
    """The configuration (file, profile, environment) is unusable."""

    exit_code = 2


class InputError(FleetctlError):
    """An option, file or record given by the user is invalid."""

    exit_code = 2


class SqlError(FleetctlError):
    """A statement the user gave was rejected by the warehouse (syntax, unknown object, type)."""

    exit_code = 2


class WarehouseError(FleetctlError):
    """The warehouse could not be reached, or refused an operation fleetctl itself runs."""

    exit_code = 1


class StoreError(FleetctlError):
    """The store (DynamoDB) could not be reached, or did not take every write within the retries."""

    exit_code = 1


class DeliveryError(FleetctlError):
    """The job ran but some records could not be delivered (they are in a dead-letter file)."""

    exit_code = 1


class CheckFailed(FleetctlError):
    """The job ran and a check it performs (reconciliation, thresholds, integrity) failed."""

    exit_code = 1


class InvocationError(FleetctlError):
    """A Lambda function could not be invoked, or it raised instead of answering."""

    exit_code = 1


class PackagingError(FleetctlError):
    """The deployment package could not be built."""

    exit_code = 1
