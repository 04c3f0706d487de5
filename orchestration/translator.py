"""How dbt nodes appear in Dagster: keys that Python assets can name, groups by layer.

Source keys are `<source>/<table>`. The `ml` source tables are exactly the keys
of the Python ml assets that write them, so the monitoring models hang below the
ml steps. The `raw` source tables are shown as external assets fed by the dbt
seeds (see `raw_source_specs`): dagster-dbt refuses a source and a seed sharing
one key, and the source is what staging reads (the seed by default, or your own
files when SOCIAL_ML_RAW_DIR is set)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster import AssetKey, AssetSpec
from dagster_dbt import DagsterDbtTranslator

# models/<first folder>[/<second folder>] -> Dagster group
_GROUP_BY_FOLDER: dict[tuple[str, ...], str] = {
    ("staging",): "staging",
    ("intermediate",): "intermediate",
    ("marts", "core"): "marts",
    ("marts", "aggregates"): "marts",
    ("marts", "features"): "features",
    ("marts", "training"): "features",
    ("marts", "similarity"): "similarity",
    ("marts", "monitoring"): "monitoring",
    ("marts", "quality"): "monitoring",
}


class SocialMlTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "source":
            return AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return AssetKey(dbt_resource_props["name"])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type in ("seed", "source"):
            return "raw" if dbt_resource_props.get("source_name", "raw") == "raw" else "ml"
        folders = tuple(dbt_resource_props.get("fqn", [])[1:-1])
        for length in (2, 1):
            group = _GROUP_BY_FOLDER.get(folders[:length])
            if group:
                return group
        return "marts"


def raw_source_specs(manifest: Mapping[str, Any]) -> list[AssetSpec]:
    """External assets for the `raw` dbt source tables, each fed by its seed."""
    specs = []
    for source in manifest["sources"].values():
        if source["source_name"] != "raw":
            continue
        specs.append(
            AssetSpec(
                key=AssetKey(["raw", source["name"]]),
                deps=[AssetKey(source["identifier"])],
                group_name="raw",
                description=(
                    f"{source.get('description', '').strip()}\n\nStaging reads the seed "
                    f"`{source['identifier']}` by default, or `{source['identifier']}.csv|"
                    ".parquet` in SOCIAL_ML_RAW_DIR when that is set."
                ),
                kinds={"duckdb"},
            )
        )
    return specs
