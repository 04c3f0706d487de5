"""Writing tables: CSV or Parquet through pyarrow, byte-for-byte reproducible.

pyarrow's CSV writer is multi-threaded C++ and its output depends only on the table, so
equal tables give equal files. Floats are rounded before writing so their text is stable.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

FORMATS = ("csv", "parquet")


def write_table(table: pa.Table, directory: Path, name: str, fmt: str) -> Path:
    """Write `table` as `<directory>/<name>.<fmt>`; returns the path."""
    path = directory / f"{name}.{fmt}"
    if fmt == "csv":
        pacsv.write_csv(table, path)
    elif fmt == "parquet":
        pq.write_table(table, path, **_parquet_options(table.schema))
    else:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    return path


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t)


def _parquet_options(schema: pa.Schema) -> dict[str, object]:
    """zstd; dictionary pages only where they pay (vocabulary columns, already dictionary
    arrays); min/max statistics only on numbers: summarising string ids and timestamps
    costs time and nobody prunes raw files by them."""
    numeric = [f.name for f in schema if not _is_text(f.type)]
    dictionary = [f.name for f in schema if pa.types.is_dictionary(f.type)]
    return {
        "compression": "zstd",
        "use_dictionary": dictionary or False,
        "write_statistics": numeric or False,
    }


class ChunkedWriter:
    """One file written in pieces, so formatting chunk k+1 overlaps writing chunk k.

    The CSV bytes equal those of `write_table` on the whole table (one header, then the
    rows); Parquet gets one row group per chunk, fixed by the chunk size.
    """

    def __init__(self, directory: Path, name: str, fmt: str, schema: pa.Schema) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}")
        self.path = directory / f"{name}.{fmt}"
        self._writer: pacsv.CSVWriter | pq.ParquetWriter
        if fmt == "csv":
            self._writer = pacsv.CSVWriter(self.path, schema)
        else:
            self._writer = pq.ParquetWriter(self.path, schema, **_parquet_options(schema))

    def write(self, table: pa.Table) -> None:
        """Append rows (same schema as the first chunk)."""
        self._writer.write_table(table)

    def close(self) -> Path:
        """Finish the file; returns its path."""
        self._writer.close()
        return self.path
