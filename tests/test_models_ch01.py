"""Chapter 1: input–output linkages, the supplier-entry cascade, its explorer and its data.

Worked example: Miller & Blair (2009), *Input-Output Analysis*, 2nd ed., ch. 2 — two
sectors with Z = [[150, 500], [200, 100]] and x = [1000, 2000], so A = [[.15, .25], [.2, .05]]
and, by hand, det(I − A) = .85·.95 − .25·.2 = .7575 and
L = [[.95, .25], [.2, .85]] / .7575 = [[1.2541, .3300], [.2640, 1.1221]].
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from clusterkit import data
from clusterkit.explorers import ch01
from clusterkit.models import linkages as lk

ROOT = Path(__file__).resolve().parents[1]
MB_Z = np.array([[150.0, 500.0], [200.0, 100.0]])
MB_X = np.array([1000.0, 2000.0])


@pytest.fixture(scope="module")
def park():
    table = lk.load_table()
    sectors = [s for s in table.sectors if s != "pharma"]
    return table, lk.load_suppliers(sectors)


def random_productive(n: int, seed: int) -> np.ndarray:
    """A random non-negative A with column sums in (0.2, 0.8): productive."""
    rng = np.random.default_rng(seed)
    A = rng.uniform(0, 1, size=(n, n)) * (rng.uniform(0, 1, size=(n, n)) < 0.6)
    return A / np.maximum(A.sum(axis=0), 1e-9) * rng.uniform(0.2, 0.8, size=n)


# -- input–output analysis -----------------------------------------------------------------
def test_technical_coefficients_divide_each_column_by_its_output():
    A = lk.technical_coefficients(MB_Z, MB_X)
    np.testing.assert_allclose(A, [[0.15, 0.25], [0.2, 0.05]])


def test_leontief_inverse_matches_miller_blair_by_hand():
    L = lk.leontief_inverse(lk.technical_coefficients(MB_Z, MB_X))
    np.testing.assert_allclose(L, [[0.95 / 0.7575, 0.25 / 0.7575], [0.2 / 0.7575, 0.85 / 0.7575]])
    np.testing.assert_allclose(L, [[1.2541, 0.3300], [0.2640, 1.1221]], atol=1e-4)
    np.testing.assert_allclose(lk.output_multipliers(lk.technical_coefficients(MB_Z, MB_X)),
                               [1.2541 + 0.2640, 0.3300 + 1.1221], atol=2e-4)


@pytest.mark.parametrize("seed", range(8))
def test_leontief_inverse_inverts_i_minus_a(seed):
    A = random_productive(2 + seed % 6, seed)
    L = lk.leontief_inverse(A)
    np.testing.assert_allclose(L @ (np.eye(len(A)) - A), np.eye(len(A)), atol=1e-10)
    np.testing.assert_allclose((np.eye(len(A)) - A) @ L, np.eye(len(A)), atol=1e-10)
    assert (L >= -1e-12).all()
    assert (np.diag(L) >= 1 - 1e-12).all()


def test_park_table_inverse_and_multipliers(park):
    table, _ = park
    A = table.A
    L = lk.leontief_inverse(A)
    np.testing.assert_allclose(L @ (np.eye(len(A)) - A), np.eye(len(A)), atol=1e-12)
    m = lk.output_multipliers(A)
    assert (m >= 1).all()
    np.testing.assert_allclose(m, L.sum(axis=0))
    # total output meets final demand: x = L f
    np.testing.assert_allclose(lk.local_output(A, table.final_demand), table.output, rtol=1e-9)


def test_an_unproductive_matrix_is_refused():
    with pytest.raises(ValueError, match="productive"):
        lk.leontief_inverse([[0.6, 0.5], [0.6, 0.6]])
    with pytest.raises(ValueError):
        lk.leontief_inverse([[0.1, -0.1], [0.0, 0.1]])


def test_rasmussen_indices_average_one_and_follow_l(park):
    table, _ = park
    idx = lk.linkage_indices(table.A, table.sectors)
    assert idx["power_of_dispersion"].mean() == pytest.approx(1.0)
    assert idx["sensitivity_of_dispersion"].mean() == pytest.approx(1.0)
    L = lk.leontief_inverse(table.A)
    n = len(L)
    j = table.index("pharma")
    assert idx.loc["pharma", "power_of_dispersion"] == pytest.approx((L[:, j].sum() / n) / (L.sum() / n**2))
    # the illustrative table is built with the anchor's sector buying most in the park
    assert idx["direct_backward"].idxmax() == "pharma"
    assert idx["power_of_dispersion"].idxmax() == "pharma"
    assert (idx["key_sector"] == ((idx["power_of_dispersion"] > 1) & (idx["sensitivity_of_dispersion"] > 1))).all()


# -- the park data -------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["01_park_io_illustrative", "01_suppliers_illustrative"])
def test_datasets_follow_their_datasheets(name):
    assert data.problems(name) == []
    sheet = data.datasheet(name)
    assert sheet.illustrative and "(illustrative)" in sheet.title
    assert (ROOT / sheet.generator).is_file()


def test_park_table_balances_both_ways(park):
    table, _ = park
    np.testing.assert_allclose(table.flows.sum(axis=1) + table.final_demand, table.output, atol=1e-9)
    np.testing.assert_allclose(table.flows.sum(axis=0) + table.imports + table.value_added, table.output, atol=1e-9)
    assert (table.value_added > 0).all() and (table.final_demand > 0).all()


# -- the supplier cascade ------------------------------------------------------------------
def test_cascade_by_hand():
    # Sector 0 sells to the anchor (b = .5); sector 1 only to sector 0 (a_10 = .2).
    # Q = 10, s = .2: round 1, D_0 = .2·10·.5 = 1 ≥ 1 → A enters (D_1 = 0 < .15).
    # Round 2: x_0 = 1, D_1 = .2·1 = .2 ≥ .15 → B enters. Round 3: nobody else (C needs 5).
    A_s = np.array([[0.0, 0.0], [0.2, 0.0]])
    sup = lk.Suppliers(("A", "B", "C"), np.array([0, 1, 0]), np.array([1.0, 0.15, 5.0]))
    c = lk.supplier_cascade(A_s, [0.5, 0.0], sup, anchor_size=10, local_share=0.2)
    assert c.cumulative == (0, 1, 2)
    assert list(c.entered) == [True, True, False]
    assert list(c.entry_round) == [1, 2, 0]
    np.testing.assert_allclose(c.sector_output, [1.0, 0.2])
    # without sector 0's purchases, B never enters: the cascade needs the first entrant
    c0 = lk.supplier_cascade(np.zeros((2, 2)), [0.5, 0.0], sup, anchor_size=10, local_share=0.2)
    assert c0.cumulative == (0, 1)


def _independent_demand(A_s, b, present, direct):
    E = np.flatnonzero(present)
    x = np.zeros(len(b))
    if E.size:
        x[E] = np.linalg.inv(np.eye(E.size) - A_s[np.ix_(E, E)]) @ direct[E]
    return direct + A_s[:, E] @ x[E]


@pytest.mark.parametrize("size, share", [(5, 0.3), (25, 0.5), (40, 0.2), (60, 1.0), (25, 0.0)])
def test_cascade_stops_at_a_fixed_point(park, size, share):
    table, sup = park
    k = table.index("pharma")
    keep = [i for i in range(len(table.sectors)) if i != k]
    A_s, b = table.A[np.ix_(keep, keep)], table.A[keep, k]
    c = lk.supplier_cascade(A_s, b, sup, size, share)
    demand = _independent_demand(A_s, b, c.present, share * size * b)
    covered = sup.threshold <= demand[sup.sector] + 1e-12
    assert (covered == c.entered).all()  # nobody else would enter, nobody entered without demand
    assert (c.present == np.isin(np.arange(len(b)), sup.sector[c.entered])).all()
    assert list(c.cumulative) == sorted(set(c.cumulative))  # each round admits someone
    assert c.cumulative[-1] == c.entered.sum()


def test_more_anchor_demand_never_attracts_fewer_suppliers(park):
    table, sup = park
    shares = np.linspace(0, 1, 21)
    sizes = np.arange(0, 101, 5)
    entered = np.array([[lk.anchor_scenario(table, sup, q, s).cascade.entered for s in shares] for q in sizes])
    counts = entered.sum(axis=2)
    assert (np.diff(counts, axis=0) >= 0).all() and (np.diff(counts, axis=1) >= 0).all()
    # stronger: the set of entrants only grows
    assert (entered[1:] >= entered[:-1]).all() and (entered[:, 1:] >= entered[:, :-1]).all()
    assert counts[0].max() == 0 and counts[:, 0].max() == 0  # no anchor demand, no supplier
    assert counts.max() > 0


@pytest.mark.parametrize("seed", range(10))
def test_monotone_on_random_economies(seed):
    A = random_productive(5, seed)
    b = np.random.default_rng(seed + 100).uniform(0, 0.2, size=5)
    sup = lk.random_suppliers(5, 30, seed)
    counts = [lk.supplier_cascade(A, b, sup, q, 0.5).n_entered for q in np.linspace(0, 80, 33)]
    assert all(x <= y for x, y in zip(counts, counts[1:]))
    by_sigma = [lk.supplier_cascade(A, b, sup, 30, 0.5, supplier_share=sg).n_entered for sg in np.linspace(0, 1, 11)]
    assert all(x <= y for x, y in zip(by_sigma, by_sigma[1:]))


def test_full_cascade_multiplier_is_the_leontief_column_sum(park):
    table, sup = park
    everyone = lk.Suppliers(sup.ids, sup.sector, np.full(len(sup), 1e-9))
    r = lk.anchor_scenario(table, everyone, anchor_size=20, local_share=1.0)
    assert r.n_suppliers == len(sup)
    k = table.index("pharma")
    A = table.A.copy()
    A[k, :] = 0.0  # the anchor's output is exogenous: nobody buys it inside the system
    assert r.multiplier == pytest.approx(lk.leontief_inverse(A)[:, k].sum())
    assert r.multiplier == pytest.approx(r.full_multiplier)
    assert r.leakage == pytest.approx(0.0, abs=1e-12)


def test_no_local_purchases_means_no_suppliers_and_multiplier_one(park):
    table, sup = park
    r = lk.anchor_scenario(table, sup, anchor_size=30, local_share=0.0)
    assert r.n_suppliers == 0 and r.multiplier == 1.0
    v = table.value_added_coefficients[table.index("pharma")]
    assert r.value_added == pytest.approx(v * 30)
    assert r.leakage == pytest.approx(r.anchor_purchases.sum())


def test_multiplier_and_value_added_accounting(park):
    table, sup = park
    r = lk.anchor_scenario(table, sup, anchor_size=25, local_share=0.5)
    assert 1 < r.multiplier <= r.full_multiplier
    assert r.local_output == pytest.approx(25 + r.cascade.sector_output.sum())
    assert (r.suppliers_by_sector <= r.candidates).all() and r.candidates.sum() == len(sup)
    assert r.suppliers_by_sector.sum() == r.n_suppliers
    assert ((r.cascade.sector_output > 0) == r.cascade.present).all()


def test_deterministic_for_a_seed(park):
    a, b, c = lk.random_suppliers(6, 40, seed=7), lk.random_suppliers(6, 40, seed=7), lk.random_suppliers(6, 40, 8)
    assert (a.threshold == b.threshold).all() and (a.sector == b.sector).all()
    assert not np.array_equal(a.threshold, c.threshold)
    table, sup = park
    r1, r2 = lk.anchor_scenario(table, sup, 25, 0.5), lk.anchor_scenario(table, sup, 25, 0.5)
    assert (r1.cascade.entered == r2.cascade.entered).all() and r1.value_added == r2.value_added


def test_bad_inputs_are_refused(park):
    table, sup = park
    with pytest.raises(ValueError):
        lk.anchor_scenario(table, sup, 25, 1.5)
    with pytest.raises(ValueError):
        lk.anchor_scenario(table, sup, -1, 0.5)
    with pytest.raises(ValueError):
        lk.technical_coefficients([[1.0, 2.0]], [1.0, 2.0])



# -- the explorer --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def static():
    ex = ch01.explorer()
    fig, script, state = ex.static_page()
    return ex, fig, state


def test_static_figure_has_one_frame_per_grid_point(static):
    ex, fig, _ = static
    assert len(fig["frames"]) == len(ex.grid()) <= 150
    assert len({f["name"] for f in fig["frames"]}) == len(fig["frames"])


def test_static_frames_differ_when_parameters_differ(static):
    _, fig, state = static
    seen = {json.dumps([f["data"], f["layout"], state["texts"][f["name"]]], sort_keys=True, default=str)
            for f in fig["frames"]}
    assert len(seen) == len(fig["frames"])


def test_static_frame_shows_the_model(static):
    ex, fig, state = static
    table, sup = ch01.inputs()
    names = [p.name for p in ex.params]
    for frame, values in zip(fig["frames"][::17], ex.grid()[::17]):
        r = lk.anchor_scenario(table, sup, **dict(zip(names, values)))
        by_round = [frame["data"][k]["y"] for k in range(ch01.ROUNDS)]
        assert [sum(col) for col in zip(*by_round)] == list(r.suppliers_by_sector)
        for k, ys in enumerate(by_round, start=1):  # each bar segment: the suppliers entering in round k
            assert sum(ys) == int((r.cascade.entry_round == k).sum())
        assert sum(map(sum, by_round)) + sum(frame["data"][ch01.ROUNDS]["y"]) == len(sup)
        assert f"<b>{r.n_suppliers} of {len(sup)}</b> candidate suppliers enter" in state["texts"][frame["name"]][0]



def test_live_widget_updates_the_figure_quickly():
    w = ch01.explorer().widget()
    entered = lambda: sum(sum(w.figure.data[k].y) for k in range(ch01.ROUNDS))  # noqa: E731
    before = entered()
    w.sliders["local_share"].value = 1.0
    w.sliders["anchor_size"].value = 60
    assert entered() > before
    for k in range(20):
        w.sliders["local_share"].value = round(0.05 * (k % 20), 2)
    assert len(w.timings) >= 20
