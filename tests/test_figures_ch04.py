"""Chapter 4's figures: the Keqiao timeline labels its key events; the turnover chart keeps its bases apart."""
from __future__ import annotations

import pytest

import clusterkit as ck
from clusterkit.figures import ch04
from clusterkit.models import value_chain as vc


def test_keqiao_timeline_labels_every_short_event_and_keeps_the_event_on_hover():
    events = ck.data.load("04_keqiao_timeline")
    fig = ch04.case_timeline(events, title="t")
    texts = [t for tr in fig.data for t in tr.text if t]
    hovers = " ".join(h for tr in fig.data for h in tr.hovertext)
    for s, e in zip(events["short"], events["event"]):
        if isinstance(s, str) and s.strip():
            assert len(s) <= 22 and any(t.startswith(s + "<br>") for t in texts), s
        assert str(e).split()[0] in hovers
    assert {tr.name for tr in fig.data} <= set(ch04.STRANDS.values())


def test_turnover_chart_has_one_trace_per_basis_and_period_and_no_daily_or_dollar_rows():
    figures = ck.data.load("04_keqiao_figures")
    fig = ch04.turnover_by_basis(figures, title="t")
    rows = ch04.turnover_rows(figures)
    assert set(rows["unit"]) == {"100m yuan"} and "day" not in set(rows["period"].astype(str))
    assert sum(len(tr.y) for tr in fig.data) == len(rows)
    names = [tr.name for tr in fig.data]
    assert len(names) == len(set(names)) >= 4  # the bases are never joined into one trace
    for tr in fig.data:
        part_year = tr.name.split(", ")[-1] != "whole year"
        assert tr.marker.symbol.endswith("-open") == part_year
    assert fig.layout.yaxis.type == "log" and "100m yuan" in fig.layout.yaxis.title.text
    lower_bounds = [t for tr in fig.data for t in tr.text if t.startswith("> ")]
    assert len(lower_bounds) == (rows["qualifier"].astype(str) == "more_than").sum()


def test_doubtful_rows_are_drawn_only_when_asked_for_and_say_so():
    with_low = ck.data.load("04_keqiao_figures", include_low=True)
    fig = ch04.turnover_by_basis(with_low, title="t")
    hovers = [h for tr in fig.data for h in tr.hovertext if "LOW CONFIDENCE" in h]
    assert len(hovers) == (ch04.turnover_rows(with_low)["confidence"].astype(str) == "low").sum() == 2


def test_chain_profile_splits_each_link_into_local_and_outside():
    chain = vc.load_chain()
    fig = ch04.chain_profile(chain, title="t")
    done, outside = fig.data
    totals = [a + b for a, b in zip(done.y, outside.y)]
    assert totals == pytest.approx(list(10 * chain.value_per_unit), abs=0.02)
    assert sum(bool(t) for t in outside.text) == len(chain.missing)
