"""Learning platforms: the class roster (``--roster``) and the files each platform imports.

``clusterkit grade`` writes, in ``OUT/lms/``, one import file per platform the submissions
(or the roster) came from, in the platform's own format, so that it imports as it is:

* ``canvas.csv`` — Canvas's gradebook import: ``Student, ID, SIS User ID, SIS Login ID,
  Section``, one column for the chapter, and the ``Points Possible`` row. Canvas matches
  students by ``ID`` (its user id, in the name of every file of a Canvas export) or by
  ``SIS User ID``/``SIS Login ID`` (from a roster exported from Canvas's gradebook).
* ``moodle.csv`` — Moodle's offline grading worksheet: ``Identifier`` (``Participant N``, N
  from the export's folder names), ``Full name``, ``Email address``, ``Grade``,
  ``Maximum Grade``.
* ``blackboard.csv`` — Blackboard's Grade Center upload: ``Username`` and a column
  ``<title> [Total Pts: N Score]``.

Scores are the gradebook's totals; a student with written answers not marked yet gets the
points so far (``clusterkit merge`` rewrites the files). A student with more than one notebook
gets the highest total. Roster students with no submission get a blank grade (the platform
leaves theirs as it is).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .feedback import Row, _cell_text, fmt, write_atomic

#: Roster columns that identify a student (lower case), and those that name them.
ID_COLUMNS = ("id", "lms_id", "user id", "canvas user id", "sis user id", "sis login id", "login id", "identifier",
              "participant", "username", "user name", "student id", "student number", "sid", "email", "email address")
#: The id columns as the platforms spell them, for messages.
ID_NAMES = ("ID", "SIS User ID", "SIS Login ID", "Identifier", "Username", "Student ID", "Student number", "SID",
            "Email", "Email address")
NAME_COLUMNS = ("name", "full name", "student", "student name", "display name")
FIRST_COLUMNS = ("first name", "given name", "firstname")
LAST_COLUMNS = ("last name", "surname", "family name", "lastname")


class RosterError(ValueError):
    """The roster cannot be used (the message says why)."""


def norm_id(value: str) -> str:
    """An id as rosters and exports may spell it: 'Participant 1001' → '1001', case and spaces ignored."""
    v = str(value).strip().lower()
    v = re.sub(r"^participant\s*", "", v)
    return v


@dataclass
class Student:
    """One roster row."""

    name: str
    ids: set[str]
    record: dict[str, str] = field(default_factory=dict)
    primary: str = ""  # the id of the roster's first id column (Canvas's ID, Moodle's Identifier, …)


def read_roster(path: Path) -> list[Student]:
    """The students of a roster CSV (a Canvas gradebook export, a Moodle grading worksheet, or any
    table with an id column and a name column)."""
    from .marks import read_table

    try:
        fields, records = read_table(path)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RosterError(f"the roster {path} cannot be read ({type(exc).__name__}: {exc})") from exc
    lower = {f.lower(): f for f in fields}
    ids = [lower[c] for c in ID_COLUMNS if c in lower]
    name = next((lower[c] for c in NAME_COLUMNS if c in lower), None)
    first = next((lower[c] for c in FIRST_COLUMNS if c in lower), None)
    last = next((lower[c] for c in LAST_COLUMNS if c in lower), None)
    found = ", ".join(repr(f) for f in fields) or "none"
    if not ids:
        raise RosterError(f"the roster {path} has no id column (its columns: {found}). Name one of: {', '.join(ID_NAMES)}")
    if not (name or first or last):
        raise RosterError(f"the roster {path} has no name column (its columns: {found}). Name one 'Name', 'Student' or "
                          "'Full name', or give 'First name' and 'Last name'")
    students = []
    for rec in records:
        full = rec.get(name, "") if name else " ".join(p for p in (rec.get(first or "", ""), rec.get(last or "", "")) if p)
        if full.strip().lower() in ("points possible", "test student") or not full.strip():
            continue  # Canvas's second row, and its test student
        found = [norm_id(rec[c]) for c in ids if rec.get(c)]
        if found:
            students.append(Student(name=full.strip(), ids=set(found), record=rec, primary=found[0]))
    if not students:
        raise RosterError(f"the roster {path} lists no students")
    return students


class Roster:
    """A class list: gives each graded row its student's name and record, and finds who did not submit."""

    def __init__(self, students: list[Student]) -> None:
        self.students = students
        self.by_id: dict[str, Student] = {}
        for st in students:
            for i in st.ids:
                self.by_id.setdefault(i, st)
        self.seen: set[int] = set()

    def apply(self, row: Row) -> bool:
        """Name ``row`` after its roster student (matched by LMS id, student number, e-mail or
        file name); False when the student is not on the roster."""
        keys = [norm_id(k) for k in (row.lms_id, row.sid, row.email, row.student) if k]
        st = next((self.by_id[k] for k in keys if k in self.by_id), None)
        if st is None:
            return False
        self.seen.add(id(st))
        row.name, row.roster = st.name, dict(st.record)
        return True

    def absent(self, taken: set[str]) -> list[Row]:
        """A row (status ``no submission``, no points) for each roster student no row matched."""
        from .submissions import _safe

        out = []
        for st in self.students:
            if id(st) in self.seen:
                continue
            first_id = st.primary
            key = _safe(f"{st.name}_{first_id}")
            while key in taken:
                key += "-x"
            taken.add(key)
            out.append(Row(student=key, source="", status="no submission", exercises=[], name=st.name,
                           lms_id=first_id, roster=dict(st.record)))
        return out


def _field(row: Row, *names: str) -> str:
    lower = {k.lower(): v for k, v in row.roster.items()}
    return next((lower[n] for n in names if lower.get(n)), "")


def best_rows(rows: list[Row], key) -> tuple[dict[str, Row], list[str]]:
    """One row per student (``key(row)``): the highest total; and the students who had several."""
    best: dict[str, Row] = {}
    several: set[str] = set()
    for r in rows:
        k = key(r)
        if not k:
            continue
        if k in best:
            several.add(k)
            if r.exercises and (not best[k].exercises or r.total > best[k].total):
                best[k] = r
        else:
            best[k] = r
    return best, sorted(several)


def _score(r: Row) -> str:
    return fmt(r.total) if r.exercises else ""


def _column(chapter: int, title: str) -> str:
    return f"Chapter {chapter}: {title}"


def canvas_csv(rows: list[Row], chapter: int, title: str, max_points: float) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", _column(chapter, title)])
    w.writerow(["Points Possible", "", "", "", "", fmt(max_points)])
    # Canvas matches on its user ID: from the export's file names, or the roster's ID column (not an e-mail)
    best, _ = best_rows(rows, lambda r: _field(r, "id") or (r.lms_id if r.lms == "canvas" else ""))
    for cid, r in sorted(best.items(), key=lambda kv: kv[1].who.lower()):
        w.writerow([_cell_text(r.who), cid, _field(r, "sis user id"), _field(r, "sis login id"), _field(r, "section"), _score(r)])
    return buf.getvalue()


def moodle_csv(rows: list[Row], chapter: int, title: str, max_points: float) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Identifier", "Full name", "Email address", "Grade", "Maximum Grade"])
    best, _ = best_rows(rows, lambda r: norm_id(_field(r, "identifier")) or (r.lms_id if r.lms == "moodle" else ""))
    for pid, r in sorted(best.items(), key=lambda kv: kv[1].who.lower()):
        w.writerow([f"Participant {pid}", _cell_text(r.who), _field(r, "email address", "email") or r.email, _score(r), fmt(max_points)])
    return buf.getvalue()


def blackboard_csv(rows: list[Row], chapter: int, title: str, max_points: float) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Username", f"{_column(chapter, title)} [Total Pts: {fmt(max_points)} Score]"])
    best, _ = best_rows(rows, lambda r: _field(r, "username") or (r.lms_id if r.lms == "blackboard" else ""))
    for user, r in sorted(best.items()):
        w.writerow([user, _score(r)])
    return buf.getvalue()


EXPORTS = {"canvas": canvas_csv, "moodle": moodle_csv, "blackboard": blackboard_csv}


def platforms(rows: list[Row]) -> list[str]:
    """The platforms the submissions came from, or that the roster's columns belong to."""
    found = {r.lms for r in rows if r.lms in EXPORTS}
    for r in rows:
        cols = {k.lower() for k in r.roster}
        if {"sis user id", "sis login id"} & cols:
            found.add("canvas")
        if "identifier" in cols:
            found.add("moodle")
        if "username" in cols and r.lms == "blackboard":
            found.add("blackboard")
    return sorted(found)


def write_exports(out: Path, rows: list[Row], chapter: int, title: str) -> dict[str, Path]:
    """``OUT/lms/<platform>.csv`` for each platform of :func:`platforms`."""
    graded = [r for r in rows if r.exercises]
    max_points = graded[0].max if graded else 0.0
    written = {}
    for name in platforms(rows):
        (out / "lms").mkdir(exist_ok=True)
        path = out / "lms" / f"{name}.csv"
        write_atomic(path, EXPORTS[name](rows, chapter, title, max_points))
        written[name] = path
    return written


def several_notebooks(rows: list[Row]) -> list[str]:
    """Students (with an LMS id) who sent more than one notebook: the import files take the best."""
    best, several = best_rows([r for r in rows if r.lms_id and r.exercises], lambda r: f"{r.lms}:{r.lms_id}")
    return [f"{best[k].who} ({best[k].lms_id})" for k in several]
