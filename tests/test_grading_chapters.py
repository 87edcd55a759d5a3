"""Each pathway chapter's key through the real grader, as an instructor runs it (issue 9): the chapter
notebook answered with the key's reference answers earns every point that is graded automatically
(written answers go to the instructor), and the notebook as a student first gets it, placeholders
and all, earns none. One `clusterkit grade` run per chapter, both notebooks in it.

The reference answers are put into the answer cells the way a student writes them: a value as a
literal (rebuilt from the key's plain data), a function as the key's own source under the name the
exercise asks for. Nothing here is copied from the grader's output.
"""
from __future__ import annotations

import csv
import inspect
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from clusterkit.grading import spec as specs

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = [4, 5, 6]
LIMITS = ["--cell-timeout", "60", "--run-timeout", "400"]


def _notebook(number: int) -> Path:
    found = sorted((REPO / "notebooks").glob(f"{number:02d}_*.ipynb"))
    assert len(found) == 1, found
    return found[0]


#: Functions whose key calls what students may not (the course's own implementation): written as a
#: student would, by hand.
BY_HAND = {
    "5.3": (  # bass_new_firms
        "def bass_new_firms(p, q, m, years):\n"
        "    new, before = [], 0.0\n"
        "    for _ in range(int(years)):\n"
        "        n = (p + q * before / m) * (m - before)\n"
        "        new.append(n)\n"
        "        before += n\n"
        "    return np.array(new, dtype=float)\n"
    ),
}


def _answer(ex: specs.Exercise) -> str:
    """Python a student could have typed to give the reference answer to ``ex``."""
    if isinstance(ex, specs.Function):
        fn = ex.reference_function
        source = BY_HAND.get(ex.id) or textwrap.dedent(inspect.getsource(fn))
        calls = [name for name in ex.forbidden if re.search(rf"\b{re.escape(name)}\(", source.split(":", 1)[1])]
        assert not calls, f"{ex.id}: the key calls {calls}, which students may not: write it in BY_HAND"
        source = re.sub(rf"^def {fn.__name__}\(", f"def {ex.variable}(", source, count=1, flags=re.M)
        return "import math\nimport numpy as np\nimport pandas as pd\n\n" + source
    plain = json.dumps(ex.reference())
    return ("import json as _json\nfrom clusterkit.grading.plain import from_plain as _from_plain\n"
            f"{ex.variable} = _from_plain(_json.loads({plain!r}))")


def _answered(number: int, chapter: specs.Chapter) -> nbformat.NotebookNode:
    nb = nbformat.read(_notebook(number), as_version=4)
    for ex in chapter.exercises:
        cells = [c for c in nb.cells if c.cell_type == "code" and f'check("{ex.id}"' in c.source]
        assert len(cells) == 1, f"{ex.id}: {len(cells)} answer cells"
        cells[0].source = _answer(ex) + f'\n\ncheck("{ex.id}", {ex.variable})\n'
    return nb


@pytest.fixture(scope="module", params=CHAPTERS, ids=[f"chapter {n}" for n in CHAPTERS])
def graded(request, tmp_path_factory):
    number = request.param
    key = sorted((REPO / "exercises").glob(f"{number:02d}_*.py"))
    assert len(key) == 1, key
    chapter = specs.load_chapter(key[0])
    subs = tmp_path_factory.mktemp(f"ch{number}") / "submissions"
    subs.mkdir()
    nbformat.write(_answered(number, chapter), subs / "reference.ipynb")
    nbformat.write(nbformat.read(_notebook(number), as_version=4), subs / "placeholders.ipynb")
    out = subs.parent / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "clusterkit", "grade", str(subs), "--chapter", str(number), "--out", str(out),
         "--jobs", "2", "-q", *LIMITS],
        capture_output=True, text=True, timeout=1200, cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as fh:
        rows = {row["student"]: row for row in csv.DictReader(fh)}
    return chapter, rows, out


def test_reference_answers_earn_every_automatic_point(graded):
    chapter, rows, out = graded
    row = rows["reference"]
    auto = [ex for ex in chapter.exercises if not ex.manual]
    lost = {ex.id: row[ex.id] for ex in auto if float(row[ex.id] or 0) != pytest.approx(ex.points)}
    feedback = "\n".join(p.read_text(encoding="utf-8")[:2000] for p in (out / "feedback").glob("reference*"))
    assert lost == {}, f"reference answers lost points: {lost}\n{feedback}"
    assert float(row["total"]) == pytest.approx(sum(ex.points for ex in auto))
    assert set(filter(None, row["manual"].split(";"))) == {ex.id for ex in chapter.exercises if ex.manual}


def test_the_notebook_as_given_earns_nothing(graded):
    chapter, rows, _ = graded
    row = rows["placeholders"]
    assert float(row["total"]) == 0
    assert all(not row[ex.id] or float(row[ex.id]) == 0 for ex in chapter.exercises)
    assert row["manual"] == ""  # a blank written answer is not sent to the instructor
