"""Comparing plain answers (see ``plain.py``) with expected plain values, with tolerances.

Used on the student side (a function's output on a public worked example) and by the
grader (every hidden check), always on plain data, never on the student's own objects.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable

NUMERIC = ("int", "float")

#: Why a result is not accepted when it is the reference rounded too coarsely (functions' outputs).
ROUNDED_WHY = "Close — did you round? Return the value unrounded"


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
        return abs(a - e) <= self.width(e)

    def width(self, expected: float) -> float:
        """How far from ``expected`` a value may lie."""
        return max(self.abs, self.rel * abs(expected))

    def rounded(self, actual: Any, expected: Any) -> bool:
        """Whether ``actual`` misses ``expected`` only because it was rounded too coarsely."""
        a, e = _float(actual), _float(expected)
        if a is None or e is None or not math.isfinite(e) or self.close(a, e):
            return False
        return looks_rounded(a, e, self.width(e))


def rounding_decimals(tol: float) -> list[int]:
    """Decimals d (as in ``round(x, d)``) at which rounding can put an answer outside ``tol``:
    the finest such rounding and the two coarser ones (tol 1 → -1, -2, -3: tens, hundreds…)."""
    if not tol > 0:
        return []
    k = math.floor(math.log10(2 * tol)) + 1  # 10**k is the first power of ten above 2·tol
    return [-k, -k - 1, -k - 2]


def rounded_token(value: float, d: int) -> str | None:
    """``"d:n"`` when ``value`` is a whole number of units 10**-d (it looks rounded to d
    decimals), else None. Zero is not counted as a rounding."""
    x = value * 10.0**d
    n = round(x)
    if n == 0 or abs(x - n) > 1e-6 * max(1.0, abs(x)):
        return None
    return f"{d}:{n}"


def rounding_tokens(ref: float, d: int) -> list[str]:
    """The tokens of ``ref`` rounded (half-even, half-up or truncated) to d decimals."""
    x = ref * 10.0**d
    found = {round(x), math.floor(x + 0.5), math.trunc(x)}
    return sorted(f"{d}:{n}" for n in found if n != 0)


def looks_rounded(value: Any, ref: Any, tol: float) -> bool:
    """Whether ``value`` is ``ref`` rounded too coarsely for the tolerance ``tol``."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return False
    if not isinstance(ref, (int, float)) or isinstance(ref, bool) or not math.isfinite(ref):
        return False
    for d in rounding_decimals(tol):
        token = rounded_token(value, d)
        if token is not None and token in rounding_tokens(ref, d):
            return True
    return False


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


def match_choice(plain: dict, options: list[str], exact: bool = False) -> str | None:
    """The option a plain answer picks, or None.

    ``exact``: the answer must be written as the option is (capitals and inner spaces count;
    only surrounding spaces are forgiven)."""
    if plain.get("type") != "str":
        return None
    if exact:
        want = plain["value"].strip()
        return next((opt for opt in options if opt == want), None)
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
    labels: list[str] = field(default_factory=list)  # the row labels as the student wrote them (``rows`` may be keys)

    def extra_rows(self, expected: list[str]) -> int:
        """How many rows there are beyond one for each expected label (duplicates count)."""
        return len(self.rows) - len(set(self.rows) & set(expected))


def table(plain: dict, rows: list[str] | None = None, key: Callable[[str], str] | None = None) -> Cells | None:
    """The cells of a plain frame, rows matched by label.

    When ``rows`` (the expected row labels) are given and the index does not hold them but
    exactly one column does (the student kept e.g. ``industry`` as a column rather than the
    index), that column is used as the index. ``key`` turns a row label into what ``rows``
    holds (a salted hash, when the labels are part of the answer and not published).
    """
    key = key or (lambda label: label)
    if plain.get("type") == "series":
        plain = {
            "type": "frame", "index": plain["index"], "columns": ["value"],
            "data": [[v] for v in plain["data"]], "index_name": None,
        }
    if plain.get("type") != "frame":
        return None
    labels, columns, data = list(plain["index"]), list(plain["columns"]), plain["data"]
    index = [key(r) for r in labels]
    if rows is not None and not set(rows) <= set(index):
        for j in range(len(columns)):
            texts = [_label_text(r[j]) if j < len(r) else "" for r in data]
            keys = [key(t) for t in texts]
            if set(rows) <= set(keys) and len(set(keys)) == len(keys):
                labels, index = texts, keys
                columns = columns[:j] + columns[j + 1 :]
                data = [r[:j] + r[j + 1 :] for r in data]
                break
    cell = {}
    for i, r in enumerate(index):
        for j, c in enumerate(columns):
            cell[(r, c)] = data[i][j] if i < len(data) and j < len(data[i]) else None
    return Cells(rows=index, cols=columns, cell=cell, labels=labels)


def _label_text(v: Any) -> str:
    """A cell used as a row label, written as ``plain`` writes index labels (2015.0 → '2015')."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def column_matches(actual: Cells, expected: Cells, column: str, tol: Tolerance) -> bool:
    """Whether ``column`` of ``actual`` has the expected value in every expected row."""
    if column not in actual.cols:
        return False
    return all(
        (r, column) in actual.cell and tol.close(actual.cell[(r, column)], expected.cell[(r, column)])
        for r in expected.rows
    )


def _values(plain: dict) -> list | None:
    """The flat values of a 1-D list, tuple, Series or array (None for anything else)."""
    t = plain.get("type")
    if t == "series":
        return list(plain["data"])
    if t == "array" and len(plain["shape"]) == 1:
        return list(plain["data"])
    if t == "list" and all(i.get("type") in NUMERIC + ("bool",) for i in plain["items"]):
        return [i["value"] for i in plain["items"]]
    return None


def _n_values(plain: dict) -> int | None:
    t = plain.get("type")
    if t == "series":
        return len(plain["data"])
    if t == "array":
        return len(plain["data"])
    if t == "list":
        return len(plain["items"])
    return None


def type_problem(actual: dict, expected: dict, sizes: bool = True) -> str | None:
    """Why ``actual`` cannot be the kind of value ``expected`` is, in words that name no label or
    value; with ``sizes=False`` no size or shape either (safe to show for hidden inputs). None
    when the kinds are compatible.

    A 1-D NumPy array may also be given as a list, tuple or pandas Series of numbers (compared by
    position): the values are what is graded."""
    from .plain import describe

    def _got(plain: dict) -> str:
        text = describe(plain)
        return text if sizes else re.sub(r" (of \d+ \w+|of shape \([^)]*\)|\(\d+ rows? × \d+ columns?\))$", "", text)

    et, at = expected.get("type"), actual.get("type")
    if at == "none":
        return "your function returned None — add a `return` line at the end (e.g. `return result`)"
    if at in ("too-large", "other"):
        return f"expected {re.sub(r' (of|[(]).*$', '', describe(expected))}, got {_got(actual)}"
    if et in NUMERIC:
        if at in NUMERIC:
            return None
        n = _n_values(actual)
        if n == 1:
            how = "[0]" if at == "list" else ".item()"
            return f"expected a single number, got {_got(actual)}: return the number itself (e.g. with {how})"
        return f"expected a single number, got {_got(actual)}"
    if et == "frame":
        if at == "frame":
            return None
        if at == "series":
            return "expected a pandas DataFrame, got a pandas Series (one row or column?): return the whole table"
        if at == "array":
            return ("expected a pandas DataFrame, got a NumPy array: keep pandas' labels "
                    "(use DataFrame operations, or pd.DataFrame(..., index=..., columns=...))")
        return f"expected a pandas DataFrame, got {_got(actual)}"
    if et == "series":
        if at == "series":
            return None
        if at == "frame":
            return "expected a pandas Series, got a pandas DataFrame: return one column (e.g. table[column])"
        return f"expected a pandas Series, got {_got(actual)}"
    if et == "array":
        if at == "array":
            if actual["shape"] != expected["shape"]:
                if not sizes:
                    return "the array has the wrong shape (one value per row or column of the input?)"
                return f"expected an array of shape {tuple(expected['shape'])}, got shape {tuple(actual['shape'])}"
            return None
        if len(expected["shape"]) == 1 and _values(actual) is not None:
            n, want = len(_values(actual)), expected["shape"][0]
            if n == want:
                return None
            return f"expected {want} values, got {_got(actual)}" if sizes else "the result has the wrong number of values"
        if at == "list":
            return "expected a NumPy array, got a list that is not a flat list of numbers; use np.asarray(...)"
        if at == "frame":
            return "expected a NumPy array, got a pandas DataFrame; use np.asarray(...) (or .to_numpy())"
        return f"expected a NumPy array, got {_got(actual)}"
    if et == "list":
        if at != "list":
            return f"expected a list, got {_got(actual)}"
        if len(actual["items"]) != len(expected["items"]):
            return f"expected a list of {len(expected['items'])} items, got {len(actual['items'])}" if sizes else "the list has the wrong length"
        return None
    if et == "str" and at != "str":
        return f"expected text (a str), got {_got(actual)}"
    return None


def same_value(actual: dict, expected: dict, tol: Tolerance) -> tuple[bool, str]:
    """Whether two plain values agree (tables by labels, order ignored); and why not."""
    problem = type_problem(actual, expected)
    if problem:
        return False, problem
    et = expected.get("type")
    if et in NUMERIC:
        a, e = number(actual), number(expected)
        if tol.close(a, e):
            return True, ""
        return False, ROUNDED_WHY if tol.rounded(a, e) else "the number differs"
    if et in ("frame", "series"):
        exp = table(expected)
        act = table(actual, rows=exp.rows) if exp else None
        if act is None:
            return False, "expected a table (pandas DataFrame)"
        if set(exp.rows) - set(act.rows):
            return False, "rows are missing: " + ", ".join(sorted(set(exp.rows) - set(act.rows))[:5])
        extra = act.extra_rows(exp.rows)
        if extra:  # a table answer has exactly the expected rows
            return False, f"{extra} row{'' if extra == 1 else 's'} too many (one row per label of the expected result, no others)"
        if set(exp.cols) - set(act.cols):
            return False, "columns are missing: " + ", ".join(sorted(set(exp.cols) - set(act.cols))[:5])
        wrong = [(r, c) for c in exp.cols for r in exp.rows if not tol.close(act.cell.get((r, c)), exp.cell[(r, c)])]
        if not wrong:
            return True, ""
        if all(tol.rounded(act.cell.get(rc), exp.cell[rc]) for rc in wrong):
            return False, ROUNDED_WHY
        r, c = wrong[0]
        where = f"row {r!r}, column {c!r}" if et == "frame" else f"row {r!r}"
        return False, f"the value in {where} differs"
    if et == "array":
        got = actual["data"] if actual.get("type") == "array" else _values(actual)
        wrong = [(a, e) for a, e in zip(got, expected["data"]) if not tol.close(a, e)]
        if not wrong:
            return True, ""
        return False, ROUNDED_WHY if all(tol.rounded(a, e) for a, e in wrong) else "some values differ"
    if et == "list":
        for a, e in zip(actual["items"], expected["items"]):
            ok, why = same_value(a, e, tol)
            if not ok:
                return False, why
        return True, ""
    if et == "str":
        ok = actual["value"] == expected["value"]
        return ok, "" if ok else "the text differs"
    ok = actual == expected
    return ok, "" if ok else "the value differs"
