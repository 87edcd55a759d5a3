"""The exercise format: definitions, public specs, hashes, and grading on plain data."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterkit import data, metrics
from clusterkit.grading import authoring, checks, compare, student
from clusterkit.grading.plain import from_plain, to_plain
from clusterkit.grading.spec import (
    Case, Chapter, Choice, Example, Function, Number, SpecError, Table, Text, chapter_files, load_chapter, public_path,
)

REPO = Path(__file__).resolve().parents[1]
KEY = REPO / "exercises"
CHAPTERS = sorted(chapter_files(KEY).items())


def wide(year: int) -> pd.DataFrame:
    df = data.load("00_regions_illustrative")
    return df[df.year == year].pivot(index="region", columns="industry", values="employment")


@pytest.mark.parametrize("number,path", CHAPTERS, ids=[p.name for _, p in CHAPTERS])
def test_every_reference_answer_passes_its_own_checks(number, path):
    chapter = load_chapter(path)
    assert chapter.number == number
    assert authoring.verify(chapter) == []


@pytest.mark.parametrize("number,path", CHAPTERS, ids=[p.name for _, p in CHAPTERS])
def test_committed_public_spec_is_up_to_date(number, path):
    committed = public_path(number)
    assert committed.is_file(), "run `clusterkit exercises build`"
    assert committed.read_text(encoding="utf-8") == authoring.public_json(load_chapter(path)), "run `clusterkit exercises build`"


@pytest.mark.parametrize("number,path", CHAPTERS, ids=[p.name for _, p in CHAPTERS])
def test_public_spec_holds_no_answer(number, path):
    """No reference value, rubric, model answer or hidden input is in the public spec."""
    chapter = load_chapter(path)
    text = public_path(number).read_text(encoding="utf-8")
    for ex in chapter.exercises:
        if isinstance(ex, Text):
            assert ex.rubric[:60] not in text and ex.model_answer[:60] not in text
            continue
        if isinstance(ex, Function):
            for case in ex.cases:
                for arg in case.resolve():
                    blob = json.dumps(to_plain(arg))
                    assert blob not in text, f"{ex.id}: a hidden input is public"
            for out in ex.expected_outputs()[len(ex.examples):]:
                for value in _numbers(out):
                    assert not _appears(value, text), f"{ex.id}: a hidden output {value} is public"
            continue
        if isinstance(ex, Choice):
            continue  # the options are public by nature; the right one is not marked (no hash)
        for value in _numbers(ex.reference()):
            assert not _appears(value, text), f"{ex.id}: reference value {value} appears in the public spec"


def _numbers(plain: dict) -> list[float]:
    t = plain.get("type")
    if t in ("int", "float"):
        return [plain["value"]] if isinstance(plain["value"], (int, float)) else []
    if t in ("frame", "series"):
        cells = [c for row in plain["data"] for c in (row if isinstance(row, list) else [row])]
        return [c for c in cells if isinstance(c, (int, float)) and not isinstance(c, bool)]
    if t in ("array",):
        return [c for c in plain["data"] if isinstance(c, (int, float))]
    if t == "list":
        return [v for item in plain["items"] for v in _numbers(item)]
    return []


def _appears(value: float, text: str) -> bool:
    """Whether a non-trivial number is written in ``text`` with 4 or more significant digits."""
    if isinstance(value, int) or float(value).is_integer() or abs(value) < 1e-9:
        return False  # small whole numbers appear everywhere (points, ranges, labels)
    digits = f"{value:.4g}"
    if len(digits.replace("-", "").replace(".", "").lstrip("0")) < 4:
        return False
    # as a number of its own, not a run of digits inside a hex hash ("34bb1072440ea358" holds "2440")
    return re.search(rf"(?<![\w.]){re.escape(digits)}(?![\w])", text) is not None


# ---------------------------------------------------------------------- the answer hash


def _public(ex) -> dict:
    return Chapter(number=9, title="t", salt="s", exercises=[ex]).public()["exercises"][0]


@pytest.mark.parametrize("ref", [4944.2334, 0.0, -12.5, 1e6 + 0.37, 3.14159])
def test_hash_is_never_looser_than_grading_and_forgives_rounding(ref):
    ex = Number(id="9.1", variable="x", points=1, prompt="p", answer=ref, rel=0.0, abs=1.0)
    pub = _public(ex)
    for delta in np.linspace(-3, 3, 601):
        v = ref + float(delta)
        said_correct = checks.evaluate(pub, to_plain(v)).state == "correct"
        graded = ex.grade(to_plain(v), []).fraction == 1.0
        if said_correct:
            assert graded, f"check() said correct for {v} but grading gives 0"
        if abs(delta) <= 0.5 - 1e-9:  # anything within half the tolerance gets its "correct!"
            assert said_correct, f"{v} is {delta:+.3f} from {ref} and was not recognised"
    assert checks.evaluate(pub, to_plain(round(ref))).state in ("correct", "failed")


def test_table_hash_is_per_cell_and_sound():
    ref = metrics.shift_share(wide(2015), wide(2020), "Region A")
    ex = Table(id="9.1", variable="t", points=3, prompt="p", answer=lambda: ref, columns=["national_share", "industry_mix", "competitive"],
               rel=1e-3, abs=0.01)
    pub = _public(ex)
    assert checks.evaluate(pub, to_plain(ref.round(3))).state == "correct"
    shifted = ref.copy()
    shifted.loc["textiles", "industry_mix"] += 0.02
    v = checks.evaluate(pub, to_plain(shifted))
    assert v.state == "failed"
    assert (False, "industry_mix: does not match yet") in v.messages and (True, "competitive: matches") in v.messages
    assert ex.grade(to_plain(shifted), []).fraction == pytest.approx(2 / 3)


# ---------------------------------------------------------------------- grading on plain data


def test_function_graded_on_hidden_cases_and_imported_functions_earn_nothing():
    ex = Function(
        id="9.1", variable="f", points=3, prompt="p", reference_function=metrics.location_quotient,
        examples=[Example(args=(wide(2015),), expected=metrics.location_quotient(wide(2015)))],
        cases=[Case(lambda: (wide(2020),)), Case(lambda: (pd.DataFrame({"a": [0.0, 5.0], "b": [3.0, 1.0]}, index=["x", "y"]),))],
    )
    expected = ex.expected_outputs()
    own = {"type": "function", "name": "f", "module": "__main__", "stub": False}
    all_right = [{"value": e} for e in expected]
    assert ex.grade(own, all_right, expected).fraction == 1.0
    one_wrong = all_right[:-1] + [{"error": "ZeroDivisionError: division by zero"}]
    score = ex.grade(own, one_wrong, expected)
    assert score.fraction == pytest.approx(2 / 3)
    assert "Hidden tests: 1 of 2 passed." in score.feedback and any("ZeroDivisionError" in f for f in score.feedback)
    imported = dict(own, module="clusterkit.metrics")
    assert ex.grade(imported, all_right, expected).fraction == 0.0


def test_number_partial_credit_and_choice_normalisation():
    ex = Number(id="9.1", variable="x", points=2, prompt="p", answer=4944.23, abs=1.0,
                partial=[__import__("clusterkit.grading.spec", fromlist=["Partial"]).Partial(lambda v: abs(v * 1e4 - 4944.23) < 1, 0.5, "scale")])
    assert ex.grade(to_plain(0.494423), []).fraction == 0.5
    assert ex.grade(to_plain(4000.0), []).fraction == 0.0
    assert ex.grade(to_plain("4944.23"), []).fraction == 0.0
    ch = Choice(id="9.2", variable="c", points=1, prompt="p", options=["a", "b", "c"], answer="c")
    for good in ["c", "C", " (c) ", "c)", "'c'"]:
        assert ch.grade(to_plain(good), []).fraction == 1.0, good
    for bad in ["a", "cc", "c or d", 3]:
        assert ch.grade(to_plain(bad), []).fraction == 0.0, bad


def test_definition_problems_are_reported():
    bad = Chapter(number=9, title="t", salt="s", exercises=[
        Number(id="9.1", variable="x", points=1, prompt="p", answer=1.5, abs=0.0),
        Number(id="9.1", variable="class", points=0, prompt="p", answer=1, integer=True),
        Choice(id="8.3", variable="x", points=1, prompt="p", options=["a"], answer="b"),
        Text(id="9.4", variable="t", points=1, prompt="p", rubric=""),
    ])
    problems = " | ".join(bad.problems())
    for needle in ["needs abs", "duplicate id", "'class' is not a Python variable name", "points must be positive",
                   "used twice", "ids of chapter 9", "not one of the options", "needs a rubric", "model answer"]:
        assert needle in problems, needle


def test_a_broken_exercise_file_gives_a_clear_error(tmp_path):
    (tmp_path / "05_broken.py").write_text("raise RuntimeError('oops')\n")
    with pytest.raises(SpecError, match="05_broken.py failed to load: RuntimeError: oops"):
        load_chapter(tmp_path / "05_broken.py")
    (tmp_path / "06_empty.py").write_text("x = 1\n")
    with pytest.raises(SpecError, match="must define CHAPTER"):
        load_chapter(tmp_path / "06_empty.py")
    assert not list(tmp_path.glob("**/__pycache__"))  # no compiled copy of a key is left behind


# ---------------------------------------------------------------------- plain data


class LiarFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class LiarFrame(pd.DataFrame):
    def __eq__(self, other):
        return True

    def equals(self, other):
        return True


def test_plain_data_keeps_values_and_drops_behaviour():
    assert to_plain(LiarFloat(0.0)) == {"type": "float", "value": 0.0}
    plain = to_plain(LiarFrame({"a": [1.0]}, index=["x"]))
    assert plain["type"] == "frame" and plain["data"] == [[1.0]]
    assert to_plain(np.float64("nan")) == {"type": "float", "value": "nan"}
    assert to_plain(np.int64(3)) == {"type": "int", "value": 3}
    assert to_plain(np.bool_(True)) == {"type": "bool", "value": True}
    assert to_plain(object())["type"] == "other"
    frame = pd.DataFrame({"x": [1.5, math.inf], "y": [np.nan, 2.0]}, index=pd.CategoricalIndex(["A", "B"], name="region"))
    back = from_plain(json.loads(json.dumps(to_plain(frame))))
    assert back.index.tolist() == ["A", "B"] and back.index.name == "region"
    assert back.loc["A", "x"] == 1.5 and math.isinf(back.loc["B", "x"]) and math.isnan(back.loc["A", "y"])

    def stub(table):
        """Docstring only."""
        ...

    def real(table):
        return table

    assert to_plain(stub)["stub"] is True and to_plain(real)["stub"] is False


def test_tables_compare_by_label_not_order():
    exp = to_plain(pd.DataFrame({"a": [1.0, 2.0]}, index=["x", "y"]))
    act = to_plain(pd.DataFrame({"a": [2.0, 1.0]}, index=["y", "x"]))
    assert compare.same_value(act, exp, compare.Tolerance())[0]
    col = to_plain(pd.DataFrame({"name": ["y", "x"], "a": [2.0, 1.0]}))
    assert compare.same_value(col, exp, compare.Tolerance())[0]
    off = to_plain(pd.DataFrame({"a": [1.0, 2.1]}, index=["x", "y"]))
    ok, why = compare.same_value(off, exp, compare.Tolerance())
    assert not ok and "'y'" in why


@pytest.mark.parametrize("number,path", CHAPTERS, ids=[p.name for _, p in CHAPTERS])
def test_chapter_notebook_has_every_answer_cell(number, path):
    chapter = load_chapter(path)
    assert chapter.notebook, f"{path.name}: set Chapter(notebook=...)"
    assert authoring.notebook_problems(chapter, REPO / chapter.notebook) == []


# ---------------------------------------------------------------------- check() and the grader agree


def _revealed_numbers():
    out = []
    for _, path in CHAPTERS:
        chapter = load_chapter(path)
        pub = {e["id"]: e for e in chapter.public()["exercises"]}
        out += [(ex, pub[ex.id]) for ex in chapter.exercises if isinstance(ex, Number) and ex.reveal]
    return out


REVEALED = _revealed_numbers()


def _near(ref: float, tol: float, seed: int) -> list[float]:
    """Many values near ``ref``: random ones within 2·tol, bucket edges, the tolerance's own edges,
    and ``ref`` rounded to every number of decimals."""
    rng = np.random.default_rng(seed)
    step = tol / checks.BAND_STEPS if tol else 1.0
    values = list(ref + rng.uniform(-2.5, 2.5, 3000) * max(tol, 1.0))
    k0 = math.floor(ref / step)
    for k in range(k0 - 12, k0 + 13):
        for eps in (-1e-12, 0.0, 1e-12, 1e-9):
            values.append(k * step + eps * max(1.0, abs(k * step)))
    values += [ref - tol, ref + tol, np.nextafter(ref - tol, -np.inf), np.nextafter(ref + tol, np.inf)]
    values += [round(ref, d) for d in range(-4, 8)] + [float(math.floor(ref)), float(math.ceil(ref))]
    return [float(v) for v in values]


@pytest.mark.parametrize("ex,pub", REVEALED, ids=[ex.id for ex, _ in REVEALED])
def test_check_says_correct_exactly_when_the_grader_gives_full_points(ex, pub):
    """Property: over thousands of values near the reference (bucket edges included), check()'s
    "Correct!" and full points are the same set, and everything within abs is accepted."""
    ref = float(ex.reference()["value"])
    assert all(p.fraction < 1 for p in ex.partial)  # so full points come from the grader's rule alone: ex.accepts
    values = _near(ref, ex.abs, seed=int(ex.id.replace(".", "")))
    for v in values[::97]:  # the whole grade() on a sample (partial-credit tests may recompute the key: slow)
        assert (ex.grade(to_plain(v), []).fraction == 1.0) == ex.accepts(v), v
    for v in values:
        said = checks.evaluate(pub, to_plain(v)).state == "correct"
        full = ex.accepts(v)
        assert said == full, f"{ex.id}: {v!r} (ref {ref!r}): check {'accepts' if said else 'rejects'} it, the grader {'accepts' if full else 'rejects'} it"
        if not ex.integer:
            if abs(v - ref) <= ex.abs * (1 - 1e-12):
                assert said, f"{ex.id}: {v!r} is within abs={ex.abs} of {ref!r} but rejected"
            if abs(v - ref) > ex.abs * (1 + 1 / checks.BAND_STEPS) + 1e-12:
                assert not said, f"{ex.id}: {v!r} is far from {ref!r} but accepted"


@pytest.mark.parametrize("ref,tol", [(4944.2334, 1.0), (0.0, 0.5), (-12.5, 0.01), (1e6 + 0.37, 2.0), (3.14159, 1e-4), (2.4561965, 0.001)])
def test_band_property_on_made_up_numbers(ref, tol):
    ex = Number(id="9.1", variable="x", points=1, prompt="p", answer=ref, abs=tol)
    pub = _public(ex)
    for v in _near(ref, tol, seed=7):
        said = checks.evaluate(pub, to_plain(v)).state == "correct"
        assert said == (ex.grade(to_plain(v), []).fraction == 1.0), v
        assert said == checks.in_band(v, ref, tol), v


def test_the_precision_asked_for_decides_and_rounding_is_called_close():
    """The students' reports: 0.4 rounded to tens, 1.1 rounded to 2.46, 1.2 to 14.2 — not right,
    and both check() and the grader say "Close — did you round?" instead of the method hint."""
    ch0, ch1 = load_chapter(KEY / "00_clusters.py"), load_chapter(KEY / "01_anchor_firm.py")
    pub = {e["id"]: e for c in (ch0, ch1) for e in c.public()["exercises"]}
    ex = {e.id: e for c in (ch0, ch1) for e in c.exercises}
    for ex_id, rounded, fine in [("0.4", 4940, 4944), ("1.1", 2.46, 2.456), ("1.2", 14.2, 14.17)]:
        v = checks.evaluate(pub[ex_id], to_plain(rounded))
        assert v.state == "failed" and (False, checks.CLOSE_HINT) in v.messages, ex_id
        score = ex[ex_id].grade(to_plain(rounded), [])
        assert score.fraction == 0 and score.feedback == [checks.CLOSE_HINT], ex_id
        assert checks.evaluate(pub[ex_id], to_plain(fine)).state == "correct" and ex[ex_id].grade(to_plain(fine), []).fraction == 1
    # a wrong answer that is no rounding of the reference gets the method hint
    v = checks.evaluate(pub["0.4"], to_plain(4950))
    assert v.hint == ex["0.4"].hint and (False, checks.CLOSE_HINT) not in v.messages
    assert ex["0.4"].grade(to_plain(4950), []).feedback == [ex["0.4"].hint]
    # partial credit defined by the author still comes first
    assert ex["0.4"].grade(to_plain(ex["0.4"]._ref() / 1e4), []).fraction == 0.5


def test_table_cells_agree_with_the_grader_and_rounding_is_close():
    ex = load_chapter(KEY / "00_clusters.py").exercise("0.5")
    pub = _public(ex)
    ref = metrics.shift_share(wide(2015), wide(2020), "Region A")
    for digits, state in [(3, "correct"), (2, "correct"), (1, "failed")]:
        v = checks.evaluate(pub, to_plain(ref.round(digits)))
        assert v.state == state, digits
        assert (ex.grade(to_plain(ref.round(digits)), []).fraction == 1.0) == (state == "correct")
    v = checks.evaluate(pub, to_plain(ref.round(1)))
    assert v.hint == checks.CLOSE_HINT and (False, "competitive: close, but not within the tolerance") in v.messages
    assert ex.grade(to_plain(ref.round(1)), []).feedback[0] == checks.CLOSE_HINT
    rng = np.random.default_rng(3)
    for _ in range(300):  # one cell moved by up to 2·abs: the column matches in check() iff the grader scores it
        moved = ref.copy()
        r, c = rng.choice(moved.index), rng.choice(list(ex.columns))
        moved.loc[r, c] += float(rng.uniform(-2, 2)) * ex.abs
        said = (True, f"{c}: matches") in checks.evaluate(pub, to_plain(moved)).messages
        assert said == (ex.grade(to_plain(moved), []).fraction == 1.0), (r, c, moved.loc[r, c] - ref.loc[r, c])


def test_a_relative_tolerance_applies_only_without_a_hash():
    hidden = Number(id="9.1", variable="x", points=1, prompt="p", answer=5000.0, rel=1e-3, abs=0.5, reveal=False)
    assert hidden.grade(to_plain(5004.0), []).fraction == 1.0
    assert checks.evaluate(_public(hidden), to_plain(5004.0)).state == "passed"  # recorded, no verdict
    shown = Number(id="9.1", variable="x", points=1, prompt="p", answer=5000.0, rel=1e-3, abs=0.5)
    assert shown.grade(to_plain(5004.0), []).fraction == 0.0
    assert checks.evaluate(_public(shown), to_plain(5004.0)).state == "failed"
    assert "hash_abs is no longer used" in " ".join(Number(id="9.1", variable="x", points=1, prompt="p", answer=1.0, abs=1.0, hash_abs=2.0).problems())


# ---------------------------------------------------------------------- choices: neutral, exact


def test_a_valid_option_gets_the_neutral_mark_not_a_tick():
    ex = Choice(id="9.1", variable="c", points=2, prompt="p", options=["a", "b", "c"], answer="c")
    v = checks.evaluate(_public(ex), to_plain("a"))
    assert v.state == "passed"
    assert v.messages == [(None, "answer recorded ('a'): a valid option")]
    assert checks.mark(v.messages[0][0]) == "•"
    rng = Number(id="9.2", variable="x", points=1, prompt="p", answer=5000.0, abs=1.0,
                 checks=[__import__("clusterkit.grading.spec", fromlist=["in_range"]).in_range(400, 10_000, "h")])
    v = checks.evaluate(_public(rng), to_plain(5000.0))
    assert v.state == "correct" and (None, "within the plausible range 400 to 10,000") in v.messages
    assert checks._fmt_num(1980) == "1980" and checks._fmt_num(10_000) == "10,000"  # a year has no separator


def test_exact_choice_counts_the_spelling_in_check_and_grading():
    ex = Choice(id="9.1", variable="c", points=1, prompt="p", options=["Region A", "Region B"], answer="Region B", exact=True)
    pub = _public(ex)
    assert checks.evaluate(pub, to_plain(" Region B ")).state == "passed" and ex.grade(to_plain(" Region B "), []).fraction == 1
    for slip in ["region b", "Region  B", "REGION B", "(Region B)"]:
        v = checks.evaluate(pub, to_plain(slip))
        assert v.state == "failed" and ex.grade(to_plain(slip), []).fraction == 0, slip
    v = checks.evaluate(pub, to_plain("region b"))
    assert v.messages[-1] == (False, "Write it exactly as the option is written: 'Region B' (capitals and spaces count).")
    lenient = Choice(id="9.1", variable="c", points=1, prompt="p", options=["Region A", "Region B"], answer="Region B")
    assert checks.evaluate(_public(lenient), to_plain("region b")).state == "passed"
    assert lenient.grade(to_plain("region b"), []).fraction == 1


# ---------------------------------------------------------------------- functions: kinds, points, inputs


def test_results_of_the_wrong_kind_say_what_is_wrong():
    A = np.array([[0.15, 0.25], [0.2, 0.05]])
    exp = to_plain(np.linalg.inv(np.eye(2) - A).sum(axis=0))
    tol = compare.Tolerance(1e-4, 1e-6)
    assert compare.same_value(to_plain(None), exp, tol) == (False, "your function returned None — add a `return` line at the end (e.g. `return result`)")
    for accepted in [list(exp["data"]), tuple(exp["data"]), pd.Series(exp["data"], index=["x", "y"])]:
        assert compare.same_value(to_plain(accepted), exp, tol)[0], type(accepted)  # values are graded, not the container
    ok, why = compare.same_value(to_plain([1.0, 2.0, 3.0]), exp, tol)
    assert not ok and why == "expected 2 values, got a list of 3 items"
    ok, why = compare.same_value(to_plain(pd.DataFrame(np.eye(2))), exp, tol)
    assert not ok and "expected a NumPy array, got a pandas DataFrame; use np.asarray(...)" in why
    frame = to_plain(pd.DataFrame({"p": [0.625, 1.25], "q": [1.25, 0.8333333333333334]}, index=["X", "Y"]))
    ok, why = compare.same_value(to_plain(pd.Series([0.625, 1.25], index=["X", "Y"])), frame, tol)
    assert not ok and why.startswith("expected a pandas DataFrame, got a pandas Series") and "rows are missing" not in why


def _f(cases, **kw):
    return Function(id="9.1", variable="f", points=3, prompt="p", reference_function=lambda t: t * 2,
                    examples=[Example(args=(pd.DataFrame({"a": [1.0]}, index=["x"]),), expected=pd.DataFrame({"a": [2.0]}, index=["x"]))],
                    cases=[Case((pd.DataFrame({"a": [float(i)]}, index=["y"]),)) for i in range(cases)], **kw)


def test_function_feedback_names_kinds_explains_points_and_reports_changed_inputs():
    ex = _f(5, hidden_hint="Try other tables.")
    calls, expected = ex.calls(), ex.expected_outputs()
    before = ex.inputs_as_sent(calls)
    own = {"type": "function", "name": "f", "module": "__main__", "stub": False}
    none = [{"value": {"type": "none"}, "args_after": b} for b in before]
    score = ex.grade(own, none, expected, before)
    assert score.fraction == 0
    assert "On 5 hidden inputs: your function returned None — add a `return` line at the end (e.g. `return result`)." in score.feedback
    assert "Try other tables." not in score.feedback  # every failure is explained already
    arrays = Function(id="9.2", variable="g", points=1, prompt="p", reference_function=lambda n: np.ones(n),
                      cases=[Case((7,)), Case((5,))])
    short = [{"value": to_plain([1.0, 1.0])}, {"value": to_plain(pd.DataFrame(np.ones((5, 5))))}]
    fb = arrays.grade(own, short, arrays.expected_outputs()).feedback
    assert "On 1 hidden input: the result has the wrong number of values." in fb
    assert not any(ch in "".join(fb[1:3]) for ch in "57"), fb  # no size of a hidden input or output
    assert "Points: 0.5 for the worked example and 0.5 for each of 5 hidden tests." in score.feedback
    right = [{"value": e, "args_after": b} for e, b in zip(expected, before)]
    full = ex.grade(own, right, expected, before)
    assert full.fraction == 1 and not any("Points:" in f or "changed an input" in f for f in full.feedback)
    changed = [dict(r, args_after=[to_plain(pd.DataFrame({"a": [0.0], "extra": [1.0]}, index=["y"]))]) for r in right]
    score = ex.grade(own, changed, expected, before)
    assert score.fraction == 1 and any("changed an input it was given" in f for f in score.feedback)  # reported, free by default
    strict = _f(5, inputs_unchanged=1.0)
    assert strict.grade(own, changed, expected, before).fraction == pytest.approx(6 / 7)
    assert strict.grade(own, right, expected, before).fraction == 1
    assert "and 3/7 for leaving its inputs unchanged" in strict.scoring()  # sevenths are written as fractions
    weighted = Function(id="9.1", variable="f", points=2, prompt="p", reference_function=abs, examples=[Example((1,), 1), Example((-2,), 2)],
                        cases=[Case((3,), weight=2), Case((-4,))])
    assert weighted.scoring() == "Points: 0.4 for each of the 2 worked examples and 1.2 for 2 hidden tests (weighted)."


def test_arguments_survive_the_round_trip_so_changed_inputs_are_never_imagined():
    """The grader compares arguments after a call with to_plain(from_plain(sent)): that must be a
    fixed point for every hidden input, or an untouched input would look changed."""
    for _, path in CHAPTERS:
        for ex in load_chapter(path).exercises:
            if isinstance(ex, Function):
                for args in ex.inputs_as_sent(ex.calls()):
                    assert [to_plain(from_plain(a)) for a in args] == args, ex.id


# ---------------------------------------------------------------------- text students paste


@pytest.mark.parametrize("number,path", CHAPTERS, ids=[p.name for _, p in CHAPTERS])
def test_public_text_has_no_unicode_minus(number, path):
    """Prompts and hints are pasted into code: U+2212 (−) is a SyntaxError, '-' is not."""
    assert "\u2212" not in public_path(number).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["00_clusters.py", "01_anchor_firm.py"])
def test_exercise_sources_write_formulas_in_ascii(name):
    src = (KEY / name).read_text(encoding="utf-8")
    assert "\u2212" not in src
    assert "g_ir" not in src  # the chapter's notation is g_ri


# ---------------------------------------------------------------------- Chapter 3's review: the system


CH3 = KEY / "03_research_institute.py"


def _ch3():
    chapter = load_chapter(CH3)
    return chapter, {e["id"]: e for e in chapter.public()["exercises"]}


def _counts() -> pd.DataFrame:
    figures = data.load("03_tsinghua_yrd_figures", include_low=True)
    return figures[(figures["year"] == 2023) & (figures["unit"] == "count")]


def _pivot(**kw) -> pd.DataFrame:
    table = _counts().pivot_table(index="metric", columns="claim_of", values="value", **kw)
    table["difference"] = table["article"] - table["source"]
    return table


def test_extra_rows_are_rejected_by_check_and_grader():
    chapter, pub = _ch3()
    ex = chapter.exercise("3.2")
    four = _pivot(aggfunc="sum", fill_value=0)  # the right values on the right rows, and two rows more
    v = checks.evaluate(pub["3.2"], to_plain(four))
    assert v.state == "failed" and v.messages[-1] == (
        False, "Your table has 4 rows; keep only the metrics both kinds of claim give (no fill_value; .dropna()).")
    score = ex.grade(to_plain(four), [])
    assert score.fraction == 0 and score.feedback == [v.messages[-1][1]]
    right = _pivot().dropna()
    twice = pd.concat([right, right.iloc[:1]])
    assert checks.evaluate(pub["3.2"], to_plain(twice)).state == "failed" and ex.grade(to_plain(twice), []).fraction == 0
    assert checks.evaluate(pub["3.2"], to_plain(right)).state == "correct" and ex.grade(to_plain(right), []).fraction == 1
    # every chapter: a table with a made-up extra row fails in check() exactly when the grader withholds points
    ref = metrics.shift_share(wide(2015), wide(2020), "Region A")
    t0 = load_chapter(KEY / "00_clusters.py").exercise("0.5")
    extra = pd.concat([ref, ref.iloc[:1].rename(index=lambda r: "other industry")])
    v = checks.evaluate(_public(t0), to_plain(extra))
    assert v.state == "failed" and f"Your table has {len(ref) + 1} rows" in v.messages[-1][1] and "'other industry'" in v.messages[-1][1]
    assert t0.grade(to_plain(extra), []).fraction == 0 and t0.grade(to_plain(extra), []).feedback == [v.messages[-1][1]]
    # ... unless the exercise allows extra rows
    lenient = Table(id="9.1", variable="t", points=3, prompt="p", answer=lambda: ref, columns=list(t0.columns), abs=0.01,
                    extra_rows=True)
    assert checks.evaluate(_public(lenient), to_plain(extra)).state == "correct" and lenient.grade(to_plain(extra), []).fraction == 1
    # function outputs compare tables the same way
    ok, why = compare.same_value(to_plain(extra), to_plain(ref), compare.Tolerance())
    assert not ok and "1 row too many" in why


def test_row_labels_that_are_part_of_the_answer_are_never_published_or_printed():
    chapter, pub = _ch3()
    ex = chapter.exercise("3.2")
    secret = list(ex.reference()["index"])
    text = json.dumps(pub["3.2"])
    assert secret and not any(label in text for label in secret)
    right = _pivot().dropna()
    for answer in (right.reset_index(drop=True), right.iloc[:1], right.reset_index()):
        v = checks.evaluate(pub["3.2"], to_plain(answer))
        g = ex.grade(to_plain(answer), [])
        shown = " ".join(m for _, m in v.messages) + " ".join(g.feedback) + (v.hint or "")
        for label in secret:
            if label not in list(answer.index) and label not in answer.to_numpy().ravel().tolist():
                assert label[:25] not in shown, (label, shown)
        assert (v.state == "correct") == (g.fraction == 1)
    v = checks.evaluate(pub["3.2"], to_plain(right.iloc[:1]))
    assert v.messages[-1][1].startswith("Your table's rows (metric): '" + right.index[0][:20])  # the student's own
    # when the rows are given by the exercise (0.5: the industries), they may be named
    assert "Use one row per industry (" in json.dumps(load_chapter(KEY / "00_clusters.py").public())


def test_nested_columns_and_a_wrong_difference_get_their_own_advice():
    chapter, pub = _ch3()
    ex = chapter.exercise("3.2")
    nested = _counts().pivot_table(index="metric", columns="claim_of", values=["value"]).dropna()
    v = checks.evaluate(pub["3.2"], to_plain(nested))
    assert "pass values='value' (a string, not a list)" in v.messages[-1][1] and v.hint is None
    right = _pivot().dropna()
    flipped = right.assign(difference=-right["difference"])
    v = checks.evaluate(pub["3.2"], to_plain(flipped))
    g = ex.grade(to_plain(flipped), [])
    assert v.hint == ex.column_hints["difference"] and g.feedback == [ex.column_hints["difference"]]
    assert "article - source, in counts" in v.hint and g.fraction == pytest.approx(2 / 3)


def test_common_mistakes_are_named_by_both_sides_and_never_accepted():
    chapter, pub = _ch3()
    ex = chapter.exercise("3.1")
    assert not any(str(v) in json.dumps(pub["3.1"]) for v in ("15.0", "1600", "1500"))  # hashed, not written
    for value in (math.nan, 0.0, 15.0, 1600.0, 1500.0, 15.004):
        v = checks.evaluate(pub["3.1"], to_plain(value))
        g = ex.grade(to_plain(value), [])
        assert v.state == "failed" and g.fraction == 0, value
        assert g.feedback == [v.messages[-1][1]] and v.hint is None, value
    assert ex.grade(to_plain(1 / 16), []).fraction == 0.5  # partial credit still comes first
    bad = Number(id="9.1", variable="x", points=1, prompt="p", answer=16.0, abs=0.01,
                 mistakes=[__import__("clusterkit.grading.spec", fromlist=["Mistake"]).Mistake(16.001, "no")])
    assert "is accepted as right" in " ".join(bad.problems())


def test_3_4_hidden_cases_catch_negative_counts_before_the_first_arrival():
    chapter, _ = _ch3()
    ex = chapter.exercise("3.4")

    def closed_form(intake, rates, lags, exit_rate, years):  # right from the first arrival on, negative before it
        first, c = 1 + sum(lags), rates[0] * rates[1] * rates[2]
        if exit_rate == 0:
            return max(0, years - first + 1) * intake * c
        return intake * c * (1 - (1 - exit_rate) ** (years - first + 1)) / exit_rate

    assert closed_form(60, [0.4, 0.25, 0.5], [2, 2, 3], 0.04, 3) == pytest.approx(-13.3, abs=0.05)  # the student's report
    calls, expected = ex.calls(), ex.expected_outputs()
    results = [{"value": to_plain(closed_form(*[from_plain(a) for a in args]))} for args in calls]
    own = {"type": "function", "name": "f", "module": "__main__", "stub": False}
    score = ex.grade(own, results, expected)
    assert score.fraction < 1 and any("Hidden tests: 7 of 9 passed." == f for f in score.feedback)
    assert any("never a negative number" in f for f in score.feedback)
    years = [from_plain(args[4]) for args in calls]
    assert {0, 3, 7, 8} <= set(years)  # well before, before, and exactly at the first arrival (year 8)
    assert any(from_plain(args[2]) == [1, 1, 1] for args in calls) and any(from_plain(args[3]) == 0 for args in calls)


def test_function_results_that_are_rounded_or_too_slow_are_named():
    chapter, pub = _ch3()
    ex = chapter.exercise("3.4")
    calls, expected = ex.calls(), ex.expected_outputs()
    own = {"type": "function", "name": "f", "module": "__main__", "stub": False}
    rounded = [{"value": to_plain(round(from_plain(e), 1))} for e in expected]
    score = ex.grade(own, rounded, expected)
    assert any(f.startswith("On ") and f.endswith("hidden inputs: Close — did you round? Return the value unrounded.")
               for f in score.feedback), score.feedback
    assert compare.same_value(rounded[0]["value"], expected[0], compare.Tolerance(ex.rel, ex.abs))[1] == compare.ROUNDED_WHY
    slow = [{"value": e} for e in expected[:3]] + [{"error": "timed out"}] * (len(expected) - 3)
    score = ex.grade(own, slow, expected)
    assert "On some hidden inputs your function did not finish in time — is there a loop that never ends?" in score.feedback
    assert not any("raised timed out" in f for f in score.feedback)
    v = checks.evaluate(pub["3.4"], own, lambda args: {"error": "timed out"})  # as the grader replays the worked example
    assert v.messages[-1][1].endswith("your function did not finish in time — is there a loop that never ends?")
    crash = [{"value": e} for e in expected[:-1]] + [{"error": "ZeroDivisionError: float division by zero"}]
    assert "On some hidden inputs your function raised ZeroDivisionError." in ex.grade(own, crash, expected).feedback


def test_a_split_of_points_adds_up():
    seven = _f(5, inputs_unchanged=1.0)  # 3 points in sevenths
    assert seven.scoring() == ("Points: 3/7 for the worked example, 3/7 for each of 5 hidden tests "
                               "and 3/7 for leaving its inputs unchanged.")
    own = {"type": "function", "name": "f", "module": "__main__", "stub": False}
    expected = seven.expected_outputs()
    results = [{"value": e} for e in expected[:-1]] + [{"error": "KeyError: 'a'"}]
    score = seven.grade(own, results, expected, seven.inputs_as_sent(seven.calls()))
    assert score.fraction == pytest.approx(6 / 7)
    assert any(f.endswith("You earned 18/7 ≈ 2.57 points of 3.") for f in score.feedback)
    ch3 = load_chapter(CH3).exercise("3.4")
    assert ch3.scoring() == "Points: 0.3 for the worked example and 0.3 for each of 9 hidden tests."


def test_a_function_that_calls_the_course_implementation_earns_nothing():
    from clusterkit.models import incubation
    from clusterkit.models.incubation import run_pipeline as rp

    chapter, pub = _ch3()
    ex = chapter.exercise("3.4")

    def direct(intake, rates, lags, exit_rate, years):
        return float(incubation.run_pipeline(intake, rates, lags, 0.0, exit_rate, years).firms[-1])

    def aliased(intake, rates, lags, exit_rate, years):
        return float(rp(intake, rates, lags, 0.0, exit_rate, years).firms[-1])

    def nested(intake, rates, lags, exit_rate, years):
        run = lambda: incubation.pipeline_from_parameters(incubation.load_parameters())  # noqa: E731
        return float(run().firms[-1])

    def own_loop(intake, rates, lags, exit_rate, years):
        run_pipeline = 0.0  # a local name is no call of the course's function
        for year in range(1, years + 1):
            run_pipeline = run_pipeline * (1 - exit_rate) + (intake * rates[0] * rates[1] * rates[2] if year > sum(lags) else 0)
        return run_pipeline

    outs = ex.expected_outputs()
    for fn in (direct, aliased, nested):
        plain = dict(to_plain(fn), module="__main__")  # as if written in the notebook
        v = checks.evaluate(pub["3.4"], plain, lambda args: {"value": outs[0]})
        score = ex.grade(plain, [{"value": o} for o in outs], outs)
        assert v.state == "failed" and v.messages[-1][1].startswith("Your function uses "), fn.__name__
        assert score.fraction == 0 and score.feedback == [v.messages[-1][1]], fn.__name__
    plain = dict(to_plain(own_loop), module="__main__")
    assert "run_pipeline" not in plain["uses"] and "range" in plain["uses"]
    assert checks.evaluate(pub["3.4"], plain, student._caller(own_loop)).state == "passed"


def test_3_3_precision_is_the_same_in_text_check_and_grading():
    chapter, pub = _ch3()
    ex = chapter.exercise("3.3")
    ref = ex._ref()
    assert "without rounding" in ex.prompt and "Keep full precision" in ex.prompt and "two decimals" not in ex.prompt
    assert ex.abs == 0.005
    for value, state in [(ref, "correct"), (round(ref, 4), "correct"), (round(ref, 1), "failed"), (round(ref), "failed")]:
        v = checks.evaluate(pub["3.3"], to_plain(value))
        assert v.state == state and (ex.grade(to_plain(value), []).fraction == 1) == (state == "correct"), value
        if state == "failed":
            assert (False, checks.CLOSE_HINT) in v.messages and ex.grade(to_plain(value), []).feedback == [checks.CLOSE_HINT]
    nb = _ch3_notebook_text()
    assert "Keep full precision: give the number as the model returns it, without rounding." in nb


def _ch3_notebook_text() -> str:
    import nbformat

    nb = nbformat.read(REPO / "notebooks" / "03_research_institute.ipynb", as_version=4)
    return " ".join(" ".join(c.source.split()) for c in nb.cells if c.cell_type == "markdown")


def test_chapter_3_notebook_and_key_say_the_same():
    chapter, pub = _ch3()
    nb = _ch3_notebook_text()
    assert f"# Chapter 3 — {chapter.title}" in nb
    text = chapter.exercise("3.6")
    assert "(40–220 words)" in text.prompt and "(40–220 words)" in nb and (text.min_words, text.max_words) == (40, 220)
    assert '"""like this"""' in text.prompt and '"""like this"""' in nb
    words = next(c for c in pub["3.6"]["checks"] if c["check"] == "words")
    assert (words["min"], words["max"]) == (40, 220)
    fn = chapter.exercise("3.4")
    assert fn.examples[0].label == "open_pipeline_firms(60, [0.4, 0.25, 0.5], [2, 2, 3], 0.04, 20)"
    assert f"`{fn.examples[0].label}` gives 30.8849" in nb and f"`{fn.examples[0].label}` gives 30.8849" in fn.prompt
    for phrase in ("lists or tuples", "some of 1 year", "an exit rate of 0", "before the first firm arrives (down to 0)",
                   "exactly when it does", "incubation.run_pipeline"):
        assert phrase in nb and phrase in fn.prompt, phrase
    assert "article - source" in nb and "article - source" in chapter.exercise("3.2").prompt
    assert "\u2212" not in CH3.read_text(encoding="utf-8")
