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

import functools
import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Callable

from . import compare
from .compare import looks_rounded, rounded_token, rounding_decimals, rounding_tokens  # noqa: F401 - part of this module's API
from .plain import describe

KINDS = ("number", "table", "choice", "function", "text")

#: (ok, text) pairs, in the order the checks ran; ok is True (verified right), False (failed)
#: or None (neutral: the answer is valid or plausible, which is not a verdict on it).
Messages = list[tuple[bool | None, str]]

MARKS = {True: "✔", False: "✘", None: "•"}

#: Public checks that only say an answer is usable or plausible: never a ✔ when they pass.
NEUTRAL = ("integer", "range", "finite", "options", "columns", "rows", "words", "mistake", "forbidden")

#: Checks whose failure message already says what to do: no separate "Hint:" line after it.
SELF_CONTAINED = ("rows", "columns", "finite", "mistake", "forbidden")

#: The rounding buckets of the answer hash are this many times finer than the tolerance.
BAND_STEPS = 4

CLOSE_HINT = "Close — did you round? Keep full precision."

#: Said by check() and the grader alike when a function answer comes from a package.
IMPORTED_FUNCTION = "Write the function yourself in the notebook: a function imported from a package earns no points."

#: Said when a number is NaN (before any range check, which would only say "out of range").
NAN_MESSAGE = ("Your answer is NaN (\"not a number\"): a value it was computed from is missing, or 0 was divided "
               "by 0. Print the values it comes from to find which.")


@functools.lru_cache(maxsize=None)
def _package_roots() -> frozenset[str]:
    """Top-level names of the installed packages and of the standard library."""
    import sys
    from importlib import metadata

    try:
        installed = set(metadata.packages_distributions())
    except Exception:  # noqa: BLE001 - a broken installation: the standard library still counts
        installed = set()
    return frozenset(installed | set(sys.stdlib_module_names) | {"clusterkit"})


def from_package(plain: dict) -> bool:
    """Whether a function answer comes from an installed package or the standard library (e.g.
    ``location_quotient = ck.metrics.location_quotient``), not from the student's own code.
    The same rule in ``check()`` and in the grader, so both say the same."""
    module = str(plain.get("module") or "")
    if module in ("", "__main__"):
        return False
    return module.split(".", 1)[0] in _package_roots()


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


def row_key(salt: str, label: str) -> str:
    """A table row label as the public spec holds it when the labels are part of the answer."""
    return "row:" + answer_hash(salt, "row", label)


def mistake_token(value: float, step: float) -> str:
    """What a common mistake's hash is made of: the value's bucket ("nan" for NaN)."""
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return bucket(value, step)


def rounded_hash(salt: str, key: str, token: str) -> str:
    """The salted hash of the reference rounded too coarsely (``key``: "" or a table cell)."""
    return answer_hash(salt, f"{key}\x1fround", token)


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
    """A bound as a reader writes it: 10,000 with a separator, but a year as 1980."""
    if float(x).is_integer():
        return f"{int(x):,}" if abs(x) >= 10_000 else f"{int(x)}"
    return f"{x:g}"


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
        type_check = next((c for c in (ex or {}).get("checks", []) if c.get("check") == "type"), {})
        if expect == "number" and type_check.get("total"):  # the exercise asks for a sum of several values
            return f"You gave {got}; the answer is one number, the total — add them up with .sum()."
        if expect == "number":  # adding them up is advice only for totals and True/False values: not for a ratio or a stock
            pick = ".loc[label] (or .iloc[-1] for the last)" if t == "series" else "[i] (e.g. [-1] for the last)"
            return f"You gave {got}; the answer is one number — pick the one you need with {pick}."
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


# --------------------------------------------------------------------------- messages both sides give
# check() (on the public spec) and the grader (on the key) word these the same way, so that the
# feedback file does not say a thing twice in two ways.


def _shown(labels: list[str], n: int = 4) -> str:
    """A few of a student's own labels, quoted and shortened."""
    out = ", ".join(repr(lab if len(lab) <= 40 else lab[:39] + "…") for lab in labels[:n])
    return out + (f" and {len(labels) - n} more" if len(labels) > n else "")


def rows_problem(cells: compare.Cells | None, want: list[str], what: str, hint: str, extra_hint: str = "",
                 extra_ok: bool = False, reveal: bool = True) -> str | None:
    """Why a table's rows are not the expected ones (None when they are).

    ``cells.rows`` and ``want`` are labels (or, with ``reveal=False``, their keys: the labels are
    part of the answer and are never printed — the student's own labels are shown instead).
    Extra rows are wrong unless ``extra_ok``."""
    if cells is None or not cells.rows:
        return f"Your table has no rows. {hint}".strip()
    missing = [r for r in want if r not in cells.rows]
    n = len(cells.rows)
    if missing:
        if reveal:
            return hint or "Missing rows: " + ", ".join(missing[:6]) + "."
        return f"Your table's rows ({what}): {_shown(cells.labels)}. {hint}".strip()
    extra = cells.extra_rows(want)
    if extra and not extra_ok:
        if extra_hint:
            return f"Your table has {n} rows; {extra_hint}"
        if reveal:
            extras = [lab for lab, r in zip(cells.labels, cells.rows) if r not in want]
            return (f"Your table has {n} rows; keep one row per {what} asked for and no others"
                    + (f" (remove {_shown(extras)})." if extras else " (some appear twice)."))
        return f"Your table has {n} rows; keep only the rows the exercise asks for, one per {what}."
    return None


def columns_problem(cells: compare.Cells | None, want: list[str], hint: str) -> str | None:
    """Why a table lacks the expected columns (None when it has them all)."""
    have = cells.cols if cells else []
    missing = [c for c in want if c not in have]
    if not missing:
        return None
    nested = [c for c in have if " / " in c and c.rsplit(" / ", 1)[1] in missing]
    if nested:  # e.g. pivot_table(values=["value"]) → columns ('value', 'article'), read as "value / article"
        top = nested[0].rsplit(" / ", 1)[0]
        return (f"Your columns have two levels (e.g. {nested[0]!r}): pass values={top!r} (a string, not a list) "
                "to pivot_table, or drop the top level with .droplevel(0, axis=1).")
    return hint or "Missing columns: " + ", ".join(missing) + "."


def table_hint(matched: list[str], close: list[str], wrong: list[str], column_hints: dict[str, str], hint: str) -> list[str]:
    """Advice on a table whose rows and columns are right but some values are not: "Close — did
    you round?" when every column is right or merely rounded; a column's own hint when the other
    columns are right and each wrong column has one (e.g. only `difference` is off); otherwise
    the exercise's general hint."""
    out = [CLOSE_HINT] if close else []
    if wrong:
        if matched and all(column_hints.get(c) for c in wrong):
            out += [column_hints[c] for c in wrong]
        elif hint:
            out.append(hint)
    return out


#: What the grader's worker reports instead of an exception, and how to say it to a student.
_RUN_PROBLEMS = {
    "stopped the kernel": "stopped the kernel (did it use too much memory?)",
    "the answer is too large": "returned a result too large to read",
    "printed too much output": "printed too much output (is there a print in a loop?)",
}
TIMEOUT_ADVICE = "is there a loop that never ends?"


def error_phrase(error: str, seconds: float | None = None) -> str:
    """What a function did instead of returning, after "your function": "raised ZeroDivisionError:
    division by zero", "did not finish in 5 s — is there a loop that never ends?"…"""
    if error.startswith(("timed out", "not run: the time")):  # a call not made: the calls before used up the time
        when = f"in {seconds:g} s" if seconds else "in time"
        return f"did not finish {when} — {TIMEOUT_ADVICE}"
    if error in _RUN_PROBLEMS:
        return _RUN_PROBLEMS[error]
    if exception_name(error):
        return f"raised {error}"
    return f"could not be run ({error})"


def sentence(text: str) -> str:
    """``text`` ending with a full stop (unless it ends with a question or exclamation mark already)."""
    return text if text.endswith((".", "?", "!")) else text + "."


def exception_name(error: str) -> str | None:
    """The exception's name in "ZeroDivisionError: division by zero" (None for the worker's own reports)."""
    name = error.split(":", 1)[0].strip()
    return name if re.fullmatch(r"[A-Za-z_][\w.]*", name) else None


def forbidden_message(used: list[str], hint: str) -> str:
    return f"Your function uses {used[0]}: {hint}" if hint else f"Your function uses {used[0]}, which this exercise does not allow."


def forbidden_used(plain: dict, names: list[str]) -> list[str]:
    """Which of ``names`` a function answer uses (its code, its helpers, what it imports)."""
    uses = set(plain.get("uses") or [])
    return [n for n in names if n in uses]


# --------------------------------------------------------------------------- running the checks


def _cells(check: dict, plain: dict) -> compare.Cells | None:
    """A table answer's cells, rows keyed as the check holds them (labels, or their salted keys)."""
    salt = check.get("row_salt")
    return compare.table(plain, rows=check.get("rows"), key=(lambda r: row_key(salt, r)) if salt else None)


def _run(check: dict, plain: dict, call: Callable[[list], dict] | None) -> tuple[bool, str, list[str]]:
    """One check → (passed, message, notes). A check that passes quietly gives an empty message."""
    kind = check["check"]
    hint = check.get("hint", "")
    if kind == "integer":
        v = compare.number(plain)
        if v is not None and math.isnan(v):
            return False, NAN_MESSAGE, []
        ok = v is not None and math.isfinite(v) and float(v).is_integer()
        return ok, "a whole number" if ok else (hint or "Expected a whole number."), []
    if kind == "mistake":  # a common mistake, recognised by its salted hash: never the answer
        v = compare.number(plain)
        hit = v is not None and answer_hash(check["salt"], "mistake", mistake_token(v, check["step"])) in check["hashes"]
        return not hit, "" if not hit else hint, []
    if kind == "forbidden":
        used = forbidden_used(plain, check["names"])
        return not used, "" if not used else forbidden_message(used, hint), []
    if kind == "range":
        v = compare.number(plain)
        if v is not None and math.isnan(v):
            return False, NAN_MESSAGE, []
        lo, hi = check.get("min"), check.get("max")
        ok = v is not None and not math.isnan(v) and (lo is None or v >= lo) and (hi is None or v <= hi)
        if ok:
            return True, _range_text(lo, hi), []
        return False, hint or f"Expected a value {_range_text(lo, hi, plausible=False)}.", []
    if kind == "finite":
        cells = _cells(check, plain)
        if cells:
            cols = check.get("columns") or cells.cols
            rows = set(check.get("rows") or cells.rows)
            vals = [v for (r, c), v in cells.cell.items() if c in cols and r in rows]
        else:
            vals = [plain.get("value")]
        ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in vals)
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
        problem = columns_problem(_cells(check, plain), check["columns"], hint)
        return problem is None, problem or "has the columns " + ", ".join(check["columns"]), []
    if kind == "rows":
        problem = rows_problem(_cells(check, plain), check["rows"], check.get("what", "label"), hint,
                               check.get("extra_hint", ""), bool(check.get("extra_ok")), not check.get("row_salt"))
        return problem is None, problem or "has one row per " + check.get("what", "label"), []
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
            return False, sentence(f"On {label} your function {error_phrase(out['error'], out.get('seconds'))}"), []
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


def _answer(check: dict, plain: dict) -> tuple[bool, Messages, bool, list[str]]:
    """The hash check: (all correct, per-part messages, close: rounded too coarsely, advice for a table)."""
    mode, salt, step = check["mode"], check["salt"], check.get("step")
    if mode in ("integer", "number"):
        v = compare.number(plain)
        if v is None or not math.isfinite(v):
            return False, [], False, []
        token = number_token(v, mode, step)
        ok = token is not None and answer_hash(salt, "", token) in check["hashes"]
        return ok, [], (not ok and mode == "number" and _close(check, "", v)), []
    if mode == "choice":
        picked = compare.match_choice(plain, check["options"], exact=bool(check.get("exact")))
        return picked is not None and answer_hash(salt, "", compare.normalise_choice(picked)) in check["hashes"], [], False, []
    if mode == "table":
        rows = sorted({k.split("\x1f")[0] for k in check["cells"]})
        cells = _cells(dict(check, rows=rows), plain)
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
        matched, close, wrong = [], [], []
        for c in order:
            if c not in per_col:
                continue
            if per_col[c]:
                msgs.append((True, f"{c}: matches"))
                matched.append(c)
            elif close_col[c]:
                msgs.append((False, f"{c}: close, but not within the tolerance"))
                close.append(c)
            else:
                msgs.append((False, f"{c}: does not match yet"))
                wrong.append(c)
        all_ok = not close and not wrong
        advice = [] if all_ok else table_hint(matched, close, wrong, check.get("column_hints") or {}, check.get("hint") or "")
        return all_ok, msgs, bool(close) and not wrong, advice
    raise ValueError(f"unknown answer mode {mode!r}")


def evaluate(ex: dict, plain: dict, call: Callable[[list], dict] | None = None) -> Verdict:
    """Run an exercise's public checks on a plain answer.

    ``call(args)`` runs the answer (a function) on plain arguments and returns
    ``{"value": plain}`` (with ``"mutated": True`` when it changed an argument) or
    ``{"error": "..."}`` (with ``"seconds"`` when it timed out); needed for ``example`` checks.
    """
    t = plain.get("type")
    if t == "ellipsis":
        return Verdict("not-attempted", [], "Replace ... with your answer.")
    if t == "missing":
        return Verdict("missing", [], f"No variable named {ex['variable']} was found.")
    kind = ex["kind"]
    if kind == "function" and t == "function" and plain.get("stub"):
        return Verdict("not-attempted", [], "The function body is empty: write it, and `return` the result.")
    if kind == "function" and t == "function" and from_package(plain):
        return Verdict("failed", [(False, IMPORTED_FUNCTION)], None)
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
        if ok and not msg:
            continue
        messages.append((None if ok and check["check"] in NEUTRAL else ok, msg))
        if not ok:
            own = check.get("hint") or None
            if own == msg or msg.startswith("Write it exactly") or check["check"] in SELF_CONTAINED or msg == NAN_MESSAGE:
                own = None
            return Verdict("failed", messages, own, notes)
    if kind == "text":
        return Verdict("manual", messages, None, notes)
    answer = next((c for c in checks if c["check"] == "answer"), None)
    if answer is None:
        return Verdict("passed", messages, None, notes)
    ok, parts, close, advice = _answer(answer, plain)
    messages.extend(parts)
    if ok:
        return Verdict("correct", messages, None, notes)
    if answer["mode"] == "table":
        return Verdict("failed", messages, " ".join(advice) or None, notes)
    if close:
        messages.append((False, answer.get("close_hint") or CLOSE_HINT))
        return Verdict("failed", messages, None, notes)
    return Verdict("failed", messages, answer.get("hint") or "Not the expected value yet.", notes)
