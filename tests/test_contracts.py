"""Contracted models' not_null constraints reach the warehouse as NOT NULL columns.

They replaced one not_null data test per column (a test could only report what a
constraint now refuses to write), so a contract that stopped being enforced would
otherwise go unnoticed."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb


def test_contracted_not_null_columns_are_not_null_in_the_warehouse(ml_warehouse: Path) -> None:
    manifest = json.loads((ml_warehouse.parent / "target" / "manifest.json").read_text())
    expected = {
        (node["schema"], node["alias"], column["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["config"].get("contract", {}).get("enforced")
        for column in node["columns"].values()
        if any(c["type"] == "not_null" for c in column.get("constraints", []))
    }
    with duckdb.connect(str(ml_warehouse), read_only=True) as con:
        built = {
            (schema, table): {name: nullable for name, nullable in rows}
            for schema, table, rows in con.execute(
                "select table_schema, table_name, list((column_name, is_nullable))"
                " from information_schema.columns group by all"
            ).fetchall()
        }
    checked = {key for key in expected if key[:2] in built}
    # The ML marts hold most contracted models (the monitoring reports need a model).
    assert len(checked) >= 80, len(checked)
    nullable = sorted(key for key in checked if built[key[:2]][key[2]] != "NO")
    assert not nullable, f"declared not_null but nullable in the warehouse: {nullable}"
