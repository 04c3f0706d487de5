"""Positive-class probabilities in cache-sized chunks, with a bounded thread pool.

scikit-learn's tree ensembles walk one tree at a time over every row they are given. For
hundreds of thousands of rows the feature matrix falls out of the CPU cache at every one
of the 200 trees; a few thousand rows stay in cache across all of them. Measured at 1M
events on 400K candidates: 3.8 s in chunks of 4,096 rows against 8.9 s in one call,
with bit-identical scores (every row is scored independently).
"""

from __future__ import annotations

import numpy as np
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from ml.config import resolve_threads

PREDICT_CHUNK_ROWS = 4_096


def thread_limits(n_threads: int | None) -> threadpool_limits:
    """OpenMP on `n_threads` (resolved), BLAS on one thread.

    OpenMP parallelism in HGB never changes a result; a multi-threaded BLAS could change
    the last bits of the linear model, and the registry relies on identical data and
    configuration giving identical metrics."""
    return threadpool_limits(limits={"openmp": resolve_threads(n_threads), "blas": 1})


def predict_positive(
    pipeline: Pipeline, matrix: np.ndarray, chunk_rows: int = PREDICT_CHUNK_ROWS
) -> np.ndarray:
    """P(label = 1) per row of `matrix` as float64 (call inside `thread_limits`).

    Each chunk is copied to a row-major float64 block first: tree traversal reads rows,
    HGB converts to float64 anyway, and a linear model given float32 would compute (and
    return) float32 scores, coarser and with more ties in the top-K ranking."""
    out = np.empty(matrix.shape[0], dtype=np.float64)
    for start in range(0, matrix.shape[0], chunk_rows):
        chunk = np.ascontiguousarray(matrix[start : start + chunk_rows], dtype=np.float64)
        out[start : start + chunk_rows] = pipeline.predict_proba(chunk)[:, 1]
    return out
