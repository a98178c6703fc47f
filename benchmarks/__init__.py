"""Benchmarks: a province-scale data generator and the registry search load test (`make bench`)."""
