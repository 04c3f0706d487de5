"""Training, the quality gate and the registry, on the synthetic marts of ml.synthetic."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest

from ml.config import TrainConfig
from ml.db import connect
from ml.features import Feature, FeatureMismatchError, check_features
from ml.registry import NoModelError, current_model, get_model, insert_record, load_artifact
from ml.score import score
from ml.synthetic import build_synthetic_warehouse
from ml.train import sample_train_rows, train


@pytest.fixture(scope="module")
def pristine_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_synthetic_warehouse(tmp_path_factory.mktemp("ml_train") / "pristine.duckdb")


@pytest.fixture
def db(pristine_db: Path, tmp_path: Path) -> Path:
    """A private copy of the synthetic warehouse, so a test may change it."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(pristine_db, path)
    return path


def test_same_data_and_seed_give_the_same_metrics(db: Path, tmp_path: Path) -> None:
    first = train(db, tmp_path / "models")
    second = train(db, tmp_path / "models", reuse_identical=False)
    assert (first.model_version, second.model_version) == (1, 2)
    assert not first.reused_existing_version and not second.reused_existing_version
    assert second.training_data_hash == first.training_data_hash
    assert second.model_kind == first.model_kind
    assert second.candidate_roc_auc == first.candidate_roc_auc
    for field in ("val_roc_auc", "val_log_loss", "val_brier", "val_ece", "baseline_roc_auc"):
        assert getattr(second, field) == getattr(first, field), field
    with connect(db, read_only=True) as con:
        metrics = [json.loads(r[0]) for r in con.execute(
            "select metrics_json from ml.model_registry order by model_version"
        ).fetchall()]
    assert metrics[0] == metrics[1]


def test_retraining_identical_data_reuses_the_version(db: Path, tmp_path: Path) -> None:
    first = train(db, tmp_path / "models")
    again = train(db, tmp_path / "models")
    assert again.reused_existing_version
    assert again.model_version == first.model_version
    assert again.val_roc_auc == first.val_roc_auc
    assert again.quality_gate == first.quality_gate != {}
    assert again.candidate_roc_auc == first.candidate_roc_auc
    with connect(db, read_only=True) as con:
        assert con.execute("select count(*) from ml.model_registry").fetchone()[0] == 1


def test_a_different_config_or_a_lost_artifact_trains_anew(db: Path, tmp_path: Path) -> None:
    first = train(db, tmp_path / "models")
    other = train(db, tmp_path / "models", TrainConfig(hgb_max_iter=50))
    assert other.model_version == first.model_version + 1
    Path(other.artifact_path).unlink()
    rebuilt = train(db, tmp_path / "models", TrainConfig(hgb_max_iter=50))
    assert not rebuilt.reused_existing_version
    assert rebuilt.model_version == other.model_version + 1


def test_model_beats_the_ctr_baseline_on_the_fixture(db: Path, tmp_path: Path) -> None:
    result = train(db, tmp_path / "models")
    assert result.passed_quality_gate, result.quality_gate_reason
    assert result.val_roc_auc > result.baseline_roc_auc
    assert result.val_log_loss < result.baseline_log_loss
    intervals = result.quality_gate["intervals"]
    assert intervals["roc_auc"]["lower"] > 0  # type: ignore[index]
    assert intervals["log_loss"]["lower"] > 0  # type: ignore[index]
    assert intervals["roc_auc"]["model"] == pytest.approx(result.val_roc_auc)  # type: ignore[index]
    assert result.selection_reason.startswith(f"chose {result.model_kind}")
    assert set(result.candidate_roc_auc) == {"hist_gradient_boosting", "logistic_regression"}


def test_training_hash_changes_with_the_data(db: Path, tmp_path: Path) -> None:
    before = train(db, tmp_path / "models").training_data_hash
    with connect(db) as con:
        con.execute(
            "update marts.feat_training_set set f_noise = f_noise + 1 "
            "where impression_id = (select min(impression_id) from marts.feat_training_set "
            "where split = 'train')"
        )
    assert train(db, tmp_path / "models").training_data_hash != before


def test_registry_round_trip(db: Path, tmp_path: Path) -> None:
    result = train(db, tmp_path / "models")
    with connect(db, read_only=True) as con:
        record = get_model(con, result.model_version)
        validation = con.execute(
            "select count(*), min(impression_at), max(impression_at) "
            "from marts.feat_training_set where split = 'validation'"
        ).fetchall()[0]
    assert record.model_kind == result.model_kind
    assert record.val_roc_auc == result.val_roc_auc
    assert record.passed_quality_gate is True
    assert record.validation_rows == validation[0]
    assert (record.validation_start, record.validation_end) == (validation[1], validation[2])
    assert record.training_data_hash == result.training_data_hash
    # DuckDB types are recorded as declared, DECIMAL included.
    assert Feature("f_user_propensity", "DECIMAL(10,4)") in record.features
    assert [f.name for f in record.features] == [
        "f_topic_affinity", "f_tweet_quality", "f_user_propensity", "f_tweet_age_hours", "f_noise"
    ]
    assert len(record.metrics["model"]["calibration"]) == 10  # type: ignore[index]
    assert record.metrics["quality_gate"] == result.quality_gate
    pipeline = load_artifact(record)
    proba = pipeline.predict_proba(np.zeros((2, len(record.features))))[:, 1]
    assert proba.shape == (2,) and np.all((proba > 0) & (proba < 1))


def test_current_model_is_the_newest_that_passed_its_gate(db: Path, tmp_path: Path) -> None:
    with connect(db) as con:
        con.execute("create schema if not exists ml")
    result = train(db, tmp_path / "models")
    with connect(db) as con:
        passed = get_model(con, result.model_version)
        insert_record(
            con,
            dataclasses.replace(
                passed, model_version=result.model_version + 1, passed_quality_gate=False
            ),
        )
        assert current_model(con).model_version == result.model_version


def _keep_validation_rows(db: Path, per_label: int) -> None:
    """Delete every validation row but the first `per_label` of each label."""
    with connect(db) as con:
        con.execute(
            """
            delete from marts.feat_training_set
            where split = 'validation' and impression_id not in (
                select impression_id from (
                    select impression_id, row_number() over (
                        partition by label order by impression_id
                    ) as n
                    from marts.feat_training_set where split = 'validation'
                ) where n <= ?
            )
            """,
            [per_label],
        )


def test_a_model_validated_on_too_few_rows_is_registered_but_not_current(
    db: Path, tmp_path: Path
) -> None:
    passed = train(db, tmp_path / "models")
    assert passed.passed_quality_gate, passed.quality_gate_reason
    _keep_validation_rows(db, per_label=9)
    small = train(db, tmp_path / "models")
    assert small.validation_rows == 18
    assert not small.passed_quality_gate
    assert small.quality_gate_reason.startswith(
        "failed: validation is too small to judge the model: "
        "18 rows, minimum 1000 (TrainConfig.quality_gate.min_validation_rows); "
        "9 positives (label 1), minimum 100 (TrainConfig.quality_gate.min_validation_positives); "
        "9 negatives (label 0), minimum 100 (TrainConfig.quality_gate.min_validation_negatives)."
    )
    with connect(db, read_only=True) as con:
        record = get_model(con, small.model_version)
        assert (record.model_version, record.passed_quality_gate) == (2, False)
        assert record.quality_gate_reason == small.quality_gate_reason
        assert record.metrics["quality_gate"]["intervals"] == {}  # type: ignore[index]
        assert Path(record.artifact_path).is_file()
        assert current_model(con).model_version == passed.model_version


def test_a_model_not_shown_better_than_the_baseline_is_registered_but_not_current(
    db: Path, tmp_path: Path
) -> None:
    # Validation labels that no feature and no CTR can predict (a hash of the id).
    with connect(db) as con:
        con.execute(
            "update marts.feat_training_set set label = cast(hash(impression_id) % 10 < 3 as int)"
            " where split = 'validation'"
        )
    result = train(db, tmp_path / "models")
    assert not result.passed_quality_gate
    assert result.quality_gate_reason.startswith("failed: model vs baseline on ")
    assert "(not shown better)" in result.quality_gate_reason
    assert result.quality_gate["intervals"]["roc_auc"]["lower"] <= 0  # type: ignore[index]
    with connect(db, read_only=True) as con:
        assert get_model(con, result.model_version).passed_quality_gate is False
        with pytest.raises(NoModelError, match="quality gate"):
            current_model(con)


def test_no_current_model_before_training(db: Path) -> None:
    from ml.db import init_ml_schema

    with connect(db) as con:
        init_ml_schema(con)
        with pytest.raises(NoModelError, match="quality gate"):
            current_model(con)


def test_a_changed_artifact_is_refused(db: Path, tmp_path: Path) -> None:
    result = train(db, tmp_path / "models")
    with Path(result.artifact_path).open("ab") as handle:
        handle.write(b"tampered")
    with connect(db, read_only=True) as con, pytest.raises(ValueError, match="sha256"):
        load_artifact(current_model(con))


def test_scoring_refuses_a_changed_feature_list_naming_the_features(
    db: Path, tmp_path: Path
) -> None:
    train(db, tmp_path / "models")
    with connect(db) as con:
        con.execute("alter table marts.feat_scoring_candidates drop column f_noise")
        con.execute("alter table marts.feat_scoring_candidates add column f_new double")
        con.execute(
            "alter table marts.feat_scoring_candidates alter f_tweet_age_hours type double"
        )
    with pytest.raises(FeatureMismatchError) as error:
        score(db)
    message = str(error.value)
    assert "missing features: f_noise" in message
    assert "extra features: f_new" in message
    assert "f_tweet_age_hours (INTEGER -> DOUBLE)" in message
    assert error.value.missing == ["f_noise"]


def test_check_features_ignores_order_and_type_case() -> None:
    check_features(
        [Feature("f_a", "DOUBLE"), Feature("f_b", "INTEGER")],
        [Feature("f_b", "integer"), Feature("f_a", "DOUBLE")],
        "t",
    )


def test_training_needs_both_labels_in_validation(db: Path, tmp_path: Path) -> None:
    with connect(db) as con:
        con.execute("update marts.feat_training_set set label = 0 where split = 'validation'")
    with pytest.raises(ValueError, match="validation split needs both labels"):
        train(db, tmp_path / "models")


def test_logistic_regression_alone_imputes_missing_values(db: Path, tmp_path: Path) -> None:
    with connect(db, read_only=True) as con:
        nulls = con.execute(
            "select count(*) from marts.feat_training_set where f_topic_affinity is null"
        ).fetchall()[0][0]
    assert nulls > 0  # the fixture has NULL features, so imputation is exercised
    result = train(db, tmp_path / "models", TrainConfig(model_kinds=("logistic_regression",)))
    assert result.model_kind == "logistic_regression"
    assert np.isfinite(result.val_log_loss)


def test_warehouse_without_marts_gives_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(LookupError, match=r"marts\.feat_training_set does not exist"):
        train(empty, tmp_path / "models")


def test_training_sample_is_stratified_deterministic_and_in_row_order() -> None:
    labels = np.random.default_rng(7).permutation(np.array([1] * 300 + [0] * 701))
    first = sample_train_rows(labels, 100, random_state=0)
    again = sample_train_rows(labels, 100, random_state=0)
    assert first.indices is not None and again.indices is not None
    assert np.array_equal(first.indices, again.indices)
    assert (first.rows_available, first.rows_used) == (1001, 100)
    assert np.all(np.diff(first.indices) > 0)  # sorted, no repeats: impression_id order
    # 300/1001 of 100 rows = 29.97 -> 30 positives, 70 negatives.
    assert int(labels[first.indices].sum()) == 30
    other = sample_train_rows(labels, 100, random_state=1).indices
    assert other is not None and not np.array_equal(first.indices, other)
    assert sample_train_rows(labels, 1001, random_state=0).indices is None
    assert sample_train_rows(labels, None, random_state=0).rows_used == 1001


def test_a_bounded_training_sample_is_recorded_and_reused(db: Path, tmp_path: Path) -> None:
    with connect(db, read_only=True) as con:
        rows, positives = con.execute(
            "select count(*), sum(label) from marts.feat_training_set where split = 'train'"
        ).fetchall()[0]
    cap = rows // 2
    sampled = train(db, tmp_path / "models", TrainConfig(max_train_rows=cap))
    # train_rows stays the split's size (the registry column's meaning); the sample
    # is reported beside it.
    assert (sampled.train_rows, sampled.fit_rows) == (rows, cap)
    with connect(db, read_only=True) as con:
        record = get_model(con, sampled.model_version)
    assert record.train_rows == rows
    assert record.train_positive_rate == pytest.approx(positives / rows)
    assert record.metrics["training_sample"] == {
        "rows_available": rows,
        "rows_used": cap,
        "sampled": True,
        "max_train_rows": cap,
        "method": "stratified by label, uniform without replacement within each label",
        "seed": 0,
    }
    assert record.config["max_train_rows"] == cap
    again = train(db, tmp_path / "models", TrainConfig(max_train_rows=cap))
    assert again.reused_existing_version and again.fit_rows == cap
    assert again.model_version == sampled.model_version
    everything = train(db, tmp_path / "models")
    assert not everything.reused_existing_version
    assert everything.fit_rows == rows
    assert everything.training_data_hash == sampled.training_data_hash
    assert everything.val_roc_auc != sampled.val_roc_auc


def test_the_thread_count_does_not_change_the_model(db: Path, tmp_path: Path) -> None:
    one = train(db, tmp_path / "models", TrainConfig(n_threads=1))
    two = train(db, tmp_path / "models", TrainConfig(n_threads=2))
    assert two.model_version == one.model_version + 1  # a different config: a new version
    assert two.candidate_roc_auc == one.candidate_roc_auc
    for field in ("val_roc_auc", "val_log_loss", "val_brier", "val_ece"):
        assert getattr(two, field) == getattr(one, field), field


def _move_rows_to_candidates(db: Path, share_mod: int) -> tuple[int, int]:
    """Move every `share_mod`-th training row (by hash of its id) into the candidate
    training set, as candidate rows with retrieval scope 'train'; returns (rows moved,
    rows left)."""
    with duckdb.connect(str(db)) as con:
        con.execute(
            f"""
            insert into marts.feat_candidate_training_set
            select impression_id, 'train', user_id, tweet_id, author_id, impression_at,
                   label, split, f_topic_affinity, f_tweet_quality, f_user_propensity,
                   f_tweet_age_hours, f_noise
            from marts.feat_training_set where hash(impression_id) % {share_mod} = 0
            """
        )
        con.execute(
            f"delete from marts.feat_training_set where hash(impression_id) % {share_mod} = 0"
        )
        moved = con.execute("select count(*) from marts.feat_candidate_training_set").fetchone()
        left = con.execute("select count(*) from marts.feat_training_set").fetchone()
    return int(moved[0]), int(left[0])


def test_training_reads_logged_and_candidate_rows_as_one_set(db: Path, tmp_path: Path) -> None:
    """Rows split between the two tables train the same model as all rows in one: the
    union is ordered by source then id, so only the row order (and the hash) differ."""
    whole = train(db, tmp_path / "models")
    moved, left = _move_rows_to_candidates(db, 3)
    assert moved > 100 and left > 100
    both = train(db, tmp_path / "models")
    logged_only = train(db, tmp_path / "models", TrainConfig(training_rows=("logged",)))
    assert both.train_rows + both.validation_rows == whole.train_rows + whole.validation_rows
    assert logged_only.train_rows + logged_only.validation_rows < left
    assert both.training_data_hash not in (whole.training_data_hash, logged_only.training_data_hash)
    assert abs(both.val_roc_auc - whole.val_roc_auc) < 0.02
    with connect(db, read_only=True) as con:
        record = get_model(con, both.model_version)
    counts = record.metrics["training_rows"]
    assert set(counts) == {"train", "validation"}
    assert sum(c["rows"] for c in counts["train"].values()) == both.train_rows
    assert counts["train"]["candidates"]["rows"] > 0 and counts["train"]["logged"]["rows"] > 0
    assert counts["validation"]["candidates"]["positives"] > 0
    by_source = record.metrics["validation_by_source"]
    assert set(by_source) == {"candidates", "logged"}
    for entry in by_source.values():
        assert entry["model"]["roc_auc"] > entry["baseline"]["roc_auc"]


def test_the_baseline_is_fitted_per_row_source() -> None:
    """Source a is all positives, source b all negatives: a baseline fitted per source
    scores a's validation rows near 1 and b's near 0 (one baseline over both would
    give every row the pooled rate, 0.5, with these users and tweets)."""
    from ml.train import SplitData, per_source_baseline

    def split(n_a: int, n_b: int) -> SplitData:
        return SplitData(
            user_ids=np.arange(n_a + n_b) % 5,
            tweet_ids=np.arange(n_a + n_b) % 7,
            labels=np.array([1] * n_a + [0] * n_b),
            features=np.zeros((n_a + n_b, 0), dtype=np.float32),
            start=None,
            end=None,
            digest="",
            by_source={"b": {"rows": n_b, "positives": 0}, "a": {"rows": n_a, "positives": n_a}},
        )

    scores = per_source_baseline(split(200, 200), split(3, 4), TrainConfig())
    assert scores[:3].min() > 0.9 and scores[3:].max() < 0.1


def test_unknown_training_row_sources_are_refused(db: Path, tmp_path: Path) -> None:
    for rows in ((), ("logged", "logged"), ("impressions",)):
        with pytest.raises(ValueError, match="training_rows must name one or more of logged"):
            train(db, tmp_path / "models", TrainConfig(training_rows=rows))


def test_candidate_rows_must_carry_the_logged_rows_features(db: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("alter table marts.feat_candidate_training_set drop column f_noise")
    with pytest.raises(FeatureMismatchError, match="missing features: f_noise"):
        train(db, tmp_path / "models")
    assert train(db, tmp_path / "models", TrainConfig(training_rows=("logged",))).model_version


def test_the_cli_refuses_unknown_training_rows_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ml.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--training-rows", "logged,impressions"])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "training_rows must name one or more of logged, candidates once each" in error
    assert "Traceback" not in capsys.readouterr().err


def test_an_identical_version_is_reused_only_while_it_is_current(
    db: Path, tmp_path: Path
) -> None:
    """Train, then train with other settings (a newer current version), then with the
    first settings again: the third run must not hand back version 1 while version 2
    stays current, so it registers version 3, which scoring then uses."""
    first = train(db, tmp_path / "models")
    other = train(db, tmp_path / "models", TrainConfig(hgb_max_iter=50))
    again = train(db, tmp_path / "models")
    assert (first.model_version, other.model_version) == (1, 2)
    assert first.passed_quality_gate and other.passed_quality_gate
    assert not again.reused_existing_version and again.model_version == 3
    assert again.training_data_hash == first.training_data_hash
    with connect(db, read_only=True) as con:
        assert current_model(con).model_version == 3
    assert train(db, tmp_path / "models").reused_existing_version
