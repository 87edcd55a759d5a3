"""How long a chapter is to read: prose words, section time estimates, the stated estimate.

A chapter states its estimated time in its opening box (``**Estimated time:** 90 minutes (35 reading,
15 with the explorer, 40 on the exercises)``) and on each numbered section heading
(``## 3. Measuring backward linkages (15 min)``). :func:`pacing` reads both from the notebook, and
counts the chapter's **prose**: the words of its Markdown cells, leaving out code blocks, directive
options, maths, HTML, links' targets and the optional "Going further" section (a heading whose text
starts with "Going further", up to the next heading of the same or a higher level).

Reading speed for a student new to a field reading technical prose is taken as 150–200 words per
minute (Brysbaert 2019, *J. Mem. Lang.* 109: 238 wpm for non-fiction silent reading, less for
unfamiliar technical material); ``make bench`` prints the counts and the words per stated minute.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

#: The time estimate a numbered section heading ends with: "(10 min)" or "(about 10 min)".
SECTION_TIME = re.compile(r"\((?:about |~)?(\d+)\s*min\)\s*$")
NUMBERED = re.compile(r"^##\s+(\d+)\.\s+(.*)$")
ESTIMATE = re.compile(r"\*\*Estimated time:\*\*\s*(?:about\s+)?(\d+)(?:[–-](\d+))?\s*minutes\s*\(([^)]*)\)")
READING = re.compile(r"(\d+)\s+reading")
GOING_FURTHER = re.compile(r"^(#{2,6})\s+(?:\d+\.\s+)?Going further", re.IGNORECASE)

_FENCE = re.compile(r"^(`{3,}|:{3,})\s*(\{[^}]*\})?")
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.DOTALL)
_ROLE = re.compile(r"\{[a-z:-]+\}`([^`]*)`")
_LINK = re.compile(r"\]\([^)]*\)")
_HTML = re.compile(r"<[^>]+>|<!--.*?-->", re.DOTALL)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.,%–-]*")
_HAN = re.compile(r"[\u3400-\u9fff]+")

#: Directives whose body is not prose (glued outputs, figures pasted in, tables of contents).
_NOT_PROSE = {"{glue}", "{glue:figure}", "{glue:any}", "{code-cell}", "{code-block}", "{code}", "{toctree}",
              "{tableofcontents}", "{bibliography}", "{math}"}


@dataclass
class Pacing:
    """A chapter's prose and its time estimates."""

    words: int
    going_further_words: int
    sections: dict[str, int | None] = field(default_factory=dict)  # numbered heading -> minutes
    total_minutes: tuple[int, int] | None = None  # the stated estimate (low, high)
    reading_minutes: int | None = None

    @property
    def words_per_reading_minute(self) -> float | None:
        return self.words / self.reading_minutes if self.reading_minutes else None


def _markdown(nb_path: Path) -> list[str]:
    nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "markdown"]


def words_of(markdown: str) -> int:
    """The prose words of Markdown text (code fences, directive options, maths and markup left out).

    A run of Chinese characters counts as one word (a name given with its pinyin and English)."""
    kept: list[str] = []
    stack: list[tuple[str, bool]] = []  # open fences: (marker, body is prose)
    for line in markdown.splitlines():
        stripped = line.strip()
        m = _FENCE.match(stripped)
        if stack and m and not m.group(2) and stripped == m.group(1) and m.group(1)[0] == stack[-1][0][0] \
                and len(m.group(1)) >= len(stack[-1][0]):
            stack.pop()  # a bare fence closes the innermost open one of its kind
            continue
        if m and (m.group(2) or m.group(1).startswith("`")):
            directive = m.group(2)
            prose = directive is not None and directive not in _NOT_PROSE  # plain ``` is code
            stack.append((m.group(1), prose and all(p for _, p in stack)))
            title = stripped[m.end():].strip()
            if stack[-1][1] and title:
                kept.append(title)
            continue
        if (stack and not stack[-1][1]) or re.match(r"^:[a-z-]+:", stripped):
            continue
        kept.append(line)
    text = "\n".join(kept)
    text = _MATH.sub(" ", _HTML.sub(" ", text))
    text = _ROLE.sub(r" \1 ", text)
    text = _LINK.sub("]", text)
    text = re.sub(r"`[^`]*`", " code ", text)
    return len(_WORD.findall(text)) + len(_HAN.findall(text))


def pacing(nb_path: Path) -> Pacing:
    """The prose word count and the time estimates of one chapter notebook."""
    prose: list[str] = []
    further: list[str] = []
    sections: dict[str, int | None] = {}
    total = reading = None
    in_further: int | None = None  # heading level of the "Going further" section we are in
    for cell in _markdown(nb_path):
        if total is None and (m := ESTIMATE.search(cell)):
            low = int(m.group(1))
            total = (low, int(m.group(2) or low))
            r = READING.search(m.group(3))
            reading = int(r.group(1)) if r else None
        for line in cell.splitlines():
            heading = re.match(r"^(#{1,6})\s", line)
            if heading:
                level = len(heading.group(1))
                if in_further is not None and level <= in_further:
                    in_further = None
                if g := GOING_FURTHER.match(line):
                    in_further = len(g.group(1))
                if (n := NUMBERED.match(line)) and in_further is None:
                    t = SECTION_TIME.search(n.group(2))
                    sections[line] = int(t.group(1)) if t else None
            (further if in_further is not None else prose).append(line)
        prose.append("")
    return Pacing(words_of("\n".join(prose)), words_of("\n".join(further)), sections, total, reading)


def chapters(root: Path) -> dict[str, Pacing]:
    """Every chapter notebook under ``root/notebooks``, by file stem."""
    return {p.stem: pacing(p) for p in sorted((Path(root) / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
