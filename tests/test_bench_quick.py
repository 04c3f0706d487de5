"""bench-quick's verdict: which stages and models count as slower, and its exit code.

The timed run itself is `make bench-quick` (bench/, never a timed test); here saved
figures are compared, so the rule that decides "slower" is what is tested.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.quick import compare, main


def _figures(build: float, score: float, models: dict[str, float], tests: float = 20.0) -> dict:
    return {
        "events": 1_000_000,
        "stages": {"generate": 3.0, "dbt_build": build, "train": 25.0, "score": score},
        "data_tests_seconds": tests,
        "models": models,
        "load_average_start": [0.1, 0.1, 0.1],
        "commit": "abc1234",
    }


BASELINE = _figures(100.0, 60.0, {"int_pit": 10.0, "tiny": 0.4, "feat": 8.0, "gone": 5.0})


def _slower(current: dict) -> set[str]:
    return {c.name for c in compare(BASELINE, current) if c.is_regression(0.20)}


def test_a_stage_or_model_over_20_percent_and_the_floor_slower_is_named() -> None:
    current = _figures(125.0, 61.0, {"int_pit": 12.5, "tiny": 0.4, "feat": 8.1})
    assert _slower(current) == {"dbt_build", "int_pit"}


def test_small_figures_and_changes_within_20_percent_are_not() -> None:
    # tiny: +100% but only 0.4 s, under the noise floor; score +18%; feat +11%.
    current = _figures(100.0, 70.8, {"int_pit": 10.0, "tiny": 0.8, "feat": 8.9})
    assert _slower(current) == set()


def test_exit_code_says_whether_anything_got_slower(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(BASELINE))
    same = tmp_path / "same.json"
    same.write_text(json.dumps(_figures(101.0, 60.0, {"int_pit": 10.2})))
    slower = tmp_path / "slower.json"
    slower.write_text(json.dumps(_figures(100.0, 90.0, {"int_pit": 10.0})))
    assert main(["--compare", str(same), "--baseline", str(baseline)]) == 0
    assert main(["--compare", str(slower), "--baseline", str(baseline)]) == 1


def test_runs_of_different_sizes_are_not_compared(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(BASELINE))
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**BASELINE, "events": 20_000}))
    assert main(["--compare", str(other), "--baseline", str(baseline)]) == 2
