"""The exercise catalogue: one directory per exercise under `exercises/`, described by
`exercise.toml`, so adding an exercise never means touching Python code."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

EXERCISES_DIR = Path(__file__).resolve().parent / "exercises"
DIFFICULTIES = ("easy", "medium", "hard")
DEFAULT_FLOAT_TOLERANCE = 1e-6
_REQUIRED_KEYS = ("id", "title", "difficulty", "pattern", "prompt", "hints")
_DIR_PATTERN = re.compile(r"^(?P<number>\d{2})_(?P<slug>[a-z0-9_]+)$")


class CatalogError(Exception):
    """An exercise directory is malformed (a bug in the catalogue, not in learner SQL)."""


class UnknownExercise(LookupError):
    """The learner asked for an exercise that does not exist."""

    def __init__(self, key: str, suggestions: list[str]) -> None:
        self.key = key
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"unknown exercise '{key}'.{hint} Run `python -m practice list` to see the IDs."
        )


@dataclass(frozen=True)
class Dataset:
    """One input database: `visible` is shown to the learner, `hidden_*` are not."""

    name: str
    path: Path
    description: str

    @property
    def hidden(self) -> bool:
        return self.name != "visible"

    def sql(self) -> str:
        return self.path.read_text()


@dataclass(frozen=True)
class WrongAnswer:
    """A known-wrong answer kept as a regression test of the datasets and the feedback.

    Header comments declare what the grader must say: `-- expect: <message fragment>` and,
    optionally, `-- fails-on: <dataset>` (the first dataset that must catch it).
    """

    path: Path
    why: str
    expect: str
    fails_on: str | None

    @property
    def name(self) -> str:
        return self.path.stem


@dataclass(frozen=True)
class Exercise:
    number: int
    id: str
    title: str
    difficulty: str
    pattern: str
    see_also: tuple[str, ...]
    order_matters: bool
    float_tolerance: float
    prompt: str
    hints: tuple[str, ...]
    directory: Path

    @property
    def starter_path(self) -> Path:
        return self.directory / "starter.sql"

    @property
    def solution_path(self) -> Path:
        return self.directory / "solution.sql"

    @property
    def datasets(self) -> list[Dataset]:
        """The visible dataset first, then hidden ones by name (a stable grading order)."""
        paths = sorted((self.directory / "datasets").glob("*.sql"))
        datasets = [Dataset(p.stem, p, _leading_comment(p.read_text())) for p in paths]
        return sorted(datasets, key=lambda d: (d.hidden, d.name))

    @property
    def visible(self) -> Dataset:
        return self.datasets[0]

    @property
    def wrong_answers(self) -> list[WrongAnswer]:
        return [_load_wrong(p) for p in sorted((self.directory / "wrong").glob("*.sql"))]


def _leading_comment(sql: str) -> str:
    """The `-- ...` lines at the top of a file, joined: a dataset's one-line purpose."""
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines)


def _load_wrong(path: Path) -> WrongAnswer:
    headers: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^--\s*(why|expect|fails-on):\s*(.*)$", line)
        if match:
            headers[match[1]] = match[2].strip()
    if "expect" not in headers:
        raise CatalogError(f"{path}: a wrong answer needs an `-- expect:` header")
    return WrongAnswer(path, headers.get("why", ""), headers["expect"], headers.get("fails-on"))


def _load_exercise(directory: Path) -> Exercise:
    match = _DIR_PATTERN.match(directory.name)
    if not match:
        raise CatalogError(f"{directory}: exercise folders are named NN_slug")
    with (directory / "exercise.toml").open("rb") as fh:
        meta = tomllib.load(fh)
    missing = [k for k in _REQUIRED_KEYS if k not in meta]
    if missing:
        raise CatalogError(f"{directory}/exercise.toml: missing {', '.join(missing)}")
    if meta["difficulty"] not in DIFFICULTIES:
        raise CatalogError(f"{directory}: difficulty must be one of {DIFFICULTIES}")
    see_also = meta.get("see_also", [])
    exercise = Exercise(
        number=int(match["number"]),
        id=str(meta["id"]),
        title=str(meta["title"]),
        difficulty=str(meta["difficulty"]),
        pattern=str(meta["pattern"]),
        see_also=tuple([see_also] if isinstance(see_also, str) else see_also),
        order_matters=bool(meta.get("order_matters", False)),
        float_tolerance=float(meta.get("float_tolerance", DEFAULT_FLOAT_TOLERANCE)),
        prompt=str(meta["prompt"]).strip(),
        hints=tuple(str(h).strip() for h in meta["hints"]),
        directory=directory,
    )
    for required in (exercise.starter_path, exercise.solution_path):
        if not required.is_file():
            raise CatalogError(f"{directory}: missing {required.name}")
    names = [d.name for d in exercise.datasets]
    if "visible" not in names or len(names) < 2:
        raise CatalogError(f"{directory}: needs datasets/visible.sql and hidden_*.sql")
    return exercise


@cache
def load_exercises(root: Path = EXERCISES_DIR) -> tuple[Exercise, ...]:
    """Every exercise, in number order. Cached: the catalogue is static for a process."""
    directories = sorted(p for p in root.iterdir() if (p / "exercise.toml").is_file())
    exercises = tuple(_load_exercise(d) for d in directories)
    ids = [e.id for e in exercises]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise CatalogError(f"duplicate exercise ids: {sorted(duplicates)}")
    return exercises


def find_exercise(key: str, exercises: tuple[Exercise, ...] | None = None) -> Exercise:
    """Look an exercise up by id (`sessionize`), number (`6` or `06`) or folder name."""
    exercises = exercises if exercises is not None else load_exercises()
    wanted = key.strip().lower()
    for exercise in exercises:
        aliases = {exercise.id, exercise.directory.name}
        if wanted in aliases or (wanted.isdigit() and int(wanted) == exercise.number):
            return exercise
    suggestions = difflib.get_close_matches(wanted, [e.id for e in exercises], n=3)
    raise UnknownExercise(key, suggestions)
