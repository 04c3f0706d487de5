"""Where the project and its warehouse live, resolved once from the environment.

Every component (dbt, the ml steps, sensors, tests) asks this module, so one
environment variable (SOCIAL_ML_DB) moves the warehouse for all of them."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from dagster_dbt import DbtProject

from ml.config import PROJECT_ROOT, default_db_path, default_models_dir
from serving.config import default_serving_dir

# The ml and serving packages own how the warehouse, model and snapshot locations
# resolve from the environment; Dagster reuses them so all always agree.
warehouse_path = default_db_path
models_dir = default_models_dir
serving_dir = default_serving_dir


def raw_data_dir() -> Path | None:
    """The bring-your-own-data directory, or None when the seeds are the input."""
    configured = os.environ.get("SOCIAL_ML_RAW_DIR", "").strip()
    return Path(configured) if configured else None


dbt_project = DbtProject(project_dir=PROJECT_ROOT, profiles_dir=PROJECT_ROOT)


def load_manifest() -> dict[str, Any]:
    """The parsed dbt manifest the assets were defined from (`dbt parse` writes it)."""
    return json.loads(dbt_project.manifest_path.read_text())
