"""The practice grader's machinery: the comparator's judging rules, the sandboxed runner
(time limit, no file access, DuckDB's own error messages) and the CLI's contract
(commands, messages, exit codes 0 pass / 1 fail / 2 usage)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from practice.catalog import UnknownExercise, find_exercise, load_exercises
from practice.cli import main
from practice.compare import compare
from practice.engine import (
    QueryResult,
    QuerySqlError,
    QueryTimeout,
    QueryTooLarge,
    run_query,
)
from practice.grader import HIDDEN_EXAMPLES, grade

CROSS_JOIN = "select count(*) from range(1000000000) as a, range(1000000000) as b"


def result(columns: str, rows: list[tuple[Any, ...]], types: str | None = None) -> QueryResult:
    names = tuple(columns.split(","))
    kinds = tuple(types.split(",")) if types else tuple("BIGINT" for _ in names)
    return QueryResult(names, kinds, tuple(rows))


# --- comparator -------------------------------------------------------------------


def test_row_order_is_ignored_unless_the_contract_fixes_it() -> None:
    expected = result("a", [(1,), (2,)])
    assert compare(expected, result("a", [(2,), (1,)])).ok


def test_order_matters_reports_right_rows_wrong_order() -> None:
    verdict = compare(result("a", [(1,), (2,)]), result("a", [(2,), (1,)]), order_matters=True)
    assert not verdict.ok and verdict.kind == "order"
    assert "right rows, wrong order" in verdict.message
    assert "row 1" in verdict.message


def test_columns_match_by_name_in_any_order() -> None:
    expected = result("a,b", [(1, 2)])
    assert compare(expected, result("b,a", [(2, 1)])).ok


def test_column_names_are_case_insensitive_through_the_runner() -> None:
    actual = run_query("", 'select 1 as "User_ID", 2 as N_EVENTS')
    assert actual.columns == ("user_id", "n_events")
    assert compare(result("user_id,n_events", [(1, 2)], "INTEGER,INTEGER"), actual).ok


def test_floats_compare_within_tolerance() -> None:
    expected = result("x", [(0.333333,)], "DOUBLE")
    assert compare(expected, result("x", [(1 / 3,)], "DOUBLE"), float_tolerance=1e-5).ok
    verdict = compare(expected, result("x", [(0.34,)], "DOUBLE"), float_tolerance=1e-5)
    assert not verdict.ok and "floats within 1e-05" in verdict.message


def test_numbers_compare_by_value_across_types() -> None:
    assert compare(result("n", [(3,)], "BIGINT"), result("n", [(3.0,)], "DOUBLE")).ok
    assert compare(result("r", [(0.5,)], "DOUBLE"), result("r", [(0.5,)], "DECIMAL(4,3)")).ok
    assert not compare(result("n", [(3,)], "BIGINT"), result("n", [(3.5,)], "DOUBLE")).ok


def test_null_equals_null_and_nan_equals_nan() -> None:
    expected = result("a,b", [(None, float("nan"))], "BIGINT,DOUBLE")
    assert compare(expected, result("a,b", [(None, float("nan"))], "BIGINT,DOUBLE")).ok
    assert not compare(expected, result("a,b", [(0, float("nan"))], "BIGINT,DOUBLE")).ok


def test_duplicate_rows_are_counted_as_a_multiset() -> None:
    twice = result("a", [(1,), (1,), (2,)])
    once = result("a", [(1,), (2,)])
    missing = compare(twice, once)
    assert not missing.ok and "1 missing, 0 extra" in missing.message
    extra = compare(once, twice)
    assert not extra.ok and "0 missing, 1 extra" in extra.message


def test_missing_and_extra_columns_are_named_with_a_rename_hint() -> None:
    verdict = compare(result("user_id,n_clicks", [(1, 2)]), result("user_id,clicks", [(1, 2)]))
    assert verdict.kind == "columns"
    assert "missing column 'n_clicks' (you have 'clicks': rename it?)" in verdict.message
    assert "unexpected columns: 'clicks'" in verdict.message


def test_duplicate_column_names_are_reported() -> None:
    verdict = compare(result("a", [(1,)]), result("a,a", [(1, 1)]))
    assert verdict.kind == "columns" and "duplicate column names" in verdict.message


def test_a_single_wrong_column_is_pointed_out() -> None:
    expected = result("k,v,w", [(1, 10, 5), (2, 20, 5)])
    verdict = compare(expected, result("k,v,w", [(1, 10, 5), (2, 21, 5)]))
    assert "the values in 'v' are wrong" in verdict.message


def test_type_mismatch_says_to_cast() -> None:
    expected = result("day", [(dt.date(2026, 11, 2),)], "DATE")
    verdict = compare(expected, result("day", [(dt.datetime(2026, 11, 2),)], "TIMESTAMP"))
    assert not verdict.ok and "column 'day' is TIMESTAMP, expected DATE: cast it" in verdict.message


def test_quoted_examples_are_capped() -> None:
    expected = result("a", [(i,) for i in range(10)])
    verdict = compare(expected, result("a", []), max_examples=2)
    assert "10 missing" in verdict.message
    assert verdict.message.count("(a=") == 2


# --- runner -----------------------------------------------------------------------


def test_runaway_query_is_interrupted_at_the_time_limit() -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="time limit"):
        run_query("", CROSS_JOIN, timeout=1.0)
    assert time.monotonic() - started < 8


def test_learner_sql_cannot_read_files() -> None:
    with pytest.raises(QuerySqlError, match="Permission Error"):
        run_query("", "select * from read_csv('/etc/passwd')")


def test_learner_sql_cannot_reenable_file_access() -> None:
    with pytest.raises(QuerySqlError, match="configuration has been locked"):
        run_query("", "set enable_external_access = true; select 1")


def test_learner_sql_cannot_write_files(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(QuerySqlError, match="Permission Error"):
        run_query("create table t as select 1 as x", f"copy t to '{target}'; select 1")
    assert not target.exists()


def test_learner_sql_cannot_install_or_load_extensions() -> None:
    with pytest.raises(QuerySqlError, match="Permission Error"):
        run_query("", "install httpfs; select 1")
    with pytest.raises(QuerySqlError, match="Permission Error"):
        run_query("", "load httpfs; select 1")


def test_a_file_with_only_comments_is_reported() -> None:
    with pytest.raises(QuerySqlError, match="no SQL statement"):
        run_query("", "-- todo\n;")


def test_sql_errors_are_duckdbs_own_messages() -> None:
    with pytest.raises(QuerySqlError) as info:
        run_query("create table t as select 1 as x", "select nope from t")
    assert 'Binder Error: Referenced column "nope" not found' in str(info.value)


def test_the_last_statement_must_return_rows() -> None:
    with pytest.raises(QuerySqlError, match="end the file with a SELECT"):
        run_query("", "create table t as select 1 as x")


def test_several_statements_are_allowed_and_the_last_one_is_graded() -> None:
    out = run_query("", "create temp table t as select 41 as x; select x + 1 as y from t")
    assert out.rows == ((42,),)


def test_oversized_results_are_refused() -> None:
    with pytest.raises(QueryTooLarge, match="more than 10 rows"):
        run_query("", "select * from range(50)", max_rows=10)


# --- grader -----------------------------------------------------------------------


def test_timeout_stops_grading_and_skips_remaining_datasets() -> None:
    exercise = find_exercise("dedup-deliveries")
    report = grade(exercise, CROSS_JOIN, timeout=0.5)
    assert not report.passed
    assert report.outcomes[0].status == "timeout"
    assert {o.status for o in report.outcomes[1:]} == {"skipped"}
    assert "time limit" in report.render()


def test_hidden_failure_names_the_edge_case_and_quotes_few_rows() -> None:
    exercise = find_exercise("top-n-ties")
    wrong = exercise.directory / "wrong" / "count_star.sql"
    failure = grade(exercise, wrong.read_text()).first_failure
    assert failure is not None and failure.dataset.hidden
    assert "this hidden dataset checks: Redelivered likes" in failure.message
    assert failure.message.count("(topic=") <= 2 * HIDDEN_EXAMPLES


def test_sql_error_is_reported_per_dataset_without_repeating_itself() -> None:
    exercise = find_exercise("sessionize")
    report = grade(exercise, "select nope from events")
    assert {o.status for o in report.outcomes} == {"error"}
    assert report.render().count("Binder Error") == 1
    assert "(same message as above)" in report.render()


# --- catalogue and CLI ------------------------------------------------------------


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_unknown_exercise_suggests_close_ids() -> None:
    with pytest.raises(UnknownExercise) as info:
        find_exercise("sesionize")
    assert "sessionize" in str(info.value) and "python -m practice list" in str(info.value)


def test_exercises_are_found_by_id_number_or_folder() -> None:
    by_id = find_exercise("sessionize")
    assert find_exercise("6") is by_id
    assert find_exercise("06") is by_id
    assert find_exercise(by_id.directory.name) is by_id


def test_list_shows_every_exercise() -> None:
    code, out = run_cli("list")
    assert code == 0
    assert all(e.id in out for e in load_exercises())


def test_list_filters_by_difficulty() -> None:
    code, out = run_cli("list", "--difficulty", "hard")
    assert code == 0 and "psi-drift" in out and "dedup-deliveries" not in out


def test_show_prints_prompt_example_and_expected_output() -> None:
    code, out = run_cli("show", "sessionize")
    assert code == 0
    assert "MORE than 30 minutes" in out
    assert "Example input (dataset 'visible')" in out
    assert "Expected output on this example" in out
    assert "session_number (bigint)" in out


@pytest.mark.parametrize("exercise_id", [e.id for e in load_exercises()])
def test_show_works_for_every_exercise(exercise_id: str) -> None:
    code, out = run_cli("show", exercise_id)
    assert code == 0 and "Expected output on this example" in out


def test_unknown_id_is_a_usage_error_that_says_how_to_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _ = run_cli("show", "no-such-exercise")
    assert code == 2
    assert "python -m practice list" in capsys.readouterr().err


def test_check_exit_codes(tmp_path: Path) -> None:
    exercise = find_exercise("streaks")
    assert run_cli("check", "streaks", str(exercise.solution_path))[0] == 0
    code, out = run_cli("check", "streaks", str(exercise.starter_path))
    assert code == 1 and "FAIL" in out and "hint streaks" in out
    assert run_cli("check", "streaks", str(tmp_path / "absent.sql"))[0] == 2
    assert run_cli("check", "nope", str(exercise.solution_path))[0] == 2


def test_check_reports_a_timeout(tmp_path: Path) -> None:
    answer = tmp_path / "slow.sql"
    answer.write_text(CROSS_JOIN)
    code, out = run_cli("check", "streaks", str(answer), "--timeout", "0.5")
    assert code == 1 and "TIMEOUT" in out and "time limit" in out


def test_check_shows_duckdb_errors(tmp_path: Path) -> None:
    answer = tmp_path / "bad.sql"
    answer.write_text("selec 1")
    code, out = run_cli("check", "streaks", str(answer))
    assert code == 1 and "Parser Error" in out


def test_hints_are_revealed_progressively() -> None:
    code, out = run_cli("hint", "funnel")
    assert code == 0 and "Hint 1/3" in out and "Hint 2/3" not in out and "hint funnel 2" in out
    code, out = run_cli("hint", "funnel", "2")
    assert code == 0 and "Hint 1/3" in out and "Hint 2/3" in out
    assert run_cli("hint", "funnel", "9")[0] == 2


def test_solution_prints_the_reference_and_the_warehouse_model() -> None:
    code, out = run_cli("solution", "point-in-time-join")
    exercise = find_exercise("point-in-time-join")
    assert code == 0 and exercise.solution_path.read_text() in out
    assert "feat_training_set" in out


def test_start_copies_the_starter_and_never_overwrites(tmp_path: Path) -> None:
    code, out = run_cli("start", "funnel", str(tmp_path))
    target = tmp_path / "funnel.sql"
    assert code == 0 and target.read_text() == find_exercise("funnel").starter_path.read_text()
    assert f"check funnel {target}" in out
    target.write_text("-- my work")
    assert run_cli("start", "funnel", str(tmp_path))[0] == 2
    assert target.read_text() == "-- my work"
    assert run_cli("start", "funnel", str(tmp_path), "--force")[0] == 0


def test_bad_arguments_are_usage_errors() -> None:
    assert run_cli()[0] == 2
    assert run_cli("frobnicate")[0] == 2
    assert run_cli("hint", "funnel", "two")[0] == 2


def test_module_entry_point_runs(project_root: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "practice", "list"],
        cwd=project_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "dedup-deliveries" in done.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "practice", "solution", "zzz"],
        cwd=project_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2 and "python -m practice list" in missing.stderr


def test_readme_exercise_table_is_current(project_root: Path) -> None:
    code, table = run_cli("list", "--markdown")
    readme = (project_root / "practice" / "README.md").read_text()
    assert code == 0 and table.strip() in readme, "run `python -m practice list --markdown`"
