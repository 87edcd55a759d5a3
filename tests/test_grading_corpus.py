"""The grader on its corpus: right, partly right, broken and hostile submissions of Chapter 0.

One real run of ``clusterkit grade`` (the command line, in a subprocess) over the corpus that
``tests/grading_corpus/make_corpus.py`` builds from the chapter notebook; every row must match
``tests/grading_corpus/expected.csv`` (written by hand: points a correct grader gives, and a
pattern for the status). Hostile submissions set right answers only when their attack
works, so a leak shows up as points.
"""
from __future__ import annotations

import csv
import glob
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "grading_corpus"
NOTEBOOK = REPO / "notebooks" / "00_clusters.ipynb"
IDS = ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"]
#: Short limits keep the run quick; the chapter's cells each take well under a second (a few on a
#: machine loaded with other work: 10 s leaves room).
LIMITS = ["--cell-timeout", "10", "--run-timeout", "150", "--memory", "1024", "--max-output", "5"]
#: A second run of these, one at a time (--jobs 1; the corpus run has one job per core), must give identical rows:
#: which of a cell's limits strikes first depends on the machine's load, the row must not.
REPEAT = ["right", "partly_right", "wrong_type", "monkeypatch", "eq_always_true", "not_json", "answer_missing", "exception_cell",
          "output_flood", "infinite_loop", "endless_function", "imported_function"]

pytestmark = pytest.mark.slow


def _load_maker():
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class Listener:
    """A TCP server on the grader machine's loopback: the sandbox must not reach it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.received.append(conn.recv(100) or b"(connected)")
                except OSError:
                    self.received.append(b"(connected)")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


def grade_cli(subs: Path, out: Path, key: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "clusterkit", "grade", str(subs), "--chapter", "0", "--out", str(out), "--key", str(key), "-q", *LIMITS, *extra],
        capture_output=True, text=True, timeout=900, cwd=REPO,
    )


def read_gradebook(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return {row["student"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    key = root / "private-key"
    shutil.copytree(REPO / "exercises", key, ignore=shutil.ignore_patterns("__pycache__"))
    os.chmod(key, 0o700)
    subs, out, canary = root / "submissions", root / "out", root / "canary"
    canary.mkdir()
    listener = Listener()
    maker = _load_maker()
    before = set(glob.glob("/tmp/ck-grade-*"))
    names = maker.build(subs, NOTEBOOK, key, out, listener.port, canary)
    proc = grade_cli(subs, out, key)
    listener.close()
    yield {"root": root, "key": key, "subs": subs, "out": out, "canary": canary, "names": names,
           "proc": proc, "listener": listener, "maker": maker, "tmp_before": before}


@pytest.fixture(scope="module")
def rows(corpus):
    assert corpus["proc"].returncode == 0, corpus["proc"].stderr[-3000:]
    return read_gradebook(corpus["out"] / "gradebook.csv")


def _expected() -> list[dict[str, str]]:
    with open(CORPUS / "expected.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_submission_gets_exactly_one_row(corpus, rows):
    assert sorted(rows) == sorted(corpus["names"])
    assert sorted(rows) == sorted(r["student"] for r in _expected())
    assert "Traceback" not in corpus["proc"].stderr


def _points(cell: str) -> float | None:
    """A gradebook cell: points, or None when blank (a written answer waiting for its mark)."""
    return None if cell == "" else float(cell)


@pytest.mark.parametrize("exp", _expected(), ids=lambda e: e["student"])
def test_row_is_as_expected(rows, exp):
    row = rows[exp["student"]]
    got = {i: _points(row[i]) for i in IDS}
    want = {i: _points(exp[i]) for i in IDS}
    assert got == want, f"{exp['student']}: {row['status']}"
    assert float(row["total"]) == float(exp["total"])
    assert float(row["max"]) == 15
    assert re.search(exp["status"], row["status"]), row["status"]
    assert row["manual"] == exp["manual"]


def test_hostile_submissions_left_no_trace(corpus):
    maker = corpus["maker"]
    assert corpus["listener"].received == [], "a submission reached a server on the grader's loopback"
    assert not (maker.REPO / "clusterkit" / "CANARY_FROM_STUDENT").exists()
    assert not (corpus["out"] / "feedback" / "forged.md").exists()
    assert not (corpus["canary"] / "written").exists()
    assert not Path("/etc/ck_canary").exists()
    # the key and the other submissions are untouched
    assert (corpus["key"] / "00_clusters.py").read_bytes() == (REPO / "exercises" / "00_clusters.py").read_bytes()


def test_no_sandbox_processes_or_temp_files_left(corpus):
    leftovers = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            uid = os.stat(f"/proc/{pid}").st_uid
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"ipykernel_launcher" in cmd and b"ck-grade" in cmd or 61000 <= uid < 61064:
            leftovers.append((pid, uid, cmd[:80]))
    assert leftovers == []
    assert set(glob.glob("/tmp/ck-grade-*")) <= corpus["tmp_before"]


def test_feedback_holds_no_hidden_material(corpus):
    """Feedback shows points and public hints only: no rubric, model answer, hidden inputs or references."""
    secrets = [
        "graded by hand; see the rubric", "3 points: says that a park", "interconnected firms and institutions",
        "Ningbo", "Wuxi", "County 6", "three cities", "4944.2", "13.219", "25.090", "Region B",
    ]
    files = sorted((corpus["out"] / "feedback").glob("*.md"))
    assert len(files) == len(corpus["names"])
    for f in files:
        text = f.read_text(encoding="utf-8")
        for s in secrets:
            if s == "Region B" and f.stem in ("right", "partly_right", "unknown_kernel") or s in ("Region B",) and "'Region B'" in text:
                continue  # a student's own right answer may be echoed back as "one of the options"
            assert s not in text, f"{f.name} contains {s!r}"


def test_feedback_explains_the_row(corpus, rows):
    right = (corpus["out"] / "feedback" / "right.md").read_text(encoding="utf-8")
    assert "Points: 12 of 15" in right and "3 more to be graded by your instructor" in right
    assert "| 0.7 | – / 3 | to be marked by your instructor |" in right
    assert "## 0.7 — – / 3 (marked by your instructor)" in right
    assert "• answer recorded ('c'): a valid option" in right and "✔ answer recorded" not in right
    for f in (corpus["out"] / "feedback").glob("*.md"):
        text = f.read_text(encoding="utf-8")
        assert text.endswith("\n") and not text.endswith("\n\n"), f.name
    partly = (corpus["out"] / "feedback" / "partly_right.md").read_text(encoding="utf-8")
    assert "Hidden tests: 4 of 5 passed." in partly
    assert "Points: 0.5 for the worked example and 0.5 for each of 5 hidden tests." in partly  # partial credit explained
    assert "shares as fractions" in partly  # the partial-credit hint of 0.4
    assert "• answer recorded ('a'): a valid option" in partly  # a wrong option gets no ✔
    sloppy = (corpus["out"] / "feedback" / "sloppy.md").read_text(encoding="utf-8")
    assert sloppy.count("Close — did you round? Keep full precision.") >= 2  # 0.4 and 0.5
    assert "changed an input it was given" in sloppy  # reported (no points at stake by default)
    assert "Write it exactly as the option is written: 'Region B'" in sloppy
    no_return = (corpus["out"] / "feedback" / "no_return.md").read_text(encoding="utf-8")
    assert "On 5 hidden inputs: your function returned None" in no_return
    broken = (corpus["out"] / "feedback" / "not_json.md").read_text(encoding="utf-8")
    assert "invalid-notebook: not JSON" in broken and "submit that file again" in broken
    manual = (corpus["out"] / "manual.csv").read_text(encoding="utf-8")
    assert "right,0.7,3,," in manual and "park is a planned area" in manual


def test_logs_record_isolation(corpus):
    log = (corpus["out"] / "logs" / "grade.log").read_text(encoding="utf-8")
    assert "isolation:" in log
    if os.geteuid() == 0:
        assert "own network namespace" in log and "read-only filesystem" in log and "uid 610" in log
        assert "WARNING" not in log


def test_two_runs_give_the_same_gradebook(corpus, rows, tmp_path):
    subs = tmp_path / "again"
    subs.mkdir()
    for name in REPEAT:
        shutil.copy(corpus["subs"] / f"{name}.ipynb", subs / f"{name}.ipynb")
    proc = grade_cli(subs, tmp_path / "out", corpus["key"], "--jobs", "1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    again = read_gradebook(tmp_path / "out" / "gradebook.csv")
    assert again == {name: rows[name] for name in REPEAT}


def test_a_function_that_never_returns_costs_one_budget_and_says_timed_out(corpus, rows):
    """Five hidden calls and a worked example, each of which would run until stopped: one
    --function-timeout for all of them (not a cell timeout per call), and the status says so."""
    log = (corpus["out"] / "logs" / "endless_function.log").read_text(encoding="utf-8")
    seconds = float(re.search(r"^seconds: ([\d.]+)$", log, re.M).group(1))
    right = float(re.search(r"^seconds: ([\d.]+)$", (corpus["out"] / "logs" / "right.log").read_text(encoding="utf-8"), re.M).group(1))
    # the corpus run's limits: --cell-timeout 10 per call would cost 60 s; the function's budget is 10 s
    assert seconds - right < 10 + 18, (seconds, right)
    assert "timed out: 0.2" in rows["endless_function"]["status"]
    text = (corpus["out"] / "feedback" / "endless_function.md").read_text(encoding="utf-8")
    assert "did not finish" in text and "is there a loop that never ends?" in text


def test_check_and_the_grader_agree_on_an_imported_function(corpus, rows):
    """`location_quotient = ck.metrics.location_quotient` earns nothing, and check() says so first."""
    from clusterkit.grading.checks import IMPORTED_FUNCTION
    from clusterkit.grading.student import evaluate_answer
    from clusterkit import metrics

    verdict = evaluate_answer("0.2", metrics.location_quotient)
    assert verdict.state == "failed" and (False, IMPORTED_FUNCTION) in verdict.messages
    assert rows["imported_function"]["0.2"] == "0"
    assert IMPORTED_FUNCTION in (corpus["out"] / "feedback" / "imported_function.md").read_text(encoding="utf-8")


def test_lms_zip_with_folders_and_odd_names(corpus, tmp_path):
    """A Moodle-style zip: a folder per student, same file name, macOS junk, a zip inside the zip."""
    import zipfile

    right = (corpus["subs"] / "right.ipynb").read_bytes()
    tiny = json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                  "source": "n_zhejiang = 6"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("00_clusters.ipynb", tiny)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Zoë O'Brien_1201_assignsubmission_file_/00_clusters.ipynb", right)
        z.writestr("张伟_1202_assignsubmission_file_/00_clusters.ipynb", tiny)
        z.writestr("=cmd|' -C calc'!A0_1203_assignsubmission_file_/00_clusters.ipynb", tiny)
        z.writestr("__MACOSX/张伟_1202_assignsubmission_file_/._00_clusters.ipynb", b"\x00\x05junk")
        z.writestr("Ann Lee_1204_assignsubmission_file_/homework.zip", inner.read_bytes())
        z.writestr("../../escape.ipynb", tiny)
    proc = grade_cli(archive, tmp_path / "out", corpus["key"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = read_gradebook(tmp_path / "out" / "gradebook.csv")
    # the folder names the student, even for the notebook inside a zip inside Ann Lee's folder
    assert sorted(got) == sorted(["Zoë_O_Brien_1201", "张伟_1202", "cmd_-C_calc_A0_1203", "Ann_Lee_1204", "escape"]), sorted(got)
    assert got["Zoë_O_Brien_1201"]["total"] == "12"
    assert (got["Zoë_O_Brien_1201"]["name"], got["Zoë_O_Brien_1201"]["lms_id"]) == ("Zoë O'Brien", "1201")
    assert got["cmd_-C_calc_A0_1203"]["name"].startswith("'=")  # the LMS's name, as text, not a formula
    assert got["张伟_1202"]["0.1"] == "1" and got["张伟_1202"]["total"] == "1"
    assert not (tmp_path / "escape.ipynb").exists() and not (tmp_path.parent / "escape.ipynb").exists()
    for name in got:
        assert (tmp_path / "out" / "feedback" / f"{name}.md").is_file()
        assert not name.startswith(("=", "+", "-", "@"))  # no formula injection in a spreadsheet


def test_marks_of_written_answers_merge_into_gradebook_and_feedback(corpus, tmp_path):
    """manual.csv with points filled in → `clusterkit merge`: cells no longer blank, totals and feedback updated."""
    out = tmp_path / "out"
    shutil.copytree(corpus["out"], out)
    with open(out / "manual.csv", newline="", encoding="utf-8") as fh:
        marks = list(csv.DictReader(fh))
    fields = list(marks[0])
    for m in marks:
        if m["student"] == "right":
            m["points"], m["comment"] = "2.5", "Good contrast; name a linkage as evidence."
    with open(out / "manual.csv", "w", newline="", encoding="utf-8-sig") as fh:  # as a spreadsheet saves it
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(marks)
    proc = subprocess.run([sys.executable, "-m", "clusterkit", "merge", str(out)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Merged 1 mark(s)" in proc.stdout
    book = read_gradebook(out / "gradebook.csv")
    assert book["right"]["0.7"] == "2.5" and book["right"]["total"] == "14.5" and book["right"]["manual"] == ""
    assert book["partly_right"]["0.7"] == "" and book["partly_right"]["manual"] == "0.7"  # still waiting
    text = (out / "feedback" / "right.md").read_text(encoding="utf-8")
    assert "| 0.7 | 2.5 / 3 | marked by your instructor |" in text and "name a linkage as evidence" in text
    assert "Points: 14.5 of 15" in text and "more to be graded" not in text
    # a mark out of range changes nothing
    marks[0]["points"] = "7"
    with open(out / "manual.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(marks)
    before = (out / "gradebook.csv").read_text(encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "clusterkit", "merge", str(out)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert bad.returncode == 2 and "outside 0–3" in bad.stderr and "Traceback" not in bad.stderr
    assert (out / "gradebook.csv").read_text(encoding="utf-8") == before
