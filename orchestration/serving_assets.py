"""The serving snapshot as an asset: published after each build, below the scores.

It reads the online store's marts and the current model's scores and writes an
immutable snapshot folder that `make serve` (python -m serving serve) loads and
hot-swaps. It opens the warehouse read-only, but DuckDB refuses that while another
process writes, so it takes the writers' pool like every other step."""

from dagster import AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.ml_assets import POOL, PREDICTIONS_KEY, RECOMMENDATIONS_KEY
from orchestration.resources import WarehouseResource
from serving.publish import PART_TABLES, publish

SNAPSHOT_KEY = AssetKey(["serving", "snapshot"])
ONLINE_STORE_MARTS = [table for table, _, _ in PART_TABLES.values()] + ["feat_online_cold_start"]


@asset(
    key=SNAPSHOT_KEY,
    group_name="serving",
    deps=[PREDICTIONS_KEY, RECOMMENDATIONS_KEY, *(AssetKey(t) for t in ONLINE_STORE_MARTS)],
    pool=POOL,
    kinds={"parquet", "fastapi"},
    description="Serving snapshot for the HTTP service (make serve): every serving candidate's "
    "score ranked per user, the cold-start list, the online store's feature parts at the "
    "serving as-of time, and the model. Checked against the batch scores on a sample of "
    "users, written whole, then made current; the server swaps it in without dropping a "
    "request.",
)
def serving_snapshot(warehouse: WarehouseResource) -> MaterializeResult:
    result = publish(warehouse.db, warehouse.serving)
    return MaterializeResult(
        metadata={
            "snapshot_id": result.snapshot_id,
            "model_version": result.model_version,
            "as_of": result.as_of_at,
            "rows": MetadataValue.json(result.rows),
            "megabytes": round(result.bytes_on_disk / 1e6, 2),
            "seconds": result.seconds,
            "online_equals_batch": result.parity.describe() if result.parity else "not checked",
            "path": MetadataValue.path(str(result.path)),
        }
    )


serving_assets = [serving_snapshot]
