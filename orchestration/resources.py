"""Resources shared by every asset: where the warehouse and the model artifacts live."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource

from orchestration.engine import dbt_target
from orchestration.project import dbt_project, models_dir, serving_dir, warehouse_path
from serving.config import default_serving_dir


class WarehouseResource(ConfigurableResource):
    """The DuckDB file the ml steps read and write, the model artifact folder, and
    where serving snapshots are published.

    dbt reads the same file through profiles.yml (SOCIAL_ML_DB), so both sides agree."""

    db_path: str
    models_dir: str
    # None: SOCIAL_ML_SERVING_DIR or artifacts/serving (serving.config), resolved on use.
    serving_dir: str | None = None

    @property
    def db(self) -> Path:
        return Path(self.db_path)

    @property
    def models(self) -> Path:
        return Path(self.models_dir)

    @property
    def serving(self) -> Path:
        return Path(self.serving_dir) if self.serving_dir else default_serving_dir()


def build_resources() -> dict[str, object]:
    """Resources resolved from the environment at load time (tests set SOCIAL_ML_DB first)."""
    return {
        # The dbt beside this interpreter, so the UI works without an activated venv.
        "dbt": DbtCliResource(
            project_dir=dbt_project,
            dbt_executable=str(Path(sys.executable).parent / "dbt"),
            target=dbt_target(),
        ),
        "warehouse": WarehouseResource(
            db_path=str(warehouse_path()),
            models_dir=str(models_dir()),
            serving_dir=str(serving_dir()),
        ),
    }
