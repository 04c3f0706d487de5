"""The lint templater (sqlfluff_cached_jinja) renders exactly what sqlfluff's jinja
templater renders, and compiles each macro file once per process, not once per model."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlfluff.core import FluffConfig, Linter

import sqlfluff_cached_jinja
from sqlfluff_cached_jinja import CachedCompileEnvironment

# Models whose templates lean hardest on project macros and dispatched ones.
MODELS = [
    "models/marts/monitoring/rpt_feature_drift.sql",
    "models/marts/training/int_pit_activity_counts.sql",
    "models/staging/stg_social__events_validated.sql",
]


@pytest.fixture(autouse=True)
def _real_modules_back(project_root: Path) -> Iterator[None]:
    """sqlfluff imports the lint stubs (macros/sqlfluff_stubs) as the top-level modules
    `dbt` and `adapter`: the real ones go back after each test, for later tests in this
    process (dagster-dbt imports dbt.graph)."""
    saved = dict(sys.modules)
    yield
    stubs = str(project_root / "macros" / "sqlfluff_stubs")
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(stubs):
            if name in saved and saved[name] is not module:
                sys.modules[name] = saved[name]
            else:
                del sys.modules[name]


def _config(project_root: Path, templater: str) -> FluffConfig:
    """The project's .sqlfluff with `templater` in place of cached_jinja (its settings
    included), the macro paths made absolute."""
    text = (project_root / ".sqlfluff").read_text().replace("cached_jinja", templater)
    for setting in ("load_macros_from_path = ", "library_path = "):
        text = text.replace(setting, setting + str(project_root) + "/")
    return FluffConfig.from_string(text)


def _render(project_root: Path, templater: str, model: str) -> str:
    config = _config(project_root, templater)
    assert config.get_templater_class().name == templater
    # render_string: render_file would lay the project's .sqlfluff over `config`.
    path = project_root / model
    rendered = Linter(config=config).render_string(path.read_text(), str(path), config, "utf-8")
    assert rendered.templated_variants, f"{model} did not render under {templater}"
    return rendered.templated_variants[0].templated_str


@pytest.mark.parametrize("model", MODELS)
def test_renders_what_the_jinja_templater_renders(project_root: Path, model: str) -> None:
    plain = _render(project_root, "jinja", model)
    cached = _render(project_root, "cached_jinja", model)
    assert cached == plain
    assert "{{" not in cached and "{%" not in cached


def test_macro_files_compile_once_per_process(project_root: Path) -> None:
    macro_sources = {path.read_text() for path in (project_root / "macros").rglob("*.sql")}

    def cached_macro_files() -> int:
        return sum(1 for key in sqlfluff_cached_jinja._COMPILED if key[1] in macro_sources)

    _render(project_root, "cached_jinja", MODELS[0])
    assert cached_macro_files() > 40, "the macro files should be cached after one model"
    before = set(sqlfluff_cached_jinja._COMPILED)
    _render(project_root, "cached_jinja", "models/marts/serving/feat_online_user.sql")
    # Another model compiles its own template (and the tracer's variants of it), no
    # macro file again.
    added = set(sqlfluff_cached_jinja._COMPILED) - before
    assert added and not [key for key in added if key[1] in macro_sources]


def test_a_changed_source_compiles_anew() -> None:
    environment = CachedCompileEnvironment()
    first = environment.from_string("{% macro m() %}a{% endmacro %}{{ m() }}")
    again = environment.from_string("{% macro m() %}a{% endmacro %}{{ m() }}")
    changed = environment.from_string("{% macro m() %}b{% endmacro %}{{ m() }}")
    assert first.render() == again.render() == "a"
    assert changed.render() == "b"
