"""The self-check questions' HTML builder (clusterkit.selfcheck) and the book's output stripping."""
from __future__ import annotations

import importlib.util
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from clusterkit import selfcheck
from clusterkit.selfcheck import SelfCheckError

ROOT = Path(__file__).resolve().parents[1]
OPTIONS = {"Because of A.": "Right: A is why.", "Because of B.": "No: B is not why."}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(markup: str) -> _Tags:
    p = _Tags()
    p.feed(markup)
    return p


def test_choice_is_an_accessible_form():
    q = selfcheck.choice("Why?", OPTIONS, correct="Because of A.")
    tags = parse(q.html).tags
    names = [t for t, _ in tags]
    for needed in ("form", "fieldset", "legend", "button", "script"):
        assert needed in names
    radios = [a for t, a in tags if t == "input" and a.get("type") == "radio"]
    assert len(radios) == 2 and len({r["name"] for r in radios}) == 1
    labels = {a["for"] for t, a in tags if t == "label"}
    assert {r["id"] for r in radios} <= labels  # every radio has its label
    assert sorted(r["data-right"] for r in radios) == ["0", "1"]
    live = [a for t, a in tags if a.get("aria-live")]
    assert live and live[0]["role"] == "status"
    button = next(a for t, a in tags if t == "button")
    assert button["type"] == "submit"
    # every option's feedback is in the page, hidden until checked
    fb = {a["id"] for t, a in tags if "hidden" in a}
    assert {r["id"] + "-fb" for r in radios} <= fb
    assert ">A is why.</div>" in q.html and ">B is not why.</div>" in q.html  # the verdict is the script's


def _right_position(q) -> int:
    radios = [a for t, a in parse(q.html).tags if t == "input" and a.get("type") == "radio"]
    return [r["data-right"] for r in radios].index("1")


def test_options_are_shown_in_an_order_of_their_own_the_same_on_every_build():
    # Authors write the right option first; the page must not teach readers to click the top one.
    options = {f"Option {c}.": f"Feedback {c}." for c in "ABCD"}
    positions = [_right_position(selfcheck.choice(f"Question {k}?", options, correct="Option A."))
                 for k in range(40)]
    assert 4 <= positions.count(0) <= 20 and len(set(positions)) == 4
    again = [_right_position(selfcheck.choice(f"Question {k}?", options, correct="Option A.")) for k in range(40)]
    assert again == positions
    kept = selfcheck.choice("Question 1?", options, correct="Option A.", shuffle=False)
    assert _right_position(kept) == 0
    texts = re.findall(r"<span>(Option .)\.</span>", kept.html)
    assert texts == ["Option A", "Option B", "Option C", "Option D"]


def test_number_has_a_labelled_box_and_its_answer():
    q = selfcheck.number("How many?", answer=2.5, tolerance=0.05, right="Yes.", wrong="No.", unit="% a year")
    tags = parse(q.html).tags
    form = next(a for t, a in tags if t == "form")
    assert form["data-kind"] == "number" and float(form["data-answer"]) == 2.5
    assert float(form["data-tolerance"]) == 0.05
    box = next(a for t, a in tags if t == "input")
    assert box["inputmode"] == "decimal"
    assert any(t == "label" and a["for"] == box["id"] for t, a in tags)
    assert "% a year" in q.html


def test_question_and_options_are_escaped():
    evil = '<script>alert("x")</script> & "quotes"'
    q = selfcheck.choice(evil, {evil: evil, "B": "b"}, correct="B")
    assert "<script>alert" not in q.html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;" in q.html
    assert q.html.count("<script>") == 1  # only the course's own script
    n = selfcheck.number(evil, 1, right=evil, wrong=evil, unit=evil)
    assert "<script>alert" not in n.html


def test_backticks_become_code():
    q = selfcheck.choice("What does `table_2015` hold?", {"a `b`": "c", "d": "e"}, correct="d")
    assert "<code>table_2015</code>" in q.html and "<code>b</code>" in q.html


def test_ids_are_unique_on_a_page():
    page = "".join(selfcheck.choice("Same question?", OPTIONS, correct="Because of A.").html for _ in range(5))
    page += "".join(selfcheck.number("Same question?", 1, right="y", wrong="n").html for _ in range(3))
    ids = [a["id"] for _, a in parse(page).tags if "id" in a]
    assert len(ids) == len(set(ids))
    names = [a["name"] for t, a in parse(page).tags if t == "input"]
    assert len(set(names)) == 8  # one radio group or box per question


@pytest.mark.parametrize("kwargs, message", [
    (dict(options=OPTIONS, correct="Because of C."), "is not one of the options"),
    (dict(options={"only": "one"}, correct="only"), "at least two options"),
    (dict(options=["a", "b"], correct="a"), "options must be a dict"),
    (dict(options={"a": "", "b": "fine"}, correct="a"), "feedback for option 'a'"),
    (dict(options={"a": "x", "a ": "y"}, correct="a"), "given twice"),
    (dict(options={"": "x", "b": "y"}, correct="b"), "an option must be a non-empty string"),
])
def test_choice_refuses_bad_arguments(kwargs, message):
    with pytest.raises(SelfCheckError, match=re.escape(message)):
        selfcheck.choice("Why?", **kwargs)


def test_choice_needs_a_question():
    with pytest.raises(SelfCheckError, match="the question"):
        selfcheck.choice("  ", OPTIONS, correct="Because of A.")


@pytest.mark.parametrize("kwargs, message", [
    (dict(answer=float("nan")), "answer must be a finite number"),
    (dict(answer="3"), "answer must be a finite number"),
    (dict(answer=True), "answer must be a finite number"),
    (dict(answer=3, tolerance=-1), "tolerance must be a number >= 0"),
    (dict(answer=3, right=""), "right"),
    (dict(answer=3, wrong=None), "wrong"),
    (dict(answer=3, unit=5), "unit must be a string"),
])
def test_number_refuses_bad_arguments(kwargs, message):
    args = dict(right="yes", wrong="no") | kwargs
    with pytest.raises(SelfCheckError, match=re.escape(message)):
        selfcheck.number("How many?", **args)


def test_numpy_answers_are_accepted():
    import numpy as np

    q = selfcheck.number("How many?", answer=np.float64(2.0) * 1.5, right="y", wrong="n")
    assert 'data-answer="3.0"' in q.html


def test_styles_only_outside_the_book(monkeypatch):
    monkeypatch.setenv("CLUSTERKIT_BOOK", "1")
    assert "<style>" not in selfcheck.choice("Q?", OPTIONS, correct="Because of A.").html
    monkeypatch.delenv("CLUSTERKIT_BOOK")
    assert "<style>" in selfcheck.choice("Q?", OPTIONS, correct="Because of A.").html


def test_plain_text_repr_does_not_give_the_answer_away():
    q = selfcheck.choice("Why?", OPTIONS, correct="Because of A.")
    assert "Why?" in repr(q) and "Right: A is why." not in repr(q)


def test_book_css_styles_the_self_checks():
    css = (ROOT / "_static" / "course.css").read_text()
    for selector in ("form.ck-sc", ".ck-sc-feedback.ck-sc-ok", ".ck-sc-feedback.ck-sc-no", ":focus-visible",
                     'html[data-theme="dark"] form.ck-sc'):
        assert selector in css


# --- the book's stripping of check() outputs (book/_ext/web_outputs.py) ---

def _web_outputs():
    spec = importlib.util.spec_from_file_location("web_outputs", ROOT / "book" / "_ext" / "web_outputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("source, calls", [
    ('check("0.1", n)', True),
    ('x = 1\nck.check_all("0")', True),
    ('clusterkit.check ("1.2", y)', True),
    ('# check("0.1", n) once you have an answer\nprint(1)', False),
    ("recheck(x)", False),
    ("my.check(x)", False),
    ("checked = 1", False),
])
def test_which_cells_call_check(source, calls):
    assert _web_outputs().calls_check(source) is calls


def test_only_check_cells_lose_their_outputs():
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": 'Call `check("0.1", x)`.'},
        {"cell_type": "code", "metadata": {}, "source": ["x = ...\n", 'check("0.1", x)']},
        {"cell_type": "code", "metadata": {"tags": ["hide-input"]}, "source": "ck.show(fig)"},
        {"cell_type": "code", "metadata": {"tags": ["remove-output"]}, "source": 'check("0.2", y)'},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    out = json.loads(_web_outputs().tag_check_cells(json.dumps(nb)))
    tags = [c["metadata"].get("tags", []) for c in out["cells"]]
    assert tags == [[], ["remove-output"], ["hide-input"], ["remove-output"]]


def test_committed_notebooks_keep_their_check_calls_untagged():
    """The stripping happens in the build only: the notebooks students run are unchanged."""
    import nbformat

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        checks = [c for c in nb.cells if c.cell_type == "code" and _web_outputs().calls_check(c.source)]
        assert len(checks) >= 6, path.name
        assert any("check_all(" in c.source for c in checks), path.name
        for cell in checks:
            assert "remove-output" not in cell.metadata.get("tags", []), (path.name, cell.source)


def test_stars_become_emphasis_but_not_inside_code_or_products():
    q = selfcheck.choice("Which is *external*?", {"4 × 25² and 2 * 3 * 4": "`a*b*c`", "b": "c"}, correct="b")
    assert "<em>external</em>" in q.html
    assert "2 * 3 * 4" in q.html and "<code>a*b*c</code>" in q.html


@pytest.mark.parametrize("written, shown", [
    ("Right. The share falls.", "The share falls."),
    ("Right: the share falls.", "The share falls."),
    ("Yes, because A.", "Because A."),
    ("No — B is the national part.", "B is the national part."),
    ("Not quite: divide first.", "Divide first."),
    ("No subsidy is involved.", "No subsidy is involved."),  # "No" as a word of the sentence stays
    ("Rightly or not, it grew.", "Rightly or not, it grew."),
])
def test_the_page_prints_the_verdict_once(written, shown):
    """The script prefixes "✔ Right." or "✘ Not quite."; an author's own leading verdict is dropped."""
    q = selfcheck.choice("Which?", {"A.": written, "B.": "Other."}, correct="A.")
    assert f">{shown}</div>" in q.html
    n = selfcheck.number("How many?", answer=1.0, right=written, wrong="Not quite: add them.")
    assert f'class="ck-sc-right">{shown}</div>' in n.html and 'class="ck-sc-wrong">Add them.</div>' in n.html
