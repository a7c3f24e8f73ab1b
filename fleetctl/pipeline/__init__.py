"""The local pipeline: Kinesis Data Firehose emulated in-process, from buffered records through the
transformation Lambdas to a store, with Firehose's buffering and failure semantics."""
