"""The exercise format: definitions, public specs, hashes, and grading on plain data."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterkit import data, metrics
from clusterkit.grading import authoring, checks, compare
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
    return len(digits.replace("-", "").replace(".", "").lstrip("0")) >= 4 and digits in text


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
