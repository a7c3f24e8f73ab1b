"""SCD Type 2 history of the truck dimension: the rule, its SQL engine, checks and backfill."""
