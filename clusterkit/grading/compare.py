"""Comparing plain answers (see ``plain.py``) with expected plain values, with tolerances.

Used on the student side (a function's output on a public worked example) and by the
grader (every hidden check), always on plain data, never on the student's own objects.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

NUMERIC = ("int", "float")


@dataclass(frozen=True)
class Tolerance:
    """``|actual − expected| ≤ max(abs, rel·|expected|)``; NaN equals NaN."""

    rel: float = 1e-6
    abs: float = 1e-9

    def close(self, actual: Any, expected: Any) -> bool:
        a, e = _float(actual), _float(expected)
        if a is None or e is None:
            return a is None and e is None and actual == expected
        if math.isnan(e) or math.isnan(a):
            return math.isnan(e) and math.isnan(a)
        if math.isinf(e) or math.isinf(a):
            return a == e
        return abs(a - e) <= max(self.abs, self.rel * abs(e))


def _float(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if v in ("nan", "inf", "-inf"):
        return float(v)
    return None


def number(plain: dict) -> float | None:
    """The number a plain value holds (int or float; not bool), else None."""
    if plain.get("type") in NUMERIC:
        return _float(plain["value"])
    return None


_PUNCT = re.compile(r"^[\s()\[\].:'\"]+|[\s()\[\].:'\"]+$")


def normalise_choice(text: str) -> str:
    """'(C) ' → 'c'; '  region b' → 'region b' (case and surrounding punctuation ignored)."""
    return re.sub(r"\s+", " ", _PUNCT.sub("", text)).casefold()


def match_choice(plain: dict, options: list[str]) -> str | None:
    """The option a plain answer picks, or None."""
    if plain.get("type") != "str":
        return None
    want = normalise_choice(plain["value"])
    for opt in options:
        if normalise_choice(opt) == want:
            return opt
    return None


@dataclass
class Cells:
    """A table's cells by (row label, column label); built from a frame or a series."""

    rows: list[str]
    cols: list[str]
    cell: dict[tuple[str, str], Any]


def table(plain: dict, rows: list[str] | None = None) -> Cells | None:
    """The cells of a plain frame, rows matched by label.

    When ``rows`` (the expected row labels) are given and the index does not hold them but
    exactly one column does (the student kept e.g. ``industry`` as a column rather than the
    index), that column is used as the index.
    """
    if plain.get("type") == "series":
        plain = {
            "type": "frame", "index": plain["index"], "columns": ["value"],
            "data": [[v] for v in plain["data"]], "index_name": None,
        }
    if plain.get("type") != "frame":
        return None
    index, columns, data = list(plain["index"]), list(plain["columns"]), plain["data"]
    if rows is not None and not set(rows) <= set(index):
        for j in range(len(columns)):
            labels = [str(r[j]) for r in data]
            if set(rows) <= set(labels) and len(set(labels)) == len(labels):
                index = labels
                columns = columns[:j] + columns[j + 1 :]
                data = [r[:j] + r[j + 1 :] for r in data]
                break
    cell = {}
    for i, r in enumerate(index):
        for j, c in enumerate(columns):
            cell[(r, c)] = data[i][j] if i < len(data) and j < len(data[i]) else None
    return Cells(rows=index, cols=columns, cell=cell)


def column_matches(actual: Cells, expected: Cells, column: str, tol: Tolerance) -> bool:
    """Whether ``column`` of ``actual`` has the expected value in every expected row."""
    if column not in actual.cols:
        return False
    return all(
        (r, column) in actual.cell and tol.close(actual.cell[(r, column)], expected.cell[(r, column)])
        for r in expected.rows
    )


def same_value(actual: dict, expected: dict, tol: Tolerance) -> tuple[bool, str]:
    """Whether two plain values agree (tables by labels, order ignored); and why not."""
    et = expected.get("type")
    if et in NUMERIC:
        a = number(actual)
        if a is None:
            return False, f"expected a number, got {actual.get('type')}"
        return (tol.close(a, number(expected)), "the number differs")
    if et in ("frame", "series"):
        exp = table(expected)
        act = table(actual, rows=exp.rows) if exp else None
        if act is None:
            return False, "expected a table (pandas DataFrame)"
        if set(exp.rows) - set(act.rows):
            return False, "rows are missing: " + ", ".join(sorted(set(exp.rows) - set(act.rows))[:5])
        if set(exp.cols) - set(act.cols):
            return False, "columns are missing: " + ", ".join(sorted(set(exp.cols) - set(act.cols))[:5])
        for c in exp.cols:
            for r in exp.rows:
                if not tol.close(act.cell.get((r, c)), exp.cell[(r, c)]):
                    where = f"row {r!r}, column {c!r}" if et == "frame" else f"row {r!r}"
                    return False, f"the value in {where} differs"
        return True, ""
    if et == "array":
        if actual.get("type") != "array" or actual["shape"] != expected["shape"]:
            return False, "expected an array of shape " + str(expected["shape"])
        ok = all(tol.close(a, e) for a, e in zip(actual["data"], expected["data"]))
        return ok, "" if ok else "some values differ"
    if et == "list":
        if actual.get("type") != "list" or len(actual["items"]) != len(expected["items"]):
            return False, "expected a list of the same length"
        for a, e in zip(actual["items"], expected["items"]):
            ok, why = same_value(a, e, tol)
            if not ok:
                return False, why
        return True, ""
    if et == "str":
        ok = actual.get("type") == "str" and actual["value"] == expected["value"]
        return ok, "" if ok else "the text differs"
    ok = actual == expected
    return ok, "" if ok else "the value differs"
