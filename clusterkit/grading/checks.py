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
answer itself (see ``exercises/README.md`` for what this does and does not hide). The grader
accepts a number exactly when this hash check does (:func:`band`, :func:`in_band`): "Correct!"
in the notebook and full points when graded are the same set of answers.

Messages carry a mark: ``True`` (✔, verified right: the answer hash, a worked example),
``False`` (✘, a check failed) or ``None`` (•, recorded: a valid option, a plausible range,
the right shape — which says nothing yet about whether the answer is right).
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Callable

from . import compare
from .plain import describe

KINDS = ("number", "table", "choice", "function", "text")

#: (ok, text) pairs, in the order the checks ran; ok is True (verified right), False (failed)
#: or None (neutral: the answer is valid or plausible, which is not a verdict on it).
Messages = list[tuple[bool | None, str]]

MARKS = {True: "✔", False: "✘", None: "•"}

#: Public checks that only say an answer is usable or plausible: never a ✔ when they pass.
NEUTRAL = ("integer", "range", "finite", "options", "columns", "rows", "words")

#: The rounding buckets of the answer hash are this many times finer than the tolerance.
BAND_STEPS = 4

CLOSE_HINT = "Close — did you round? Keep full precision."


def mark(ok: bool | None) -> str:
    return MARKS[ok]


@dataclass
class Verdict:
    """The public verdict on one answer.

    ``state``: ``not-attempted``, ``missing``, ``wrong-type``, ``failed`` (a public check
    failed), ``passed`` (all public checks pass; correctness is decided when graded),
    ``correct`` (matches the answer's hash), ``manual`` (graded by the instructor).
    ``notes`` are remarks that do not change the verdict (e.g. a function changed its input).
    """

    state: str
    messages: Messages = field(default_factory=list)
    hint: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.state in ("passed", "correct", "manual")


def answer_hash(salt: str, key: str, token: str) -> str:
    """The salted hash of one rounded value (16 hex digits)."""
    return hashlib.sha256(f"{salt}\x1f{key}\x1f{token}".encode("utf-8")).hexdigest()[:16]


def bucket_index(value: float, step: float) -> int:
    """The rounding bucket of a value: ``floor(value / step)`` (a hair of slack for 0.3/0.1)."""
    return math.floor(value / step + 1e-9)


def bucket(value: float, step: float) -> str:
    """The rounding bucket of a value as text (what is hashed)."""
    return str(bucket_index(value, step))


def band(ref: float, tol: float) -> tuple[float, list[int]]:
    """(step, buckets): every bucket of width ``tol / BAND_STEPS`` that a value within ``tol``
    of ``ref`` can fall in. An answer is right when its bucket is one of them: so anything
    within ``tol`` is right, and nothing farther than ``tol · (1 + 1/BAND_STEPS)`` is."""
    step = tol / BAND_STEPS
    return step, list(range(bucket_index(ref - tol, step), bucket_index(ref + tol, step) + 1))


def in_band(value: float, ref: float, tol: float) -> bool:
    """Whether a number is accepted: the grader's rule, and exactly what the hash check accepts."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return False
    step, buckets = band(ref, tol)
    return bucket_index(value, step) in buckets


def rounded_hash(salt: str, key: str, token: str) -> str:
    """The salted hash of the reference rounded too coarsely (``key``: "" or a table cell)."""
    return answer_hash(salt, f"{key}\x1fround", token)


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


def looks_rounded(value: float, ref: float, tol: float) -> bool:
    """Whether ``value`` is ``ref`` rounded too coarsely (grader side of the "Close" message)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return False
    for d in rounding_decimals(tol):
        token = rounded_token(value, d)
        if token is not None and token in rounding_tokens(ref, d):
            return True
    return False


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


def _fmt_num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def _values(plain: dict) -> list | None:
    t = plain.get("type")
    if t == "series":
        return list(plain["data"])
    if t == "array":
        return list(plain["data"])
    if t == "list":
        return [i.get("value") for i in plain["items"]]
    return None


def _type_message(expect: str, plain: dict, ex: dict | None = None) -> str:
    """Why an answer has the wrong type, and what to do: in the student's terms."""
    what = {
        "number": "a single number",
        "table": "a pandas DataFrame",
        "choice": "one of the options, as text in quotes",
        "text": "text in quotes",
        "function": "a function (def ...)",
    }[expect]
    got = describe(plain)
    t = plain.get("type")
    values = _values(plain)
    if expect in ("number", "choice") and values is not None:
        n = len(values)
        one = "one number" if expect == "number" else "one option"
        if n == 0:
            return f"You gave {got}; the answer is {one}. Check the selection: it matched nothing."
        if n == 1:
            if t == "list":
                how = "[0]"
            else:
                how = ".item() or float(...)" if expect == "number" else ".item() or str(...)"
            return f"You gave {got}; the answer is {one}. Take the single value out with {how}."
        if expect == "number" and all(isinstance(v, bool) for v in values):
            return (f"You gave {got} (True/False); the answer is one number — "
                    "e.g. count the True values with .sum().")
        if expect == "number":
            pick = ".loc[...]" if t == "series" else "[i]"
            add = "sum(...)" if t == "list" else ".sum()"
            return f"You gave {got}; the answer is one number — e.g. add them up with {add}, or pick the one you need with {pick}."
        return f"You gave {got}; the answer is one option, as text."
    extra = ""
    if expect == "number" and t == "str":
        extra = " Remove the quotes: 42, not '42'."
    elif expect == "number" and t == "frame":
        extra = " Pick one cell, e.g. with .loc[row, column]."
    elif expect == "number" and t == "bool":
        extra = " A comparison gives True/False: to count matches, add them up with .sum()."
    elif expect in ("number", "table", "choice", "text") and t == "none":
        extra = " Did you assign the result of print(...), or of a function without return?"
    elif expect == "table" and t in ("series", "array", "list", "dict"):
        extra = " Build a DataFrame, e.g. pd.DataFrame(...) or series.to_frame()."
    elif expect == "choice" and t in ("int", "float", "bool"):
        options = next((c.get("options") for c in (ex or {}).get("checks", []) if c.get("check") == "options"), None)
        example = options[min(1, len(options) - 1)] if options else "b"
        extra = f" Write the option as text in quotes, e.g. {example!r}."
    elif expect == "text" and t != "str":
        extra = ' Put your text in quotes, e.g. """like this""".'
    return f"Expected {what}, got {got}.{extra}"


def _range_text(lo: float | None, hi: float | None, plausible: bool = True) -> str:
    if lo is not None and hi is not None:
        return (f"within the plausible range {_fmt_num(lo)} to {_fmt_num(hi)}" if plausible
                else f"between {_fmt_num(lo)} and {_fmt_num(hi)}")
    if lo is not None:
        return f"at least {_fmt_num(lo)}" + (" (plausible)" if plausible else "")
    if hi is not None:
        return f"at most {_fmt_num(hi)}" + (" (plausible)" if plausible else "")
    return "a number"


def _run(check: dict, plain: dict, call: Callable[[list], dict] | None) -> tuple[bool, str, list[str]]:
    """One check → (passed, message, notes)."""
    kind = check["check"]
    hint = check.get("hint", "")
    if kind == "integer":
        v = compare.number(plain)
        ok = v is not None and math.isfinite(v) and float(v).is_integer()
        return ok, "a whole number" if ok else (hint or "Expected a whole number."), []
    if kind == "range":
        v = compare.number(plain)
        lo, hi = check.get("min"), check.get("max")
        ok = v is not None and not math.isnan(v) and (lo is None or v >= lo) and (hi is None or v <= hi)
        if ok:
            return True, _range_text(lo, hi), []
        return False, hint or f"Expected a value {_range_text(lo, hi, plausible=False)}.", []
    if kind == "finite":
        cells = compare.table(plain, rows=check.get("rows"))
        if cells:
            cols = check.get("columns") or cells.cols
            vals = [v for (r, c), v in cells.cell.items() if c in cols]
        else:
            vals = [plain.get("value")]
        ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals)
        return ok, "all values are finite numbers" if ok else (hint or "Some values are not finite numbers (NaN, inf or text)."), []
    if kind == "options":
        exact = bool(check.get("exact"))
        picked = compare.match_choice(plain, check["options"], exact=exact)
        if picked is not None:
            return True, f"answer recorded ({picked!r}): a valid option", []
        loose = compare.match_choice(plain, check["options"]) if exact else None
        if loose is not None:
            return False, f"Write it exactly as the option is written: {loose!r} (capitals and spaces count).", []
        opts = ", ".join(repr(o) for o in check["options"])
        return False, hint or f"Expected one of {opts}.", []
    if kind == "columns":
        cells = compare.table(plain, rows=check.get("rows"))
        missing = [c for c in check["columns"] if not cells or c not in cells.cols]
        ok = not missing
        msg = "has the columns " + ", ".join(check["columns"])
        return ok, msg if ok else (hint or "Missing columns: " + ", ".join(missing) + "."), []
    if kind == "rows":
        cells = compare.table(plain, rows=check["rows"])
        missing = [r for r in check["rows"] if not cells or r not in cells.rows]
        ok = not missing
        return ok, ("has one row per " + check.get("what", "label")) if ok else (
            hint or "Missing rows: " + ", ".join(missing[:6]) + "."
        ), []
    if kind == "words":
        text = plain.get("value", "") if plain.get("type") == "str" else ""
        n = len(text.split())
        lo, hi = check.get("min", 0), check.get("max", 10**9)
        ok = lo <= n <= hi
        return ok, f"{n} words" if ok else (hint or f"Write {lo}–{hi} words (you wrote {n})."), []
    if kind == "example":
        if call is None:
            return False, "could not run the worked example", []
        out = call(check["args"])
        label = check.get("label", "the worked example")
        if out.get("error"):
            return False, f"On {label} your function raised {out['error']}.", []
        notes = []
        if out.get("mutated"):
            notes.append(f"On {label} your function changed its input: work on a copy "
                         "(e.g. table = table.copy()), so that the caller's data stays as it was.")
        ok, why = compare.same_value(out["value"], check["expected"], compare.Tolerance(check.get("rel", 1e-6), check.get("abs", 1e-9)))
        return ok, f"gives the right result on {label}" if ok else f"On {label}: {why}.", notes
    raise ValueError(f"unknown check {kind!r}")


def _close(check: dict, key: str, value: float) -> bool:
    """Whether ``value`` is the reference rounded too coarsely (the check's ``rounded`` hashes)."""
    rounded = check.get("rounded")
    if not rounded:
        return False
    hashes = rounded["hashes"].get(key, []) if isinstance(rounded["hashes"], dict) else rounded["hashes"]
    for d in rounded.get("decimals", []):
        token = rounded_token(value, d)
        if token is not None and rounded_hash(check["salt"], key, token) in hashes:
            return True
    return False


def _answer(check: dict, plain: dict) -> tuple[bool, Messages, bool]:
    """The hash check: (all correct, per-part messages, close: rounded too coarsely)."""
    mode, salt, step = check["mode"], check["salt"], check.get("step")
    if mode in ("integer", "number"):
        v = compare.number(plain)
        if v is None or not math.isfinite(v):
            return False, [], False
        token = number_token(v, mode, step)
        ok = token is not None and answer_hash(salt, "", token) in check["hashes"]
        return ok, [], (not ok and mode == "number" and _close(check, "", v))
    if mode == "choice":
        picked = compare.match_choice(plain, check["options"], exact=bool(check.get("exact")))
        return picked is not None and answer_hash(salt, "", compare.normalise_choice(picked)) in check["hashes"], [], False
    if mode == "table":
        rows = sorted({k.split("\x1f")[0] for k in check["cells"]})
        cells = compare.table(plain, rows=rows)
        per_col: dict[str, bool] = {}
        close_col: dict[str, bool] = {}
        for key, hashes in check["cells"].items():
            r, c = key.split("\x1f")
            v = cells.cell.get((r, c)) if cells else None
            number = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            ok = number and answer_hash(salt, key, bucket(v, step)) in hashes
            per_col[c] = per_col.get(c, True) and ok
            close_col[c] = close_col.get(c, True) and (ok or (number and _close(check, key, v)))
        order = check.get("columns") or list(per_col)
        msgs: Messages = []
        for c in order:
            if c not in per_col:
                continue
            if per_col[c]:
                msgs.append((True, f"{c}: matches"))
            elif close_col[c]:
                msgs.append((False, f"{c}: close, but not within the tolerance"))
            else:
                msgs.append((False, f"{c}: does not match yet"))
        all_ok = all(per_col.values())
        close = not all_ok and all(close_col.values())
        return all_ok, msgs, close
    raise ValueError(f"unknown answer mode {mode!r}")


def evaluate(ex: dict, plain: dict, call: Callable[[list], dict] | None = None) -> Verdict:
    """Run an exercise's public checks on a plain answer.

    ``call(args)`` runs the answer (a function) on plain arguments and returns
    ``{"value": plain}`` (with ``"mutated": True`` when it changed an argument) or
    ``{"error": "..."}``; needed for ``example`` checks.
    """
    t = plain.get("type")
    if t == "ellipsis":
        return Verdict("not-attempted", [], "Replace ... with your answer.")
    if t == "missing":
        return Verdict("missing", [], f"No variable named {ex['variable']} was found.")
    kind = ex["kind"]
    if kind == "function" and t == "function" and plain.get("stub"):
        return Verdict("not-attempted", [], "The function body is empty: write it, and `return` the result.")
    if kind == "text" and t == "str" and not plain["value"].strip():
        return Verdict("not-attempted", [], "Write your answer between the quotes.")
    messages: Messages = []
    notes: list[str] = []
    checks = ex.get("checks", [])
    type_check = next((c for c in checks if c["check"] == "type"), {"check": "type", "expect": kind})
    if not _type_ok(type_check["expect"], plain):
        hint = type_check.get("hint") or ""
        return Verdict("wrong-type", [(False, _type_message(type_check["expect"], plain, ex))], hint or None)
    for check in checks:
        if check["check"] in ("type", "answer"):
            continue
        ok, msg, more = _run(check, plain, call)
        notes.extend(more)
        messages.append((None if ok and check["check"] in NEUTRAL else ok, msg))
        if not ok:
            own = check.get("hint") or None
            if own == msg or msg.startswith("Write it exactly"):
                own = None
            return Verdict("failed", messages, own, notes)
    if kind == "text":
        return Verdict("manual", messages, None, notes)
    answer = next((c for c in checks if c["check"] == "answer"), None)
    if answer is None:
        return Verdict("passed", messages, None, notes)
    ok, parts, close = _answer(answer, plain)
    messages.extend(parts)
    if ok:
        return Verdict("correct", messages, None, notes)
    if close:
        close_hint = answer.get("close_hint") or CLOSE_HINT
        if answer["mode"] != "table":
            messages.append((False, close_hint))
            return Verdict("failed", messages, None, notes)
        return Verdict("failed", messages, close_hint, notes)
    return Verdict("failed", messages, answer.get("hint") or "Not the expected value yet.", notes)
