"""Renderings of library results: Rich tables for people, plain documents for `--json`."""
