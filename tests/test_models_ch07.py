"""Chapter 7: Kauffman's NK landscape and firms searching it by local search and imitation.

Results used (the expected values are computed here, independently of the code under test —
fitness by explicit loops over decisions, peaks by comparing each configuration with its
neighbours one by one):

* K = 0 (Kauffman 1993, ch. 2): F is additive, F(s) = (1/N) Σ_i f_i(s_i), so the one global peak
  sets every decision to its better state, it is the only local peak (any other configuration can
  improve by fixing one decision), and every sequence of improving one-decision changes ends there.
* K = N − 1: the 2^N fitness values are independent and identically distributed, so each
  configuration is a local peak — the largest of itself and its N neighbours — with probability
  p = 1/(N + 1), and E[peaks] = 2^N/(N + 1) (Kauffman 1993). The tolerance of the test comes from
  the variance of the count, derived here: indicators of neighbours are exclusive (covariance −p²);
  two configurations at distance 2 share two neighbours, so both are peaks with probability
  ∫∫ x^(N−2) y^(N−2) min(x, y)² dx dy = 1/(N(N + 1)), a covariance of 1/(N(N + 1)²); further apart
  they are independent. With 2^N·N ordered neighbour pairs and 2^N·C(N, 2) pairs at distance 2,

      Var[peaks] = 2^N · (N − 1) / (2 (N + 1)²),

  38.1 for N = 10 (sd 6.2 around a mean of 93.1).
* Local search and imitation accept only improvements, so no firm's fitness ever falls and a firm
  on a local peak never moves.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from clusterkit.models import nk


def brute_fitness(land: nk.Landscape, config: int) -> float:
    """F(s) by a loop over decisions: f_i looked up from the states of its interacting decisions."""
    s = [(config >> i) & 1 for i in range(land.n)]
    total = 0.0
    for i in range(land.n):
        row = sum(s[j] << pos for pos, j in enumerate(land.interactions[i]))
        total += land.contributions[i, row]
    return total / land.n


def brute_peaks(fitness: np.ndarray, n: int) -> list[int]:
    return [c for c in range(1 << n) if all(fitness[c] >= fitness[c ^ (1 << i)] for i in range(n))]


# -- the landscape ---------------------------------------------------------------------------
@pytest.mark.parametrize("n, k, structure, seed", [(6, 2, "adjacent", 1), (6, 2, "random", 1), (5, 0, "adjacent", 3),
                                                   (7, 6, "random", 4), (4, 1, "random", 9)])
def test_fitness_table_matches_a_loop_over_decisions(n, k, structure, seed):
    land = nk.landscape(n, k, structure, seed)
    assert land.fitness.shape == (1 << n,) and land.contributions.shape == (n, 1 << (k + 1))
    expected = np.array([brute_fitness(land, c) for c in range(1 << n)])
    np.testing.assert_allclose(land.fitness, expected, rtol=1e-12)
    assert brute_peaks(land.fitness, n) == nk.local_peaks(land).tolist()
    assert nk.global_peak(land) == max(range(1 << n), key=lambda c: land.fitness[c]) == land.global_peak


def test_interaction_structures():
    adjacent = nk.interaction_structure(5, 2, "adjacent")
    assert adjacent.tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 0], [4, 0, 1]]
    land = nk.landscape(9, 3, "random", 5)
    rows = land.interactions
    assert rows.shape == (9, 4) and (rows[:, 0] == np.arange(9)).all()
    for i, row in enumerate(rows):
        assert len(set(row.tolist())) == 4 and i not in row[1:].tolist()
    assert not (rows == nk.interaction_structure(9, 3, "adjacent")).all()  # not the adjacent structure by chance
    assert np.array_equal(nk.landscape(9, 3, "random", 6).interactions, nk.landscape(9, 3, "random", 6).interactions)


def test_landscapes_are_cached_read_only_and_seeded():
    a, b = nk.landscape(8, 3, "adjacent", 11), nk.landscape(8, 3, "adjacent", 11)
    assert a is b
    assert not np.array_equal(a.fitness, nk.landscape(8, 3, "adjacent", 12).fitness)
    with pytest.raises(ValueError):
        a.fitness[0] = 1.0


@pytest.mark.parametrize("n, k", [(1, 0), (6, 0), (6, 3), (10, 9), (12, 4), (12, 11)])
def test_fitness_values_are_between_zero_and_one(n, k):
    for structure in nk.STRUCTURES:
        land = nk.landscape(n, k, structure, 7)
        assert land.fitness.min() >= 0 and land.fitness.max() <= 1
        assert land.contributions.min() >= 0 and land.contributions.max() < 1


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("structure", nk.STRUCTURES)
def test_k0_has_one_peak_the_global_one_with_every_decision_at_its_better_state(seed, structure):
    n = 9
    land = nk.landscape(n, 0, structure, seed)
    own = land.contributions                             # (N, 2): f_i(0), f_i(1)
    best = sum(int(own[i, 1] > own[i, 0]) << i for i in range(n))
    assert nk.local_peaks(land).tolist() == [best]
    assert nk.global_peak(land) == best
    assert land.global_max == pytest.approx(own.max(axis=1).mean(), rel=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_k0_local_search_from_every_start_reaches_the_global_peak(seed):
    """Every one of the 2^N configurations is a start; 200 periods try every decision with
    probability 1 − N·(7/8)^200 > 1 − 1e-10 per firm."""
    n = 8
    r = nk.search(n=n, k=0, imitation=0.0, firms=1 << n, periods=200, runs=2, seed=seed, start=np.arange(1 << n))
    assert (r.configs[:, 0] == np.arange(1 << n)).all()
    peaks = np.array([nk.global_peak(land) for land in r.landscapes])
    assert (r.configs[:, -1] == peaks[:, np.newaxis]).all()
    assert r.share_at_global_peak[-1] == 1.0 and r.share_on_peak[-1] == 1.0 and r.diversity[-1] == 0.0


@pytest.mark.parametrize("structure", nk.STRUCTURES)
def test_k_n_minus_1_has_about_2_to_the_n_over_n_plus_1_peaks(structure):
    """Mean over 30 seeds of the number of local peaks, N = 10: expected 1024/11 = 93.09, with the
    module docstring's Var = 2^N (N − 1)/(2 (N + 1)²) = 38.1 per landscape, so the mean of 30 has sd
    1.13; the tolerance of 4.5 is four of those (a false failure about once in 16,000)."""
    n, seeds = 10, 30
    counts = [nk.local_peaks(nk.landscape(n, n - 1, structure, 100 + s)).size for s in range(seeds)]
    expected = 2 ** n / (n + 1)
    sd_of_mean = math.sqrt(2 ** n * (n - 1) / (2 * (n + 1) ** 2) / seeds)
    assert np.mean(counts) == pytest.approx(expected, abs=4 * sd_of_mean)
    assert min(counts) > 40  # rugged: far from K = 0's single peak
    assert nk.expected_peaks_random(n) == pytest.approx(expected)


def test_peaks_grow_with_k():
    n = 10
    mean_peaks = [np.mean([nk.local_peaks(nk.landscape(n, k, "adjacent", s)).size for s in range(10)])
                  for k in (0, 2, 5, 9)]
    assert mean_peaks[0] == 1 and mean_peaks == sorted(mean_peaks)


def test_config_bits_round_trip():
    c = np.array([0, 1, 5, 1023])
    bits = nk.config_bits(c, 10)
    assert bits[2].tolist() == [1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert nk.config_from_bits(bits).tolist() == c.tolist()
    assert nk.config_from_bits([0, 1, 1]) == 6


# -- outputs ---------------------------------------------------------------------------------
def test_diversity_and_distinct_match_brute_force():
    rng = np.random.default_rng(0)
    n = 6
    configs = rng.integers(0, 1 << n, (3, 4, 9))
    div = nk.diversity(configs, n)
    distinct = nk.distinct_configurations(configs)
    for r, t in itertools.product(range(3), range(4)):
        firms = configs[r, t].tolist()
        pairs = list(itertools.combinations(firms, 2))
        assert div[r, t] == pytest.approx(sum(bin(a ^ b).count("1") for a, b in pairs) / len(pairs) / n)
        assert distinct[r, t] == len(set(firms))
    # by hand: 0b000, 0b011, 0b111 (N = 3) are at distances 2, 3, 1: mean 2, over N: 2/3
    assert nk.diversity(np.array([0, 3, 7]), 3) == pytest.approx(2 / 3)
    assert nk.diversity(np.array([5, 5, 5]), 3) == 0.0 and nk.distinct_configurations(np.array([5, 5, 5])) == 1


# -- the rules of search -------------------------------------------------------------------------
def test_one_step_by_hand():
    """N = 3, one run, four firms at 0, 1, 3, 7 on a hand-made table F(c) = c/10 except F(2) = 0.9."""
    table = np.array([[0.0, 0.1, 0.9, 0.3, 0.4, 0.5, 0.6, 0.7]])
    configs = np.array([[0, 1, 3, 7]])
    imitate = np.array([[True, True, False, True]])
    flip = np.array([[0, 2, 2, 0]])
    observed = np.array([[[3, 1], [0, 0], [0, 1], [0, 1]]])  # firm 0 sees firms 3 and 1 …
    pick = np.array([[0.9, 0.5, 0.0, 0.0]])
    new = nk.step(table, configs, 3, imitate, flip, observed, pick)
    # firm 0 (F 0): best seen is firm 3 at 7 (F .7); differs on decisions 0, 1, 2; pick .9 → the third,
    #   decision 2: 0 → 4, F .4 > 0, kept.
    # firm 1 (F .1): sees only firm 0 (F 0), nobody fitter → local search, flip decision 2: 1 → 5, F .5, kept.
    # firm 2 (F .3): local search, flip decision 2: 3 → 7, F .7, kept.
    # firm 3 (F .7): sees firms 0, 1, nobody fitter → local search, flip decision 0: 7 → 6, F .6, refused.
    assert new.tolist() == [[4, 5, 7, 7]]
    # firm 0 again with pick 0: copies decision 0: 0 → 1, F .1, kept; with the whole configuration: 7
    pick0 = np.array([[0.0, 0.5, 0.0, 0.0]])
    assert nk.step(table, configs, 3, imitate, flip, observed, pick0)[0, 0] == 1
    assert nk.step(table, configs, 3, imitate, flip, observed, pick0, copy="configuration")[0, 0] == 7
    # three firms at 5 (F .5) look at the fourth, at 2 (F .9), which differs on all three decisions:
    # pick 0 → decision 0: 5 → 4, F .4, dropped; pick .5 → decision 1: 5 → 7, F .7, kept;
    # pick .9 → decision 2: 5 → 1, F .1, dropped. The fourth sees nobody fitter and tries 2 → 3: refused.
    configs2 = np.array([[5, 5, 5, 2]])
    every = np.ones((1, 4), dtype=bool)
    observed2 = np.array([[[3], [3], [3], [0]]])
    flip2 = np.zeros((1, 4), dtype=int)
    pick2 = np.array([[0.0, 0.5, 0.9, 0.0]])
    assert nk.step(table, configs2, 3, every, flip2, observed2, pick2).tolist() == [[5, 7, 5, 2]]
    assert nk.step(table, configs2, 3, every, flip2, observed2, pick2, copy="configuration").tolist() == [[2, 2, 2, 2]]


@pytest.mark.parametrize("k, structure, seed", [(0, "adjacent", 1), (3, "random", 2), (6, "adjacent", 3), (9, "random", 4)])
def test_local_search_alone_only_climbs_one_decision_at_a_time(k, structure, seed):
    r = nk.search(n=10, k=k, imitation=0.0, firms=60, periods=60, runs=3, structure=structure, seed=seed)
    f = r.fitness
    assert f.min() >= 0 and f.max() <= 1
    moved = r.configs[:, 1:] != r.configs[:, :-1]
    steps = nk.config_bits(r.configs[:, 1:] ^ r.configs[:, :-1], 10).sum(axis=-1)
    assert (steps <= 1).all()                                     # at most one decision per period
    assert (f[:, 1:][moved] > f[:, :-1][moved]).all()             # a move is an improvement
    assert (np.diff(f, axis=1) >= 0).all()                        # no firm ever falls …
    assert (np.diff(r.mean_fitness) >= 0).all()                   # … so neither does the mean
    # a firm on a local peak never moves again
    on = r.on_peak[:, :-1]
    assert not moved[on].any()
    assert (np.diff(r.share_on_peak) >= 0).all()
    # the peak flags are the landscape's, checked here against brute force for one run
    peaks = set(brute_peaks(r.landscapes[0].fitness, 10))
    assert r.on_peak[0].tolist() == [[c in peaks for c in row] for row in r.configs[0].tolist()]


@pytest.mark.parametrize("copy", nk.COPY_RULES)
def test_imitation_also_only_accepts_improvements(copy):
    r = nk.search(n=10, k=5, imitation=0.6, firms=80, periods=40, runs=3, seed=8, copy=copy)
    assert (np.diff(r.fitness, axis=1) >= 0).all()
    assert (np.diff(r.share_on_peak) >= 0).all()
    if copy == "decision":
        steps = nk.config_bits(r.configs[:, 1:] ^ r.configs[:, :-1], 10).sum(axis=-1)
        assert (steps <= 1).all()
    else:  # a move is one decision, or onto a configuration another firm of the run held the period before
        before, after = r.configs[:, :-1], r.configs[:, 1:]
        steps = nk.config_bits(before ^ after, 10).sum(axis=-1)
        for run, t, f in zip(*np.nonzero(steps > 1)):
            assert after[run, t, f] in np.delete(before[run, t], f)
        assert (steps > 1).any()


def test_more_imitation_lowers_diversity_at_the_end():
    """Same seeds (so the same landscapes, starts and dice): copying single decisions from fitter firms
    (K = 2) leaves less diversity after 50 periods in every one of six seeds; copying whole
    configurations lowers it step by step with the rate, and on average brings faster early gains."""
    for seed in range(6):
        alone = nk.search(n=10, k=2, imitation=0.0, seed=seed)
        copying = nk.search(n=10, k=2, imitation=1.0, seed=seed)
        assert copying.diversity[-1] < alone.diversity[-1]
        assert copying.distinct[:, -1].sum() <= alone.distinct[:, -1].sum()
        assert np.array_equal(alone.configs[:, 0], copying.configs[:, 0])  # the same starts
        div = [nk.search(n=10, k=5, imitation=a, seed=seed, copy="configuration").diversity[-1]
               for a in (0.0, 0.03, 0.1, 0.5)]
        assert div == sorted(div, reverse=True) and div[0] > div[-1]
    early = [np.mean([nk.search(n=10, k=5, imitation=a, seed=s, copy="configuration").mean_fitness[5]
                      for s in range(6)]) for a in (0.0, 0.5)]
    assert early[1] > early[0]


def test_with_no_imitation_the_copy_rule_is_irrelevant():
    a = nk.search(n=9, k=4, imitation=0.0, seed=3)
    b = nk.search(n=9, k=4, imitation=0.0, seed=3, copy="configuration")
    assert np.array_equal(a.configs, b.configs)


def test_deterministic_for_a_seed():
    a, b = nk.search(n=10, k=4, imitation=0.4, seed=5), nk.search(n=10, k=4, imitation=0.4, seed=5)
    c = nk.search(n=10, k=4, imitation=0.4, seed=6)
    assert np.array_equal(a.configs, b.configs) and not np.array_equal(a.configs, c.configs)
    assert np.array_equal(a.mean_fitness, b.mean_fitness) and np.array_equal(a.diversity, b.diversity)
    # each run its own landscape, unless one is fixed for all
    assert not np.array_equal(a.landscapes[0].fitness, a.landscapes[1].fitness)
    same = nk.search(n=10, k=4, runs=3, seed=5, landscape_seed=77)
    assert all(land is nk.landscape(10, 4, "adjacent", 77) for land in same.landscapes)


def test_outputs_have_the_documented_shapes_and_ranges():
    r = nk.search(n=8, k=3, imitation=0.3, firms=30, periods=12, runs=5, seed=2)
    assert r.configs.shape == (5, 13, 30) and (r.n_runs, r.periods, r.n_firms, r.n) == (5, 12, 30, 8)
    for series in (r.mean_fitness, r.share_on_peak, r.diversity, r.relative_fitness, r.share_at_global_peak):
        assert series.shape == (13,) and np.all((series >= 0) & (series <= 1))
    assert r.distinct.shape == (5, 13) and r.distinct.min() >= 1 and r.distinct.max() <= 30
    np.testing.assert_allclose(r.mean_fitness, r.fitness.mean(axis=(0, 2)))
    best = [land.fitness.max() for land in r.landscapes]
    np.testing.assert_allclose(r.relative_fitness, np.mean([r.mean_fitness_by_run[i] / best[i] for i in range(5)], axis=0))
    lone = nk.search(n=6, k=1, imitation=1.0, firms=1, periods=30, runs=2, seed=1)  # nobody to copy: local search
    assert (np.diff(lone.fitness, axis=1) >= 0).all() and (lone.diversity == 0).all()


def test_bad_inputs_are_refused():
    for bad in (dict(k=10), dict(k=12), dict(k=-1), dict(n=13, k=2), dict(n=0, k=0), dict(imitation=-0.1),
                dict(imitation=1.5), dict(structure="ring"), dict(copy="all"), dict(firms=0), dict(runs=0),
                dict(observe=0), dict(periods=-1), dict(firms=2.5), dict(start=np.array([0, 1024])),
                dict(start=np.zeros(3, dtype=int))):
        args = dict(n=10, k=2, firms=2, periods=3, runs=1) | bad
        with pytest.raises(ValueError):
            nk.search(**args)
    with pytest.raises(ValueError, match="K must be"):
        nk.landscape(5, 5)
    with pytest.raises(ValueError, match="N must be"):
        nk.landscape(13, 1)


# Speed (an explorer setting in well under 50 ms) is measured by `make bench` once the chapter has an
# explorer, not by a timed test.
