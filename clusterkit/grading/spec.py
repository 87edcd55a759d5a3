"""The exercise format: how an instructor defines a chapter's graded exercises.

One Python file per chapter in ``exercises/`` (``exercises/00_clusters.py``) defines
``CHAPTER = Chapter(...)`` with one object per exercise: :class:`Number`, :class:`Table`,
:class:`Choice`, :class:`Function` or :class:`Text` (graded by hand). Each holds the id,
the answer variable, points, prompt, public checks with hints, hidden checks and the
reference answer. ``exercises/README.md`` documents the format with examples.

This module is instructor-side: the student side (``student.py``) only ever reads the
*public* spec that :meth:`Chapter.public` produces (``clusterkit/grading/public/NN.json``).
"""
from __future__ import annotations

import importlib.util
import keyword
import math
import re
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, ClassVar

from . import checks as _checks
from . import compare
from .plain import from_plain, to_plain

FORMAT = 1


class SpecError(ValueError):
    """An exercise file is missing, broken, or defines an inconsistent exercise."""


# --------------------------------------------------------------------------- public checks


def in_range(lo: float | None, hi: float | None, hint: str) -> dict:
    """Public check: the number lies in [lo, hi]."""
    return {"check": "range", "min": lo, "max": hi, "hint": hint}


def words(lo: int, hi: int, hint: str = "") -> dict:
    """Public check: a text answer has lo–hi words."""
    return {"check": "words", "min": lo, "max": hi, "hint": hint}


# --------------------------------------------------------------------------- grading results


@dataclass
class Score:
    """What the hidden checks gave: a fraction of the points, and public feedback lines."""

    fraction: float
    feedback: list[str] = field(default_factory=list)


@dataclass
class Partial:
    """A common mistake that earns part of the points (grader-only).

    ``test`` receives the student's answer as a Python value (a float for numbers).
    ``feedback`` is shown to the student, so write it as a hint, not as the answer.
    """

    test: Callable[[Any], bool]
    fraction: float
    feedback: str


@dataclass
class Mistake:
    """A common wrong answer to a :class:`Number` and what to say about it (``check()`` and grader alike).

    ``value`` (a number, ``math.nan``, or a callable computing it from the data) is recognised
    within ``abs`` (default: the exercise's own ``abs``), through a salted hash: the public spec
    does not show the value. It earns nothing; for part of the points use :class:`Partial`.
    Write ``hint`` to teach: e.g. "That is the increase; the factor is target / first plant."
    """

    value: Any
    hint: str
    abs: float | None = None
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def resolve(self) -> float:
        """The mistake's value, computed once (a callable may fit a model: seconds, not once per answer)."""
        if "value" not in self._cache:
            self._cache["value"] = float(_resolve(self.value))
        return self._cache["value"]


@dataclass
class Example:
    """A public worked example of a function exercise, as shown in the prompt."""

    args: tuple
    expected: Any
    label: str = "the worked example"


@dataclass
class Case:
    """A hidden input for a function exercise: ``args`` or a callable returning them."""

    args: tuple | Callable[[], tuple]
    weight: float = 1.0
    label: str = ""

    def resolve(self) -> tuple:
        args = self.args() if callable(self.args) else self.args
        return tuple(args) if isinstance(args, (tuple, list)) else (args,)


def _resolve(value: Any) -> Any:
    return value() if callable(value) else value


#: Public text keys whose U+2212 minus signs become ASCII '-' (students paste formulas from hints).
_TEXT_KEYS = ("prompt", "hint", "hidden_hint")


def ascii_minus(text: str) -> str:
    """Text with every U+2212 MINUS SIGN replaced by '-', so a formula pasted from a hint runs."""
    return text.replace("\u2212", "-")


def _plain_text(obj: Any) -> Any:
    """A public spec with :func:`ascii_minus` applied to its prompts and hints."""
    if isinstance(obj, dict):
        return {k: ascii_minus(v) if k in _TEXT_KEYS and isinstance(v, str) else _plain_text(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain_text(v) for v in obj]
    return obj


def _rounded(salt: str, key: str, ref: float, tol: float) -> tuple[list[int], list[str]]:
    """(decimals, hashes) of ``ref`` rounded too coarsely, for the "Close — did you round?" hint."""
    decimals = _checks.rounding_decimals(tol)
    hashes = sorted({_checks.rounded_hash(salt, key, t) for d in decimals for t in _checks.rounding_tokens(ref, d)})
    return decimals, hashes


# --------------------------------------------------------------------------- exercises


@dataclass(kw_only=True)
class Exercise:
    """Fields every exercise has. ``hint`` teaches when the answer is not right yet;
    ``type_hint`` when the answer has the wrong type; ``checks`` adds public checks."""

    id: str
    variable: str
    points: float
    prompt: str
    hint: str = ""
    type_hint: str = ""
    checks: list[dict] = field(default_factory=list)

    kind: ClassVar[str] = ""
    manual: ClassVar[bool] = False
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def _answer_value(self) -> Any:
        """The reference answer, computed once (a callable may run a model)."""
        if "answer" not in self._cache:
            self._cache["answer"] = _resolve(getattr(self, "answer"))
        return self._cache["answer"]

    # -- public side
    def public_checks(self, salt: str) -> list[dict]:
        return [{"check": "type", "expect": self.kind, "hint": self.type_hint}, *self.checks]

    def public(self, salt: str) -> dict:
        return {
            "id": self.id,
            "variable": self.variable,
            "kind": self.kind,
            "points": self.points,
            "prompt": self.prompt.strip(),
            "manual": self.manual,
            "checks": self.public_checks(salt),
        }

    # -- grader side
    def reference(self) -> dict:
        """The reference answer as plain data."""
        raise NotImplementedError

    def calls(self) -> list[list[dict]]:
        """Plain argument lists the grader calls a function answer with (none for values)."""
        return []

    def grade(self, answer: dict, results: list[dict]) -> Score:
        """Hidden checks on a plain answer (``results``: outputs of :meth:`calls`)."""
        raise NotImplementedError

    def problems(self) -> list[str]:
        return []


@dataclass(kw_only=True)
class Number(Exercise):
    """A single number.

    ``integer=True`` for counts (exact). Otherwise ``abs`` is the precision the exercise asks
    for: the answer is right when it lies within ``abs`` of the reference, widened to whole
    rounding steps of ``abs/4`` (:func:`checks.band`) — so ``check()``'s instant "Correct!" (a
    salted hash of those steps) and full points when graded are the same set of answers. An
    answer that is the reference rounded too coarsely gets "Close — did you round?".
    ``total=True`` says the answer adds up several values (a Series answer is told to use
    ``.sum()``, not to pick one value). ``reveal=False`` leaves the hashes out: ``check()`` then only checks type and range, and
    grading uses ``max(abs, rel·|answer|)``.
    """

    answer: Any
    integer: bool = False
    total: bool = False
    rel: float = 1e-3
    abs: float = 0.0
    hash_abs: float | None = None  # no longer used (check() and grading share ``abs``); reported by problems()
    reveal: bool = True
    partial: list[Partial] = field(default_factory=list)
    mistakes: list[Mistake] = field(default_factory=list)
    kind: ClassVar[str] = "number"

    def _mistake_tol(self, m: Mistake) -> float:
        if m.abs is not None:
            return m.abs
        return self.abs if self.abs > 0 else 0.5  # integer exercises: the whole number itself

    def _mistake(self, v: float) -> Mistake | None:
        """The common mistake ``v`` is (within its tolerance), if any: exactly what the public hash check finds."""
        for m in self.mistakes:
            ref = m.resolve()
            if math.isnan(ref):
                if math.isnan(v):
                    return m
            elif _checks.in_band(v, ref, self._mistake_tol(m)):
                return m
        return None

    def _ref(self) -> float:
        return float(self._answer_value())

    def reference(self) -> dict:
        v = self._answer_value()
        return to_plain(int(v) if self.integer else float(v))

    def public_checks(self, salt: str) -> list[dict]:
        out = super().public_checks(salt)
        if self.total:  # a Series answer is told to add its values up, not to pick one
            out[0]["total"] = True
        if self.integer:
            out.insert(1, {"check": "integer", "hint": self.type_hint or "Expected a whole number (a count)."})
        at = 2 if self.integer else 1  # before the range checks: NaN or 0 may be a mistake of its own
        for m in self.mistakes:
            ref, tol = m.resolve(), self._mistake_tol(m)
            step, buckets = _checks.band(0.0 if math.isnan(ref) else ref, tol)
            tokens = ["nan"] if math.isnan(ref) else [str(b) for b in buckets]
            out.insert(at, {"check": "mistake", "salt": salt, "step": step, "hint": m.hint,
                            "hashes": sorted(_checks.answer_hash(salt, "mistake", t) for t in tokens)})
            at += 1
        if self.reveal:
            ref = self._ref()
            if self.integer:
                hashes = [_checks.answer_hash(salt, "", str(int(ref)))]
                out.append({"check": "answer", "mode": "integer", "salt": salt, "hashes": hashes, "hint": self.hint})
            else:
                step, buckets = _checks.band(ref, self.abs)
                hashes = [_checks.answer_hash(salt, "", str(b)) for b in buckets]
                decimals, rounded = _rounded(salt, "", ref, self.abs)
                out.append({
                    "check": "answer", "mode": "number", "salt": salt, "step": step, "hashes": hashes,
                    "rounded": {"decimals": decimals, "hashes": rounded}, "close_hint": _checks.CLOSE_HINT,
                    "hint": self.hint,
                })
        return out

    def accepts(self, v: float) -> bool:
        """Whether a number earns full points (for revealed numbers: exactly what check() calls correct)."""
        ref = self._ref()
        if self.integer:
            return math.isfinite(v) and float(v).is_integer() and int(v) == int(ref)
        if self.reveal:
            return _checks.in_band(v, ref, self.abs)
        return compare.Tolerance(rel=self.rel, abs=self.abs).close(v, ref)

    def grade(self, answer: dict, results: list[dict]) -> Score:
        v = compare.number(answer)
        if v is None:
            return Score(0.0)
        if self.accepts(v):
            return Score(1.0)
        for p in self.partial:
            try:
                if p.test(v):
                    return Score(p.fraction, [p.feedback])
            except Exception:
                continue
        mistake = self._mistake(v)
        if mistake is not None:
            return Score(0.0, [mistake.hint])
        if self.reveal and not self.integer and _checks.looks_rounded(v, self._ref(), self.abs):
            return Score(0.0, [_checks.CLOSE_HINT])
        return Score(0.0, [self.hint] if self.hint else [])

    def problems(self) -> list[str]:
        found = []
        if self.reveal and not self.integer and not self.abs > 0:
            found.append(f"{self.id}: a non-integer Number with reveal=True needs abs > 0 (the precision asked for)")
        if self.hash_abs is not None:
            found.append(f"{self.id}: hash_abs is no longer used: check() and grading share one tolerance, abs")
        for m in self.mistakes:
            try:
                v = m.resolve()
            except Exception as exc:  # noqa: BLE001
                found.append(f"{self.id}: a mistake's value could not be computed: {exc}")
                continue
            if not math.isnan(v) and self.accepts(v):
                found.append(f"{self.id}: the mistake {v:g} is accepted as right (check its value and abs)")
            if not m.hint.strip():
                found.append(f"{self.id}: a mistake needs a hint")
        return found


@dataclass(kw_only=True)
class Choice(Exercise):
    """One of ``options`` (text; case, spacing and surrounding brackets are ignored, unless
    ``exact=True``: then the option must be written as it is, e.g. a name "exactly as in the
    table"; ``check()`` points out a case or spacing slip).

    ``reveal`` is False by default: with a hash of the right option, trying every option
    with ``check()`` would give the answer away; ``check()`` only records a valid option.
    """

    options: list[str]
    answer: Any
    reveal: bool = False
    exact: bool = False
    kind: ClassVar[str] = "choice"

    def _ref(self) -> str:
        return str(self._answer_value())

    def reference(self) -> dict:
        return to_plain(self._ref())

    def public_checks(self, salt: str) -> list[dict]:
        out = super().public_checks(salt)
        opts = ", ".join(repr(o) for o in self.options)
        check = {"check": "options", "options": list(self.options), "hint": f"Answer with one of {opts}."}
        if self.exact:
            check["exact"] = True
        out.append(check)
        if self.reveal:
            h = _checks.answer_hash(salt, "", compare.normalise_choice(self._ref()))
            out.append({"check": "answer", "mode": "choice", "salt": salt, "options": list(self.options), "hashes": [h], "hint": self.hint,
                        **({"exact": True} if self.exact else {})})
        return out

    def grade(self, answer: dict, results: list[dict]) -> Score:
        picked = compare.match_choice(answer, self.options, exact=self.exact)
        if picked is not None and picked == self._ref():
            return Score(1.0)
        return Score(0.0, [self.hint] if self.hint else [])

    def problems(self) -> list[str]:
        ref = self._ref()
        return [] if ref in self.options else [f"{self.id}: answer {ref!r} is not one of the options"]


@dataclass(kw_only=True)
class Table(Exercise):
    """A pandas DataFrame: rows matched by label (any order), graded column by column.

    ``columns`` are required (extra columns are ignored); ``column_weights`` weigh them
    (equal by default); ``rows`` default to the reference's index labels. Each cell is right
    as for :class:`Number` (within ``abs``, in whole steps of ``abs/4``: exactly what
    ``check()`` calls a match); with ``reveal=False``, within ``max(abs, rel·|cell|)``.

    The table must have exactly the expected rows: a missing or an extra row (or one that
    appears twice) earns nothing, in ``check()`` and when graded, unless ``extra_rows=True``.
    When *which* rows belong in the table is part of the answer (e.g. "keep only the metrics
    both sources give"), set ``reveal_rows=False``: the public spec then holds salted keys of
    the row labels instead of the labels, and messages show the student's own labels, never
    the expected ones. ``rows_hint`` (rows missing), ``extra_rows_hint`` (rows too many) and
    ``finite_hint`` (empty cells) replace the generic advice.
    """

    answer: Any
    columns: list[str]
    rows: list[str] | None = None
    row_name: str = "row"
    column_weights: dict[str, float] | None = None
    rel: float = 1e-3
    abs: float = 1e-6
    hash_abs: float | None = None  # no longer used; reported by problems()
    reveal: bool = True
    column_hints: dict[str, str] = field(default_factory=dict)
    extra_rows: bool = False
    reveal_rows: bool = True
    rows_hint: str = ""
    extra_rows_hint: str = ""
    finite_hint: str = ""
    kind: ClassVar[str] = "table"

    def _rows_hint(self) -> str:
        if self.rows_hint:
            return self.rows_hint
        if self.reveal_rows:
            return f"Use one row per {self.row_name} ({', '.join(self._rows())}), with the {self.row_name} as the index."
        return f"Use one row per {self.row_name}, with the {self.row_name} as the index."

    def reference(self) -> dict:
        if "plain" not in self._cache:
            self._cache["plain"] = to_plain(self._answer_value()[self.columns])
        return self._cache["plain"]

    def _rows(self) -> list[str]:
        return list(self.rows) if self.rows is not None else list(self.reference()["index"])

    def public_checks(self, salt: str) -> list[dict]:
        out = super().public_checks(salt)
        rows = self._rows()
        # the labels themselves, or (when they are part of the answer) salted keys of them
        shown = rows if self.reveal_rows else [_checks.row_key(salt, r) for r in rows]
        hidden = {} if self.reveal_rows else {"row_salt": salt}
        rows_check = {"check": "rows", "rows": shown, **hidden, "what": self.row_name, "hint": self._rows_hint()}
        if self.extra_rows:
            rows_check["extra_ok"] = True
        if self.extra_rows_hint:
            rows_check["extra_hint"] = self.extra_rows_hint
        out.append(rows_check)
        out.append({"check": "columns", "columns": list(self.columns), "rows": shown, **hidden,
                    "hint": "Name the columns " + ", ".join(self.columns) + "."})
        out.append({"check": "finite", "rows": shown, **hidden, "columns": list(self.columns),
                    "hint": self.finite_hint or "Some cells are empty (NaN), infinite or not numbers."})
        if self.reveal:
            ref = compare.table(self.reference())
            cells, rounded, step, decimals = {}, {}, None, []
            for r, k in zip(rows, shown):
                for c in self.columns:
                    key = f"{k}\x1f{c}"
                    step, buckets = _checks.band(float(ref.cell[(r, c)]), self.abs)
                    cells[key] = [_checks.answer_hash(salt, key, str(b)) for b in buckets]
                    decimals, rounded[key] = _rounded(salt, key, float(ref.cell[(r, c)]), self.abs)
            out.append({
                "check": "answer", "mode": "table", "salt": salt, "step": step, "columns": list(self.columns), "cells": cells,
                **hidden, "rounded": {"decimals": decimals, "hashes": rounded}, "close_hint": _checks.CLOSE_HINT, "hint": self.hint,
                "column_hints": {c: h for c, h in self.column_hints.items() if c in self.columns},
            })
        return out

    def _cell_ok(self, v: Any, ref: float) -> bool:
        if self.reveal:
            return _checks.in_band(v, ref, self.abs)
        return compare.Tolerance(self.rel, self.abs).close(v, ref)

    def grade(self, answer: dict, results: list[dict]) -> Score:
        ref = compare.table(self.reference())
        rows = self._rows()
        act = compare.table(answer, rows=rows)
        if act is None:
            return Score(0.0)
        problem = _checks.rows_problem(act, rows, self.row_name, self._rows_hint(), self.extra_rows_hint,
                                       self.extra_rows, self.reveal_rows)
        if problem:  # exactly the expected rows, as check() demands
            return Score(0.0, [problem])
        weights = self.column_weights or {c: 1.0 for c in self.columns}
        got, matched, close, wrong = 0.0, [], [], []
        for c in self.columns:
            cells = [(act.cell.get((r, c)) if c in act.cols else None, ref.cell[(r, c)]) for r in rows]
            if all(self._cell_ok(v, e) for v, e in cells):
                got += weights[c]
                matched.append(c)
            elif self.reveal and all(self._cell_ok(v, e) or _checks.looks_rounded(v, e, self.abs) for v, e in cells):
                close.append(c)
            else:
                wrong.append(c)
        total = sum(weights.values())
        feedback = _checks.table_hint(matched, close, wrong, self.column_hints, self.hint) if got < total else []
        return Score(got / total, feedback)

    def problems(self) -> list[str]:
        found = []
        if self.column_weights and set(self.column_weights) != set(self.columns):
            found.append(f"{self.id}: column_weights must name exactly the columns")
        if self.reveal and not self.abs > 0:
            found.append(f"{self.id}: a Table with reveal=True needs abs > 0 (the precision asked for)")
        if self.hash_abs is not None:
            found.append(f"{self.id}: hash_abs is no longer used: check() and grading share one tolerance, abs")
        return found


@dataclass(kw_only=True)
class Function(Exercise):
    """A function the student writes; the grader calls it on hidden inputs in the kernel
    and compares its outputs, as plain data, with the reference function's outside it.

    ``examples`` are public worked examples (shown in the prompt; ``check()`` runs them);
    ``cases`` are hidden inputs with weights; ``hidden_hint`` is public advice shown when a
    hidden case fails. A function that is not defined in the notebook (e.g. imported from
    ``clusterkit``) earns nothing. The grader also notices when the function changes its
    inputs (e.g. adds a column to the table it was given): that is always reported, and earns
    ``inputs_unchanged`` (a weight like a case's; 0 by default) when it does not happen.
    A 1-D array answer may come as a list, tuple or Series with the right values in order.

    ``forbidden`` names functions the answer must not use (e.g. the course's own
    implementation, ``["run_pipeline"]``): a function whose code — or a helper of the notebook
    it calls, or a name it imports — uses one earns nothing, and ``check()`` says so
    (``forbidden_hint`` says why). This finds direct calls, aliases and helpers, not a call
    hidden on purpose (``getattr`` with a built name, ``exec``).
    """

    reference_function: Callable[..., Any]
    examples: list[Example] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    example_weight: float = 1.0
    inputs_unchanged: float = 0.0
    rel: float = 1e-4
    abs: float = 1e-6
    hidden_hint: str = ""
    forbidden: list[str] = field(default_factory=list)
    forbidden_hint: str = ""
    kind: ClassVar[str] = "function"

    def reference(self) -> dict:
        return {"type": "function", "name": self.variable, "module": "__main__", "stub": False}

    def public_checks(self, salt: str) -> list[dict]:
        out = super().public_checks(salt)
        if self.forbidden:
            out.append({"check": "forbidden", "names": list(self.forbidden), "hint": self.forbidden_hint})
        for ex in self.examples:
            out.append({
                "check": "example",
                "args": [to_plain(a) for a in ex.args],
                "expected": to_plain(ex.expected),
                "label": ex.label,
                "rel": self.rel,
                "abs": self.abs,
                "hint": self.hint,
            })
        return out

    def public(self, salt: str) -> dict:
        out = super().public(salt)
        out["hidden_hint"] = self.hidden_hint
        return out

    def calls(self) -> list[list[dict]]:
        return [[to_plain(a) for a in ex.args] for ex in self.examples] + [
            [to_plain(a) for a in case.resolve()] for case in self.cases
        ]

    def expected_outputs(self) -> list[dict]:
        """The reference function's outputs on :meth:`calls`, as plain data."""
        out = []
        for args in self.calls():
            out.append(to_plain(self.reference_function(*[from_plain(a) for a in args])))
        return out

    @staticmethod
    def inputs_as_sent(calls: list[list[dict]]) -> list[list[dict]]:
        """Each call's arguments as the kernel sees them before the call (``to_plain(from_plain(a))``):
        what the arguments must still be after it, when the function leaves its inputs alone."""
        return [[to_plain(from_plain(a)) for a in args] for args in calls]

    def weights(self) -> list[float]:
        return [self.example_weight] * len(self.examples) + [c.weight for c in self.cases]

    def scoring(self, earned: float | None = None) -> str:
        """How the points are split, for the feedback (e.g. "0.5 for the worked example and 0.5
        for each of 5 hidden tests"; a share that is no whole hundredth is written as a fraction,
        "3/7", so that the parts add up). ``earned``: the points given, added when they are not a
        whole hundredth ("You earned 18/7 ≈ 2.57 points of 3.")."""
        weights = self.weights()
        total = sum(weights) + self.inputs_unchanged
        if not total:
            return ""
        unit = self.points / total
        parts = []
        n_ex = len(self.examples)
        if n_ex:
            each = _pts(self.example_weight * unit)
            parts.append(f"{each} for the worked example" if n_ex == 1 else f"{each} for each of the {n_ex} worked examples")
        case_w = [c.weight for c in self.cases]
        if case_w:
            if len(set(case_w)) == 1:
                each = _pts(case_w[0] * unit)
                parts.append(f"{each} for the hidden test" if len(case_w) == 1 else f"{each} for each of {len(case_w)} hidden tests")
            else:
                parts.append(f"{_pts(sum(case_w) * unit)} for {len(case_w)} hidden tests (weighted)")
        if self.inputs_unchanged:
            parts.append(f"{_pts(self.inputs_unchanged * unit)} for leaving its inputs unchanged")
        text = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        out = f"Points: {text}."
        if earned is not None and _pts(earned) != f"{round(earned, 2):g}":
            out += f" You earned {_pts(earned)} ≈ {round(earned, 2):g} points of {self.points:g}."
        return out

    def grade(self, answer: dict, results: list[dict], expected: list[dict] | None = None,
              before: list[list[dict]] | None = None) -> Score:
        """Score the calls' ``results`` (``{"value": plain, "args_after": [...]}`` or
        ``{"error": ...}``) against ``expected``; ``before`` (:meth:`inputs_as_sent`) enables
        the check that the inputs were left unchanged."""
        if _checks.from_package(answer):
            return Score(0.0, [_checks.IMPORTED_FUNCTION])
        used = _checks.forbidden_used(answer, self.forbidden)
        if used:  # as check() says: the exercise asks for the computation itself
            return Score(0.0, [_checks.forbidden_message(used, self.forbidden_hint)])
        expected = expected if expected is not None else self.expected_outputs()
        tol = compare.Tolerance(self.rel, self.abs)
        weights = self.weights()
        got, failed_hidden, raised, problems, kinds, mutated = 0.0, 0, set(), [], {}, False
        for i, (w, exp) in enumerate(zip(weights, expected)):
            res = results[i] if i < len(results) else {"error": "not run"}
            ok = "value" in res and compare.same_value(res["value"], exp, tol)[0]
            if before is not None and i < len(before) and "args_after" in res and res["args_after"] != before[i]:
                mutated = True
            if ok:
                got += w
            elif i >= len(self.examples):
                failed_hidden += 1
                if res.get("error"):
                    name = _checks.exception_name(res["error"])  # the name only: a message may quote a hidden input
                    if name:
                        raised.add(name)
                    else:
                        phrase = _checks.error_phrase(res["error"])
                        if phrase not in problems:
                            problems.append(phrase)
                elif "value" in res:
                    # names no label, value or size of a hidden input
                    why = compare.type_problem(res["value"], exp, sizes=False)
                    if not why and compare.same_value(res["value"], exp, tol)[1] == compare.ROUNDED_WHY:
                        why = compare.ROUNDED_WHY
                    if why:
                        kinds[why] = kinds.get(why, 0) + 1
        if self.inputs_unchanged and not mutated and got > 0:
            got += self.inputs_unchanged
        feedback = []
        n_hidden = len(self.cases)
        if n_hidden:
            feedback.append(f"Hidden tests: {n_hidden - failed_hidden} of {n_hidden} passed.")
        if raised:
            feedback.append("On some hidden inputs your function raised " + ", ".join(sorted(raised)) + ".")
        for phrase in problems:
            some = "On every hidden input" if failed_hidden == n_hidden and len(problems) == 1 and not raised else "On some hidden inputs"
            feedback.append(_checks.sentence(f"{some} your function {phrase}"))
        for why, n in kinds.items():
            feedback.append(f"On {n} hidden input{'' if n == 1 else 's'}: {why}.")
        if mutated:
            feedback.append("Your function changed an input it was given (e.g. added a column or overwrote values): "
                            "work on a copy (table = table.copy()), so that the caller's data stays as it was.")
        if failed_hidden > sum(kinds.values()) and self.hidden_hint:  # not when every failure is explained above
            feedback.append(self.hidden_hint)
        total = sum(weights) + self.inputs_unchanged
        if got < total - 1e-12:
            feedback.append(self.scoring(earned=self.points * got / total if total else 0.0))
        return Score(got / total if total else 0.0, [f for f in feedback if f])

    def problems(self) -> list[str]:
        found = []
        if not self.cases:
            found.append(f"{self.id}: a Function needs hidden cases")
        tol = compare.Tolerance(self.rel, self.abs)
        for ex in self.examples:
            try:
                got = to_plain(self.reference_function(*[from_plain(to_plain(a)) for a in ex.args]))
            except Exception as exc:  # noqa: BLE001
                found.append(f"{self.id}: the reference function fails on {ex.label}: {exc}")
                continue
            ok, why = compare.same_value(got, to_plain(ex.expected), tol)
            if not ok:
                found.append(f"{self.id}: {ex.label}'s expected output disagrees with the reference ({why})")
        return found


def _pts(x: float) -> str:
    """Points as the feedback writes them: 0.5, 1.2 — or 3/7 when no whole hundredth is exact."""
    if abs(round(x, 2) - x) < 1e-9:
        return f"{round(x, 2):g}"
    f = Fraction(x).limit_denominator(1000)
    if abs(float(f) - x) < 1e-9:
        return f"{f.numerator}/{f.denominator}"
    return f"{round(x, 2):g}"


@dataclass(kw_only=True)
class Text(Exercise):
    """A short written answer, graded by hand with ``rubric`` (never shown to students)."""

    rubric: str
    model_answer: str = ""
    min_words: int = 10
    max_words: int = 200
    kind: ClassVar[str] = "text"
    manual: ClassVar[bool] = True

    def public_checks(self, salt: str) -> list[dict]:
        return [*super().public_checks(salt), words(self.min_words, self.max_words)]

    def reference(self) -> dict:
        return to_plain(self.model_answer)

    def grade(self, answer: dict, results: list[dict]) -> Score:
        return Score(0.0, [f"Marked by your instructor, out of {self.points:g} points."])

    def problems(self) -> list[str]:
        found = [] if self.rubric.strip() else [f"{self.id}: a Text exercise needs a rubric"]
        if not self.model_answer.strip():
            found.append(f"{self.id}: a Text exercise needs a model answer (for graders; never shown to students)")
        return found


# --------------------------------------------------------------------------- chapters


@dataclass
class Chapter:
    """A chapter's exercises. ``salt`` makes its answer hashes its own.

    ``title`` is the chapter's title as the notebook gives it; ``short_title`` (optional) is
    used where the full one does not fit on a line of ``check_all()``."""

    number: int
    title: str
    salt: str
    exercises: list[Exercise]
    notebook: str = ""
    short_title: str = ""

    def exercise(self, ex_id: str) -> Exercise:
        for ex in self.exercises:
            if ex.id == ex_id:
                return ex
        raise KeyError(ex_id)

    @property
    def max_points(self) -> float:
        return sum(ex.points for ex in self.exercises)

    def public(self) -> dict:
        """The public spec: ids, kinds, points, prompts, public checks and hints only."""
        return _plain_text({
            "format": FORMAT,
            "chapter": self.number,
            "title": self.title,
            "short_title": self.short_title or self.title,
            "notebook": self.notebook,
            "exercises": [ex.public(f"{self.salt}:{ex.id}") for ex in self.exercises],
        })

    def problems(self) -> list[str]:
        """Everything inconsistent in the definitions (empty when all is well)."""
        found: list[str] = []
        ids, variables = set(), set()
        for ex in self.exercises:
            if not re.fullmatch(rf"{self.number}\.\d+[a-z]?", ex.id):
                found.append(f"{ex.id}: ids of chapter {self.number} look like '{self.number}.1'")
            if ex.id in ids:
                found.append(f"{ex.id}: duplicate id")
            if ex.variable in variables:
                found.append(f"{ex.id}: variable {ex.variable} used twice")
            if not ex.variable.isidentifier() or keyword.iskeyword(ex.variable):
                found.append(f"{ex.id}: {ex.variable!r} is not a Python variable name")
            if not ex.points > 0:
                found.append(f"{ex.id}: points must be positive")
            ids.add(ex.id)
            variables.add(ex.variable)
            found.extend(ex.problems())
        return found


def load_chapter(path: Path | str) -> Chapter:
    """Import an exercise file and return its ``CHAPTER``."""
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"no exercise file at {path}")
    name = f"clusterkit_exercises_{re.sub(r'[^0-9A-Za-z_]', '_', path.stem)}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SpecError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    old = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # leave no compiled copy of the key anywhere
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001
        raise SpecError(f"{path.name} failed to load: {type(exc).__name__}: {exc}") from exc
    finally:
        sys.dont_write_bytecode = old
    chapter = getattr(module, "CHAPTER", None)
    if not isinstance(chapter, Chapter):
        raise SpecError(f"{path.name} must define CHAPTER = Chapter(...)")
    return chapter


def chapter_files(key_dir: Path | str) -> dict[int, Path]:
    """Exercise files in a key folder, by chapter number (``NN_name.py``)."""
    found = {}
    for p in sorted(Path(key_dir).glob("[0-9][0-9]_*.py")):
        found[int(p.name[:2])] = p
    return found


def find_chapter(key_dir: Path | str, number: int) -> Path:
    files = chapter_files(key_dir)
    if number not in files:
        have = ", ".join(str(n) for n in files) or "none"
        raise SpecError(f"no exercise file for chapter {number} in {key_dir} (chapters found: {have})")
    return files[number]


def default_key_dir() -> Path | None:
    """``exercises/`` beside the package (a source checkout), else in the current folder."""
    here = Path(__file__).resolve().parents[2] / "exercises"
    for cand in (here, Path.cwd() / "exercises"):
        if cand.is_dir() and chapter_files(cand):
            return cand
    return None


def public_path(number: int) -> Path:
    return Path(__file__).with_name("public") / f"{number:02d}.json"
