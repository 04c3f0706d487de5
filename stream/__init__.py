"""The event stream: a landing zone of event batch files, and the loop that folds each
new batch into the warehouse through dbt's incremental models.

Layout and rules: docs/raw_data_contract.md, "Landing zone".
"""
