"""The Dagster code location loads, every dbt model and ml step is an asset, and the
graph's lineage reads raw -> staging -> marts -> ml -> reporting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dagster import AssetKey

from orchestration.definitions import build_definitions

ML_KEYS = {
    AssetKey(["ml", "model_registry"]),
    AssetKey(["ml", "predictions"]),
    AssetKey(["ml", "recommendations"]),
    AssetKey(["ml", "evaluations"]),
    AssetKey(["ml", "training_set_scores"]),
}


@pytest.fixture(scope="module")
def asset_graph():
    return build_definitions().resolve_asset_graph()


@pytest.fixture(scope="module")
def manifest(project_root: Path) -> dict:
    return json.loads((project_root / "target" / "manifest.json").read_text())


def _parents(asset_graph, key: AssetKey) -> set[AssetKey]:
    return set(asset_graph.get(key).parent_keys)


def test_every_dbt_model_and_seed_is_an_asset(asset_graph, manifest) -> None:
    dbt_names = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed")
    }
    asset_names = {key.path[-1] for key in asset_graph.get_all_asset_keys()}
    assert dbt_names, "manifest has no models: run `dbt parse` first"
    assert dbt_names <= asset_names, f"not assets: {sorted(dbt_names - asset_names)}"


def test_every_ml_step_is_an_asset(asset_graph) -> None:
    assert set(asset_graph.get_all_asset_keys()) >= ML_KEYS


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        (AssetKey(["raw", "events"]), AssetKey("raw_events")),
        (AssetKey("stg_social__events_validated"), AssetKey(["raw", "events"])),
        (AssetKey("fct_engagements"), AssetKey("stg_social__events")),
        (AssetKey(["ml", "model_registry"]), AssetKey("feat_training_set")),
        (AssetKey(["ml", "model_registry"]), AssetKey("feat_candidate_training_set")),
        (AssetKey(["ml", "predictions"]), AssetKey(["ml", "model_registry"])),
        (AssetKey(["ml", "recommendations"]), AssetKey("feat_scoring_candidates")),
        (AssetKey(["ml", "evaluations"]), AssetKey(["ml", "recommendations"])),
    ],
)
def test_lineage_edge(asset_graph, child: AssetKey, parent: AssetKey) -> None:
    assert parent in _parents(asset_graph, child)


def test_reporting_models_read_what_ml_wrote(asset_graph, manifest) -> None:
    monitoring = [
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and "/monitoring/" in node["original_file_path"]
    ]
    assert monitoring, "no monitoring models found"
    ml_parents = set().union(*(_parents(asset_graph, AssetKey(m)) for m in monitoring))
    assert ml_parents & ML_KEYS, "monitoring models do not depend on any ml asset"


def test_groups_follow_the_layers(asset_graph) -> None:
    groups = {
        key.to_user_string(): asset_graph.get(key).group_name
        for key in asset_graph.get_all_asset_keys()
    }
    assert groups["raw_events"] == "raw"
    assert groups["stg_social__events"] == "staging"
    assert groups["fct_engagements"] == "marts"
    assert groups["sim_tweet_tweet"] == "similarity"
    assert groups["feat_training_set"] == "features"
    assert groups["ml/model_registry"] == "ml"


def test_error_severity_dbt_tests_are_blocking_checks(asset_graph) -> None:
    checks = [asset_graph.get_check_spec(key) for key in asset_graph.asset_check_keys]
    assert checks, "dbt tests did not become asset checks"
    assert any(c.blocking for c in checks)
    model_check = [c for c in checks if c.name == "beats_baseline"]
    assert model_check and model_check[0].blocking


def test_the_model_asset_shows_validation_per_row_source() -> None:
    """The markdown table beside the blended metrics: one row per source, the baseline
    in brackets, and a source with one label says so instead of a number."""
    import dataclasses

    from ml.train import TrainResult
    from orchestration.ml_assets import _by_source_table

    required = {
        f.name: 0
        for f in dataclasses.fields(TrainResult)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    result = dataclasses.replace(
        TrainResult(**required),
        validation_by_source={
            "candidates": {"rows": 3, "positives": 0},
            "logged": {
                "rows": 5,
                "positives": 2,
                "model": {"roc_auc": 0.8, "log_loss": 0.5},
                "baseline": {"roc_auc": 0.6, "log_loss": 0.65},
            },
        },
    )
    lines = _by_source_table(result).splitlines()
    assert lines[2] == "| logged | 5 | 2 | 0.8000 (0.6000) | 0.5000 (0.6500) |"
    assert lines[3] == "| candidates | 3 | 0 | n/a (one label only) | n/a (one label only) |"
