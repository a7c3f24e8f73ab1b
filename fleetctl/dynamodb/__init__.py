"""The `dynamodb` store (boto3): telemetry, truck state, alerts, clicks, rejected records and the
SCD2 truck dimension in DynamoDB tables. `store.py` loads, `tables.py` creates the tables."""
