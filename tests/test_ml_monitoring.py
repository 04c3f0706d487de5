"""The ml tables exist before ml runs: Python's DDL and the dbt hook's DDL must agree."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from ml.cli import main
from ml.db import ML_TABLES_DDL, init_ml_schema

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MACRO = PROJECT_ROOT / "macros" / "monitoring" / "create_ml_source_tables.sql"

COLUMNS_SQL = """
    select table_name, ordinal_position, column_name, data_type, is_nullable
    from information_schema.columns
    where table_schema = 'ml'
    order by table_name, ordinal_position
"""


def _macro_sql() -> str:
    """The SQL body of the create_ml_source_tables macro (it contains no jinja)."""
    text = MACRO.read_text()
    match = re.search(r"{% macro create_ml_source_tables\(\) -%}(.*){%- endmacro %}", text, re.S)
    assert match, "macro body not found"
    assert "{{" not in match.group(1) and "{%" not in match.group(1)
    return match.group(1)


def test_dbt_hook_and_python_create_identical_ml_tables(tmp_path: Path) -> None:
    by_python = duckdb.connect(str(tmp_path / "python.duckdb"))
    by_dbt = duckdb.connect(str(tmp_path / "dbt.duckdb"))
    try:
        init_ml_schema(by_python)
        by_dbt.execute(_macro_sql())
        python_columns = by_python.execute(COLUMNS_SQL).fetchall()
        assert python_columns == by_dbt.execute(COLUMNS_SQL).fetchall()
        assert {row[0] for row in python_columns} == set(ML_TABLES_DDL)
    finally:
        by_python.close()
        by_dbt.close()


def test_cli_init_creates_the_tables_in_a_new_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    assert main(["init", "--db", str(db)]) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'ml'"
        ).fetchall()
    assert {t for (t,) in tables} == set(ML_TABLES_DDL)


def test_init_is_idempotent_and_keeps_rows(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        init_ml_schema(con)
        con.execute(
            "insert into ml.evaluations values (1, current_timestamp, 10, 'ndcg_at_k', 0.2, 0.1)"
        )
        init_ml_schema(con)
        assert con.execute("select count(*) from ml.evaluations").fetchall() == [(1,)]
    finally:
        con.close()
