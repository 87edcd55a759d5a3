"""An instructor's class, end to end, the way they meet it: an LMS export (Canvas, Moodle,
Blackboard, Gradescope names), a roster, the platform's import file, re-grading a folder
with hand marks in it, and the small ways input goes wrong."""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from clusterkit.grading.lms import Roster, read_roster
from clusterkit.grading.marks import read_table
from clusterkit.grading.submissions import collect, identify

REPO = Path(__file__).resolve().parents[1]
LIMITS = ["--cell-timeout", "6", "--run-timeout", "120", "--memory", "1024", "--max-output", "5"]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clusterkit", *args], capture_output=True, text=True, cwd=REPO, timeout=900)


def table(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _maker():
    spec = importlib.util.spec_from_file_location("make_corpus", REPO / "tests" / "grading_corpus" / "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _notebook(*sources: str) -> str:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    return nbformat.writes(new_notebook(cells=[new_code_cell(s) for s in sources]))


# --------------------------------------------------------------------------- names → identities (fast)


@pytest.mark.parametrize("path,name,lms,lms_id,late", [
    ("alvarez_ana_1001_67890_00_clusters.ipynb", "alvarez_ana", "canvas", "1001", False),
    ("ivanovivan_LATE_1009_67898_Copy_of_00_clusters_1_-1.ipynb", "ivanovivan", "canvas", "1009", True),
    ("Ana Alvarez_1001_assignsubmission_file_/my homework FINAL v2.ipynb", "Ana Alvarez", "moodle", "1001", False),
    ("Ana Alvarez_1001_assignsubmission_file_my homework FINAL v2.ipynb", "Ana Alvarez", "moodle", "1001", False),
    ("Chapter 0_jsmith_attempt_2026-09-10-14-30-00_00_clusters.ipynb", "jsmith", "blackboard", "jsmith", False),
    ("Chapter 0_jsmith_attempt_2026-09-10-14-30-00_late_00_clusters.ipynb", "jsmith", "blackboard", "jsmith", True),
    ("submission_123456/00_clusters.ipynb", "submission_123456", "gradescope", "123456", False),
])
def test_lms_export_names_give_name_id_and_late_flag(path, name, lms, lms_id, late):
    who = identify(path)
    assert (who.name, who.lms, who.lms_id, who.late) == (name, lms, lms_id, late)


def test_plain_file_names_are_no_lms_identity():
    for path in ("my homework FINAL v2.ipynb", "00_clusters.ipynb", "report_2026_final.ipynb", "ana/00_clusters.ipynb"):
        assert identify(path) is None, path


def test_gradescope_metadata_names_the_submitter(tmp_path):
    archive = tmp_path / "gradescope.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("submission_metadata.yml", (
            "submission_123456:\n  :submitters:\n  - :name: Ana Alvarez\n    :sid: 'S1001'\n    :email: ana@example.edu\n"
            "  :created_at: 2026-11-30 10:00:00\n"))
        z.writestr("submission_123456/00_clusters.ipynb", _notebook("n_zhejiang = 6"))
        z.writestr("submission_999/00_clusters.ipynb", _notebook("n_zhejiang = 5"))
    subs = {s.lms_id: s for s in collect(archive, "00_clusters")}
    assert (subs["123456"].name, subs["123456"].sid, subs["123456"].email) == ("Ana Alvarez", "S1001", "ana@example.edu")
    assert subs["123456"].student == "Ana_Alvarez_123456"
    assert subs["999"].name == "submission_999"  # not in the metadata: still a row, named after its folder


def test_rosters_as_the_platforms_export_them(tmp_path):
    canvas = tmp_path / "canvas.csv"
    canvas.write_text('Student,ID,SIS User ID,SIS Login ID,Section\n    Points Possible,,,,\n"Alvarez, Ana",1001,S1,ana,A\n'
                      "Test Student,9999,,,A\n", encoding="utf-8")
    moodle = tmp_path / "moodle.csv"  # a spreadsheet in a comma-decimal locale saves with semicolons
    moodle.write_text("\ufeffIdentifier;Full name;Email address\nParticipant 1001;Ana Alvarez;ana@example.edu\n", encoding="utf-8")
    split = tmp_path / "names.csv"
    split.write_text("Username,First name,Last name\njsmith,Jo,Smith\n", encoding="utf-8")
    assert [(s.name, s.primary) for s in read_roster(canvas)] == [("Alvarez, Ana", "1001")]  # no Points Possible, no test student
    assert [(s.name, s.primary) for s in read_roster(moodle)] == [("Ana Alvarez", "1001")]
    assert [(s.name, s.primary) for s in read_roster(split)] == [("Jo Smith", "jsmith")]
    bad = tmp_path / "bad.csv"
    bad.write_text("colour,size\nred,3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no id column"):
        read_roster(bad)


def test_roster_matches_by_lms_id_and_lists_the_absent():
    from clusterkit.grading.feedback import Row
    from clusterkit.grading.lms import Student

    roster = Roster([Student("Ana Alvarez", {"1001"}, {"ID": "1001"}, "1001"), Student("Bo Berg", {"1002"}, {"ID": "1002"}, "1002")])
    row = Row("alvarezana_1001", "x.ipynb", "ok", [], lms="canvas", lms_id="1001", name="alvarezana")
    stranger = Row("zed_1099", "y.ipynb", "ok", [], lms="canvas", lms_id="1099", name="zed")
    assert roster.apply(row) and row.name == "Ana Alvarez"
    assert not roster.apply(stranger)
    absent = roster.absent({"alvarezana_1001"})
    assert [(r.name, r.lms_id, r.status) for r in absent] == [("Bo Berg", "1002", "no submission")]


def test_canvas_import_uses_canvas_ids_even_with_an_email_roster():
    """Canvas matches on its user ID: a roster keyed by e-mail names the student, but the import
    file's ID is the Canvas ID from the export's file name, never the e-mail."""
    from clusterkit.grading.feedback import Graded, Row
    from clusterkit.grading.lms import Student, canvas_csv

    roster = Roster([Student("Ana Alvarez", {"ana@uni.edu"}, {"Email": "ana@uni.edu", "Name": "Ana Alvarez"}, "ana@uni.edu"),
                     Student("Bo Berg", {"bo@uni.edu"}, {"Email": "bo@uni.edu", "Name": "Bo Berg"}, "bo@uni.edu")])
    row = Row("alvarezana_1001", "x.ipynb", "ok", [Graded("0.1", "?", 1, points=1, state="correct")], lms="canvas",
              lms_id="1001", name="alvarezana", email="ana@uni.edu")
    assert roster.apply(row)
    lines = list(csv.reader(io.StringIO(canvas_csv([row, *roster.absent({row.student})], 0, "T", 1))))
    assert [r[:2] for r in lines[2:]] == [["Ana Alvarez", "1001"]]  # Bo has no Canvas ID: no row Canvas cannot match


def test_a_roster_without_an_id_column_says_what_it_found(tmp_path):
    from clusterkit.grading.lms import RosterError

    bad = tmp_path / "roster.csv"
    bad.write_text("Name,Section\nAna,A\n", encoding="utf-8")
    with pytest.raises(RosterError) as err:
        read_roster(bad)
    text = str(err.value)
    assert "'Name', 'Section'" in text and "SIS User ID" in text and "Email" in text and "…" not in text


# --------------------------------------------------------------------------- bad input (fast: no kernel runs)


def test_empty_folder_says_so_once_and_writes_nothing(tmp_path):
    (tmp_path / "subs").mkdir()
    proc = cli("grade", str(tmp_path / "subs"), "--chapter", "0", "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert proc.stderr.count("no notebooks (.ipynb) found") == 1 and "grading chapter" not in proc.stderr
    assert not (tmp_path / "out").exists()


def test_a_truncated_zip_is_not_called_a_non_zip(tmp_path):
    good = tmp_path / "export.zip"
    with zipfile.ZipFile(good, "w") as z:
        z.writestr("a/00_clusters.ipynb", _notebook("n_zhejiang = 6") * 20)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    other = tmp_path / "notes.txt"
    other.write_text("hello", encoding="utf-8")
    truncated = cli("grade", str(cut), "--chapter", "0", "--out", str(tmp_path / "o1"))
    plain = cli("grade", str(other), "--chapter", "0", "--out", str(tmp_path / "o2"))
    assert truncated.returncode == plain.returncode == 2
    assert "damaged or incomplete zip file" in truncated.stderr and "download the export" in truncated.stderr
    assert "neither a folder, a zip file nor a notebook" in plain.stderr
    assert "Traceback" not in truncated.stderr + plain.stderr


def test_help_shows_every_default_and_no_stray_spaces():
    proc = cli("grade", "--help")
    text = re.sub(r"[│╭╮╰╯─]", " ", proc.stdout)
    flat = re.sub(r"\s+", " ", text)
    assert " ." not in flat.replace(" .ipynb", "")  # "once ." came from a [default: …] eaten as markup
    for default in ("number of cores", "exercises/", "default: 30.0", "default: 5.0", "default: 10.0", "default: 300.0",
                    "default: 2048", "default: 20.0"):
        assert default in flat, default
    assert "--roster" in flat and "--function-timeout" in flat


def test_merge_reads_a_semicolon_separated_sheet(tmp_path):
    from tests.test_grading_cli import _graded_folder

    out = tmp_path / "grades"
    _graded_folder(out)
    lines = (out / "manual.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(lines))
    rows[1][3] = "2,5"  # a comma decimal, as such a spreadsheet writes it
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    (out / "manual.csv").write_text(buf.getvalue(), encoding="utf-8-sig")
    proc = cli("merge", str(out))
    assert proc.returncode == 0, proc.stderr
    book = {r["student"]: r for r in table(out / "gradebook.csv")}
    assert book["ann"]["0.7"] == "2.5" and book["ann"]["total"] == "4.5"


# --------------------------------------------------------------------------- a class, end to end (slow)


@pytest.fixture(scope="module")
def canvas_class(tmp_path_factory):
    """Six Canvas submissions (two functions that never return, a late one, a copy), a corrupt
    notebook from a student not on the roster, and the roster with one student who sent nothing."""
    root = tmp_path_factory.mktemp("canvas")
    maker = _maker()
    corpus = root / "corpus"
    maker.build(corpus, REPO / "notebooks" / "00_clusters.ipynb", REPO / "exercises", root / "out", 9, root,
                only=maker.CLASS_MIX + ["endless_function"])
    made = maker.lms_class(root, corpus, n=6, endless=2, lms="canvas")
    (made["subs"] / "zedzed_1099_79999_00_clusters.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "x = 1', encoding="utf-8")
    out = root / "out"
    proc = cli("grade", str(made["subs"]), "--chapter", "0", "--out", str(out), "-q", "--roster", str(made["roster"]), *LIMITS)
    return {**made, "root": root, "out": out, "proc": proc, "corpus": corpus}


slow = pytest.mark.slow


@slow
def test_canvas_rows_have_names_ids_and_late_flags(canvas_class):
    proc = canvas_class["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = {r["student"]: r for r in table(canvas_class["out"] / "gradebook.csv")}
    by_id = {}
    for r in rows.values():
        by_id.setdefault(r["lms_id"], []).append(r)
    for name, uid, variant, late in canvas_class["people"]:
        last_first = ", ".join(reversed(name.split(" ", 1)))
        mine = by_id[uid]
        assert all(r["name"] == last_first for r in mine), mine  # the roster's name, not the file's stem
        assert all(r["late"] == ("late" if late else "") for r in mine)
        assert not any(re.search(r"_\d{5}_|Copy_of", r["student"]) for r in mine)  # no raw stems
    (absent_name, absent_id), = canvas_class["absent"]
    assert by_id[absent_id][0]["status"] == "no submission" and by_id[absent_id][0]["total"] == ""
    assert "1 student(s) on the roster with no submission" in proc.stdout and "submission(s) from students not on the roster: zedzed_1099" in proc.stdout
    feedback = (canvas_class["out"] / "feedback" / "alvarezana_1001.md").read_text(encoding="utf-8")
    assert feedback.startswith("# Feedback for Alvarez, Ana — Chapter 0: What is an industrial cluster?\n")


@slow
def test_never_returning_functions_say_timed_out(canvas_class):
    rows = table(canvas_class["out"] / "gradebook.csv")
    endless = {uid for _, uid, variant, _ in canvas_class["people"] if variant == "endless_function"}
    for r in rows:
        assert ("timed out: 0.2" in r["status"]) == (r["lms_id"] in endless), r


@slow
def test_canvas_import_file_is_in_canvas_format(canvas_class):
    """What Canvas's gradebook import requires: its identity columns first, the assignment column,
    an optional 'Points Possible' row, one row per Canvas user ID, numbers (or blank) as scores."""
    path = canvas_class["out"] / "lms" / "canvas.csv"
    lines = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header, possible, body = lines[0], lines[1], lines[2:]
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] and len(header) == 6
    assert header[5].startswith("Chapter 0: ")
    assert possible[0].strip() == "Points Possible" and possible[5] == "15"
    ids = [r[1] for r in body]
    assert len(ids) == len(set(ids)), "one row per Canvas user"
    roster = {r["ID"]: r for r in table(canvas_class["roster"]) if r["ID"]}
    gradebook = {}
    for r in table(canvas_class["out"] / "gradebook.csv"):
        if r["total"]:
            gradebook[r["lms_id"]] = max(gradebook.get(r["lms_id"], -1.0), float(r["total"]))
    for r in body:
        assert r[1].isdigit()
        assert r[5] == "" or 0 <= float(r[5]) <= 15
        if r[1] in roster:  # the roster's SIS columns, for Canvas to match on
            assert (r[0], r[2], r[3], r[4]) == (roster[r[1]]["Student"], roster[r[1]]["SIS User ID"],
                                                roster[r[1]]["SIS Login ID"], roster[r[1]]["Section"])
        if r[5]:
            assert float(r[5]) == gradebook[r[1]]  # a student with a copy gets their best notebook
    assert set(ids) == set(roster) | {"1099"}


@slow
def test_corrupt_notebook_row(canvas_class):
    row = next(r for r in table(canvas_class["out"] / "gradebook.csv") if r["lms_id"] == "1099")
    assert row["status"].startswith("invalid-notebook: not JSON (line 1, column ")
    assert row["status"].endswith("the file is damaged or cut off)")  # said in full, not "... starting at)"
    assert row["0.7"] == "" and row["manual"] == "0.7"  # a written answer nobody could read: blank, not 0
    assert row["0.1"] == "0"
    text = (canvas_class["out"] / "feedback" / "zedzed_1099.md").read_text(encoding="utf-8")
    assert "submit that file again" in text


@slow
def test_regrading_keeps_the_instructors_marks(canvas_class, tmp_path):
    """grade → marks in manual.csv → merge → grade again into the same folder: no mark or comment is
    lost. A merged mark on an unchanged answer stays in the gradebook; a mark typed but not merged,
    and one given to an answer that has changed since (flagged), wait in manual.csv for `merge`
    (never published unchecked). The sheet keeps the separator the instructor's spreadsheet used."""
    out = tmp_path / "out"
    shutil.copytree(canvas_class["out"], out)
    marks = table(out / "manual.csv")
    fields = list(marks[0])
    written = [m for m in marks if not m["answer"].startswith("(not collected")]
    assert len(written) >= 3
    first, second, third = written[:3]
    first.update(points="2,5", comment="Clear contrast.")  # as a comma-decimal spreadsheet saves it
    second.update(points="1", comment="Name a linkage.")

    def save():
        with open(out / "manual.csv", "w", newline="", encoding="utf-8-sig") as fh:
            w = csv.DictWriter(fh, fieldnames=fields, delimiter=";")
            w.writeheader()
            w.writerows(marks)

    save()
    assert cli("merge", str(out)).returncode == 0
    third.update(points="3", comment="Typed, not merged.")  # marked after the merge, then graded again
    save()
    changed = out.parent / "subs"
    shutil.copytree(canvas_class["subs"], changed)
    target = next(p for p in changed.iterdir() if f"_{second['student'].rsplit('_', 1)[1]}_" in p.name and "Copy_of" not in p.name)
    nb = json.loads(target.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if "park_vs_cluster =" in src:  # the answer cell (after the set-up lines the corpus puts first)
            cell["source"] = src.split("park_vs_cluster =")[0] + 'park_vs_cluster = """A new answer, written after the first grading."""'
    target.write_text(json.dumps(nb), encoding="utf-8")
    sheet = (out / "manual.csv").read_text(encoding="utf-8-sig")
    proc = cli("grade", str(changed), "--chapter", "0", "--out", str(out), "-q", "--roster", str(canvas_class["roster"]), *LIMITS)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "kept 3 mark(s)" in proc.stdout and "1 marked answer(s) changed" in proc.stdout
    assert "2 of them wait in manual.csv" in proc.stdout
    text = (out / "manual.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "student;exercise;max;points;comment;answer;name;note"  # the instructor's separator
    _, rows = read_table(out / "manual.csv")
    again = {(m["student"], m["exercise"]): m for m in rows}
    book = {r["student"]: r for r in table(out / "gradebook.csv")}
    for m, pts, published in ((first, "2,5", "2.5"), (second, "1", ""), (third, "3", "")):
        assert again[(m["student"], "0.7")]["points"] == pts and again[(m["student"], "0.7")]["comment"] == m["comment"]
        assert book[m["student"]]["0.7"] == published
    assert third["comment"] not in (out / "feedback" / f"{third['student']}.md").read_text(encoding="utf-8")
    assert "Clear contrast." in (out / "feedback" / f"{first['student']}.md").read_text(encoding="utf-8")
    assert again[(second["student"], "0.7")]["note"] == "the answer changed since it was marked: check the mark"
    assert again[(first["student"], "0.7")]["note"] == "" and again[(third["student"], "0.7")]["note"] == ""
    previous = sorted((out / "previous").iterdir())  # and the sheet as it was, copied before it was rewritten
    assert (previous[-1] / "manual.csv").read_text(encoding="utf-8-sig") == sheet
    # the instructor checks them and merges: now they are in the gradebook
    assert cli("merge", str(out)).returncode == 0
    book = {r["student"]: r for r in table(out / "gradebook.csv")}
    assert [book[m["student"]]["0.7"] for m in (first, second, third)] == ["2.5", "1", "3"]


@slow
def test_regrading_refuses_a_sheet_with_unreadable_marks(canvas_class, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(canvas_class["out"], out)
    marks = table(out / "manual.csv")
    marks[0]["points"] = "lots"
    with open(out / "manual.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(marks[0]))
        w.writeheader()
        w.writerows(marks)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    proc = cli("grade", str(canvas_class["subs"]), "--chapter", "0", "--out", str(out), "-q", *LIMITS)
    assert proc.returncode == 2 and "'lots' is not a number" in proc.stderr and "no mark is lost" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


@slow
def test_moodle_student_keeps_their_identity_whatever_the_file_is_called(tmp_path):
    maker = _maker()
    corpus = tmp_path / "corpus"
    maker.build(corpus, REPO / "notebooks" / "00_clusters.ipynb", REPO / "exercises", tmp_path / "o", 9, tmp_path,
                only=maker.CLASS_MIX + ["endless_function"])
    made = maker.lms_class(tmp_path, corpus, n=3, endless=0, lms="moodle")
    archive = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted(made["subs"].rglob("*.ipynb")):
            z.write(f, f.relative_to(made["subs"]).as_posix())
    out = tmp_path / "out"
    proc = cli("grade", str(archive), "--chapter", "0", "--out", str(out), "-q", "--roster", str(made["roster"]), *LIMITS)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = {r["lms_id"]: r for r in table(out / "gradebook.csv")}
    first_name, first_id, *_ = made["people"][0]
    assert rows[first_id]["name"] == first_name and rows[first_id]["source"].endswith("my homework FINAL v2.ipynb")
    assert rows[first_id]["total"] == "12"  # right answers, whatever the file's name
    moodle = list(csv.reader(io.StringIO((out / "lms" / "moodle.csv").read_text(encoding="utf-8"))))
    assert moodle[0] == ["Identifier", "Full name", "Email address", "Grade", "Maximum Grade"]
    got = {r[0]: r for r in moodle[1:]}
    assert got[f"Participant {first_id}"][1:] == [first_name, f"{first_id}@example.edu", "12", "15"]
    (absent_name, absent_id), = made["absent"]
    assert got[f"Participant {absent_id}"][3] == ""  # no submission: blank, Moodle keeps what it has
