"""The instructor's command line: help, clear errors for bad input, the exercises commands."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clusterkit", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_help_lists_the_commands_and_options():
    top = cli("--help")
    assert top.returncode == 0
    for cmd in ("grade", "merge", "exercises", "bench"):
        assert cmd in top.stdout
    grade = cli("grade", "--help")
    assert grade.returncode == 0
    for opt in ("--chapter", "--out", "--jobs", "--key", "--cell-timeout", "--run-timeout", "--memory"):
        assert opt in grade.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (["grade", "no/such/folder", "--chapter", "0", "--out", "OUT"], "does not exist"),
        (["grade", "pyproject.toml", "--chapter", "0", "--out", "OUT"], "neither a folder, a zip file nor a notebook"),
        (["grade", "tests", "--chapter", "42", "--out", "OUT"], "no exercise file for chapter 42"),
        (["grade", "tests", "--chapter", "0", "--out", "OUT", "--key", "no/such/key"], "is not a folder"),
        (["grade", "datasets", "--chapter", "0", "--out", "OUT"], "no notebooks (.ipynb) found"),
    ],
)
def test_bad_input_gives_one_clear_line(tmp_path, args, message):
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    proc = cli(*args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_exercises_check_passes_and_catches_a_stale_public_spec(tmp_path):
    ok = cli("exercises", "check")
    assert ok.returncode == 0, ok.stderr
    assert "chapter 0 (00_clusters.py): 7 exercises, ok" in ok.stdout
    key = tmp_path / "key"
    shutil.copytree(REPO / "exercises", key, ignore=shutil.ignore_patterns("__pycache__", "README.md"))
    src = (key / "00_clusters.py").read_text(encoding="utf-8")
    (key / "00_clusters.py").write_text(src.replace('"Region A", "Region B"', '"Region B", "Region A"'), encoding="utf-8")
    stale = cli("exercises", "check", "--key", str(key))
    assert stale.returncode == 1 and "00.json is missing or out of date" in stale.stderr
    # a reference answer that breaks its own public check (the HHI on the 0-1 scale)
    (key / "00_clusters.py").write_text(src.replace("answer=hhi_electronics,", "answer=lambda: hhi_electronics() / 1e4,"), encoding="utf-8")
    wrong = cli("exercises", "check", "--key", str(key))
    assert wrong.returncode == 1 and "0.4: the reference answer's public verdict is 'failed'" in wrong.stderr


def test_exercises_build_writes_where_asked(tmp_path):
    from clusterkit.grading.authoring import build

    written = build(REPO / "exercises", tmp_path)
    assert (tmp_path / "00.json") in written
    assert (tmp_path / "00.json").read_text(encoding="utf-8") == (REPO / "clusterkit" / "grading" / "public" / "00.json").read_text(encoding="utf-8")


def _notebook(*sources: str) -> str:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    return nbformat.writes(new_notebook(cells=[new_code_cell(s) for s in sources]))


@pytest.mark.slow
def test_whole_run_limit_stops_the_cells_but_still_reads_the_answers(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "slow.ipynb").write_text(_notebook("n_zhejiang = 6", *["import time\ntime.sleep(2.5)"] * 8, "reading = 'c'"))
    proc = cli("grade", str(subs), "--chapter", "0", "--out", str(tmp_path / "out"), "-q", "--run-timeout", "10", "--cell-timeout", "4")
    assert proc.returncode == 0, proc.stderr
    row = (tmp_path / "out" / "gradebook.csv").read_text(encoding="utf-8").splitlines()[1]
    assert row.startswith("slow,slow,,,1,0,0,0,0,0,0,1,15,")  # read after the limit; the last cell never ran
    assert "were not run" in row and "whole-run time limit reached" in row


def _graded_folder(out: Path) -> None:
    """A grader's output folder for two students, as `clusterkit grade` writes it (no kernels needed)."""
    from clusterkit.grading.feedback import Graded, Row, feedback_md, gradebook_csv, manual_csv
    from clusterkit.grading.marks import results_json

    rows = []
    for name, pts in (("ann", 2.0), ("bo", 0.0)):
        exercises = [
            Graded(id="0.1", prompt="How many?\nCount them.", max=2, points=pts, state="correct" if pts else "wrong", lines=["✘ Not yet."]),
            Graded(id="0.7", prompt="Park or cluster?", max=3, state="manual", lines=["• 30 words"], text="=SUM(A1) A park is a place."),
        ]
        rows.append(Row(name, f"{name}.ipynb", "ok", exercises, ["0.7"]))
    out.mkdir()
    (out / "feedback").mkdir()
    (out / "gradebook.csv").write_text(gradebook_csv(rows, ["0.1", "0.7"]), encoding="utf-8")
    (out / "manual.csv").write_text(manual_csv(rows), encoding="utf-8")
    (out / "results.json").write_text(results_json(rows, 0, "What is a cluster?", ["0.1", "0.7"]), encoding="utf-8")
    for r in rows:
        (out / "feedback" / f"{r.student}.md").write_text(feedback_md(r, "What is a cluster?", 0), encoding="utf-8")


def test_written_answers_are_blank_until_merged(tmp_path):
    import csv

    out = tmp_path / "grades"
    _graded_folder(out)
    book = (out / "gradebook.csv").read_text(encoding="utf-8").splitlines()
    assert book[0] == "student,name,lms_id,late,0.1,0.7,total,max,status,manual,source"
    assert book[1] == "ann,ann,,,2,,2,5,ok,0.7,ann.ipynb"  # blank, not 0: an LMS import records no zero
    feedback = (out / "feedback" / "ann.md").read_text(encoding="utf-8")
    assert "| 0.7 | – / 3 | to be marked by your instructor |" in feedback and "## 0.7 — – / 3 (marked by your instructor) ✎" in feedback
    assert feedback.endswith("\n") and not feedback.endswith("\n\n")
    assert "> How many?\n> Count them." in feedback  # every line of a prompt is quoted
    manual = (out / "manual.csv").read_text(encoding="utf-8")
    assert manual.splitlines()[0] == "student,exercise,max,points,comment,answer,name,note"
    assert "'=SUM(A1)" in manual  # no spreadsheet formula from a student's text

    with open(out / "manual.csv", newline="", encoding="utf-8") as fh:
        marks = list(csv.DictReader(fh))
    marks[0].update(points="2,5", comment="Clear.")  # a decimal comma, as some spreadsheets write it
    with open(out / "manual.csv", "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.DictWriter(fh, fieldnames=list(marks[0]))
        w.writeheader()
        w.writerows(marks)
    proc = cli("merge", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Merged 1 mark(s)" in proc.stdout and "1 written answer(s) still blank" in proc.stdout
    book = (out / "gradebook.csv").read_text(encoding="utf-8").splitlines()
    assert book[1] == "ann,ann,,,2,2.5,4.5,5,ok,,ann.ipynb" and book[2] == "bo,bo,,,0,,0,5,ok,0.7,bo.ipynb"
    feedback = (out / "feedback" / "ann.md").read_text(encoding="utf-8")
    assert "| 0.7 | 2.5 / 3 | marked by your instructor |" in feedback and "> Clear." in feedback and "**Points: 4.5 of 5**" in feedback
    assert cli("merge", str(out)).returncode == 0  # merging again changes nothing
    assert (out / "gradebook.csv").read_text(encoding="utf-8").splitlines()[1] == "ann,ann,,,2,2.5,4.5,5,ok,,ann.ipynb"

    marks[1].update(points="lots")
    marks.append(dict(marks[0], student="zed"))
    with open(tmp_path / "bad.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(marks[0]))
        w.writeheader()
        w.writerows(marks)
    bad = cli("merge", str(out), "--marks", str(tmp_path / "bad.csv"))
    assert bad.returncode == 2 and "'lots' is not a number" in bad.stderr and "'zed' has no written answer" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert cli("merge", str(tmp_path)).returncode == 2  # not a grader's folder


@pytest.mark.slow
def test_chapter_3_feedback_from_a_real_run(tmp_path):
    """The grader, end to end, on Chapter 3 answers from the student review: a 4-row table, an endless
    loop, a thin wrapper around the course's pipeline, common mistakes of 3.1 and a rounded 3.3."""
    subs = tmp_path / "subs"
    subs.mkdir()
    setup = "import clusterkit as ck\nimport pandas as pd\nfrom clusterkit.models import incubation"
    table = (
        'f = ck.data.load("03_tsinghua_yrd_figures", include_low=True)\n'
        'c = f[(f["year"] == 2023) & (f["unit"] == "count")]\n'
        'article_vs_source = c.pivot_table(index="metric", columns="claim_of", values="value", aggfunc="sum", fill_value=0)\n'
        'article_vs_source["difference"] = article_vs_source["article"] - article_vs_source["source"]'
    )
    loops = "def open_pipeline_firms(intake, rates, lags, exit_rate, years):\n    while True:\n        pass"
    wrapper = ("def open_pipeline_firms(intake, rates, lags, exit_rate, years):\n"
               "    return float(incubation.run_pipeline(intake, rates, lags, 0.0, exit_rate, years).firms[-1])")
    (subs / "loops.ipynb").write_text(_notebook(setup, "capacity_ratio = 15.0", table, "faster_prototypes = 32.6", loops))
    (subs / "wrapper.ipynb").write_text(_notebook(setup, "capacity_ratio = float('nan')", wrapper))
    out = tmp_path / "out"
    # the cells get time to spare on a busy machine; the endless function is stopped by its own limits
    proc = cli("grade", str(subs), "--chapter", "3", "--out", str(out), "-q", "--cell-timeout", "30", "--call-timeout", "1",
               "--function-timeout", "2", "--run-timeout", "120")
    assert proc.returncode == 0, proc.stderr
    import csv

    with open(out / "gradebook.csv", newline="", encoding="utf-8") as fh:
        rows = {r["student"]: r for r in csv.DictReader(fh)}
    assert [rows["loops"][i] for i in ("3.1", "3.2", "3.3", "3.4")] == ["0", "0", "0", "0"] and rows["wrapper"]["3.4"] == "0"
    assert "timed out: 3.4" in rows["loops"]["status"]
    loops_fb = (out / "feedback" / "loops.md").read_text(encoding="utf-8")
    assert "# Feedback for loops — Chapter 3: Innovation-factor-led: a research institute as the seed of a cluster" in loops_fb
    assert "Your table has 4 rows; keep only the metrics both kinds of claim give (no fill_value; .dropna())." in loops_fb
    assert "That is the increase" in loops_fb and "Close — did you round? Keep full precision." in loops_fb
    assert "your function did not finish in time — is there a loop that never ends?" in loops_fb
    assert "raised timed out" not in loops_fb and "?." not in loops_fb
    wrapper_fb = (out / "feedback" / "wrapper.md").read_text(encoding="utf-8")
    assert "Your function uses run_pipeline: compute the pipeline yourself" in wrapper_fb
    assert "Your answer is NaN" in wrapper_fb
    for label in ("key R&D platforms", "research institutes and centres"):  # the answer's rows, never named
        assert label not in loops_fb


def test_the_instructor_page_gives_the_commands_real_defaults():
    """The options table of *For instructors* says what `clusterkit grade` really does by default."""
    import re

    from clusterkit.grading.sandbox import Limits

    page = (REPO / "book" / "for_instructors.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `(--[a-z-]+)[^`]*`[^|]*\| ([^|]+?) \|", page, re.M))
    limits = Limits()
    for option, value in (("--cell-timeout", limits.cell_timeout), ("--call-timeout", limits.call_timeout),
                          ("--function-timeout", limits.function_timeout), ("--run-timeout", limits.run_timeout),
                          ("--memory", limits.memory_mb), ("--max-output", limits.max_output_mb)):
        assert float(table[option]) == float(value), option
    helptext = cli("grade", "--help").stdout
    for option in table:
        assert option in helptext, option
    # and the promise made about speed fits the limits: a never-returning function costs one budget
    assert f"adds up to {limits.function_timeout:g} s" in page and f"adds up to {limits.cell_timeout:g} s" in page
