"""Benchmarks of the whole pipeline against scipy, pandas and polars peers (make bench)."""
