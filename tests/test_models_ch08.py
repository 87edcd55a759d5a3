"""Chapter 8: the Galton–Watson branching model of talent → teams → firms.

Worked examples (each expected value is computed here by a method other than the module's Newton
solve, or by hand):

* Poisson(λ) offspring: q solves s = e^{λ(s−1)}, so with u = −λs, u e^u = −λ e^{−λ} and
  q = −W₀(−λ e^{−λ})/λ (Lambert's W, principal branch; scipy.special.lambertw). For λ = 2 this is
  q ≈ 0.2032: the same equation gives the giant component of the Erdős–Rényi random graph
  G(n, c/n), whose share 1 − q ≈ 0.797 for c = 2 (Erdős & Rényi 1960; Durrett 2007, *Random
  Graph Dynamics*, ch. 2).
* Binomial(2, p) (by hand): with u = 1 − p, s = (u + p s)² ⇔ p² s² − (1 − 2pu) s + u² = 0, whose
  roots multiply to u²/p² and one of which is s = 1; so the other is (u/p)², and q = ((1 − p)/p)²
  for p > 1/2, q = 1 for p ≤ 1/2 (m = 2p ≤ 1).
* Geometric offspring p_k = p(1 − p)^k (by hand): s = p/(1 − (1 − p)s) ⇔ (1 − p)s² − s + p = 0 ⇔
  ((1 − p)s − p)(s − 1) = 0, roots 1 and p/(1 − p) = 1/m; so q = p/(1 − p) when p < 1/2 (m > 1).
* Lotka's (1931) fit to the male lines of white American families (1920 census), as reproduced by
  Feller (1968, *An Introduction to Probability Theory*, vol. 1, ch. XII) and Harris (1963, ch. I):
  p_k = b c^{k−1} for k ≥ 1 with b = 0.2126, c = 0.5893, p_0 = 1 − b/(1 − c) ≈ 0.4823. A linear
  fractional pgf G(s) = p_0 + b s/(1 − c s); s = G(s) is a quadratic with roots 1 and
  q = (1 − b − c)/(c(1 − c)) ≈ 0.819 (Athreya & Ney 1972, ch. I). Truncated here at k = 80 (tail
  mass c^80/(1 − c) · b < 1e-18) and given to :func:`branching.finite`.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from clusterkit.models import branching as br

LAMBDAS = [1.05, 1.2, 1.5, 2.0, 3.0, 5.0]


def q_poisson(lam: float) -> float:
    """q = −W₀(−λ e^{−λ})/λ (module docstring) for λ > 1."""
    return float(-special.lambertw(-lam * math.exp(-lam), 0).real / lam)


def smallest_root(pmf: np.ndarray) -> float:
    """The smallest root in [0, 1] of Σ p_k s^k − s, from the polynomial's companion-matrix roots."""
    c = np.array(pmf, dtype=float)
    c = np.pad(c, (0, max(0, 2 - c.size)))
    c[1] -= 1.0
    roots = np.roots(c[::-1])
    real = roots[np.abs(roots.imag) < 1e-9].real
    inside = real[(real >= -1e-12) & (real <= 1 + 1e-9)]
    return float(min(inside.min(), 1.0))


def exact_distribution(pmf: np.ndarray, n: int) -> np.ndarray:
    """P(Z_n = j) from one founder, by conditioning on Z_{n−1} and convolving (no pgf used)."""
    pmf = np.asarray(pmf, dtype=float)
    dist = np.array([0.0, 1.0])
    for _ in range(n):
        new = np.zeros((dist.size - 1) * (pmf.size - 1) + 1)
        power = np.array([1.0])  # the pmf of the offspring of j parents, j = 0, 1, …
        for j, pj in enumerate(dist):
            if pj > 0:
                new[: power.size] += pj * power
            power = np.convolve(power, pmf)
        dist = new
    return dist


def random_pmfs(count: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        k = int(rng.integers(2, 7))
        out.append(rng.dirichlet(np.full(k, 0.7)))
    return out


# -- worked examples ------------------------------------------------------------------------------
def test_poisson_two_dies_out_with_probability_0_2032():
    off = br.poisson(2.0)
    assert br.extinction_probability(off) == pytest.approx(q_poisson(2.0), abs=1e-12)
    assert br.extinction_probability(off) == pytest.approx(0.2032, abs=5e-5)
    assert br.survival_probability(off) == pytest.approx(0.7968, abs=5e-5)  # Erdős–Rényi c = 2


@pytest.mark.parametrize("lam", LAMBDAS)
def test_poisson_matches_lambert_w(lam):
    assert br.extinction_probability(br.poisson(lam)) == pytest.approx(q_poisson(lam), abs=1e-10)


@pytest.mark.parametrize("p", [0.3, 0.5, 0.55, 0.6, 0.75, 0.9, 1.0])
def test_binomial_two_by_hand(p):
    expected = ((1 - p) / p) ** 2 if p > 0.5 else 1.0
    assert br.extinction_probability(br.binomial(2, p)) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("p", [0.1, 0.25, 0.4, 0.49, 0.5, 0.7])
def test_geometric_closed_form(p):
    off = br.geometric(p)
    expected = p / (1 - p) if p < 0.5 else 1.0
    assert br.extinction_probability(off) == pytest.approx(expected, abs=1e-10)
    if p < 0.5:
        assert br.extinction_probability(off) == pytest.approx(1 / off.mean, abs=1e-10)


def test_lotkas_american_male_lines():
    b, c = 0.2126, 0.5893
    k = np.arange(1, 81)
    pmf = np.concatenate([[1 - b / (1 - c)], b * c ** (k - 1)])
    pmf[0] += 1 - pmf.sum()  # the truncated tail (< 1e-18) back on p_0
    expected = (1 - b - c) / (c * (1 - c))
    assert expected == pytest.approx(0.819, abs=1e-3)
    assert br.extinction_probability(br.finite(pmf)) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("pmf", random_pmfs(40, seed=8))
def test_finite_pmf_matches_polynomial_roots(pmf):
    off = br.finite(pmf)
    if off.mean > 1:
        assert br.extinction_probability(off) == pytest.approx(smallest_root(pmf), abs=1e-9)
    else:
        assert br.extinction_probability(off) == 1.0


def test_many_founders():
    q = q_poisson(1.5)
    assert br.extinction_probability(br.poisson(1.5), start=3) == pytest.approx(q**3, abs=1e-12)
    assert br.survival_probability(br.poisson(1.5), start=0) == 0.0  # no founders, no industry
    assert br.extinction_probability(br.poisson(1.5), start=0) == 1.0


# -- the critical case and degenerate offspring ------------------------------------------------------
@pytest.mark.parametrize("off", [br.poisson(1.0), br.binomial(2, 0.5), br.binomial(10, 0.1), br.geometric(0.5),
                                 br.finite([0.25, 0.5, 0.25]), br.finite([1 / 3, 1 / 3, 1 / 3]),
                                 br.finite([0.75, 0, 0, 0, 0.25])])
def test_critical_lines_die_out_surely(off):
    assert off.mean == pytest.approx(1.0, abs=1e-12)
    assert br.extinction_probability(off) == 1.0


def test_critical_case_is_not_left_to_iteration():
    """At m = 1 the iterates G_n(0) creep up like 1 − 2/(nσ²): after 1,000 steps they are still
    about 0.998 (Poisson(1), σ² = 1), yet q = 1."""
    s = 0.0
    for _ in range(1000):
        s = math.exp(s - 1.0)
    assert 1 - s == pytest.approx(2 / 1000, rel=0.05)
    assert br.extinction_probability(br.poisson(1.0)) == 1.0
    assert br.extinct_by(br.poisson(1.0), 1000)[-1] == pytest.approx(s, abs=1e-12)


@pytest.mark.parametrize("delta", [1e-2, 1e-3, 1e-4, 1e-6, 1e-9])
def test_just_above_critical_survival_is_about_two_delta(delta):
    """Poisson(1 + δ): 1 − q = 2δ − (8/3)δ² + O(δ³) (expand 1 − ζ = e^{−(1+δ)ζ} in ζ, by hand).
    At δ = 1e-9 the survival probability is ~2e-9: it must keep its digits, not round to 0."""
    lam = 1 + delta
    d = lam - 1  # the δ actually represented
    zeta = br.survival_probability(br.poisson(lam))
    assert zeta == pytest.approx(2 * d - 8 / 3 * d**2, rel=1e-6, abs=10 * d**3)


@pytest.mark.parametrize("eps", [1e-4, 1e-8, 1e-11])
def test_just_above_critical_geometric_keeps_its_digits(eps):
    """Geometric(p), p = 1/2 − ε: 1 − q = 1 − p/(1 − p) = (1 − 2p)/(1 − p), which has no cancellation."""
    p = 0.5 - eps
    assert br.survival_probability(br.geometric(p)) == pytest.approx((1 - 2 * p) / (1 - p), rel=1e-6)


def test_degenerate_offspring():
    assert br.extinction_probability(br.finite([0.0, 1.0])) == 0.0  # p_1 = 1: m = 1 but never dies
    assert br.extinction_probability(br.binomial(1, 1.0)) == 0.0
    assert br.extinction_probability(br.finite([0.0, 0.3, 0.7])) == 0.0  # p_0 = 0
    assert br.extinction_probability(br.poisson(0.0)) == 1.0
    assert br.extinction_probability(br.binomial(0, 0.4)) == 1.0
    assert br.extinction_probability(br.geometric(1.0)) == 1.0


# -- properties ---------------------------------------------------------------------------------------
ALL = ([br.poisson(lam) for lam in [0.3, 0.9, 1.0, 1.01, 2.5, 8.0]]
       + [br.binomial(n, p) for n in (1, 3, 8) for p in (0.1, 0.4, 0.7)]
       + [br.geometric(p) for p in (0.05, 0.3, 0.6)]
       + [br.finite(p) for p in random_pmfs(20, seed=21)])


@pytest.mark.parametrize("off", ALL)
def test_q_is_the_smallest_fixed_point_in_the_unit_interval(off):
    q = br.extinction_probability(off)
    assert 0.0 <= q <= 1.0
    assert float(br.pgf(off, q)) == pytest.approx(q, abs=1e-10)
    below = np.linspace(0, q, 200, endpoint=False)[1:]
    assert (br.pgf(off, below) > below).all()  # no smaller root
    non_degenerate = off.prob(1) < 1
    if non_degenerate:
        assert (q == 1.0) == (off.mean <= 1.0)
    # G_n(0) rises towards q and never passes it
    by = br.extinct_by(off, 60)
    assert (np.diff(by) >= -1e-15).all() and (by <= q + 1e-12).all()


def test_q_decreases_as_lambda_grows():
    lams = np.linspace(1.01, 6, 60)
    q = np.array([br.extinction_probability(br.poisson(x)) for x in lams])
    assert (np.diff(q) < 0).all()
    assert all(br.extinction_probability(br.poisson(x)) == 1.0 for x in np.linspace(0, 1, 11))


@pytest.mark.parametrize("off", [br.poisson(1.7), br.binomial(3, 0.4), br.geometric(0.35), br.finite([0.2, 0.3, 0.5])])
def test_pgf_and_moments_agree_with_the_pmf(off):
    k = np.arange(400)
    pk = np.array([off.prob(int(j)) for j in k])
    assert pk.sum() == pytest.approx(1.0, abs=1e-12)
    for s in (0.0, 0.3, 0.8, 1.0):
        assert float(off.pgf(s)) == pytest.approx(float(np.dot(pk, s**k)), abs=1e-12)
    assert off.mean == pytest.approx(np.dot(k, pk), rel=1e-10)
    assert off.variance == pytest.approx(np.dot((k - off.mean) ** 2, pk), rel=1e-10)
    h = 1e-6
    numeric = (float(off.pgf(0.5 + h)) - float(off.pgf(0.5 - h))) / (2 * h)
    assert float(off.dpgf(0.5)) == pytest.approx(numeric, rel=1e-7)


def test_family_pmfs_match_scipy():
    for j in range(8):
        assert br.poisson(1.7).prob(j) == pytest.approx(stats.poisson.pmf(j, 1.7), rel=1e-12)
        assert br.binomial(3, 0.4).prob(j) == pytest.approx(stats.binom.pmf(j, 3, 0.4), abs=1e-15)
        # scipy's geometric is on 1, 2, …
        assert br.geometric(0.35).prob(j) == pytest.approx(stats.geom.pmf(j + 1, 0.35), rel=1e-12)


# -- size after n generations -----------------------------------------------------------------------------
@pytest.mark.parametrize("pmf", [[0.2, 0.3, 0.5], [0.3, 0.4, 0.3], [0.5, 0.2, 0.1, 0.2], [0.6, 0.3, 0.1]])
def test_mean_and_variance_match_the_exact_distribution(pmf):
    off = br.finite(pmf)
    k = np.arange(7)
    assert br.expected_size(off, k) == pytest.approx(off.mean**k, rel=1e-12)
    for n in range(6):
        dist = exact_distribution(np.array(pmf), n)
        j = np.arange(dist.size)
        mean = float(np.dot(j, dist))
        var = float(np.dot((j - mean) ** 2, dist))
        assert float(br.expected_size(off, n)) == pytest.approx(mean, rel=1e-10, abs=1e-12)
        assert float(br.size_variance(off, n)) == pytest.approx(var, rel=1e-9, abs=1e-12)
        assert br.extinct_by(off, n)[-1] == pytest.approx(dist[0], abs=1e-12)


@pytest.mark.parametrize("off", [br.poisson(1.0), br.poisson(1.4), br.poisson(0.7), br.binomial(4, 0.5),
                                 br.geometric(0.3), br.poisson(1 + 1e-9)])
def test_variance_follows_the_law_of_total_variance(off):
    """Var Z_n = m² Var Z_{n−1} + σ² E Z_{n−1} (condition on Z_{n−1}), from Z_0 = z fixed."""
    m, s2, z = off.mean, off.variance, 3
    var, mean = 0.0, float(z)
    for n in range(1, 15):
        var, mean = m * m * var + s2 * mean, m * mean
        assert float(br.size_variance(off, n, start=z)) == pytest.approx(var, rel=1e-7)
        assert float(br.expected_size(off, n, start=z)) == pytest.approx(mean, rel=1e-12)
    assert float(br.size_variance(off, 0)) == 0.0


def test_critical_variance_is_n_sigma_squared():
    np.testing.assert_allclose(br.size_variance(br.binomial(2, 0.5), np.arange(10)), 0.5 * np.arange(10))


# -- simulation -------------------------------------------------------------------------------------
def test_simulated_survival_is_within_a_binomial_bound_of_one_minus_q():
    off, runs = br.poisson(1.5), 20_000
    sizes = br.simulate(off, generations=40, runs=runs, seed=8, cap=10_000)
    share = br.survival_share(sizes)
    truth = 1 - q_poisson(1.5)
    assert abs(share - truth) < 4 * math.sqrt(truth * (1 - truth) / runs)


@pytest.mark.parametrize("off", [br.poisson(1.3), br.binomial(3, 0.45), br.geometric(0.42), br.finite([0.2, 0.3, 0.5])])
def test_simulated_mean_is_m_to_the_n(off):
    runs, n = 20_000, 7
    sizes = br.simulate(off, n, runs, seed=3, cap=10**9)
    assert sizes.max() < 10**9  # no run capped: the mean is unbiased
    sd = np.sqrt(br.size_variance(off, np.arange(n + 1)) / runs)
    err = np.abs(sizes.mean(axis=0) - off.mean ** np.arange(n + 1))
    assert (err <= 4.5 * sd + 1e-12).all(), (err, sd)
    var = sizes[:, -1].var(ddof=1)
    assert var == pytest.approx(float(br.size_variance(off, n)), rel=0.2)


@pytest.mark.parametrize("off", [br.poisson(1.3), br.binomial(3, 0.45), br.geometric(0.42), br.finite([0.2, 0.3, 0.5])])
def test_first_generation_has_the_offspring_distribution(off):
    runs = 30_000
    x = br.simulate(off, 1, runs, seed=5)[:, 1]
    top = 6
    observed = np.array([np.sum(x == j) for j in range(top)] + [np.sum(x >= top)])
    p = np.array([off.prob(j) for j in range(top)])
    expected = runs * np.append(p, 1 - p.sum())
    keep = expected > 5
    obs, exp = observed[keep], expected[keep]
    exp = exp * obs.sum() / exp.sum()
    assert stats.chisquare(obs, exp).pvalue > 1e-4


def test_simulated_generation_three_matches_the_exact_distribution():
    pmf, runs = np.array([0.25, 0.35, 0.4]), 30_000
    exact = exact_distribution(pmf, 3)
    z = br.simulate(br.finite(pmf), 3, runs, seed=12)[:, -1]
    observed = np.bincount(z, minlength=exact.size)
    assert observed.size == exact.size  # at most 2³ = 8 founders
    keep = exact * runs > 5
    obs, exp = observed[keep], exact[keep] * runs
    if (~keep).any():
        obs, exp = np.append(obs, observed[~keep].sum()), np.append(exp, exact[~keep].sum() * runs)
    exp = exp * obs.sum() / exp.sum()
    assert stats.chisquare(obs, exp).pvalue > 1e-4


def test_extinct_by_matches_the_simulated_share_extinct():
    off, runs = br.geometric(0.4), 20_000
    sizes = br.simulate(off, 10, runs, seed=4)
    dead = (sizes == 0).mean(axis=0)
    by = br.extinct_by(off, 10)
    assert np.all(np.abs(dead - by) < 4 * np.sqrt(by * (1 - by) / runs) + 1e-12)


def test_simulation_is_deterministic_for_a_seed_and_capped():
    off = br.poisson(3.0)
    a = br.simulate(off, 12, 500, seed=1, cap=5_000)
    b = br.simulate(off, 12, 500, seed=1, cap=5_000)
    assert a.dtype == np.int64 and a.shape == (500, 13)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, br.simulate(off, 12, 500, seed=2, cap=5_000))
    assert a.max() == 5_000 and (a <= 5_000).all()
    assert (a[:, 0] == 1).all()
    dead = a == 0
    assert (dead[:, 1:] >= dead[:, :-1]).all()  # once extinct, always extinct
    g = np.random.default_rng(1)
    assert np.array_equal(br.simulate(off, 12, 500, seed=g, cap=5_000), a)
    assert (br.simulate(off, 3, 10, seed=1, start=4)[:, 0] == 4).all()


# -- the talent-led parameterisation and the explorer -----------------------------------------------------
def test_talent_led_offspring_is_poisson_a_p_t():
    off = br.talent_led(2.0, 0.25, 4.0)
    assert off == br.poisson(2.0)
    assert br.survival_probability(off) == pytest.approx(1 - q_poisson(2.0), abs=1e-12)
    assert br.survival_probability(br.talent_led(1.0, 0.2, 5.0)) == 0.0  # a p T = 1: critical
    assert br.survival_probability(br.talent_led(0.0, 0.9, 5.0)) == 0.0


def test_more_talent_or_better_founding_helps():
    grid = np.linspace(0.1, 3.0, 30)
    by_a = [br.survival_probability(br.talent_led(a, 0.3, 5.0)) for a in grid]
    by_p = [br.survival_probability(br.talent_led(1.0, p, 5.0)) for p in np.linspace(0, 1, 30)]
    assert (np.diff(by_a) >= 0).all() and (np.diff(by_p) >= 0).all()
    assert by_a[-1] > 0.9 and by_a[0] == 0.0


def test_explorer_outputs_are_consistent():
    out = br.explore(1.2, 0.4, years=5.0, generations=8, runs=3000, seed=9)
    m = 1.2 * 0.4 * 5.0
    assert out.mean == pytest.approx(m)
    assert out.survival == pytest.approx(1 - q_poisson(m), abs=1e-12)
    np.testing.assert_allclose(out.expected, m ** np.arange(9))
    assert out.sizes.shape == (3000, 9)
    assert abs(out.simulated_survival - br.survival_probability(br.poisson(m))) < 0.05  # ≥ 1 − q, close by gen 8
    labels, counts = out.classes()
    assert counts.sum() == 3000 and labels[0].startswith("0") and counts[0] == int((out.final == 0).sum())
    again = br.explore(1.2, 0.4, years=5.0, generations=8, runs=3000, seed=9)
    assert np.array_equal(out.sizes, again.sizes)


def test_size_classes_by_decade_and_cap():
    labels, counts = br.size_classes([0, 0, 1, 2, 9, 10, 99, 100, 5000, 5000], cap=5000)
    assert labels == ["0 (died out)", "1", "2–9", "10–99", "100–999", "1,000–4,999", "≥ 5,000 (capped)"]
    assert counts.tolist() == [2, 1, 2, 2, 1, 0, 2]
    labels, counts = br.size_classes([0, 3])
    assert labels == ["0 (died out)", "1", "2–9"] and counts.tolist() == [1, 0, 1]


# -- bad input ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, match", [
    (lambda: br.poisson(-0.5), "λ"),
    (lambda: br.poisson(float("nan")), "λ"),
    (lambda: br.binomial(2.5, 0.3), "whole"),
    (lambda: br.binomial(-1, 0.3), "whole"),
    (lambda: br.binomial(3, 1.2), r"\[0, 1\]"),
    (lambda: br.geometric(0.0), "geometric"),
    (lambda: br.geometric(1.5), "geometric"),
    (lambda: br.finite([0.5, 0.4]), "sum to 1"),
    (lambda: br.finite([1.2, -0.2]), "≥ 0"),
    (lambda: br.finite([]), "non-empty"),
    (lambda: br.finite([[0.5, 0.5]]), "one-dimensional"),
    (lambda: br.talent_led(-1, 0.3), "attraction"),
    (lambda: br.talent_led(1, 1.3), "founding"),
    (lambda: br.talent_led(1, 0.3, 0), "active years"),
    (lambda: br.pgf(br.poisson(1), 1.5), "0 ≤ s ≤ 1"),
    (lambda: br.expected_size(br.poisson(1), -1), "generations"),
    (lambda: br.expected_size(br.poisson(1), 1.5), "generations"),
    (lambda: br.simulate(br.poisson(1), 3, 0, seed=1), "runs"),
    (lambda: br.simulate(br.poisson(1), -2, 10, seed=1), "generations"),
    (lambda: br.simulate(br.poisson(1), 3, 10, seed=1, cap=0), "cap"),
    (lambda: br.simulate(br.poisson(1), 3, 10, seed=1, cap=10**13), "cap"),
    (lambda: br.extinction_probability(br.poisson(2), start=-1), "start"),
])
def test_bad_input_is_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()
