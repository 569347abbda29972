"""Tests of partita_program.py: the protocol's encoding both ways, groups, run, group_map, Retry. Standard library."""

import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stdout
from datetime import date, datetime, timezone
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import partita_program as partita  # noqa: E402


class ProtocolTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        partita._context = None

    def files(self, lines, context):
        input_path = os.path.join(self.dir.name, "input.jsonl")
        with open(input_path, "w") as f:
            f.writelines(json.dumps(line) + "\n" for line in lines)
        context_path = os.path.join(self.dir.name, "context.json")
        with open(context_path, "w") as f:
            json.dump(context, f)
        os.environ["PARTITA_INPUT"] = input_path
        os.environ["PARTITA_CONTEXT"] = context_path

    def output(self, fn):
        out = io.StringIO()
        with redirect_stdout(out):
            fn()
        return [json.loads(line) for line in out.getvalue().splitlines()]

    def test_groups_arrive_whole_and_typed(self):
        columns = [
            {"name": "store", "type": "UTF8"},
            {"name": "amount", "type": "DECIMAL"},
            {"name": "id", "type": "INT64"},
            {"name": "at", "type": "TIMESTAMP_MICROS"},
            {"name": "day", "type": "DATE"},
        ]
        row = lambda s, a, i: {"store": s, "amount": a, "id": i, "at": "2026-01-02T03:04:05.123456Z", "day": "2026-01-02"}
        self.files(
            [{"key": {"store": "a"}, "row": row("a", "1.10", "9007199254740993")},
             {"key": {"store": "a"}, "row": row("a", "2.20", "1")},
             {"key": {"store": "b"}, "row": row("b", "0.01", "2")}],
            {"params": {}, "columns": columns},
        )
        groups = list(partita.groups())
        self.assertEqual([key for key, _ in groups], [{"store": "a"}, {"store": "b"}])
        first = groups[0][1][0]
        self.assertEqual(first["amount"], Decimal("1.10"))
        self.assertEqual(first["id"], 9007199254740993)
        self.assertEqual(first["at"], datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc))
        self.assertEqual(first["day"], date(2026, 1, 2))
        self.assertEqual(sum(r["amount"] for r in groups[0][1]), Decimal("3.30"))

    def test_rows_are_written_exactly(self):
        self.files([], {"params": {}})
        rows = self.output(lambda: partita.write({
            "big": 2**60, "small": 5, "price": Decimal("12.30"), "at": datetime(2026, 1, 2, 3, 4, 5, 7, tzinfo=timezone.utc),
            "day": date(2026, 1, 2), "raw": b"\x00\xff", "nan": float("nan"), "none": None, "ok": True,
        }))
        self.assertEqual(rows, [{
            "big": "1152921504606846976", "small": 5, "price": "12.30", "at": "2026-01-02T03:04:05.000007Z",
            "day": "2026-01-02", "raw": "AP8=", "nan": None, "none": None, "ok": True,
        }])
        with self.assertRaises(TypeError):
            partita.write({"x": object()})

    def test_run_writes_what_fn_returns_and_params_reach_it(self):
        self.files([{"x": 1}, {"x": 2}], {"params": {"scale": 10}})
        rows = self.output(lambda: partita.run(lambda ctx: ({"y": item["x"] * partita.params()["scale"]} for item in partita.items())))
        self.assertEqual(rows, [{"y": 10}, {"y": 20}])

    def test_group_map_without_pandas_hands_lists_of_dicts(self):
        self.files(
            [{"key": {"g": 1}, "row": {"v": 1}}, {"key": {"g": 1}, "row": {"v": 2}}, {"key": {"g": 2}, "row": {"v": 5}}],
            {"params": {}, "columns": [{"name": "v", "type": "INT32"}]},
        )
        total = lambda key, rows: {"g": key["g"], "total": sum(r["v"] for r in rows), "type": type(rows).__name__}
        saved, partita._pandas = partita._pandas, False  # as without pandas installed
        try:
            rows = self.output(lambda: partita.group_map(total))
        finally:
            partita._pandas = saved
        self.assertEqual(rows, [{"g": 1, "total": 3, "type": "list"}, {"g": 2, "total": 5, "type": "list"}])
        partita._context = None
        self.assertEqual(self.output(lambda: partita.group_map(total, frames=False)), rows)

    def test_group_map_with_pandas_hands_data_frames_and_writes_numpy_values(self):
        self.assertIsNotNone(partita._pd(), "python3-pandas is installed by scripts/test-tools.sh")
        at = "2026-01-02T03:04:05.000001Z"
        self.files(
            [{"key": {"g": "a"}, "row": {"g": "a", "v": "1.5", "n": 1, "at": at}},
             {"key": {"g": "a"}, "row": {"g": "a", "v": "2.5", "n": 2, "at": at}},
             {"key": {"g": "b"}, "row": {"g": "b", "v": "4.0", "n": 3, "at": at}}],
            {"params": {}, "columns": [{"name": "v", "type": "DECIMAL"}, {"name": "at", "type": "TIMESTAMP_MICROS"}]},
        )
        seen = []

        def summary(key, frame):
            seen.append(type(frame).__name__)
            out = frame.groupby("g").agg(total=("v", "sum"), n=("n", "sum"), last=("at", "max"), mean=("n", "mean"))
            return out.reset_index()

        rows = self.output(lambda: partita.group_map(summary))
        self.assertEqual(seen, ["DataFrame", "DataFrame"])
        self.assertEqual(rows, [
            {"g": "a", "total": "4.0", "n": 3, "last": at, "mean": 1.5},
            {"g": "b", "total": "4.0", "n": 3, "last": at, "mean": 3.0},
        ])

    def test_importing_the_helper_does_not_import_pandas(self):
        import subprocess

        here = os.path.dirname(os.path.abspath(__file__))
        probe = "import sys, partita_program; print('pandas' in sys.modules)"
        out = subprocess.run([sys.executable, "-c", probe], cwd=here, capture_output=True, text=True, check=True)
        self.assertEqual(out.stdout.strip(), "False")

    def test_retry_exits_75(self):
        self.files([], {"params": {}})

        def fails(_ctx):
            raise partita.Retry("the model server is warming up")

        with self.assertRaises(SystemExit) as exit_:
            with redirect_stdout(io.StringIO()):
                partita.run(fails)
        self.assertEqual(exit_.exception.code, 75)


if __name__ == "__main__":
    unittest.main()
