"""Benchmarks: run with ``make bench``; each prints JSON lines, one per measurement."""
