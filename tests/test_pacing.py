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
