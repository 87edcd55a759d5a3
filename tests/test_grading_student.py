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
    assert "list of 4 items" in out and ".item()" not in out
    assert "the total — add them up with .sum()" in out and ".loc" not in out  # 0.4 asks for a sum (Number(total=True))
    out = said(capsys, "0.4", pd.Series([1.0, 2.0, 3.0, 4.0], index=list("ABCD")))
    assert "Series of 4 values" in out and "add them up with .sum()" in out and "pick the one" not in out
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


# ---------------------------------------------------------------------- Chapter 3's review: what students read


def _ch3_counts() -> pd.DataFrame:
    figures = data.load("03_tsinghua_yrd_figures", include_low=True)
    return figures[(figures["year"] == 2023) & (figures["unit"] == "count")]


def _ch3_table(**pivot) -> pd.DataFrame:
    table = _ch3_counts().pivot_table(index="metric", columns="claim_of", values="value", **pivot)
    table["difference"] = table["article"] - table["source"]
    return table


def test_a_function_that_never_ends_is_stopped(capsys, monkeypatch):
    """check() runs a function's worked example with a time limit: an endless loop does not hang the
    notebook, and the message says what probably happened (main thread: a timer signal)."""
    import time

    import signal
    import time

    monkeypatch.setattr(student, "CALL_SECONDS", 1.0)

    def open_pipeline_firms(intake, rates, lags, exit_rate, years):
        firms = 0.0
        while years > 0:  # forgets to count down
            try:
                firms += intake
            except Exception:  # a student's own except Exception does not swallow the time limit
                pass
        return firms

    outer = signal.getitimer(signal.ITIMER_REAL)  # pytest-timeout's timer: a kernel has none
    signal.setitimer(signal.ITIMER_REAL, 0)
    handler = signal.getsignal(signal.SIGALRM)
    try:
        t0 = time.monotonic()
        out = said(capsys, "3.4", open_pipeline_firms)
        assert time.monotonic() - t0 < 4
        assert signal.getsignal(signal.SIGALRM) is handler and signal.getitimer(signal.ITIMER_REAL)[0] == 0  # restored
    finally:
        signal.setitimer(signal.ITIMER_REAL, *outer)
    assert "your function did not finish in 1 s — is there a loop that never ends?" in out and "?." not in out
    if outer[0]:  # with someone else's timer running, the helper thread does the job, and leaves that timer alone
        out = said(capsys, "3.4", open_pipeline_firms)
        assert "did not finish in 1 s" in out and 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= outer[0]

    def location_quotient(table):  # a fast, right function is untouched by the limit
        return table.div(table.sum(axis=1), axis=0) / (table.sum() / table.to_numpy().sum())

    assert "Passes the public checks" in said(capsys, "0.2", location_quotient)


def test_the_time_limit_also_works_outside_the_main_thread(monkeypatch):
    import threading
    import time

    monkeypatch.setattr(student, "CALL_SECONDS", 1.0)

    def spin(intake, rates, lags, exit_rate, years):
        while True:
            pass

    box = {}
    t = threading.Thread(target=lambda: box.setdefault("v", evaluate_answer("3.4", spin)))
    t0 = time.monotonic()
    t.start()
    t.join(10)
    assert not t.is_alive() and time.monotonic() - t0 < 4
    assert any("did not finish in 1 s" in m for _, m in box["v"].messages)
    time.sleep(0.2)
    assert not [th for th in threading.enumerate() if th.name == "clusterkit-check"]  # the spinning helper was stopped


def test_adding_up_is_suggested_only_for_true_false(capsys):
    """A Series or array of numbers is not to be summed (a ratio, a stock): pick a value instead."""
    figures = data.load("03_tsinghua_yrd_figures")
    rows = figures[figures["metric"].str.startswith("butyl-rubber capacity")]
    ratio = rows[rows["kind"] == "target"]["value"] / rows[rows["kind"] == "actual"]["value"]
    out = said(capsys, "3.1", ratio)
    assert "Series of 2 values" in out and ".sum()" not in out and "add them up" not in out
    assert "Dividing one Series by another lines them up by index" in out and ".item()" in out
    from clusterkit.models import incubation
    run = incubation.pipeline_from_parameters(incubation.load_parameters(), talent_feedback=0, prototype_years=1)
    out = said(capsys, "3.3", run.firms)
    assert "[-1]" in out and ".sum()" not in out and "add them up" not in out
    assert "count the True values with .sum()" in said(capsys, "0.1", data.load("00_cases")["province"] == "Zhejiang")


def test_common_mistakes_of_3_1_are_named(capsys):
    assert said(capsys, "3.1", 16.0).startswith("[3.1] ✔ Correct!")
    for value, words in [(float("nan"), "Your answer is NaN: a selection came out empty, or two Series were divided"),
                         (0.0, "Your answer is 0: a selection came out empty"), (0, "Your answer is 0"),
                         (15.0, "That is the increase"), (1600.0, "looks like a percentage"),
                         (1500, "percentage increase")]:
        out = said(capsys, "3.1", value)
        assert words in out and "above 1" not in out and "Correct" not in out, value
        assert ".item()" in out or "target / first plant" in out, value
    assert "above 1" in said(capsys, "3.1", 1 / 16)  # the inverted ratio keeps its own advice


def test_3_2_extra_rows_nested_columns_and_empty_cells(capsys):
    right = _ch3_table().dropna()
    assert said(capsys, "3.2", right).startswith("[3.2] ✔ Correct!")
    out = said(capsys, "3.2", _ch3_table(aggfunc="sum", fill_value=0))  # 4 rows, no NaN: was ✔ before
    assert out == ("[3.2] ✘ Your table has 4 rows; keep only the metrics both kinds of claim give "
                   "(no fill_value; .dropna()).")
    assert "Your table has 3 rows" in said(capsys, "3.2", pd.concat([right, right.iloc[:1]]))  # a row twice
    nested = _ch3_counts().pivot_table(index="metric", columns="claim_of", values=["value"]).dropna()
    assert "pass values='value' (a string, not a list)" in said(capsys, "3.2", nested)
    holes = right.copy()
    holes.iloc[0, 0] = float("nan")
    assert "those are metrics only one kind of claim gives — .dropna()" in said(capsys, "3.2", holes)


def test_3_2_messages_name_the_students_rows_never_the_expected_ones(capsys):
    right = _ch3_table().dropna()
    secret = list(right.index)
    wrong_filter = _ch3_counts()[_ch3_counts()["claim_of"] == "source"].set_index("metric")[["value"]]
    wrong_filter = wrong_filter.assign(article=1.0, source=1.0, difference=0.0).iloc[[1]]
    for answer in (right.reset_index(drop=True), right.iloc[:1], wrong_filter):
        out = said(capsys, "3.2", answer)
        assert out.startswith("[3.2] ✘ Your table's rows (metric): ") and "Check the filter" in out
        missing = [m for m in secret if m not in answer.index]
        assert not any(m[:20] in out for m in missing), out
    assert "'0', '1'" in said(capsys, "3.2", right.reset_index(drop=True))
    text = json.dumps(student.public_spec(3))
    assert not any(m in text for m in secret)  # the public spec holds salted keys, not the metrics


def test_3_2_only_difference_wrong_gets_its_own_hint(capsys):
    right = _ch3_table().dropna()
    flipped = right.assign(difference=right["source"] - right["article"])
    out = said(capsys, "3.2", flipped)
    assert "✔ article: matches" in out and "✘ difference: does not match yet" in out
    assert "Hint: difference is article - source, in counts" in out and "Check the filter" not in out
    wrong = right * 2
    out = said(capsys, "3.2", wrong)
    assert "Hint: Check the filter" in out and "difference is" not in out  # nothing matches: the general hint


def test_3_4_messages_show_the_call_and_catch_rounding_and_wrappers(capsys):
    def open_pipeline_firms(intake, rates, lags, exit_rate, years):
        rates = tuple(rates) + ()
        first, per_year, firms = 1 + sum(lags), intake * rates[0] * rates[1] * rates[2], 0.0
        for year in range(1, years + 1):
            firms = firms * (1 - exit_rate) + (per_year if year >= first else 0.0)
        return firms

    assert "✔ Passes the public checks" in said(capsys, "3.4", open_pipeline_firms)

    def tuples_only(intake, rates, lags, exit_rate, years):
        return open_pipeline_firms(intake, rates + (), lags, exit_rate, years)

    out = said(capsys, "3.4", tuples_only)
    assert "On open_pipeline_firms(60, [0.4, 0.25, 0.5], [2, 2, 3], 0.04, 20) your function raised TypeError" in out

    def rounded(intake, rates, lags, exit_rate, years):
        return round(open_pipeline_firms(intake, rates, lags, exit_rate, years), 2)

    assert "Close — did you round? Return the value unrounded." in said(capsys, "3.4", rounded)

    from clusterkit.models import incubation
    from clusterkit.models.incubation import run_pipeline as rp

    def wrapper(intake, rates, lags, exit_rate, years):
        return float(incubation.run_pipeline(intake, rates, lags, 0.0, exit_rate, years).firms[-1])

    def via_helper(intake, rates, lags, exit_rate, years):
        return float(_helper(intake, rates, lags, exit_rate, years).firms[-1])

    globals()["_helper"] = lambda i, r, l, e, y: rp(i, r, l, 0.0, e, y)  # an alias, in a notebook helper
    try:
        for fn in (wrapper, via_helper):
            out = said(capsys, "3.4", fn)
            assert out.startswith("[3.4] ✘ Your function uses run_pipeline: compute the pipeline yourself"), out
    finally:
        del globals()["_helper"]


def test_check_all_shows_a_whole_title(capsys):
    exec("check_all(3)", {"check_all": check_all})
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "Chapter 3 — A research institute as the seed of a cluster: your progress"
    assert student.public_spec(3)["title"] == "Innovation-factor-led: a research institute as the seed of a cluster"
    long = {"chapter": 9, "title": "A title far too long " * 5, "short_title": "A title far too long " * 5}
    head = student._heading(long)
    assert "your progress" in head and all(len(line) <= student.WIDTH for line in head.splitlines())  # wrapped, not cut


def test_chapter_3_messages_fit_the_column(capsys):
    counts = _ch3_counts()
    right = _ch3_table().dropna()
    answers = {
        "3.1": [float("nan"), 0.0, 15.0, 1600.0, 1 / 16, pd.Series([1.0, 2.0])],
        "3.2": [_ch3_table(aggfunc="sum", fill_value=0), right.reset_index(drop=True), right.iloc[:1],
                counts.pivot_table(index="metric", columns="claim_of", values=["value"]).dropna(),
                right.assign(difference=-right["difference"])],
        "3.3": [32.6, np.arange(3.0)],
        "3.4": [lambda intake, rates, lags, exit_rate, years: 30.88, lambda *a: 1 / 0], "3.6": ["short"],
    }
    out = "".join(_raw(capsys, i, v) for i, vs in answers.items() for v in vs)
    exec("check_all(3)", {"check_all": check_all, "capacity_ratio": 15.0})
    out += capsys.readouterr().out
    long = [line for line in out.splitlines() if len(line) > 90]
    assert long == [], "\n".join(long)


def test_nan_is_called_nan_not_out_of_range(capsys):
    """A NaN answer (a missing value upstream) is named as such, in check() and in the grader."""
    from clusterkit.grading.checks import NAN_MESSAGE, evaluate
    from clusterkit.grading.plain import to_plain

    for ex_id in ("0.4", "0.1"):  # a range check, and a whole-number check
        out = said(capsys, ex_id, float("nan"))
        assert "NaN" in out and "not a number" in out, out
        assert "between" not in out and "Expected a value" not in out and "whole number" not in out, out
    verdict = evaluate(student._exercise("0.4"), to_plain(np.float64("nan")))
    assert (False, NAN_MESSAGE) in verdict.messages and verdict.hint is None


def test_a_function_from_a_package_is_refused_in_check_as_when_graded(capsys):
    """`location_quotient = ck.metrics.location_quotient` earns nothing when graded: check() says so
    (a function written in the notebook, or in a test module here, is checked as usual)."""
    out = said(capsys, "0.2", metrics.location_quotient)
    assert "✘ Write the function yourself in the notebook" in out and "✔" not in out

    def location_quotient(table):
        return metrics.location_quotient(table)

    assert "Write the function yourself" not in said(capsys, "0.2", location_quotient)
