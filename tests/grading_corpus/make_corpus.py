"""Build the grader's test corpus from the chapter notebook, so it stays in sync with it.

    python tests/grading_corpus/make_corpus.py OUT_DIR [--notebook notebooks/00_clusters.ipynb]
        [--key KEY_DIR] [--grade-out GRADE_OUT] [--port PORT] [--canary-dir DIR]

Every submission is the chapter notebook with its answer cells patched (``SOLUTIONS`` holds
right answers, the variants below wrong or hostile ones) and sometimes a cell inserted.
``expected.csv`` beside this file lists the gradebook row each submission must get (written
by hand from what each variant does; points are what a correct grader gives, status is a
regular expression). Hostile variants are built so that a successful attack would *earn
points* (they set right answers only when the attack worked): any leak shows up as points.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Callable

import nbformat
from nbformat.v4 import new_code_cell

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

# --- right answers, written as a student would (self-contained: they load what they need)
SOLUTIONS = {
    "n_zhejiang": 'n_zhejiang = int((ck.data.load("00_cases")["province"] == "Zhejiang").sum())',
    "location_quotient": (
        "def location_quotient(table):\n"
        "    shares = table.div(table.sum(axis=1), axis=0)\n"
        "    national = table.sum(axis=0) / table.to_numpy().sum()\n"
        "    return shares / national"
    ),
    "most_specialised": (
        '_emp = ck.data.load("00_regions_illustrative")\n'
        '_t15 = _emp[_emp["year"] == 2015].pivot(index="region", columns="industry", values="employment")\n'
        'most_specialised = str(ck.metrics.location_quotient(_t15)["textiles"].idxmax())'
    ),
    "hhi_electronics": (
        '_emp = ck.data.load("00_regions_illustrative")\n'
        '_e = _emp[(_emp["year"] == 2015) & (_emp["industry"] == "electronics")]["employment"]\n'
        "hhi_electronics = float(((_e / _e.sum() * 100) ** 2).sum())"
    ),
    "shift_a": (
        '_emp = ck.data.load("00_regions_illustrative")\n'
        '_w = {y: _emp[_emp["year"] == y].pivot(index="region", columns="industry", values="employment") for y in (2015, 2020)}\n'
        '_nat0, _nat1 = _w[2015].sum(), _w[2020].sum()\n'
        "_G = _nat1.sum() / _nat0.sum() - 1\n"
        "_gi = _nat1 / _nat0 - 1\n"
        '_gir = _w[2020].loc["Region A"] / _w[2015].loc["Region A"] - 1\n'
        '_e0 = _w[2015].loc["Region A"]\n'
        "shift_a = pd.DataFrame({\"national_share\": _e0 * _G, \"industry_mix\": _e0 * (_gi - _G), \"competitive\": _e0 * (_gir - _gi)})"
    ),
    "reading": 'reading = "c"',
    "park_vs_cluster": (
        'park_vs_cluster = """An industrial park is a planned area with land, infrastructure and policies, run by a '
        "government or a developer. An industrial cluster is a concentration of linked firms in related industries "
        'that buy from each other and share workers and knowledge. A park can exist without a cluster, and a cluster without a park."""'
    ),
}
VARIABLES = list(SOLUTIONS)
IDS = {v: f"0.{i + 1}" for i, v in enumerate(VARIABLES)}
#: What the hostile cells set when an attack succeeds (any leak then earns points); they are
#: inserted after the last answer cell, so nothing resets these values.
CHEAT = (
    "n_zhejiang = 6\nmost_specialised = 'Region B'\nhhi_electronics = 4944.23\nreading = 'c'\n"
    "def location_quotient(table):\n    return ck.metrics.location_quotient(table)\n"
    '_emp = ck.data.load("00_regions_illustrative")\n'
    '_w = {y: _emp[_emp["year"] == y].pivot(index="region", columns="industry", values="employment") for y in (2015, 2020)}\n'
    'shift_a = ck.metrics.shift_share(_w[2015], _w[2020], "Region A")'
)
WRONG = {
    "n_zhejiang": "n_zhejiang = 5",
    "location_quotient": "def location_quotient(table):\n    return table / table.to_numpy().sum()",
    "most_specialised": 'most_specialised = "Region A"',
    "hhi_electronics": "hhi_electronics = 1234.5",
    "shift_a": (
        '_emp = ck.data.load("00_regions_illustrative")\n'
        '_t = _emp[_emp["year"] == 2015].pivot(index="region", columns="industry", values="employment")\n'
        'shift_a = pd.DataFrame({"national_share": _t.loc["Region A"], "industry_mix": _t.loc["Region A"], "competitive": _t.loc["Region A"]})'
    ),
    "reading": 'reading = "a"',
}

_PLACEHOLDER = {v: re.compile(rf"^{v}\s*=\s*\.\.\..*$", re.M) for v in VARIABLES}
_DEF = re.compile(r"^def location_quotient\(.*?\):\n(?:[ \t]+.*(?:\n|$))+", re.M)
SETUP = "import clusterkit as ck\nimport pandas as pd\nfrom clusterkit import check"


def _find(nb, var: str) -> int | None:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if var == "location_quotient" and _DEF.search(cell.source):
            return i
        if _PLACEHOLDER[var].search(cell.source):
            return i
    return None


def base(notebook: Path):
    """The chapter notebook, with every answer cell present (missing ones appended, with a warning)."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    for var in VARIABLES:
        if _find(nb, var) is None:
            print(f"warning: {notebook.name} has no answer cell for {var}; appending one", file=sys.stderr)
            stub = "def location_quotient(table):\n    ..." if var == "location_quotient" else f"{var} = ..."
            nb.cells.append(new_code_cell(f"{SETUP}\n{stub}\ncheck({IDS[var]!r}, {var})"))
    return nb


def answer(nb, var: str, code: str):
    """Put ``code`` in place of the placeholder of ``var``."""
    i = _find(nb, var)
    cell = nb.cells[i]
    prefix = f"{SETUP}\n"
    if var == "location_quotient":
        cell.source = _DEF.sub(lambda m: code + "\n", cell.source, count=1)
    else:
        cell.source = _PLACEHOLDER[var].sub(lambda m: code, cell.source, count=1)
    cell.source = prefix + cell.source
    return nb


def answers(nb, table: dict[str, str]):
    for var, code in table.items():
        answer(nb, var, code)
    return nb


def insert(nb, code: str, after_var: str = "n_zhejiang"):
    """Insert a code cell right after the answer cell (its check call) of ``after_var``."""
    i = _cell_of(nb, after_var)
    nb.cells.insert(i + 1, new_code_cell(code))
    return nb


def variants(ctx: dict) -> dict[str, Callable[[Path], object]]:
    """Student name → function building that submission (returns a notebook, bytes or text)."""
    nbp = ctx["notebook"]
    right = lambda: answers(base(nbp), SOLUTIONS)  # noqa: E731
    untouched = lambda: base(nbp)  # noqa: E731
    key_file = Path(ctx["key"]) / "00_clusters.py"
    canary = Path(ctx["canary_dir"])

    def partly_right():
        return answers(base(nbp), {
            **SOLUTIONS,
            "n_zhejiang": "n_zhejiang = 5",
            "location_quotient": (
                "import numpy as np\n"
                "def location_quotient(table):\n"
                "    t = table.replace(0, np.nan)\n"
                "    return t.div(t.sum(axis=1), axis=0) / (t.sum() / t.sum().sum())"
            ),
            "hhi_electronics": SOLUTIONS["hhi_electronics"] + "\nhhi_electronics = hhi_electronics / 10_000",
            "shift_a": SOLUTIONS["shift_a"] + "\nshift_a['competitive'] = shift_a['competitive'] * 2 + 1",
            "reading": 'reading = "(A)"',
        })

    def unknown_kernel():
        nb = right()
        nb.metadata["kernelspec"] = {"name": "julia-1.9", "display_name": "Julia 1.9", "language": "julia"}
        nb.metadata["language_info"] = {"name": "julia"}
        return nb

    def answer_missing():
        nb = right()
        i = _cell_of(nb, "hhi_electronics")
        nb.cells[i].source = re.sub(r"^hhi_electronics\s*=.*$", "# (skipped)", nb.cells[i].source, flags=re.M)
        return nb

    def wrong_type():
        nb = right()
        for var, extra in {
            "n_zhejiang": "n_zhejiang = str(n_zhejiang)",
            "most_specialised": "most_specialised = 2",
            "hhi_electronics": "hhi_electronics = pd.Series([hhi_electronics])",
            "shift_a": "shift_a = shift_a.to_numpy()",
        }.items():
            cell = nb.cells[_cell_of(nb, var)]
            cell.source = re.sub(rf"^(check\(.*{var}\s*\))", lambda m: extra + "\n" + m.group(1), cell.source, count=1, flags=re.M)
        return nb

    def sloppy():  # right methods, but rounded, mutating, miscapitalised: what check() warns about
        return answers(base(nbp), {
            **SOLUTIONS,
            "location_quotient": (
                "def location_quotient(table):\n"
                "    table['_total'] = table.sum(axis=1)  # changes the caller's table\n"
                "    t = table.drop(columns='_total')\n"
                "    return t.div(t.sum(axis=1), axis=0) / (t.sum() / t.to_numpy().sum())"
            ),
            "most_specialised": SOLUTIONS["most_specialised"] + "\nmost_specialised = most_specialised.lower()",
            "hhi_electronics": SOLUTIONS["hhi_electronics"] + "\nhhi_electronics = round(hhi_electronics, -1)",
            "shift_a": SOLUTIONS["shift_a"] + "\nshift_a = shift_a.round(1)",
        })

    def no_return():
        return answers(base(nbp), {
            **SOLUTIONS,
            "location_quotient": (
                "def location_quotient(table):\n"
                "    lq = table.div(table.sum(axis=1), axis=0) / (table.sum() / table.to_numpy().sum())"
            ),
        })

    def exception_cell():
        return insert(right(), "x = 1 / 0")

    def endless_function():  # never returns on any input: one time budget for all its hidden calls
        return answers(base(nbp), {**SOLUTIONS, "location_quotient": "def location_quotient(table):\n    while True:\n        pass"})

    def imported_function():  # the package's own function, assigned: check() and the grader both give nothing
        return answers(base(nbp), {**SOLUTIONS, "location_quotient": "location_quotient = ck.metrics.location_quotient"})

    def infinite_loop():
        return insert(right(), "while True:\n    pass")

    def swallow_interrupt():
        return insert(right(), "import time\nwhile True:\n    try:\n        time.sleep(0.2)\n    except KeyboardInterrupt:\n        pass")

    def sys_exit():
        return insert(right(), "import sys\nsys.exit(3)")

    def os_exit():
        return insert(right(), "import os\nos._exit(1)")

    def memory_bomb():  # would succeed without the memory cap (the machine has the RAM)
        return insert(right(), "hoard = bytearray(4_000_000_000)")

    def memory_hog():  # grows until the cap, and keeps what it got
        return insert(right(), "hoard = []\nwhile True:\n    hoard.append(bytearray(50_000_000))", after_var="park_vs_cluster")

    def output_flood():
        return insert(right(), "for i in range(2_000_000):\n    print('spam ' * 20)")

    def megabytes_of_output():
        return insert(right(), "print('x' * 3_000_000)\nfor i in range(20_000):\n    print(i, 'lots of output')")

    def write_outside():
        targets = [REPO / "clusterkit" / "CANARY_FROM_STUDENT", Path(ctx["grade_out"]) / "feedback" / "forged.md", canary / "written", Path("/etc/ck_canary")]
        code = "import os\n"
        for t in targets:
            code += f"open({str(t)!r}, 'w').write('pwned')\n"
        code += CHEAT
        return insert(untouched(), code, after_var="park_vs_cluster")

    def read_key():
        code = (
            "leaked = []\n"
            f"for p in [{str(key_file)!r}, {str(REPO / 'exercises' / '00_clusters.py')!r}, "
            f"{str(Path(ctx['submissions']) / 'right.ipynb')!r}]:\n"
            "    try:\n"
            "        leaked.append(open(p).read())\n"
            "    except Exception as exc:\n"
            "        print(type(exc).__name__, p)\n"
            "import glob\n"
            f"leaked += glob.glob({str(REPO / '.git' / '*')!r})\n"
            "if leaked:\n" + "\n".join("    " + line for line in CHEAT.splitlines())
        )
        return insert(untouched(), code, after_var="park_vs_cluster")

    def network():
        code = (
            "import socket\nreached = []\n"
            f"for host, port in [('127.0.0.1', {ctx['port']}), ('localhost', {ctx['port']}), ('1.1.1.1', 53), ('pypi.org', 443)]:\n"
            "    try:\n"
            "        s = socket.create_connection((host, port), timeout=1)\n"
            "        s.sendall(b'LEAK')\n"
            "        reached.append(host)\n"
            "    except Exception as exc:\n"
            "        print(host, type(exc).__name__)\n"
            "if reached:\n" + "\n".join("    " + line for line in CHEAT.splitlines())
        )
        return insert(untouched(), code, after_var="park_vs_cluster")

    def monkeypatch():
        nb = answers(base(nbp), WRONG)
        code = (
            "import builtins, math, numpy as np, pandas as pd, pandas.testing\n"
            "np.isclose = lambda *a, **k: True\nnp.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
            "np.testing.assert_allclose = lambda *a, **k: None\n"
            "pandas.testing.assert_frame_equal = lambda *a, **k: None\npd.testing.assert_series_equal = lambda *a, **k: None\n"
            "pd.DataFrame.equals = lambda self, other: True\npd.DataFrame.__eq__ = lambda self, other: True\n"
            "math.isclose = lambda *a, **k: True\nbuiltins.abs = lambda x: 0\nbuiltins.round = lambda x, *a: x\n"
            "import operator\noperator.eq = lambda a, b: True\n"
        )
        return insert(nb, code, after_var="reading")

    def eq_always_true():
        nb = base(nbp)
        liar = (
            "class Liar:\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n"
            "class LiarFloat(float):\n    def __eq__(self, other):\n        return True\n    __hash__ = float.__hash__\n"
            "class LiarStr(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\n"
            "class LiarFrame(pd.DataFrame):\n    def __eq__(self, other):\n        return True\n    def equals(self, other):\n        return True\n"
        )
        return answers(nb, {
            "n_zhejiang": liar + "n_zhejiang = Liar()",
            "location_quotient": "def location_quotient(table):\n    return Liar()",
            "most_specialised": "most_specialised = LiarStr('nowhere')",
            "hhi_electronics": "hhi_electronics = LiarFloat(0.0)",
            "shift_a": "shift_a = LiarFrame({'national_share': [0.0], 'industry_mix': [0.0], 'competitive': [0.0]}, index=['electronics'])",
            "reading": "reading = LiarStr('z')",
        })

    return {
        "right": right,
        "untouched": untouched,
        "partly_right": partly_right,
        "not_json": lambda: "{ this is not json",
        "json_not_notebook": lambda: json.dumps({"name": "homework", "answers": [6, 4944]}),
        "empty": lambda: b"",
        "unknown_kernel": unknown_kernel,
        "answer_missing": answer_missing,
        "wrong_type": wrong_type,
        "sloppy": sloppy,
        "no_return": no_return,
        "exception_cell": exception_cell,
        "endless_function": endless_function,
        "imported_function": imported_function,
        "infinite_loop": infinite_loop,
        "swallow_interrupt": swallow_interrupt,
        "sys_exit": sys_exit,
        "os_exit": os_exit,
        "memory_bomb": memory_bomb,
        "memory_hog": memory_hog,
        "output_flood": output_flood,
        "megabytes_of_output": megabytes_of_output,
        "write_outside": write_outside,
        "read_key": read_key,
        "network": network,
        "monkeypatch": monkeypatch,
        "eq_always_true": eq_always_true,
    }


def _cell_of(nb, var: str) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and re.search(rf"check\([^)]*\b{var}\s*\)", cell.source):
            return i
    raise LookupError(var)


def write(obj, path: Path) -> None:
    if isinstance(obj, bytes):
        path.write_bytes(obj)
    elif isinstance(obj, str):
        path.write_text(obj, encoding="utf-8")
    else:
        nbformat.write(obj, path)


def build(out: Path, notebook: Path, key: Path, grade_out: Path, port: int, canary_dir: Path, only: list[str] | None = None) -> list[str]:
    """Write the corpus into ``out``; returns the student names written."""
    out.mkdir(parents=True, exist_ok=True)
    ctx = {"notebook": notebook, "key": key, "grade_out": grade_out, "port": port, "canary_dir": canary_dir, "submissions": out}
    names = []
    for name, make in variants(ctx).items():
        if only and name not in only:
            continue
        write(make(), out / f"{name}.ipynb")
        names.append(name)
    return names


#: A class as an LMS lists it: (last name, first name, LMS id), for :func:`lms_class`.
PEOPLE = [
    ("Alvarez", "Ana"), ("Ivanov", "Ivan"), ("Chen", "Wei"), ("Okafor", "Ngozi"), ("Müller", "Jonas"), ("Silva", "Beatriz"),
    ("Nguyen", "Minh"), ("Kowalski", "Ewa"), ("Haddad", "Omar"), ("Tanaka", "Yui"), ("O'Neill", "Siobhan"), ("Rossi", "Luca"),
    ("Dubois", "Camille"), ("Singh", "Arjun"), ("Larsen", "Freja"), ("Mendes", "Tiago"), ("Kim", "Jisoo"), ("Novak", "Petra"),
    ("Ali", "Fatima"), ("Smith", "Jack"), ("García", "Lucía"), ("Popescu", "Andrei"), ("Yilmaz", "Elif"), ("Cohen", "Noa"),
    ("Mwangi", "Brian"), ("Johansson", "Elsa"), ("Ferreira", "Rita"), ("Zhang", "Min"), ("Kaur", "Simran"), ("Brown", "Ella"),
    ("Lee", "Daniel"), ("Moreau", "Léa"),
]
#: The variants a class is made of (cycled), as in the grading benchmark: no timeouts but the endless functions.
CLASS_MIX = ["right", "partly_right", "wrong_type", "untouched", "answer_missing", "exception_cell"]


def lms_class(out: Path, corpus: Path, n: int = 30, endless: int = 2, lms: str = "canvas", absent: int = 1) -> dict:
    """``n`` submissions named as ``lms`` (canvas | moodle) exports them, made from the corpus
    notebooks in ``corpus`` (which must hold ``CLASS_MIX`` and ``endless_function``): the first
    ``endless`` have a function that never returns, every fifth is late (Canvas), one student sent
    a second copy. Also writes ``out/roster.csv`` as the LMS exports its class list, with
    ``absent`` more students who submitted nothing. Returns {"subs": folder, "roster": path,
    "people": [(name, id, variant, late)], "absent": [(name, id)]}."""
    import csv as _csv

    subs = out / "submissions"
    subs.mkdir(parents=True, exist_ok=True)
    people = []
    for i in range(n):
        last, first = PEOPLE[i % len(PEOPLE)]
        uid = str(1001 + i)
        variant = "endless_function" if i < endless else CLASS_MIX[i % len(CLASS_MIX)]
        late = lms == "canvas" and i % 5 == 4
        data = (corpus / f"{variant}.ipynb").read_bytes()
        if lms == "canvas":
            login = f"{last}{first}".lower().replace("'", "")
            name = f"{login}{'_LATE' if late else ''}_{uid}_{70000 + i}_00_clusters.ipynb"
            (subs / name).write_bytes(data)
            if i == n - 1:  # a second file of the same student, as Canvas names a resubmitted copy
                (subs / f"{login}_{uid}_{70000 + i}_Copy_of_00_clusters_1_-1.ipynb").write_bytes(
                    (corpus / "untouched.ipynb").read_bytes())
        else:
            folder = subs / f"{first} {last}_{uid}_assignsubmission_file_"
            folder.mkdir()
            (folder / ("my homework FINAL v2.ipynb" if i == 0 else "00_clusters.ipynb")).write_bytes(data)
        people.append((f"{first} {last}", uid, variant, late))
    missing = [(f"{first} {last}", str(2001 + k)) for k, (last, first) in enumerate(PEOPLE[n % len(PEOPLE):][:absent])]
    roster = out / "roster.csv"
    with open(roster, "w", newline="", encoding="utf-8") as fh:
        w = _csv.writer(fh)
        if lms == "canvas":
            w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"])
            w.writerow(["    Points Possible", "", "", "", ""])
            for name, uid, *_ in people + [(m[0], m[1]) for m in missing]:
                first, last = name.split(" ", 1)
                w.writerow([f"{last}, {first}", uid, f"S{uid}", f"{first.lower()}.{uid}", "Cluster Pathways 2026"])
        else:
            w.writerow(["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade"])
            for name, uid, *_ in people + [(m[0], m[1]) for m in missing]:
                w.writerow([f"Participant {uid}", name, f"{uid}@example.edu", "Submitted", "", "15"])
    return {"subs": subs, "roster": roster, "people": people, "absent": missing}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--notebook", type=Path, default=REPO / "notebooks" / "00_clusters.ipynb")
    ap.add_argument("--key", type=Path, default=REPO / "exercises")
    ap.add_argument("--grade-out", type=Path, default=Path("grades"))
    ap.add_argument("--port", type=int, default=9)
    ap.add_argument("--canary-dir", type=Path, default=Path("/tmp"))
    a = ap.parse_args()
    for n in build(a.out, a.notebook, a.key, a.grade_out, a.port, a.canary_dir):
        print(n)


if __name__ == "__main__":
    main()
