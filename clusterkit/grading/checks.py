"""Public checks: declarative properties of an answer, evaluated on plain data.

A chapter's public spec (``public/NN.json``, generated from ``exercises/``) lists, for every
exercise, checks such as::

    {"check": "type", "expect": "number", "hint": "..."}
    {"check": "range", "min": 0, "max": 9, "hint": "..."}
    {"check": "answer", "mode": "number", "salt": "...", "step": 0.5, "hashes": [...], "hint": "..."}

The same function, :func:`evaluate`, runs them in the student's notebook (``check()``) and in
the grader (on the answer pulled out of the kernel), so students and instructors see the
same public verdicts. The ``answer`` check compares a *salted hash* of the rounded answer
with hashes of the values within tolerance of the reference, so the spec never contains the
answer itself (see ``exercises/README.md`` for what this does and does not hide).
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Callable

from . import compare
from .plain import describe

KINDS = ("number", "table", "choice", "function", "text")

#: (ok, text) pairs, in the order the checks ran.
Messages = list[tuple[bool, str]]


@dataclass
class Verdict:
    """The public verdict on one answer.

    ``state``: ``not-attempted``, ``missing``, ``wrong-type``, ``failed`` (a public check
    failed), ``passed`` (all public checks pass; correctness is decided when graded),
    ``correct`` (matches the answer's hash), ``manual`` (graded by the instructor).
    """

    state: str
    messages: Messages = field(default_factory=list)
    hint: str | None = None

    @property
    def ok(self) -> bool:
        return self.state in ("passed", "correct", "manual")


def answer_hash(salt: str, key: str, token: str) -> str:
    """The salted hash of one rounded value (16 hex digits)."""
    return hashlib.sha256(f"{salt}\x1f{key}\x1f{token}".encode("utf-8")).hexdigest()[:16]


def bucket(value: float, step: float) -> str:
    """The rounding bucket of a value (``floor(value / step)``) as text."""
    return str(math.floor(value / step + 1e-9))


def number_token(value: float, mode: str, step: float | None) -> str | None:
    if mode == "integer":
        if not float(value).is_integer():
            return None
        return str(int(value))
    return bucket(value, step or 1.0)


def _type_ok(expect: str, plain: dict) -> bool:
    t = plain.get("type")
    return {
        "number": t in ("int", "float"),
        "table": t == "frame",
        "choice": t == "str",
        "text": t == "str",
        "function": t == "function",
    }[expect]


def _type_hint(expect: str, plain: dict) -> str:
    what = {
        "number": "a single number",
        "table": "a pandas DataFrame",
        "choice": "one of the options, as text in quotes",
        "text": "text in quotes",
        "function": "a function (def ...)",
    }[expect]
    got = describe(plain)
    extra = ""
    t = plain.get("type")
    if expect == "number" and t == "str":
        extra = " Remove the quotes: 42, not '42'."
    elif expect == "number" and t in ("series", "frame", "array", "list"):
        extra = " Take the single value out, e.g. with .item() or float(...)."
    elif expect == "table" and t in ("series", "array", "list", "dict"):
        extra = " Build a DataFrame, e.g. pd.DataFrame(...) or series.to_frame()."
    elif expect == "choice" and t in ("int", "float"):
        extra = " Write the option as text, e.g. 'b'."
    return f"Expected {what}, got {got}.{extra}"


def _run(check: dict, plain: dict, call: Callable[[list], dict] | None) -> tuple[bool, str]:
    """One check → (passed, message)."""
    kind = check["check"]
    hint = check.get("hint", "")
    if kind == "integer":
        v = compare.number(plain)
        ok = v is not None and math.isfinite(v) and float(v).is_integer()
        return ok, "a whole number" if ok else (hint or "Expected a whole number.")
    if kind == "range":
        v = compare.number(plain)
        lo, hi = check.get("min"), check.get("max")
        ok = v is not None and not math.isnan(v) and (lo is None or v >= lo) and (hi is None or v <= hi)
        return ok, f"in the range {lo}–{hi}" if ok else (hint or f"Expected a value between {lo} and {hi}.")
    if kind == "finite":
        cells = compare.table(plain, rows=check.get("rows"))
        if cells:
            cols = check.get("columns") or cells.cols
            vals = [v for (r, c), v in cells.cell.items() if c in cols]
        else:
            vals = [plain.get("value")]
        ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals)
        return ok, "all values are finite numbers" if ok else (hint or "Some values are not finite numbers (NaN, inf or text).")
    if kind == "options":
        picked = compare.match_choice(plain, check["options"])
        ok = picked is not None
        opts = ", ".join(repr(o) for o in check["options"])
        return ok, f"one of the options ({picked!r})" if ok else (hint or f"Expected one of {opts}.")
    if kind == "columns":
        cells = compare.table(plain, rows=check.get("rows"))
        missing = [c for c in check["columns"] if not cells or c not in cells.cols]
        ok = not missing
        msg = "has the columns " + ", ".join(check["columns"])
        return ok, msg if ok else (hint or "Missing columns: " + ", ".join(missing) + ".")
    if kind == "rows":
        cells = compare.table(plain, rows=check["rows"])
        missing = [r for r in check["rows"] if not cells or r not in cells.rows]
        ok = not missing
        return ok, "has one row per " + check.get("what", "label") if ok else (
            hint or "Missing rows: " + ", ".join(missing[:6]) + "."
        )
    if kind == "words":
        text = plain.get("value", "") if plain.get("type") == "str" else ""
        n = len(text.split())
        lo, hi = check.get("min", 0), check.get("max", 10**9)
        ok = lo <= n <= hi
        return ok, f"{n} words" if ok else (hint or f"Write {lo}–{hi} words (you wrote {n}).")
    if kind == "example":
        if call is None:
            return False, "could not run the worked example"
        out = call(check["args"])
        label = check.get("label", "the worked example")
        if out.get("error"):
            return False, f"On {label} your function raised {out['error']}."
        ok, why = compare.same_value(out["value"], check["expected"], compare.Tolerance(check.get("rel", 1e-6), check.get("abs", 1e-9)))
        return ok, f"gives the right result on {label}" if ok else f"On {label}: {why}."
    raise ValueError(f"unknown check {kind!r}")


def _answer(check: dict, plain: dict) -> tuple[bool, Messages]:
    """The hash check: (all correct, per-part messages)."""
    mode, salt, step = check["mode"], check["salt"], check.get("step")
    if mode in ("integer", "number"):
        v = compare.number(plain)
        if v is None or not math.isfinite(v):
            return False, []
        token = number_token(v, mode, step)
        return token is not None and answer_hash(salt, "", token) in check["hashes"], []
    if mode == "choice":
        picked = compare.match_choice(plain, check["options"])
        return picked is not None and answer_hash(salt, "", compare.normalise_choice(picked)) in check["hashes"], []
    if mode == "table":
        rows = sorted({k.split("\x1f")[0] for k in check["cells"]})
        cells = compare.table(plain, rows=rows)
        per_col: dict[str, bool] = {}
        for key, hashes in check["cells"].items():
            r, c = key.split("\x1f")
            v = cells.cell.get((r, c)) if cells else None
            ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and (
                answer_hash(salt, key, bucket(v, step)) in hashes
            )
            per_col[c] = per_col.get(c, True) and ok
        order = check.get("columns") or list(per_col)
        msgs = [(per_col[c], f"{c}: {'matches' if per_col[c] else 'does not match yet'}") for c in order if c in per_col]
        return all(per_col.values()), msgs
    raise ValueError(f"unknown answer mode {mode!r}")


def evaluate(ex: dict, plain: dict, call: Callable[[list], dict] | None = None) -> Verdict:
    """Run an exercise's public checks on a plain answer.

    ``call(args)`` runs the answer (a function) on plain arguments and returns
    ``{"value": plain}`` or ``{"error": "..."}``; needed for ``example`` checks.
    """
    t = plain.get("type")
    if t == "ellipsis":
        return Verdict("not-attempted", [], "Replace ... with your answer.")
    if t == "missing":
        return Verdict("missing", [], f"No variable named {ex['variable']} was found.")
    kind = ex["kind"]
    if kind == "function" and t == "function" and plain.get("stub"):
        return Verdict("not-attempted", [], "Your function's body is still ...: write it, and return the result.")
    if kind == "text" and t == "str" and not plain["value"].strip():
        return Verdict("not-attempted", [], "Write your answer between the quotes.")
    messages: Messages = []
    checks = ex.get("checks", [])
    type_check = next((c for c in checks if c["check"] == "type"), {"check": "type", "expect": kind})
    if not _type_ok(type_check["expect"], plain):
        hint = type_check.get("hint") or ""
        return Verdict("wrong-type", [(False, _type_hint(type_check["expect"], plain))], hint or None)
    for check in checks:
        if check["check"] in ("type", "answer"):
            continue
        ok, msg = _run(check, plain, call)
        messages.append((ok, msg))
        if not ok:
            return Verdict("failed", messages, check.get("hint") or None)
    if kind == "text":
        return Verdict("manual", messages, None)
    answer = next((c for c in checks if c["check"] == "answer"), None)
    if answer is None:
        return Verdict("passed", messages, None)
    ok, parts = _answer(answer, plain)
    messages.extend(parts)
    if ok:
        return Verdict("correct", messages, None)
    return Verdict("failed", messages, answer.get("hint") or "Not the expected value yet.")
