"""count(*) of relations in a Spark warehouse, as JSON: bench.spark runs it in a child
process so the bench's own process never holds a JVM.

    python -m bench.spark_counts WAREHOUSE OUT.json schema.name [schema.name ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from orchestration.engine import spark_session


def main(argv: list[str]) -> int:
    warehouse, out, *relations = argv
    with spark_session(Path(warehouse)) as spark:
        counts = {
            relation: spark.table(relation).count() if spark.catalog.tableExists(relation) else None
            for relation in relations
        }
    Path(out).write_text(json.dumps(counts, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
