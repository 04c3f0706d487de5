"""Online serving: a snapshot of the warehouse's serving state, served over HTTP.

- ``publish``: after a build, write a serving snapshot (recommendations, the online
  store's feature parts, the model) as one immutable folder, then point CURRENT at it;
- ``snapshot``: load a snapshot into memory and look entities up;
- ``online_features``: assemble a model's feature vectors from the snapshot's parts;
- ``api``: the FastAPI application; ``metrics``: its Prometheus metrics;
- ``cli``: ``python -m serving publish|serve``.
"""
