"""Kinesis Data Firehose transformation Lambdas for the clickstream and telemetry streams.

Ships alone in the Lambda deployment package: imports only the standard library and msgspec.
"""
