"""The shared timeline labels key events on the chart (issue 8); the full event stays on hover."""
import pandas as pd
import pytest

import clusterkit as ck

NAMES = ["00_zones_timeline", "01_yuhang_timeline", "02_liushi_timeline", "03_tsinghua_yrd_timeline", "04_keqiao_timeline",
         "05_zgc_timeline", "06_shenzhen_timeline"]


@pytest.mark.parametrize("name", NAMES)
def test_every_short_label_is_on_the_chart_and_hover_keeps_the_event(name):
    events = ck.data.load(name)
    fig = ck.figures.timeline(events, title="t", group="event_type" if "event_type" in events else None)
    texts = [t for tr in fig.data for t in tr.text if t]
    hovers = " ".join(h for tr in fig.data for h in tr.hovertext)
    for s, e in zip(events["short"], events["event"]):
        if isinstance(s, str) and s.strip():
            assert any(t.startswith(s + "<br>") for t in texts), s
            assert len(s) <= 22
        assert str(e).split()[0] in hovers
    assert all("text" in tr.mode for tr in fig.data) and all(tr.cliponaxis is False for tr in fig.data)


def test_labels_near_the_axis_ends_align_inwards_and_output_is_deterministic():
    events = pd.DataFrame({"date": ["2000", "2005", "2010"], "event": ["a long", "b long", "c long"],
                           "short": ["A", "", "C"]})
    fig = ck.figures.timeline(events, title="t")
    pos = list(fig.data[0].textposition)
    assert pos[0].endswith("right") and pos[2].endswith("left")
    assert list(fig.data[0].text) == ["A<br>2000", "", "C<br>2010"]
    assert fig.to_json() == ck.figures.timeline(events, title="t").to_json()


def test_without_a_short_column_the_timeline_is_hover_only():
    events = pd.DataFrame({"date": ["2000", "2005"], "event": ["a", "b"]})
    assert ck.figures.timeline(events, title="t").data[0].mode == "markers"


def test_long_row_names_wrap_so_the_chart_keeps_its_width():
    events = pd.DataFrame({"date": ["1990", "2000"], "event": ["a", "b"], "short": ["A", "B"],
                           "case": ["7 · Hangzhou High-tech Zone (Binjiang)", "1 · Yuhang"]})
    fig = ck.figures.timeline(events, title="T", group="case")
    names = list(fig.layout.yaxis.ticktext)
    assert names[1] == "1 · Yuhang"
    lines = names[0].split("<br>")
    assert len(lines) > 1 and all(len(line) <= ck.figures.shared.ROW_LABEL_CHARS for line in lines)
    assert " ".join(lines) == "7 · Hangzhou High-tech Zone (Binjiang)"
