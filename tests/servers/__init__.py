"""Local servers the test suite and the benchmarks own, speaking real AWS protocols over HTTP."""
