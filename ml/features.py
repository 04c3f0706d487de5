"""Feature discovery and the feature-contract check between a model and the marts.

A feature is any column whose name starts with ``f_`` in marts.feat_training_set (and,
identically, in marts.feat_scoring_candidates). The registry stores each model's feature
list with DuckDB types; scoring refuses a table whose features differ, naming them.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from ml.db import MARTS_SCHEMA, column_as_float, columns_with_types

FEATURE_PREFIX = "f_"


@dataclass(frozen=True)
class Feature:
    """One model input: column name and its DuckDB type as the table declares it."""

    name: str
    dtype: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "dtype": self.dtype}


class FeatureMismatchError(ValueError):
    """The table's features are not the ones the model was trained on."""

    def __init__(
        self,
        table: str,
        missing: list[str],
        extra: list[str],
        changed: list[tuple[str, str, str]],
    ) -> None:
        self.missing = missing
        self.extra = extra
        self.changed = changed
        parts = []
        if missing:
            parts.append(f"missing features: {', '.join(missing)}")
        if extra:
            parts.append(f"extra features: {', '.join(extra)}")
        if changed:
            detail = ", ".join(f"{n} ({old} -> {new})" for n, old, new in changed)
            parts.append(f"changed dtypes: {detail}")
        super().__init__(
            f"feature list of {table} does not match the model's: "
            + "; ".join(parts)
            + ". Retrain the model (python -m ml train) or restore the features."
        )


def discover_features(
    con: duckdb.DuckDBPyConnection, table: str, schema: str = MARTS_SCHEMA
) -> list[Feature]:
    """Every ``f_`` column of `schema.table`, in table order."""
    return [
        Feature(name, dtype)
        for name, dtype in columns_with_types(con, schema, table)
        if name.startswith(FEATURE_PREFIX)
    ]


def check_features(expected: list[Feature], actual: list[Feature], table: str) -> None:
    """Raise FeatureMismatchError unless `actual` has exactly the `expected` names and types.

    Order does not matter (columns are selected by name); a changed type does, because a
    DECIMAL turned DOUBLE or a count turned ratio usually means the feature's meaning moved.
    """
    want = {f.name: f.dtype for f in expected}
    have = {f.name: f.dtype for f in actual}
    missing = sorted(set(want) - set(have))
    extra = sorted(set(have) - set(want))
    changed = sorted(
        (name, want[name], have[name])
        for name in set(want) & set(have)
        if want[name].upper() != have[name].upper()
    )
    if missing or extra or changed:
        raise FeatureMismatchError(table, missing, extra, changed)


def feature_matrix(table: pa.Table, features: list[Feature]) -> np.ndarray:
    """Rows x features as float64, NULL as NaN, columns in `features` order."""
    if table.num_rows == 0:
        return np.empty((0, len(features)), dtype=np.float64)
    return np.column_stack([column_as_float(table, f.name) for f in features])
