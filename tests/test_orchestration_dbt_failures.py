"""The plain message for a failed `dbt build`, from run_results and manifest dicts shaped
like dbt 1.11 writes them (no dbt run needed)."""

from __future__ import annotations

from orchestration.dbt_failures import (
    dbt_failure_message,
    dbt_stopped_message,
    strip_dbt_call_stack,
)

GUARD_MESSAGE = (
    "Compilation Error in model stg_social__users_validated"
    " (models/staging/stg_social__users_validated.sql)\n"
    "  raw_users has no rows: file /data/raw_users.csv holds at most a header line.\n"
    "  Fix: put the users in that file.\n"
    "  \n"
    "  > in macro fail_when_raw_empty (macros/raw/fail_when_raw_empty.sql)\n"
    "  > called by macro run_hooks (macros/materializations/hooks.sql)\n"
    "  > called by model stg_social__users_validated"
    " (models/staging/stg_social__users_validated.sql)"
)


def _model(name: str) -> dict:
    return {"name": name, "original_file_path": f"models/staging/{name}.sql"}


def _result(unique_id: str, status: str, message: str, compiled_code: str = "") -> dict:
    return {
        "unique_id": unique_id,
        "status": status,
        "message": message,
        "compiled_code": compiled_code,
    }


def test_guard_message_is_kept_verbatim_without_dbt_call_stack() -> None:
    uid = "model.social_ml.stg_social__users_validated"
    text = dbt_failure_message(
        {"results": [_result(uid, "error", GUARD_MESSAGE)]},
        {"nodes": {uid: _model("stg_social__users_validated")}},
    )
    assert text == (
        "dbt model stg_social__users_validated"
        " (models/staging/stg_social__users_validated.sql):\n"
        "raw_users has no rows: file /data/raw_users.csv holds at most a header line.\n"
        "Fix: put the users in that file."
    )


def test_other_error_kinds_are_named() -> None:
    kind, text = strip_dbt_call_stack(
        "Runtime Error in model m (models/m.sql)\n  Conversion Error: bad value"
    )
    assert (kind, text) == ("Runtime Error", "Conversion Error: bad value")


def test_one_message_from_several_models_is_said_once() -> None:
    message = "Raw input file /d/raw_events.csv is missing required column(s): client."
    ids = [
        "model.social_ml.stg_social__timestamp_formats",
        "model.social_ml.stg_social__id_formats",
    ]
    text = dbt_failure_message(
        {"results": [_result(uid, "error", message) for uid in ids]},
        {"nodes": {uid: _model(uid.split(".")[-1]) for uid in ids}},
    )
    assert text is not None and text.count(message) == 1
    assert text.startswith("dbt models stg_social__timestamp_formats (")
    assert "stg_social__id_formats (models/staging/stg_social__id_formats.sql)" in text


def test_failing_test_names_model_column_rule_examples_and_where_to_look() -> None:
    uid = "test.social_ml.accepted_values_stg_social__events_client.abc"
    node = {
        "name": "accepted_values_stg_social__events_client",
        "attached_node": "model.social_ml.stg_social__events",
        "original_file_path": "models/staging/stg_social__events.yml",
        "compiled_path": "target/x/compiled/accepted_values_stg_social__events_client.sql",
        "config": {"severity": "ERROR", "where": None},
        "test_metadata": {
            "name": "accepted_values",
            "kwargs": {"column_name": "client", "values": ["ios", "android", "web"]},
        },
    }
    queries: list[str] = []

    def query(sql: str) -> tuple[list[str], list[tuple]]:
        queries.append(sql)
        return ["value_field", "n_records"], [("fax", 3), (None, 1)]

    text = dbt_failure_message(
        {"results": [_result(uid, "fail", "Got 2 results, configured to fail if != 0",
                             "select client from t")]},
        {"nodes": {uid: node}},
        query,
    )
    assert text is not None
    assert text.startswith(
        "dbt test accepted_values_stg_social__events_client failed (error severity)"
        " on model stg_social__events, column client.\n"
        "Rule: client is one of ios, android, web\n"
        "dbt says: Got 2 results, configured to fail if != 0\n"
        "Failing rows, e.g.:\n"
        "  value_field='fax', n_records='3'\n"
        "  value_field=<empty>, n_records='1'\n"
    )
    assert "target/x/compiled/accepted_values_stg_social__events_client.sql" in text
    assert "(models/staging/stg_social__events.yml)" in text
    assert queries == ["select * from (select client from t) as failing_rows limit 3"]


def test_unreadable_examples_leave_the_message_standing() -> None:
    uid = "test.social_ml.not_null_m_c.1"
    node = {"name": "not_null_m_c", "attached_node": "model.social_ml.m",
            "test_metadata": {"name": "not_null", "kwargs": {"column_name": "c"}}}

    def query(sql: str) -> tuple[list[str], list[tuple]]:
        raise RuntimeError("database is locked")

    text = dbt_failure_message(
        {"results": [_result(uid, "fail", "Got 1 result", "select 1")]},
        {"nodes": {uid: node}},
        query,
    )
    assert text is not None and "Rule: c is never empty" in text
    assert "Failing rows" not in text


def test_no_failed_node_gives_no_message() -> None:
    results = {"results": [_result("model.social_ml.m", "success", "OK"),
                           _result("test.social_ml.t", "warn", "Got 1 result")]}
    assert dbt_failure_message(results, {"nodes": {}}) is None


def test_dbt_stopping_before_any_node_gives_its_own_words() -> None:
    text = dbt_stopped_message(2, [
        "\x1b[0m06:10:45  The YAML provided in the --vars argument is not valid.",
        "",
        "Error: Invalid value for '--vars': String '{test_days: [}' is not valid YAML",
    ])
    assert text == (
        "dbt stopped before building anything (exit code 2). It said:\n"
        "The YAML provided in the --vars argument is not valid.\n"
        "Error: Invalid value for '--vars': String '{test_days: [}' is not valid YAML"
    )
    assert dbt_stopped_message(2, ["", "  "]) is None


def test_row_checks_lists_its_broken_rules() -> None:
    uid = "test.social_ml.row_checks_fct_engagements.1"
    node = {
        "name": "row_checks_fct_engagements",
        "attached_node": "model.social_ml.fct_engagements",
        "test_metadata": {"name": "row_checks", "kwargs": {
            "not_null": ["event_id", "user_id"],
            "accepted_values": [{"column": "event_type", "values": ["like"]}],
            "ranges": [{"columns": ["position"], "min_value": 0}],
            "expressions": [{"expression": "a <= b"}],
        }},
    }
    rules = [(f"not_null(c{i})", i) for i in range(25)]

    def query(sql: str) -> tuple[list[str], list[tuple]]:
        limit = int(sql.rsplit(" ", 1)[1])
        return ["rule", "failing_rows"], rules[:limit]

    text = dbt_failure_message(
        {"results": [_result(uid, "fail", "Got 25 results", "select 1")]},
        {"nodes": {uid: node}},
        query,
    )
    assert text is not None
    assert (
        "Rule: every row keeps the table's per-row rules (never empty: event_id, user_id;"
        " from a fixed list: event_type; >= 0: position; 1 expression(s) true);"
        " the broken ones are listed below\n"
    ) in text
    assert "Broken rules:\n  rule='not_null(c0)', failing_rows='0'\n" in text
    # Every broken rule up to twenty, not three example rows.
    assert "rule='not_null(c19)'" in text and "rule='not_null(c20)'" not in text
