"""Machine learning on the warehouse marts, in plain Python (no Dagster needed).

Steps, each a function with explicit arguments returning a small result record that
an orchestrator can put into metadata:

- `ml.db.init_ml_schema`        create the `ml` tables dbt's monitoring models read
- `ml.train.train`              fit, compare with a baseline, register the model
- `ml.score.score`              batch-score candidates, write top-K recommendations
- `ml.evaluate.evaluate`        offline ranking metrics vs a popularity baseline

`python -m ml --help` runs the same steps from a shell.
"""

import os

# Idle OpenMP threads sleep instead of spinning. Must be set before scikit-learn's OpenMP
# runtime loads, hence here. On a shared machine spinning threads fight the other
# processes for the cores (HGB fitted 4.4x slower with 2 spinning threads than with 1).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
