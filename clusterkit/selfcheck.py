"""Ungraded self-check questions, answered in the page: no kernel, no other host.

    ck.selfcheck.choice(
        "Why does ...?",
        options={"Because A.": "Right: A ... (why)", "Because B.": "No: B ... (why not)"},
        correct="Because A.",
    )
    ck.selfcheck.number("What is ...?", answer=2.13, tolerance=0.01, unit="",
                        right="Yes: ...", wrong="Not quite: ...")

Each call returns a :class:`Question`, which Jupyter shows as HTML: a form (fieldset and legend,
radio buttons or a labelled text box, a *Check* button, a live feedback region) and a small
script. The same output works on the static book page, in JupyterLab, Binder and Colab: the
script is inline and self-contained (a Colab output is its own frame, so every question carries
it; a page runs it once). In the book, chapters call these from a cell tagged ``remove-input``.

The answers and feedback are in the page's HTML: these questions are for the reader's own
practice and count for nothing. Graded exercises go through ``check()`` instead.
"""
from __future__ import annotations

import hashlib
import html
import itertools
import math
import re
from typing import Mapping

from .display import mode

__all__ = ["Question", "SelfCheckError", "choice", "number"]

_counter = itertools.count(1)
_ID = "\x00id\x00"  # where the question's id goes in its body

#: The script every question carries; the page runs it once (``window.ckSelfCheck``).
SCRIPT = r"""(function(){if(window.ckSelfCheck)return;window.ckSelfCheck=1;
function num(s){s=s.replace(/[\s\u00a0%]/g,"");if(/^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(s))s=s.replace(/,/g,"");
else s=s.replace(",",".");return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)?parseFloat(s):NaN}
document.addEventListener("change",function(e){var f=e.target.closest&&e.target.closest("form.ck-sc");
if(f){var o=f.querySelector(".ck-sc-feedback");o.className="ck-sc-feedback";o.textContent=""}},true);
document.addEventListener("submit",function(e){var f=e.target;if(!f.classList||!f.classList.contains("ck-sc"))return;
e.preventDefault();var o=f.querySelector(".ck-sc-feedback"),ok=null,m;
if(f.dataset.kind==="choice"){var r=f.querySelector("input[type=radio]:checked");
if(!r)m="Choose an answer first.";else{ok=r.dataset.right==="1";m=document.getElementById(r.id+"-fb").innerHTML}}
else{var x=num(f.querySelector("input").value);if(isNaN(x))m="Type a number first.";
else{var a=parseFloat(f.dataset.answer),t=parseFloat(f.dataset.tolerance)*(1+1e-9)+1e-12;ok=Math.abs(x-a)<=t;
m=f.querySelector(ok?".ck-sc-right":".ck-sc-wrong").innerHTML;
if(!ok&&a!==0&&Math.abs(x/100-a)<=t)m="Check the scale: the answer is a share between 0 and 1, not a percentage (73 % is 0.73).";
else if(!ok&&a!==0&&Math.abs(x*100-a)<=t)m="Check the scale: the answer is a percentage, not a share between 0 and 1 (0.73 is 73 %)."}}
o.className="ck-sc-feedback"+(ok===null?"":ok?" ck-sc-ok":" ck-sc-no");
o.innerHTML=(ok===null?"":ok?"<strong>\u2714 Right.</strong> ":"<strong>\u2718 Not quite.</strong> ")+m})})();"""

#: Styles for a live notebook (JupyterLab, Colab). The book styles the same classes in
#: ``_static/course.css`` (with its dark theme), so the book's pages do not carry this.
LIVE_CSS = """.ck-sc{margin:1em 0;max-width:44em;font-family:inherit}
.ck-sc fieldset{border:1px solid #8a8a8a;border-radius:6px;padding:.6em .9em .8em;margin:0;min-width:0}
.ck-sc legend{padding:0 .3em}
.ck-sc .ck-sc-tag{font-weight:700}
.ck-sc .ck-sc-option{display:flex;gap:.5em;align-items:flex-start;margin:.35em 0;cursor:pointer}
.ck-sc .ck-sc-option input{margin-top:.25em;flex:none}
.ck-sc button{margin-top:.5em;padding:.35em 1.1em;min-height:2.4em;border:1px solid #005a8c;border-radius:4px;
background:#005a8c;color:#fff;font:inherit;cursor:pointer}
.ck-sc input:focus-visible,.ck-sc button:focus-visible{outline:3px solid #d55e00;outline-offset:2px}
.ck-sc .ck-sc-feedback:not(:empty){margin-top:.6em;padding:.5em .8em;border-left:4px solid #555;background:#f2f2f2;color:#1a1a1a}
.ck-sc .ck-sc-feedback.ck-sc-ok{border-left-color:#1e7e34;background:#e6f4ea;color:#0f4d22}
.ck-sc .ck-sc-feedback.ck-sc-no{border-left-color:#b42318;background:#fbeaea;color:#7a1610}"""


class SelfCheckError(ValueError):
    """A self-check question is set up wrongly (a mistake of the chapter's author)."""


def _inline(text: str) -> str:
    """Escape ``text`` for HTML, then turn `code` spans into ``<code>`` and *stars* into ``<em>``."""
    escaped = html.escape(text, quote=True)
    parts = re.split(r"(`[^`]+`)", escaped)
    return "".join(
        f"<code>{part[1:-1]}</code>" if part.startswith("`") and part.endswith("`") and len(part) > 1
        else re.sub(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", r"<em>\1</em>", part)
        for part in parts
    )


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SelfCheckError(f"{what} must be a non-empty string, not {value!r}")
    return value.strip()


#: A verdict an author may start feedback with; the page prints its own ("✔ Right." / "✘ Not quite."),
#: so a second one is dropped (otherwise the reader sees "✔ Right. Right. ...").
_VERDICT = re.compile(r"^(?:right|yes|correct|exactly|indeed|no|not quite|wrong|not so)\s*[.:!,;—–-]+\s*", re.I)


def _without_verdict(feedback: str) -> str:
    """``feedback`` without a leading verdict word ("Right: ...", "No, ..."), capitalised again."""
    rest = _VERDICT.sub("", feedback, count=1)
    if not rest:
        return feedback
    return rest[0].upper() + rest[1:] if rest != feedback else feedback


def _new_id(question: str) -> str:
    """An id unique on the page: a running number in this kernel, plus a digest of the question
    (so that outputs left over from before a kernel restart do not collide)."""
    digest = hashlib.sha1(question.encode("utf-8")).hexdigest()[:6]
    return f"ck-sc-{digest}-{next(_counter)}"


class Question:
    """One self-check question; Jupyter and the book display it as HTML."""

    def __init__(self, kind: str, question: str, body: str, plain: str, attrs: str = "") -> None:
        self.kind = kind
        self.question = question
        self.id = _new_id(question)
        self._body = body
        self._plain = plain
        self._attrs = attrs

    @property
    def html(self) -> str:
        """The question's HTML: the form and its script (and, outside the book, its styles)."""
        qid = self.id
        body = self._body.replace(_ID, qid)
        style = "" if mode() == "book" else f"<style>{LIVE_CSS}</style>"
        return (
            f'{style}<form class="ck-sc" id="{qid}" data-kind="{self.kind}"{self._attrs} novalidate>'
            f'<fieldset><legend id="{qid}-q"><span class="ck-sc-tag">Self-check.</span> {_inline(self.question)}</legend>'
            f"{body}"
            f'<button type="submit" class="ck-sc-check">Check</button>'
            f'<div class="ck-sc-feedback" id="{qid}-out" role="status" aria-live="polite"></div>'
            f"</fieldset></form><script>{SCRIPT}</script>"
        )

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:  # a plain-text front end shows the question, not the answer
        return self._plain


def _shuffled(question: str, texts: list[str]) -> list[str]:
    """The options in an order fixed by their text (the same on every build), not the author's:
    authors tend to write the right option first, and readers learn to click the top one."""
    def key(text: str) -> str:
        return hashlib.sha256(f"{question}\x00{text}".encode("utf-8")).hexdigest()

    return sorted(texts, key=key)


def choice(question: str, options: Mapping[str, str], correct: str, shuffle: bool = True) -> Question:
    """A multiple-choice question with one right option.

    ``options`` maps each option's text to the feedback shown when the reader checks that
    option: say *why* it is right or wrong. ``correct`` is the text of the right option.
    Texts are plain: `backticks` mark code and *stars* emphasis; anything else is escaped.
    The options are shown in an order of their own, the same on every build (``shuffle=False``
    keeps the given order, for options that are a scale: "less than 10", "10 to 20", ...).
    """
    question = _text(question, "the question")
    if not isinstance(options, Mapping):
        raise SelfCheckError("options must be a dict {option text: feedback for that option}")
    if len(options) < 2:
        raise SelfCheckError(f"a choice needs at least two options, got {len(options)}")
    cleaned: dict[str, str] = {}
    for text, feedback in options.items():
        key = _text(text, "an option")
        if key in cleaned:
            raise SelfCheckError(f"the option {key!r} is given twice")
        cleaned[key] = _without_verdict(_text(feedback, f"the feedback for option {key!r}"))
    if not isinstance(correct, str) or correct.strip() not in cleaned:
        raise SelfCheckError(
            f"correct={correct!r} is not one of the options: " + "; ".join(repr(k) for k in cleaned)
        )
    correct = correct.strip()
    rows, plain = [], [f"Self-check: {question}"]
    order = _shuffled(question, list(cleaned)) if shuffle else list(cleaned)
    for k, (text, feedback) in enumerate((t, cleaned[t]) for t in order):
        oid = f"{_ID}-{k}"
        right = "1" if text == correct else "0"
        rows.append(
            f'<label class="ck-sc-option" for="{oid}"><input type="radio" name="{_ID}" id="{oid}" '
            f'value="{k}" data-right="{right}"><span>{_inline(text)}</span></label>'
            f'<div hidden id="{oid}-fb">{_inline(feedback)}</div>'
        )
        plain.append(f"  ( ) {text}")
    return Question("choice", question, "".join(rows), "\n".join(plain))


def number(
    question: str,
    answer: float,
    tolerance: float = 0.0,
    right: str = "",
    wrong: str = "",
    unit: str = "",
) -> Question:
    """A question answered with a number, right within ``tolerance`` of ``answer``.

    ``right`` is shown for an answer in range, ``wrong`` for any other (explain how to get it).
    ``unit`` is printed after the box (e.g. ``"%"`` or ``"thousand jobs"``).
    """
    question = _text(question, "the question")
    if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
        raise SelfCheckError(f"answer must be a finite number, not {answer!r}")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not tolerance >= 0 \
            or not math.isfinite(tolerance):
        raise SelfCheckError(f"tolerance must be a number >= 0, not {tolerance!r}")
    right = _without_verdict(_text(right, "right (the feedback for a right answer)"))
    wrong = _without_verdict(_text(wrong, "wrong (the feedback for a wrong answer)"))
    if not isinstance(unit, str):
        raise SelfCheckError(f"unit must be a string, not {unit!r}")
    unit_html = f' <span class="ck-sc-unit">{_inline(unit)}</span>' if unit.strip() else ""
    body = (
        f'<div class="ck-sc-number"><label for="{_ID}-in">Your answer</label> '
        f'<input type="text" inputmode="decimal" autocomplete="off" id="{_ID}-in" name="{_ID}" size="10" '
        f'aria-describedby="{_ID}-q">{unit_html}</div>'
        f'<div hidden class="ck-sc-right">{_inline(right)}</div>'
        f'<div hidden class="ck-sc-wrong">{_inline(wrong)}</div>'
    )
    attrs = f' data-answer="{float(answer)!r}" data-tolerance="{float(tolerance)!r}"'
    plain = f"Self-check: {question} (a number{', in ' + unit if unit.strip() else ''})"
    return Question("number", question, body, plain, attrs)
