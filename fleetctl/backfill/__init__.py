"""`fleetctl backfill`: load history through the handlers into the store, then rebuild the
affected SCD2 history of the truck dimension; resumable and idempotent."""
