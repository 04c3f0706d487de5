{#- Creates schema `ml` and the (empty) tables the Python ml package writes, when
    missing, so the monitoring models that read source('ml', ...) build on a fresh
    warehouse before any model is trained. Run by the on-run-start hook in
    dbt_project.yml. The same DDL lives in ml/db.py (ML_TABLES_DDL) for runs without
    dbt; tests/test_ml_monitoring.py proves both create identical columns. Returns
    the statements; the hook executes them. -#}
{% macro create_ml_source_tables() -%}
create schema if not exists ml;
create table if not exists ml.model_registry (
    model_version integer not null,
    model_kind varchar not null,
    trained_at timestamp not null,
    train_start timestamp,
    train_end timestamp,
    validation_start timestamp,
    validation_end timestamp,
    train_rows bigint not null,
    validation_rows bigint not null,
    train_positive_rate double,
    features_json varchar not null,
    metrics_json varchar not null,
    val_roc_auc double,
    val_log_loss double,
    val_brier double,
    val_ece double,
    baseline_roc_auc double,
    baseline_log_loss double,
    passed_quality_gate boolean not null,
    quality_gate_reason varchar not null,
    selection_reason varchar not null,
    training_data_hash varchar not null,
    artifact_path varchar not null,
    artifact_sha256 varchar not null,
    config_json varchar not null
);
create table if not exists ml.predictions (
    model_version integer not null,
    scope varchar not null,
    user_id bigint not null,
    tweet_id bigint not null,
    score double not null,
    scored_at timestamp not null,
    feature_hash ubigint
);
create table if not exists ml.recommendations (
    model_version integer not null,
    scope varchar not null,
    user_id bigint not null,
    rank integer not null,
    tweet_id bigint not null,
    score double not null
);
create table if not exists ml.training_set_scores (
    model_version integer not null,
    impression_id varchar not null,
    split varchar not null,
    impression_at timestamp not null,
    label integer not null,
    score double not null,
    scored_at timestamp not null,
    feature_hash ubigint
);
create table if not exists ml.evaluations (
    model_version integer not null,
    evaluated_at timestamp not null,
    k integer not null,
    metric varchar not null,
    model_value double,
    baseline_value double
);
create table if not exists ml.ranking_evaluations (
    model_version integer not null,
    evaluated_at timestamp not null,
    k integer not null,
    ranker varchar not null,
    metric varchar not null,
    value double,
    ci_low double,
    ci_high double,
    users_evaluated bigint not null
);
{%- endmacro %}
