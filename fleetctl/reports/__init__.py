"""Reports read from the warehouse: reconciliation of a run, the SCD2 dimension's health, fleet
and clickstream insight. Each module returns a typed result (msgspec Structs) that the views
render for people, `--json` prints as is, and `--html` lays out as a page."""
