"""Chapter 3: the incubation pipeline, its explorer and its parameters."""
from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

from clusterkit import data
from clusterkit.explore import MAX_FRAMES
from clusterkit.explorers import ch03
from clusterkit.models import incubation as inc

ROOT = Path(__file__).resolve().parents[1]
RATES = (0.4, 0.25, 0.5)
LAGS = (2, 2, 3)


def open_pipeline_by_hand(intake, rates, lags, exit_rate, years):
    """Constant intake, no feedback. A cohort started in year s is founded in year s + L1 + L2
    and established in year s + L1 + L2 + L3; the first cohort starts in year 1."""
    c1, c2, c3 = rates
    L1, L2, L3 = lags
    founded = [intake * c1 * c2 * max(0, t - L1 - L2) for t in range(years + 1)]
    firms = [sum(intake * c1 * c2 * c3 * (1 - exit_rate) ** (t - e) for e in range(1 + L1 + L2 + L3, t + 1))
             for t in range(years + 1)]
    return np.array(founded), np.array(firms)


@pytest.mark.parametrize("intake, exit_rate", [(60, 0.04), (100, 0.0), (25, 0.2)])
def test_open_pipeline_matches_the_hand_formula(intake, exit_rate):
    p = inc.run_pipeline(intake, RATES, LAGS, feedback=0.0, exit_rate=exit_rate, years=20)
    founded, firms = open_pipeline_by_hand(intake, RATES, LAGS, exit_rate, 20)
    np.testing.assert_allclose(p.founded, founded, atol=1e-9)
    np.testing.assert_allclose(p.firms, firms, atol=1e-9)
    assert (p.intake[1:] == intake).all()


def test_first_firm_arrives_after_the_three_lags():
    for lags in [(1, 1, 1), (2, 2, 3), (3, 1, 4)]:
        p = inc.run_pipeline(50, RATES, lags, years=15)
        first = int(np.flatnonzero(p.firms > 0)[0])
        assert first == 1 + sum(lags)
        assert int(np.flatnonzero(p.founded > 0)[0]) == 1 + lags[0] + lags[1]


@pytest.mark.parametrize("feedback", [0.0, 0.5, 2.0])
@pytest.mark.parametrize("seed", [None, 0, 1, 2])
def test_every_project_is_in_one_stage_or_dropped(feedback, seed):
    p = inc.run_pipeline(70, RATES, LAGS, feedback=feedback, years=30, seed=seed)
    np.testing.assert_allclose(p.started, p.in_system + p.dropped, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(np.cumsum(p.intake), p.started)
    for stock in (p.projects, p.prototypes, p.incubating, p.firms, p.dropped):
        assert (stock >= -1e-12).all()


@pytest.mark.parametrize("k", range(3))
def test_zero_conversion_means_zero_firms(k):
    rates = list(RATES)
    rates[k] = 0.0
    p = inc.run_pipeline(100, rates, LAGS, feedback=1.0, years=20)
    assert (p.firms == 0).all()
    if k < 2:
        assert (p.founded == 0).all()
    assert inc.steady_state_firms(100, rates, 1.0, 0.04) == 0.0


def test_higher_conversion_never_gives_fewer_firms():
    grid = [0.0, 0.1, 0.3, 0.6, 1.0]
    for k in range(3):
        for feedback in (0.0, 1.0):
            paths = []
            for c in grid:
                rates = list(RATES)
                rates[k] = c
                paths.append(inc.run_pipeline(60, rates, LAGS, feedback=feedback).firms)
            assert (np.diff(np.array(paths), axis=0) >= -1e-12).all()


def test_more_intake_or_feedback_never_gives_fewer_firms():
    by_intake = np.array([inc.run_pipeline(i, RATES, LAGS, feedback=0.5).firms for i in range(0, 201, 20)])
    assert (np.diff(by_intake, axis=0) >= 0).all()
    by_feedback = np.array([inc.run_pipeline(60, RATES, LAGS, feedback=f).firms for f in np.linspace(0, 3, 7)])
    assert (np.diff(by_feedback, axis=0) >= 0).all()
    assert by_feedback[-1, -1] > by_feedback[0, -1]


def test_feedback_raises_intake_only_once_firms_exist():
    p = inc.run_pipeline(60, RATES, LAGS, feedback=1.0)
    first = 1 + sum(LAGS)
    assert (p.intake[1:first + 1] == 60).all()
    np.testing.assert_allclose(p.intake[first + 1:], 60 + 1.0 * p.firms[first:-1])


def test_long_run_settles_at_the_steady_state_when_loop_gain_is_below_one():
    for feedback in (0.0, 0.3, 0.5):
        assert inc.loop_gain(RATES, feedback, 0.04) < 1
        p = inc.run_pipeline(60, RATES, LAGS, feedback=feedback, exit_rate=0.04, years=2000)
        # S* = c I0 / (δ − φ c), c = c1 c2 c3
        c = np.prod(RATES)
        assert p.firms[-1] == pytest.approx(c * 60 / (0.04 - feedback * c), rel=1e-5)
        assert inc.steady_state_firms(60, RATES, feedback, 0.04) == pytest.approx(p.firms[-1], rel=1e-6)


def test_loop_gain_above_one_grows_without_bound():
    assert inc.loop_gain(RATES, 2.0, 0.04) == pytest.approx(2.0 * 0.05 / 0.04)
    assert math.isinf(inc.steady_state_firms(60, RATES, 2.0, 0.04))
    p = inc.run_pipeline(60, RATES, LAGS, feedback=2.0, exit_rate=0.04, years=200)
    assert p.firms[-1] > 10 * p.firms[100] > 0


def test_seeded_runs_are_whole_reproducible_and_centred_on_the_expectation():
    a = inc.run_pipeline(60, RATES, LAGS, feedback=0.5, seed=4)
    b = inc.run_pipeline(60, RATES, LAGS, feedback=0.5, seed=4)
    for name in ("intake", "projects", "prototypes", "incubating", "firms", "founded", "dropped"):
        assert np.array_equal(getattr(a, name), getattr(b, name))
        assert (getattr(a, name) == np.round(getattr(a, name))).all()
    assert any(not np.array_equal(a.firms, inc.run_pipeline(60, RATES, LAGS, 0.5, seed=s).firms) for s in (5, 6, 7))
    mean = np.mean([inc.run_pipeline(60, RATES, LAGS, 0.5, seed=s).firms[-1] for s in range(300)])
    expected = inc.run_pipeline(60, RATES, LAGS, 0.5).firms[-1]
    assert mean == pytest.approx(expected, rel=0.05)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        inc.run_pipeline(60, (0.4, 1.2, 0.5))
    with pytest.raises(ValueError):
        inc.run_pipeline(60, RATES, (2, 0, 3))
    with pytest.raises(ValueError):
        inc.run_pipeline(-5)
    with pytest.raises(ValueError):
        inc.run_pipeline(60, RATES[:2])



# -- data ------------------------------------------------------------------------------------
def test_parameters_follow_their_datasheet_and_drive_the_model():
    assert data.problems("03_pipeline_illustrative") == []
    sheet = data.datasheet("03_pipeline_illustrative")
    assert sheet.illustrative and "(illustrative)" in sheet.title
    params = inc.load_parameters()
    p = inc.pipeline_from_parameters(params)
    q = inc.run_pipeline(
        params["intake"],
        (params["project_to_prototype"], params["prototype_to_spinoff"], params["spinoff_survival"]),
        (int(params["research_years"]), int(params["prototype_years"]), int(params["incubation_years"])),
        params["talent_feedback"], params["firm_exit_rate"], int(params["years"]),
    )
    assert np.array_equal(p.firms, q.firms) and len(p.years) == int(params["years"]) + 1




# -- the explorer ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def static():
    ex = ch03.explorer()
    fig, _, state = ex.static_page()
    fig["texts"] = state["texts"]  # the readout and caption of each frame
    return ex, fig


def test_static_figure_has_one_frame_per_grid_point(static):
    ex, fig = static
    sizes = [len(p.values(static=True)) for p in ex.params]
    assert len(fig["frames"]) == len(ex.grid()) == math.prod(sizes) <= MAX_FRAMES
    assert sizes[0] >= 13  # the intake moves in steps of 10: the chapter asks for an intake between 100 and 140
    assert len({f["name"] for f in fig["frames"]}) == len(fig["frames"])
    expected = {"f" + "_".join(map(str, ix)) for ix in itertools.product(*(range(n) for n in sizes))}
    assert {f["name"] for f in fig["frames"]} == expected


def test_static_frames_differ_when_parameters_differ(static):
    _, fig = static
    seen = {json.dumps([f["data"], f["layout"], fig["texts"][f["name"]]], sort_keys=True, default=str)
            for f in fig["frames"]}
    assert len(seen) == len(fig["frames"])


def test_static_frames_show_the_model(static):
    ex, fig = static
    names = [p.name for p in ex.params]
    params = inc.load_parameters()
    for frame, values in zip(fig["frames"][::11], ex.grid()[::11]):
        p = inc.pipeline_from_parameters(params, **dict(zip(names, values)))
        assert frame["data"][5]["y"] == pytest.approx(list(p.firms), abs=0.01)
        assert frame["data"][1]["y"] == pytest.approx(list(p.projects), abs=0.01)



def test_live_widget_updates_the_figure_quickly():
    w = ch03.explorer().widget()
    before = list(w.figure.data[5].y)
    w.sliders["prototype_to_spinoff"].value = 0.45
    after = list(w.figure.data[5].y)
    assert after != before and after[-1] > before[-1]
    w.sliders["intake"].value = 20
    assert w.figure.data[5].y[-1] < after[-1]
    for k in range(20):
        w.sliders["talent_feedback"].value = 0.25 * (k % 9)
    assert len(w.timings) >= 20
