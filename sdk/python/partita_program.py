"""Partita's program protocol, for Python programs: read the partition's input, write its rows, report progress.

One file, the standard library only; when pandas is installed, group_map hands each group over as a DataFrame (pandas
is imported only then: a program that does not use it does not pay for its import in every partition).

    import partita_program as partita

    def forecast(key, sales):            # sales: a pandas DataFrame of one store's rows (a list of dicts without pandas)
        ...
        return [{"store": key["store"], "day": day, "forecast": value} for day, value in ...]

    partita.group_map(forecast)

Input values arrive typed: the input's declared columns (context["columns"]) turn decimals into Decimal, 64-bit
integers into int, timestamps into timezone-aware datetime (microseconds kept), dates into date and bytes into bytes.
Rows written are encoded back the same way. Exit codes: 0 done; raise Retry (exit 75) when another attempt may
succeed; any other exception fails the partition for good, its traceback ending the partition's error.
"""

import base64
import json
import os
import sys
from datetime import date, datetime, timezone
from decimal import Decimal

#: pandas once imported, False when it is not installed, None before the first need.
_pandas = None


def _pd():
    """pandas, imported on first use, or None without it."""
    global _pandas
    if _pandas is None:
        try:
            import pandas

            _pandas = pandas
        except ImportError:  # pragma: no cover - depends on the machine
            _pandas = False
    return _pandas or None

EX_TEMPFAIL = 75


class Retry(Exception):
    """Raised by a program when another attempt may succeed (a service away): the partition is tried again."""


_context = None


def context():
    """context.json: job_id, partition, attempt, program, params, units, columns (of the input, when it has them)."""
    global _context
    if _context is None:
        with open(os.environ["PARTITA_CONTEXT"]) as f:
            _context = json.load(f)
    return _context


def params():
    """The job's params, as its spec gave them (checked against the program's JSON Schema)."""
    return context().get("params", {})


def _decoder(kind):
    if kind == "DECIMAL":
        return Decimal
    if kind == "INT64":
        return int
    if kind == "TIMESTAMP_MICROS":
        return lambda v: datetime.fromisoformat(v.replace("Z", "+00:00"))
    if kind == "DATE":
        return date.fromisoformat
    if kind == "BINARY":
        return base64.b64decode
    return None


def _typed(row, decoders):
    for name, decode in decoders.items():
        value = row.get(name)
        if value is not None:
            row[name] = decode(value)
    return row


def _decoders():
    out = {}
    for column in context().get("columns") or []:
        decode = _decoder(column["type"])
        if decode is not None:
            out[column["name"]] = decode
    return out


def items():
    """The partition's items, in order: integers of a range, list items, or parameter sets of a grid."""
    kind = context().get("inputFormat", "jsonl")
    if kind != "jsonl":
        raise ValueError(f"the helper reads JSON lines; this program's input is {kind}: read PARTITA_INPUT itself "
                         "(pandas.read_csv, pandas.read_parquet)")
    with open(os.environ["PARTITA_INPUT"]) as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def groups():
    """The partition's groups, in order: (key, rows) with every row of the group, its values typed."""
    decoders = _decoders()
    key, rows = None, []
    for record in items():
        if rows and record["key"] != key:
            yield key, rows
            rows = []
        key = record["key"]
        rows.append(_typed(record["row"], decoders))
    if rows:
        yield key, rows


def _encode(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value).__name__ == "NaTType":  # pandas' missing time
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict)):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -(2**53) < value < 2**53 else str(value)
    if isinstance(value, float):
        return None if value != value else value  # NaN: null
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot write a value of type {type(value).__name__}: {value!r}")


def write(row):
    """Writes one output row (a dict of the program's columns) as a JSON line on stdout."""
    sys.stdout.write(json.dumps({k: _encode(v) for k, v in row.items()}) + "\n")


_progress = None


def progress(done, total=None):
    """Reports the items done so far (file descriptor 3); advisory, never fails the program."""
    global _progress
    try:
        if _progress is None:
            _progress = os.fdopen(3, "w")
        _progress.write(json.dumps({"done": done} if total is None else {"done": done, "total": total}) + "\n")
        _progress.flush()
    except OSError:
        pass


def _rows(result):
    if result is None:
        return []
    if hasattr(result, "to_dict") and hasattr(result, "columns"):  # a pandas DataFrame
        return result.to_dict("records")
    if isinstance(result, dict):
        return [result]
    return result


def _main(body):
    try:
        body()
        sys.stdout.flush()
    except Retry as err:
        print(f"retry: {err}", file=sys.stderr)
        sys.exit(EX_TEMPFAIL)


def run(fn):
    """Runs fn(context) for the partition and writes the rows it returns or yields (dicts, or a DataFrame)."""
    _main(lambda: [write(row) for row in _rows(fn(context()))])


def group_map(fn, frames=None):
    """Runs fn(key, rows) for each group, writing what it returns. The rows are a pandas DataFrame when pandas is
    installed (frames=None) or required (frames=True), a list of dicts without it or with frames=False."""

    def body():
        pandas = _pd() if frames is not False else None
        if frames and pandas is None:
            raise ImportError("group_map(frames=True) needs pandas")
        for done, (key, rows) in enumerate(groups(), 1):
            frame = pandas.DataFrame(rows) if pandas is not None else rows
            for row in _rows(fn(key, frame)):
                write(row)
            progress(done)

    _main(body)
