"""The same dbt project on Apache Spark gives the same answers as on DuckDB: the
sample, built with every data and unit test on each engine, compared relation by
relation (helpers in conftest.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ENGINES, PROJECT_ROOT, compare_relation, run_dbt
from pyspark.sql import SparkSession

from orchestration.engine import spark_session

MANIFEST = PROJECT_ROOT / "target" / "manifest.json"


def _built_relations() -> list[str]:
    """schema.name of every seed and model dbt builds (`make test-spark` parses the
    project first), so a new model is compared without being listed here."""
    nodes = json.loads(MANIFEST.read_text())["nodes"].values()
    return sorted(
        f"{node['schema']}.{node['alias']}" for node in nodes
        if node["resource_type"] in ("seed", "model")
        and node["config"]["materialized"] != "ephemeral"
    )


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built by `dbt build` (seeds, every model, every data and unit test)
    into a DuckDB and a Spark warehouse side by side."""
    folder = tmp_path_factory.mktemp("engines")
    for target in ENGINES:
        run_dbt(["build"], folder, target)
    return folder


@pytest.fixture(scope="module")
def spark(warehouses: Path) -> Iterator[SparkSession]:
    with spark_session(warehouses / "spark") as session:
        yield session


@pytest.mark.parametrize("relation", _built_relations())
def test_relation_is_identical(warehouses: Path, spark: SparkSession, relation: str) -> None:
    """Every seed and model: every column of every row the same on both engines
    (seeds' empty cells included: null, where dbt-spark's own loader writes the text
    'None', macros/spark/spark_seeds.sql)."""
    unpaired, _ = compare_relation(warehouses, spark, relation)
    assert unpaired == 0


def test_engine_macro_tests_pass_on_spark(warehouses: Path) -> None:
    """tests/dbt/engine_macros ran in the Spark build and passed: the dispatched macros'
    spark__ variants give the answers their duckdb__ variants give in `make test`."""
    results = json.loads((warehouses / "target_spark" / "run_results.json").read_text())
    engine_tests = {
        result["unique_id"]: result["status"] for result in results["results"]
        if result["unique_id"].startswith("test.social_ml.engine_")
    }
    assert len(engine_tests) >= 8 and set(engine_tests.values()) == {"pass"}, engine_tests
