"""Chapter 5: the Bass diffusion model, its fits, its explorer and its data."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from clusterkit import data
from clusterkit.explore import MAX_FRAMES
from clusterkit.explorers import ch05
from clusterkit.models import bass

#: Published Bass coefficients, as reproduced in the widely used table of p and q by product in
#: Lilien & Rangaswamy's marketing-engineering textbooks (e.g. Lilien, Rangaswamy & De Bruyn,
#: *Principles of Marketing Engineering*): colour TV p = 0.005, q = 0.84; room air conditioners
#: p = 0.010, q = 0.42 (Bass 1969 fitted the air conditioners himself: p ≈ 0.0104, q ≈ 0.419).
COLOUR_TV = (0.005, 0.84)
AIR_CONDITIONERS = (0.010, 0.42)
CASES = [(*COLOUR_TV, 1000.0), (*AIR_CONDITIONERS, 16895.0), (0.00012, 0.6, 20000.0), (0.03, 0.38, 1.0),
         (0.05, 0.02, 500.0)]


def integrate(p, q, m, t_end, points=2001):
    """N(t) from dN/dt = (p + q N/m)(m - N), N(0) = 0, by a high-accuracy ODE solver (no closed form used)."""
    t = np.linspace(0.0, t_end, points)
    sol = solve_ivp(lambda _t, n: (p + q * n / m) * (m - n), (0.0, t_end), [0.0], t_eval=t, rtol=1e-11,
                    atol=1e-12 * m, method="DOP853")
    return t, sol.y[0]


# -- the closed form ---------------------------------------------------------------------------
@pytest.mark.parametrize("p, q, m", CASES)
def test_closed_form_matches_numerical_integration_of_the_differential_equation(p, q, m):
    t, n = integrate(p, q, m, 60.0)
    np.testing.assert_allclose(bass.cumulative(t, p, q, m), n, rtol=1e-7, atol=1e-8 * m)


@pytest.mark.parametrize("p, q, m", CASES)
def test_rate_is_the_derivative_and_splits_into_innovators_and_imitators(p, q, m):
    t = np.linspace(0.5, 40, 80)
    h = 1e-5
    numeric = (bass.cumulative(t + h, p, q, m) - bass.cumulative(t - h, p, q, m)) / (2 * h)
    np.testing.assert_allclose(bass.rate(t, p, q, m), numeric, rtol=1e-6, atol=1e-6 * m)
    n = bass.cumulative(t, p, q, m)
    np.testing.assert_allclose(bass.innovators(t, p, q, m), p * (m - n))
    np.testing.assert_allclose(bass.innovators(t, p, q, m) + bass.imitators(t, p, q, m), bass.rate(t, p, q, m),
                               rtol=1e-9, atol=1e-9 * m)  # m - N loses digits once N is close to m
    assert bass.cdf(0.0, p, q) == 0.0
    assert bass.cumulative(1e4, p, q, m) == pytest.approx(m)


@pytest.mark.parametrize("p, q, m", [c for c in CASES if c[1] > c[0]])
def test_peak_formula_matches_the_maximum_of_the_integrated_rate(p, q, m):
    t_end = 3 * math.log(q / p) / (p + q) + 5
    t, n = integrate(p, q, m, t_end, points=200001)
    rate = (p + q * n / m) * (m - n)  # the right-hand side of the equation, on the integrated path
    k = int(np.argmax(rate))
    assert bass.peak_time(p, q) == pytest.approx(t[k], abs=2 * (t[1] - t[0]))
    assert bass.peak_rate(p, q, m) == pytest.approx(rate[k], rel=1e-6)
    assert n[k] / m == pytest.approx(0.5 - p / (2 * q), abs=1e-3)


def test_colour_tv_peaks_about_six_years_after_launch():
    """With the published colour-TV values the rate peaks at ln(168)/0.845 ≈ 6.06 years (by hand)."""
    assert bass.peak_time(*COLOUR_TV) == pytest.approx(6.0638, abs=1e-3)


def test_no_peak_after_the_start_when_innovation_outweighs_imitation():
    p, q, m = 0.05, 0.02, 500.0
    assert bass.peak_time(p, q) == 0.0
    assert bass.peak_rate(p, q, m) == pytest.approx(m * p)
    assert (np.diff(bass.rate(np.linspace(0, 50, 200), p, q, m)) < 0).all()


# -- limits ------------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.001, 0.03, 0.2])
def test_without_imitation_it_is_pure_external_influence(p):
    t = np.linspace(0, 80, 81)
    np.testing.assert_allclose(bass.cdf(t, p, 0.0), 1 - np.exp(-p * t), rtol=1e-12, atol=1e-15)
    assert bass.peak_time(p, 0.0) == 0.0


def test_with_vanishing_innovation_it_approaches_the_logistic_curve():
    q, p = 0.5, 1e-7
    t0 = math.log(q / p) / q
    t = np.linspace(0, 60, 121)
    np.testing.assert_allclose(bass.cdf(t, p, q), 1 / (1 + np.exp(-q * (t - t0))), atol=1e-6)


@pytest.mark.parametrize("p, q, m", CASES[:3])
def test_bass_is_a_logistic_shifted_down_to_start_at_zero(p, q, m):
    """Algebra (by hand): F = (1 + p/q) L - p/q with L = 1 / (1 + (q/p) e^{-(p+q)t}), a logistic of rate
    p + q and midpoint ln(q/p)/(p + q)."""
    t = np.linspace(0, 50, 101)
    r, t0 = p + q, math.log(q / p) / (p + q)
    np.testing.assert_allclose(bass.cumulative(t, p, q, m),
                               (1 + p / q) * bass.logistic(t, r, m, t0) - m * p / q, rtol=1e-9, atol=1e-9 * m)


def test_discrete_rule_by_hand():
    """p = 0.03, q = 0.38, m = 1000: n1 = 0.03 * 1000 = 30; n2 = (0.03 + 0.38 * 30/1000) * 970 = 40.158;
    n3 = (0.03 + 0.38 * 70.158/1000) * 929.842 = 52.685 (by hand)."""
    n = bass.discrete(0.03, 0.38, 1000, 3)
    assert n[0] == pytest.approx(30.0)
    assert n[1] == pytest.approx(40.158)
    assert n[2] == pytest.approx((0.03 + 0.38 * 70.158 / 1000) * 929.842)
    assert len(bass.discrete(0.03, 0.38, 1000, 0)) == 0
    # small steps: close to the continuous model's firms per period
    fine = bass.discrete(0.003, 0.038, 1000, 100)
    np.testing.assert_allclose(fine.cumsum()[-1], bass.cumulative(100, 0.003, 0.038, 1000), rtol=0.01)


# -- fitting -----------------------------------------------------------------------------------
@pytest.mark.parametrize("p, q, seed", [(*COLOUR_TV, 3), (*AIR_CONDITIONERS, 4)])
def test_fit_recovers_published_coefficients_from_noisy_data(p, q, seed):
    """Data generated with the published p, q and a known m, plus Poisson noise and good/bad-year shocks
    (seeded): the least-squares estimates are close to the truth and within three standard errors."""
    m, years = 20000.0, 16
    y = bass.simulate(p, q, m, years, seed=seed, sigma=0.05)
    fit = bass.fit_bass(np.arange(1, years + 1), y, kind="per_period")
    for name, truth in (("p", p), ("q", q), ("m", m)):
        assert fit.params[name] == pytest.approx(truth, rel=0.25), name
        assert abs(fit.params[name] - truth) < 3 * fit.se[name], name
    assert fit.dof == years - 3 and not fit.exact


def test_standard_errors_match_the_spread_of_estimates_over_seeds():
    p, q, m, years = 0.01, 0.42, 5000.0, 20
    t = np.arange(1, years + 1)
    estimates, ses = [], []
    for seed in range(40):
        y = bass.simulate(p, q, m, years, seed=100 + seed)
        fit = bass.fit_bass(t, y, kind="per_period", start=(p, q, m))
        estimates.append([fit.params["q"], fit.params["m"]])
        ses.append([fit.se["q"], fit.se["m"]])
    ratio = np.std(estimates, axis=0, ddof=1) / np.mean(ses, axis=0)
    assert ((ratio > 0.6) & (ratio < 1.6)).all(), ratio


def test_cumulative_fit_of_exact_data_returns_the_parameters():
    p, q, m = 0.008, 0.5, 3000.0
    t = np.arange(0, 25)
    fit = bass.fit_bass(t, bass.cumulative(t, p, q, m))
    assert fit.params == pytest.approx({"p": p, "q": q, "m": m}, rel=1e-6)
    assert fit.rss < 1e-12


def test_three_points_are_fitted_exactly_with_no_standard_errors():
    t, y = [4, 6, 38], [40, 140, 20000]
    fit = bass.fit_bass(t, y)
    assert fit.exact and fit.dof == 0
    np.testing.assert_allclose(fit.fitted, y, rtol=1e-8)
    assert all(math.isnan(v) for v in fit.se.values()) and math.isnan(fit.aic)
    logistic = bass.fit_logistic(t, y)
    np.testing.assert_allclose(logistic.fitted, y, rtol=1e-8)
    with pytest.raises(ValueError, match="exact fit"):
        bass.bootstrap(fit)


def test_on_counts_per_period_bass_and_logistic_fits_are_the_same_curve():
    """Per-period counts lose the constant of 'shifted down' (the test above): both families fit alike."""
    s = bass.load_series()
    b = bass.fit_bass(s["year"], s["new_firms"], kind="per_period")
    lg = bass.fit_logistic(s["year"], s["new_firms"], kind="per_period")
    assert b.rss == pytest.approx(lg.rss, rel=1e-6)
    assert b.aic == pytest.approx(lg.aic, abs=1e-4)
    assert lg.params["r"] == pytest.approx(b.params["p"] + b.params["q"], rel=1e-4)
    assert lg.params["m"] == pytest.approx(b.params["m"] * (1 + b.params["p"] / b.params["q"]), rel=1e-4)


def test_on_cumulative_counts_from_zero_the_bass_curve_fits_better():
    """When the count starts at zero, the logistic (never zero) pays for its stock at the start."""
    t = np.arange(0, 26)
    y = np.concatenate([[0.0], bass.load_series()["cumulative_firms"].to_numpy(dtype=float)])
    b, lg = bass.fit_bass(t, y), bass.fit_logistic(t, y)
    assert b.aic < lg.aic
    assert lg.predict(0.0) > 1.0 and b.predict(0.0) == 0.0


def test_fits_and_bootstraps_are_deterministic_for_a_seed():
    s = bass.load_series()
    a = bass.fit_bass(s["year"], s["new_firms"], kind="per_period")
    b = bass.fit_bass(s["year"], s["new_firms"], kind="per_period")
    assert a.params == b.params and a.se == b.se
    b1 = bass.bootstrap(a, n=30, seed=5)
    b2 = bass.bootstrap(a, n=30, seed=5)
    assert np.array_equal(b1.samples, b2.samples) and np.array_equal(b1.upper, b2.upper)
    assert not np.array_equal(b1.samples, bass.bootstrap(a, n=30, seed=6).samples)
    assert (b1.lower <= b1.median).all() and (b1.median <= b1.upper).all()
    lo, hi = b1.interval("m")
    assert lo < a.params["m"] < hi
    assert np.array_equal(bass.simulate(0.01, 0.4, 100, 10, seed=2), bass.simulate(0.01, 0.4, 100, 10, seed=2))


def test_a_band_from_the_first_years_is_wider_for_m():
    s = bass.load_series()
    full = bass.fit_bass(s["year"], s["new_firms"], kind="per_period")
    early = s[s["year"] <= 12]
    part = bass.fit_bass(early["year"], early["new_firms"], kind="per_period")
    assert part.se["m"] > 2 * full.se["m"]


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        bass.cdf(1.0, 0.0, 0.4)
    with pytest.raises(ValueError):
        bass.cdf(1.0, 0.01, -0.1)
    with pytest.raises(ValueError):
        bass.cumulative(1.0, 0.01, 0.4, 0.0)
    with pytest.raises(ValueError):
        bass.fit_bass([1, 2], [1, 2, 3])
    with pytest.raises(ValueError):
        bass.fit_bass([1, 2, 3], [1, 2, 3], kind="yearly")
    with pytest.raises(ValueError):
        bass.fit_bass([-1, 2, 3], [1, 2, 3])


# -- data ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["05_zgc_timeline", "05_zgc_figures", "05_firms_illustrative"])
def test_datasets_follow_their_datasheets(name):
    assert data.problems(name) == []


def test_the_fitted_series_has_three_counts_on_one_basis():
    c = bass.firm_counts("tech_firms")
    assert list(c["year"]) == [1984, 1986, 2018] and list(c["t"]) == [4, 6, 38]
    assert c["value"].tolist() == [40, 140, 20000]
    low = data.load("05_zgc_figures", include_low=True)
    assert 2005 in set(low.loc[low["series"] == "tech_firms", "year"])  # the blog's count, low: never fitted


def test_the_illustrative_series_is_the_documented_bass_process():
    sheet = data.datasheet("05_firms_illustrative")
    assert sheet.illustrative and "true p = 0.006, q = 0.45, m = 5,000" in sheet.description
    s = bass.load_series()
    assert (s["cumulative_firms"] == s["new_firms"].cumsum()).all()
    fit = bass.fit_bass(s["year"], s["new_firms"], kind="per_period")
    assert fit.params["q"] == pytest.approx(0.45, rel=0.15) and fit.params["m"] == pytest.approx(5000, rel=0.1)


# -- the explorer ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def static():
    ex = ch05.explorer()
    fig, _, state = ex.static_page()
    return ex, fig, state


def test_defaults_are_the_fit_rounded_to_the_sliders(static):
    ex, _, _ = static
    fit = ch05.fitted()
    d = ex.defaults()
    assert d["p"] == pytest.approx(fit.params["p"], abs=2e-5)
    assert d["q"] == pytest.approx(fit.params["q"], abs=0.075)
    assert d["m"] == pytest.approx(fit.params["m"], abs=5000)
    for p in ex.params:
        assert any(math.isclose(v, p.default) for v in p.values(static=True)), p.name


def test_static_figure_has_one_frame_per_grid_point(static):
    ex, fig, _ = static
    assert len(fig["frames"]) == len(ex.grid()) <= MAX_FRAMES
    assert len({f["name"] for f in fig["frames"]}) == len(fig["frames"])


def test_static_frames_differ_when_parameters_differ(static):
    _, fig, state = static
    seen = {json.dumps([f["data"], state["texts"][f["name"]]], sort_keys=True, default=str) for f in fig["frames"]}
    assert len(seen) == len(fig["frames"])


def test_static_frames_show_the_model(static):
    ex, fig, state = static
    names = [p.name for p in ex.params]
    for frame, values in zip(fig["frames"][::13], ex.grid()[::13]):
        kw = dict(zip(names, values))
        n = bass.cumulative(ch05.YEARS - ch05.FIRST, **kw)
        shown = frame["data"][0]["y"]
        for v, s in zip(n, shown):
            assert (s is None and v < 1) or s == pytest.approx(v, abs=0.01)
        assert f"{bass.cumulative(2023 - 1980, **kw):,.0f}" in state["texts"][frame["name"]][0]
        if kw["q"] > kw["p"]:
            assert f"{1980 + bass.peak_time(kw['p'], kw['q']):.1f}" in state["texts"][frame["name"]][0]


def test_live_widget_updates_the_figure_quickly():
    w = ch05.explorer().widget()
    before = list(w.figure.data[0].y)
    w.sliders["q"].value = 0.3
    after = list(w.figure.data[0].y)
    assert after != before
    assert after[10] < before[10]  # slower imitation: fewer firms by 1990
    for k in range(20):
        w.sliders["p"].value = 0.00004 + 0.00002 * (k % 18)
    assert len(w.timings) >= 20 and float(np.percentile(w.timings, 95)) < 0.05


# -- the chapter's figures -------------------------------------------------------------------
def _titled(fig):
    from clusterkit import display

    display.require_labels(fig, "alt text")  # raises without a title or axis titles


def test_timeline_puts_every_event_on_a_named_row():
    from clusterkit.figures import ch05 as figs

    events = data.load("05_zgc_timeline")
    assert "other" not in {figs.organisation(e) for e in events["entity_zh"]}
    fig = figs.case_timeline(events, title="t")
    _titled(fig)
    assert sum(len(t.x) for t in fig.data) == len(events)


def test_counts_figure_has_one_trace_per_basis_and_shows_qualifiers():
    from clusterkit.figures import ch05 as figs

    f = data.load("05_zgc_figures")
    fig = figs.counts_by_basis(f, title="t")
    _titled(fig)
    counts = f[f["unit"] == "count"]
    assert len(fig.data) == counts["series"].nunique()
    assert sum(len(t.y) for t in fig.data) == len(counts)
    texts = [x for t in fig.data for x in (t.text or ())]
    assert "> 20,000" in texts and "< 100" in texts
    assert fig.layout.yaxis.type == "log"


def test_income_figure_keeps_whole_years_apart_from_parts_of_years():
    from clusterkit.figures import ch05 as figs

    f = data.load("05_zgc_figures")
    fig = figs.income_by_basis(f, title="t")
    _titled(fig)
    by_name = {t.name: sorted(t.x) for t in fig.data}
    part = next(v for k, v in by_name.items() if k.startswith("part of the year"))
    assert part == [2014, 2023]
    assert sum(len(v) for v in by_name.values()) == int(f["series"].isin(["income_year", "income_part_year"]).sum())


def test_fit_figures_draw_the_fits_they_are_given():
    from clusterkit.figures import ch05 as figs

    c = bass.firm_counts()
    fit = bass.fit_bass(c["t"], c["value"])
    fig = figs.three_point_fits({"as published": fit}, {"as published": c}, title="t")
    _titled(fig)
    assert fig.data[0].y[-1] == pytest.approx(fit.predict(2023 - 1980))
    assert any(f"peak {1980 + fit.peak_time:.1f}" in a.text for a in fig.layout.annotations)
    s = bass.load_series()
    f25 = bass.fit_bass(s["year"], s["new_firms"], kind="per_period")
    band = bass.bootstrap(f25, n=20, seed=1, t=np.arange(1, 26), kind="per_period")
    fig = figs.fits_with_bands(s, {"all": band}, title="t", truth=(0.006, 0.45, 5000))
    _titled(fig)
    assert "illustrative" in fig.data[0].name and len(fig.data) == 5  # bars of the fitted years, later bars, band, fit, truth
