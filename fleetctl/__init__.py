"""fleetctl: simulate, replay, load and reconcile the fleet and clickstream pipeline."""

__version__ = "0.1.0"
