"""Independent implementations of two warehouse models, for the benchmark's ratios.

Each peer computes the same rows as a dbt model from the same input table, and
bench.peers.compare proves it before any time is reported: a fast wrong answer
cannot win. `python -m bench.peers NAME --db FILE --result FILE.json` runs one peer.
"""
