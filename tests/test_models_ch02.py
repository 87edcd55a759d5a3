"""Chapter 2: consolidation under licensing, spillovers on a collaboration network, the explorer, the data."""
from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from clusterkit import data, metrics
from clusterkit.explorers import ch02
from clusterkit.models import licensing as li

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def town():
    return li.load_firms()


def line_of_firms(quality, output, spacing=1.0):
    n = len(quality)
    xy = np.column_stack([np.arange(n) * spacing, np.zeros(n)])
    return li.Firms(np.asarray(quality, float), np.asarray(output, float), xy)


# -- consolidation -------------------------------------------------------------------------
def test_hhi_of_a_monopoly_and_of_equal_firms():
    assert metrics.hhi([42.0]) == pytest.approx(10_000)
    assert metrics.hhi([5.0] * 4) == pytest.approx(2_500)


def test_one_licensed_firm_absorbing_everyone_is_a_monopoly():
    firms = line_of_firms([90, 80, 75, 70, 85], [10, 1, 2, 3, 4])
    c = li.consolidate(firms, stringency=88, absorb_gap=30, enforcement=1.0, years=3)
    assert list(c.independent) == [5, 1, 1, 1]
    assert c.hhi[0] == pytest.approx(metrics.hhi([10, 1, 2, 3, 4]))
    assert c.hhi[-1] == pytest.approx(10_000)
    assert list(c.owner) == [0, 0, 0, 0, 0]
    # absorbed workshops are brought up to the licence standard
    assert c.quality[-1] == pytest.approx((90 * 10 + 88 * (1 + 2 + 3 + 4)) / 20)


def test_gravity_rule_by_hand():
    # Heads at x = 0 (output 100) and x = 3 (output 10). A firm at x = 1 feels 100/1² vs 10/2²:
    # it joins the first. A firm at x = 2.5 feels 100/2.5² = 16 vs 10/0.5² = 40: the second
    # (pull over plain distance would send it to the first: 40 vs 20).
    firms = li.Firms(np.array([90.0, 90.0, 50.0, 50.0]), np.array([100.0, 10.0, 1.0, 1.0]),
                     np.array([[0.0, 0.0], [3.0, 0.0], [1.0, 0.0], [2.5, 0.0]]))
    c = li.consolidate(firms, stringency=80, absorb_gap=40, enforcement=1.0, years=1)
    assert list(c.owner) == [0, 1, 0, 1]


def test_too_far_below_the_standard_means_exit():
    firms = line_of_firms([90, 60, 30], [5, 5, 5])
    c = li.consolidate(firms, stringency=80, absorb_gap=25, enforcement=1.0, years=1)
    assert list(c.status) == [li.INDEPENDENT, li.ABSORBED, li.EXITED]
    assert list(c.owner) == [0, 0, -1]


def test_no_licensing_changes_nothing(town):
    c = li.consolidate(town, stringency=0)
    assert (c.independent == len(town)).all() and (c.absorbed == 0).all() and (c.exited == 0).all()
    assert np.allclose(c.hhi, metrics.hhi(town.output))


def test_nobody_licensed_means_everyone_exits(town):
    c = li.consolidate(town, stringency=101, enforcement=1.0, years=2)
    assert c.exited[-1] == len(town) and c.independent[-1] == 0
    assert math.isnan(c.hhi[-1])


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("stringency", [0, 25, 50, 70, 90, 100])
def test_firms_are_conserved(town, seed, stringency):
    c = li.consolidate(town, stringency, seed=seed)
    assert ((c.independent + c.absorbed + c.exited) == len(town)).all()
    final = np.bincount(c.status, minlength=3)
    assert (final == [c.independent[-1], c.absorbed[-1], c.exited[-1]]).all()
    # licensed firms stay independent; absorbed firms belong to a licensed head
    assert (c.status[c.licensed] == li.INDEPENDENT).all()
    absorbed = c.status == li.ABSORBED
    assert c.licensed[c.owner[absorbed]].all()
    assert (c.owner[c.status == li.EXITED] == -1).all()
    assert (np.diff(c.absorbed) >= 0).all() and (np.diff(c.exited) >= 0).all()


@pytest.mark.parametrize("seed", range(4))
def test_stricter_licensing_never_leaves_more_independent_firms(town, seed):
    paths = np.array([li.consolidate(town, tau, seed=seed).independent for tau in range(0, 101, 5)])
    assert (np.diff(paths, axis=0) <= 0).all()
    other = li.random_firms(150, seed)
    paths = np.array([li.consolidate(other, tau, seed=seed).independent for tau in range(0, 101, 10)])
    assert (np.diff(paths, axis=0) <= 0).all()


def test_licensing_raises_quality_and_concentration_on_the_town(town):
    for tau in (30, 50, 70, 90):
        c = li.consolidate(town, tau)
        assert c.quality[-1] > c.quality[0]
        assert c.hhi[-1] > c.hhi[0]


def test_consolidation_is_deterministic_for_a_seed(town):
    a, b = li.consolidate(town, 60, seed=3), li.consolidate(town, 60, seed=3)
    assert (a.status == b.status).all() and (a.independent == b.independent).all()
    others = [li.consolidate(town, 60, seed=s).independent for s in range(4, 8)]
    assert any(not np.array_equal(a.independent, o) for o in others)


# -- spillovers -----------------------------------------------------------------------------
def test_time_to_share_by_hand():
    times = [0, 1, 2, 3, math.inf]
    assert li.time_to_share(times, 0.2) == 0
    assert li.time_to_share(times, 0.5) == 2  # 3 of 5 firms needed
    assert li.time_to_share(times, 0.8) == 3
    assert li.time_to_share(times, 1.0) == math.inf


def test_spread_on_a_line_by_hand():
    xy = np.column_stack([np.arange(4.0), np.zeros(4)])
    ones = np.ones((4, 4))
    nodes = np.arange(4)
    d = li.spread(li.collaboration_network(xy, nodes, 1.01, delays=ones), start=0, horizon=3)
    assert list(d.times) == [0, 1, 2, 3]
    assert list(d.share) == [0.25, 0.5, 0.75, 1.0]
    d = li.spread(li.collaboration_network(xy, nodes, 2.01, delays=ones), start=0)
    assert list(d.times) == [0, 1, 1, 2]
    d = li.spread(li.collaboration_network(xy, nodes, 0.5, delays=ones), start=0)
    assert list(d.times) == [0, math.inf, math.inf, math.inf]
    # a group tie is a shortcut: firm 3 belongs to firm 0's group
    owner = np.array([0, 1, 2, 0])
    d = li.spread(li.collaboration_network(xy, nodes, 1.01, owner, ones, group_delay=1.0), start=0)
    assert list(d.times) == [0, 1, 2, 1]


def test_tie_delays_are_geometric_and_symmetric():
    d = li.tie_delays(300, 0.2, seed=1)
    assert (d == d.T).all() and (np.diag(d) == 0).all()
    upper = d[np.triu_indices(300, 1)]
    assert upper.min() >= 1
    assert upper.mean() == pytest.approx(1 / 0.2, rel=0.03)  # mean of Geometric(p) = 1/p


@pytest.mark.parametrize("seed", range(6))
def test_a_denser_network_never_slows_anyone(town, seed):
    results = [li.licensing_scenario(town, 60, r, seed=seed).diffusion for r in (0.2, 0.35, 0.5, 0.7, 1.0)]
    for sparse, dense in zip(results, results[1:]):
        assert (sparse.nodes == dense.nodes).all()
        assert (dense.times <= sparse.times).all()
        assert dense.mean_degree > sparse.mean_degree
        assert dense.time_to(0.5) <= sparse.time_to(0.5)
        assert (dense.share >= sparse.share).all()



def test_denser_is_faster_on_average_over_seeds():
    firms = li.random_firms(200, seed=11, size_km=4.0)
    mean_t = {}
    for r in (0.45, 0.9):
        mean_t[r] = np.mean([li.licensing_scenario(firms, 40, r, seed=s).diffusion.time_to(0.5) for s in range(20)])
    assert math.isfinite(mean_t[0.9]) and mean_t[0.9] < mean_t[0.45]


def test_adoption_agrees_with_networkx_shortest_paths(town):
    res = li.licensing_scenario(town, 60, 0.5, seed=2)
    nodes = np.flatnonzero(res.consolidation.status != li.EXITED)
    delays = li.tie_delays(len(town), 0.2, seed=2)
    G = li.collaboration_network(town.xy, nodes, 0.5, res.consolidation.owner, delays)
    expected = nx.shortest_path_length(G, source=res.diffusion.start, weight="delay")
    for node, t in zip(res.diffusion.nodes, res.diffusion.times):
        assert t == expected.get(int(node), math.inf)
    assert res.diffusion.start == nodes[np.argmax(town.quality[nodes])]


def test_scenario_is_deterministic_for_a_seed(town):
    a, b = li.licensing_scenario(town, 50, 0.4, seed=5), li.licensing_scenario(town, 50, 0.4, seed=5)
    assert np.array_equal(a.diffusion.times, b.diffusion.times)
    assert np.array_equal(a.consolidation.hhi, b.consolidation.hhi, equal_nan=True)
    c = li.licensing_scenario(town, 50, 0.4, seed=6)
    assert not np.array_equal(a.diffusion.times, c.diffusion.times)


def test_bad_inputs_are_refused(town):
    with pytest.raises(ValueError):
        li.consolidate(town, 50, enforcement=0)
    with pytest.raises(ValueError):
        li.tie_delays(10, 0.0, seed=0)



# -- what the chapter says the model shows (Section 7, its figure and Exercise 2.5) ----------------
def months_to_half(town, stringency, radius, seeds=range(10)):
    return np.array([li.licensing_scenario(town, stringency, radius, seed=s).diffusion.time_to(0.5) for s in seeds])


def test_the_spread_jumps_with_the_radius_without_licensing(town):
    # Percolation: at 0.3 km the town is islands (half is never reached), at 0.5 km half adopt within ~a year.
    assert np.isinf(months_to_half(town, 0, 0.3)).all()
    wide = months_to_half(town, 0, 0.5)
    assert np.isfinite(wide).all() and np.median(wide) <= 15


def test_licensing_at_60_or_70_speeds_the_spread_in_every_draw_where_the_town_is_barely_connected(town):
    none = months_to_half(town, 0, 0.4)
    for stringency in (60, 70):
        assert (months_to_half(town, stringency, 0.4) < none).all(), stringency
    mild = months_to_half(town, 50, 0.4)
    assert (mild > none).sum() > len(none) / 2  # a mild standard usually slows it


def test_where_the_town_is_dense_licensing_hardly_changes_the_spread(town):
    # Exercise 2.5: at 1 km the medians differ by at most a month.
    assert abs(np.median(months_to_half(town, 60, 1.0)) - np.median(months_to_half(town, 0, 1.0))) <= 1


def test_consolidation_does_not_depend_on_the_radius(town):
    # Exercise 2.5's wrong answers a) and d): the same workshops are absorbed and exit at every radius.
    a, b = li.licensing_scenario(town, 60, 0.4, seed=3), li.licensing_scenario(town, 60, 1.0, seed=3)
    assert np.array_equal(a.consolidation.status, b.consolidation.status)
    assert np.array_equal(a.consolidation.owner, b.consolidation.owner)


def test_without_fast_group_ties_licensing_at_60_no_longer_speeds_the_spread(town):
    # Going further: give group ties the random delays of local ties and the gain from licensing is gone.
    def slow_groups(seed):
        c = li.consolidate(town, 60, seed=seed)
        live = np.flatnonzero(c.status != li.EXITED)
        delays = li.tie_delays(len(town), 0.2, seed=seed)
        G = li.collaboration_network(town.xy, live, 0.4, c.owner, delays)
        for u, v, d in G.edges(data=True):
            d["delay"] = delays[u, v]
        return li.spread(G, live[np.argmax(town.quality[live])]).time_to(0.5)

    slow = np.median([slow_groups(s) for s in range(10)])
    assert slow > np.median(months_to_half(town, 0, 0.4)) > np.median(months_to_half(town, 60, 0.4))


# -- data ------------------------------------------------------------------------------------
def test_dataset_follows_its_datasheet():
    assert data.problems("02_firms_illustrative") == []
    sheet = data.datasheet("02_firms_illustrative")
    assert sheet.illustrative and "(illustrative)" in sheet.title
    frame = data.load("02_firms_illustrative")
    assert frame["quality"].between(0, 100).all() and (frame["output"] > 0).all()
    assert frame["firm_id"].is_unique




# -- the explorer ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def static():
    ex = ch02.explorer()
    fig, _, state = ex.static_page()
    fig["texts"] = state["texts"]  # the readout and caption of each frame
    return ex, fig


def test_static_figure_has_one_frame_per_grid_point(static):
    ex, fig = static
    assert len(fig["frames"]) == len(ex.grid()) <= 150
    assert len({f["name"] for f in fig["frames"]}) == len(fig["frames"])


def test_static_frames_differ_when_parameters_differ(static):
    _, fig = static
    seen = {json.dumps([f["data"], f["layout"], fig["texts"][f["name"]]], sort_keys=True, default=str)
            for f in fig["frames"]}
    assert len(seen) == len(fig["frames"])


def test_static_frames_show_the_model(static, town):
    ex, fig = static
    names = [p.name for p in ex.params]
    for frame, values in zip(fig["frames"][::13], ex.grid()[::13]):
        r = li.licensing_scenario(town, **dict(zip(names, values)), years=ch02.YEARS, horizon=ch02.HORIZON)
        assert frame["data"][0]["y"] == list(r.consolidation.independent)
        assert frame["data"][3]["y"][-1] == pytest.approx(r.consolidation.hhi[-1], abs=0.1)
        assert max(frame["data"][3]["y"]) <= fig["layout"]["yaxis2"]["range"][1]  # the HHI axis shows every frame
        assert frame["data"][6]["y"] == pytest.approx(list(r.diffusion.share), abs=1e-4)



def test_live_widget_updates_the_figure_quickly():
    w = ch02.explorer().widget()
    before = list(w.figure.data[0].y)
    w.sliders["stringency"].value = 85
    assert list(w.figure.data[0].y) != before
    assert w.figure.data[0].y[-1] < before[-1]
    share_before = list(w.figure.data[6].y)
    w.sliders["radius"].value = 1.0
    assert list(w.figure.data[6].y) != share_before
    for k in range(20):
        w.sliders["stringency"].value = 5 * (k % 19)
        w.sliders["radius"].value = round(0.1 + 0.05 * (k % 19), 2)
    assert len(w.timings) >= 30
