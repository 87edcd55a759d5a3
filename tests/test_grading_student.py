"""The student side: check() and check_all() give teaching verdicts from the public spec only."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterkit import data, metrics
from clusterkit.grading import student
from clusterkit.grading.student import check, check_all, evaluate_answer

REPO = Path(__file__).resolve().parents[1]


def wide(year: int) -> pd.DataFrame:
    df = data.load("00_regions_illustrative")
    return df[df.year == year].pivot(index="region", columns="industry", values="employment")


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("CLUSTERKIT_GRADING", raising=False)


def said(capsys, *args) -> str:
    """What check() printed, with line wrapping undone (see test_output_fits_the_column for widths)."""
    check(*args)
    return " ".join(capsys.readouterr().out.split())


def test_placeholder_is_not_attempted_and_never_raises(capsys):
    out = said(capsys, "0.1", ...)
    assert "not attempted" in out and "Traceback" not in out
    assert evaluate_answer("0.1", ...).state == "not-attempted"

    def location_quotient(table):
        ...

    assert "not attempted" in said(capsys, "0.2", location_quotient)


def test_a_count_right_wrong_and_of_the_wrong_type(capsys):
    assert "Correct" in said(capsys, "0.1", 6)
    assert "Correct" in said(capsys, "0.1", np.int64(6))
    assert "Correct" in said(capsys, "0.1", 6.0)
    out = said(capsys, "0.1", 5)
    assert "✘" in out and "Hint" in out
    out = said(capsys, "0.1", "6")
    assert "Remove the quotes" in out
    assert "between 0 and 9" in said(capsys, "0.1", 12)


def test_hhi_tolerates_rounding_and_teaches_the_scale(capsys):
    ref = metrics.hhi(wide(2015)["electronics"])
    assert "Correct" in said(capsys, "0.4", round(ref))          # 4944
    assert "Correct" in said(capsys, "0.4", round(ref, 1))
    assert "Correct" not in said(capsys, "0.4", ref + 5)        # outside the tolerance
    out = said(capsys, "0.4", ref / 10_000)                      # shares as fractions
    assert "2,500" in out and "percentage" in out
    assert "single value out" in said(capsys, "0.4", pd.Series([ref]))


def test_choice_does_not_reveal_the_right_option(capsys):
    outs = {opt: said(capsys, "0.3", opt) for opt in ["Region A", "Region B", "Region C", "Region D"]}
    assert len({o.replace(opt, "X") for opt, o in outs.items()}) == 1  # same verdict for every option
    assert "one of" in said(capsys, "0.3", "Region Z")
    assert "as text" in said(capsys, "0.3", 2)
    assert evaluate_answer("0.6", "(C)").state == "passed"  # brackets and case are forgiven


def test_function_is_run_on_the_worked_example(capsys):
    def location_quotient(table):
        return table.div(table.sum(axis=1), axis=0) / (table.sum() / table.to_numpy().sum())

    assert "Passes the public checks" in said(capsys, "0.2", location_quotient)

    def halves(table):
        return table / 2

    out = said(capsys, "0.2", halves)
    assert "2 × 2 table" in out and "differs" in out

    def crashes(table):
        return 1 / 0

    out = said(capsys, "0.2", crashes)
    assert "ZeroDivisionError" in out and "Traceback" not in out
    assert "no parentheses" in said(capsys, "0.2", location_quotient(wide(2015)))


def test_table_feedback_column_by_column(capsys):
    ref = metrics.shift_share(wide(2015), wide(2020), "Region A")
    assert "Correct" in said(capsys, "0.5", ref)
    assert "Correct" in said(capsys, "0.5", ref.round(2))
    assert "Correct" in said(capsys, "0.5", ref.reset_index())  # industry kept as a column
    bad = ref.copy()
    bad["competitive"] = 0.0
    out = said(capsys, "0.5", bad)
    assert "✔ national_share: matches" in out and "✘ competitive: does not match yet" in out
    assert "Name the columns" in said(capsys, "0.5", ref.rename(columns={"competitive": "cs"}))
    assert "DataFrame" in said(capsys, "0.5", ref.to_numpy())


def test_text_is_left_to_the_instructor(capsys):
    assert "20–150 words" in said(capsys, "0.7", "Too short.")
    out = said(capsys, "0.7", " ".join(["word"] * 40))
    assert "graded by your instructor" in out


class Weird:
    def __repr__(self):
        raise RuntimeError("no repr")

    def __eq__(self, other):
        raise RuntimeError("no eq")


@pytest.mark.parametrize("args", [("0.9", 1), (1, 2), ("x", 1), ("0.1", Weird()), ("0.5", Weird()), ("0.2", Weird()), ("99.1", 1)])
def test_bad_input_gives_a_message_not_a_traceback(capsys, args):
    out = said(capsys, *args)
    assert out.strip() and "Traceback" not in out


def test_check_all_summarises_the_chapter(capsys):
    ns = {"n_zhejiang": 6, "most_specialised": ..., "hhi_electronics": 1.0}
    exec("check_all(0)", {"check_all": check_all, **ns})
    out = capsys.readouterr().out
    assert "0.1" in out and "✔ correct" in out and "not attempted" in out
    assert "Points available: 15 (12 auto-graded, 3 graded by your instructor)" in out
    exec("check_all('0')", {"check_all": check_all, **ns})  # as the chapter notebook calls it
    assert "Points available" in capsys.readouterr().out
    exec("check_all()", {"check_all": check_all, **ns})  # chapter guessed from the variables
    assert "Chapter 0" in capsys.readouterr().out


def test_silent_under_the_grader(capsys, monkeypatch):
    monkeypatch.setenv("CLUSTERKIT_GRADING", "1")
    check("0.1", 5)
    check_all(0)
    assert capsys.readouterr().out == ""


def test_student_side_loads_no_key():
    """Importing and using check() never touches exercises/ or the instructor's modules."""
    code = (
        "import sys, builtins\n"
        "opened = []\n"
        "real_open = builtins.open\n"
        "def spy(f, *a, **k):\n"
        "    opened.append(str(f)); return real_open(f, *a, **k)\n"
        "builtins.open = spy\n"
        "import clusterkit as ck\n"
        "ck.check('0.1', 6); ck.check_all(0)\n"
        "bad = [m for m in sys.modules if m.startswith('clusterkit_exercises') or m in ('clusterkit.grading.spec', 'clusterkit.grading.grader', 'clusterkit.grading.authoring')]\n"
        "assert not bad, bad\n"
        "assert not [f for f in opened if 'exercises' in f], opened\n"
        "print('clean')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO / "tests", timeout=120)
    assert "clean" in proc.stdout, proc.stderr


def test_public_spec_ships_with_the_package():
    spec = student.public_spec(0)
    assert [e["id"] for e in spec["exercises"]] == ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"]
    text = json.dumps(spec)
    for key in ("rubric", "model_answer", "reference", "cases", "partial"):
        assert f'"{key}"' not in text


# ---------------------------------------------------------------------- what students read


def test_valid_options_and_plausible_values_get_the_neutral_mark(capsys):
    for opt in ["a", "b", "c", "d"]:
        out = said(capsys, "0.6", opt)
        assert out == f"[0.6] • Answer recorded ('{opt}'): a valid option; whether it is right is marked when graded (2 points)."
        assert "✔" not in out
    assert "✔" not in said(capsys, "0.7", " ".join(["word"] * 40))
    exec("check_all(0)", {"check_all": check_all, "reading": "a", "park_vs_cluster": "word " * 40})
    out = capsys.readouterr().out
    assert "• recorded; marked when graded" in out and "• written" in out and "✔" not in out


def test_the_name_must_be_written_as_in_the_table(capsys):
    """0.3 says "exactly as in the table": check() and the grader count the spelling."""
    assert said(capsys, "0.3", "Region C").startswith("[0.3] • Answer recorded ('Region C')")
    out = said(capsys, "0.3", "region c")
    assert "✘ Write it exactly as the option is written: 'Region C'" in out and "Hint" not in out


def test_type_advice_fits_what_was_given(capsys):
    cases = data.load("00_cases")
    out = said(capsys, "0.1", cases["province"] == "Zhejiang")
    assert "You gave a pandas Series of 9 values (True/False); the answer is one number" in out
    assert "count the True values with .sum()" in out and ".item()" not in out
    out = said(capsys, "0.4", [1.0, 2.0, 3.0, 4.0])
    assert "list of 4 items" in out and ".item()" not in out and "sum(...)" in out
    assert "e.g. 'Region B'" in said(capsys, "0.3", 2)  # one of the exercise's own options
    assert "e.g. 'b'" in said(capsys, "0.6", 3)
    assert '"""like this"""' in said(capsys, "0.7", 42)


def test_functions_that_return_nothing_or_the_wrong_kind(capsys):
    def location_quotient(table):
        pass

    assert said(capsys, "0.2", location_quotient) == (
        "[0.2] not attempted yet — The function body is empty: write it, and `return` the result."
    )

    def location_quotient(table):  # noqa: F811 - computes, forgets to return
        table.div(table.sum(axis=1), axis=0) / (table.sum() / table.to_numpy().sum())

    assert "your function returned None — add a `return` line" in said(capsys, "0.2", location_quotient)

    def location_quotient(table):  # noqa: F811 - one row only
        return (table.div(table.sum(axis=1), axis=0) / (table.sum() / table.to_numpy().sum())).iloc[0]

    out = said(capsys, "0.2", location_quotient)
    assert "expected a pandas DataFrame, got a pandas Series" in out and "rows are missing" not in out

    def output_multipliers(A):  # a Series or a list with the right values is accepted
        A = np.asarray(A, dtype=float)
        return pd.Series(np.linalg.inv(np.eye(len(A)) - A).sum(axis=0))

    assert "✔ Passes the public checks" in said(capsys, "1.3", output_multipliers)
    assert "✔ Passes the public checks" in said(capsys, "1.3", lambda A: list(output_multipliers(A)))

    def location_quotient(table):  # noqa: F811 - right, but changes the caller's table
        table["total"] = table.sum(axis=1)
        t = table.drop(columns="total")
        return t.div(t.sum(axis=1), axis=0) / (t.sum() / t.to_numpy().sum())

    out = said(capsys, "0.2", location_quotient)
    assert "✔ Passes the public checks" in out and "changed its input: work on a copy" in out


def test_rounded_answers_are_called_close(capsys):
    ref = metrics.hhi(wide(2015)["electronics"])
    assert said(capsys, "0.4", round(ref, -1)) == "[0.4] ✘ Close — did you round? Keep full precision."
    shift = metrics.shift_share(wide(2015), wide(2020), "Region A")
    out = said(capsys, "0.5", shift.round(1))
    assert "close, but not within the tolerance" in out and "Hint: Close — did you round? Keep full precision." in out
    exec("check_all(0)", {"check_all": check_all, "hhi_electronics": round(ref, -1)})
    assert "✘ close: did you round? keep full precision" in capsys.readouterr().out


def _raw(capsys, ex_id, value):
    check(ex_id, value)
    return capsys.readouterr().out


def test_output_fits_the_column(capsys):
    """Every line check() and check_all() print fits the book's column (~90 characters)."""
    ref = metrics.hhi(wide(2015)["electronics"])
    shift = metrics.shift_share(wide(2015), wide(2020), "Region A")

    def location_quotient(table):
        return table

    answers = {
        "0.1": [..., 5, "6", data.load("00_cases")["province"] == "Zhejiang"], "0.2": [location_quotient, len],
        "0.3": ["Region B", "region b", 3, "Region Z"], "0.4": [round(ref, -1), ref / 1e4, pd.Series([ref])],
        "0.5": [shift.round(1), shift.to_numpy(), shift.rename(columns={"competitive": "cs"})], "0.6": ["a", "z"],
        "0.7": ["short", "word " * 40], "1.1": [2.46], "1.3": [location_quotient], "2.4": [location_quotient], "2.7": ["x"],
    }
    out = "".join(_raw(capsys, i, v) for i, vs in answers.items() for v in vs)
    for n in range(4):
        exec(f"check_all({n})", {"check_all": check_all, "n_zhejiang": 6, "reading": "a", "hhi_electronics": round(ref, -1),
                                 "location_quotient": location_quotient, "park_vs_cluster": "word " * 40})
        out += capsys.readouterr().out
    long = [line for line in out.splitlines() if len(line) > 90]
    assert long == [], "\n".join(long)
