"""`python -m fleetctl` runs the CLI."""

from fleetctl.cli import main

main()
