"""The chapter word counter and time estimates of clusterkit.pacing (issue 8, pacing)."""
from __future__ import annotations

import json
from pathlib import Path

from clusterkit import pacing

ROOT = Path(__file__).resolve().parents[1]


def test_words_leave_out_code_options_maths_and_markup():
    text = ("Two words `code` $x+y$ <b>bold</b>\n```python\nthese are not counted\n```\n"
            ":::{note} A title\n:class: tip\nbody words\n```\nnor these\n```\n:::\n"
            "```{glue} hook\n```\n余杭 [link](https://example.org/a-b-c)")
    # Two words | code | bold | A title | body words | 余杭 | link
    assert pacing.words_of(text) == 2 + 1 + 1 + 2 + 2 + 1 + 1


def test_going_further_is_counted_apart_and_sections_read_their_minutes(tmp_path):
    cells = ["# Chapter 9 — T\n\n**Estimated time:** 60–70 minutes (about 20 reading, 40 on the exercises).",
             "## 1. First idea (10 min)\n\none two three", "## 2. Second idea\n\nfour five",
             "## Going further: networks\n\nsix seven eight nine\n### 1. Inner (5 min)\n\nten",
             "## Summary\n\neleven"]
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": c} for c in cells],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "09_x.ipynb"
    path.write_text(json.dumps(nb))
    p = pacing.pacing(path)
    assert p.total_minutes == (60, 70) and p.reading_minutes == 20
    assert p.sections == {"## 1. First idea (10 min)": 10, "## 2. Second idea": None}
    # "Going further: networks" + "six seven eight nine" + "1. Inner (5 min)" (numbers are words) + "ten"
    assert p.going_further_words == 3 + 4 + 4 + 1
    assert p.words > p.going_further_words


def test_every_chapter_states_its_estimate_and_reading_time():
    found = pacing.chapters(ROOT)
    assert len(found) >= 4
    for name, p in found.items():
        assert p.total_minutes and p.reading_minutes, name
        assert p.sections, name


#: Reading speed a newcomer to the field can keep up on technical prose (clusterkit.pacing's docstring).
WORDS_PER_MINUTE = 180


def test_every_numbered_section_states_minutes_that_fit_the_chapter_estimate():
    for name, p in pacing.chapters(ROOT).items():
        missing = [h for h, m in p.sections.items() if m is None]
        assert not missing, f"{name}: headings without a time estimate: {missing}"
        low, high = p.total_minutes
        total = sum(p.sections.values())
        # The sections are the chapter, less its closing self-check and summary (a few minutes).
        assert low - 15 <= total <= high, f"{name}: sections add up to {total} min, the chapter says {low}–{high}"


def test_stated_reading_time_covers_the_prose():
    for name, p in pacing.chapters(ROOT).items():
        needed = p.words / WORDS_PER_MINUTE
        assert p.reading_minutes >= needed, (
            f"{name}: {p.words} words take {needed:.0f} min at {WORDS_PER_MINUTE} words a minute; "
            f"the chapter says {p.reading_minutes} min of reading")


def test_no_chapter_is_longer_than_a_sitting():
    # Issue 8: Chapter 2 (about 7,000 words) was cut to about 4,500; no chapter's core goes past 4,800 words.
    long = {name: p.words for name, p in pacing.chapters(ROOT).items() if p.words >= 4800}
    assert not long, f"prose words outside 'Going further' (limit 4,800): {long}"
