"""Benchmarks: each prints `name: value` figures, comparisons measured side by side in the same run."""
