"""Bass diffusion: how new firms (or adopters) spread through a population, by innovation and imitation.

Chapter 5 (university technology transfer, 高校成果转化; Zhongguancun). Bass (1969), *A new product
growth model for consumer durables*, Management Science 15(5): 215-227.

A population of ``m`` potential adopters — here, potential founders of technology firms. Each of the
``m - N(t)`` who have not yet adopted does so at the hazard rate ``p + q N(t)/m``: ``p`` is the
coefficient of **innovation** (external influence: a researcher who starts a firm on her own, a
spin-out from a university or institute), ``q`` the coefficient of **imitation** (internal influence:
the example, contacts and staff of the firms already there). So

    dN/dt = (p + q N/m) (m - N),  N(0) = 0,

whose solution (Bass 1969, eq. 6) is, with F = N/m the share that has adopted,

    F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}),
    f(t) = dF/dt = ((p+q)^2 / p) e^{-(p+q)t} / (1 + (q/p) e^{-(p+q)t})^2,
    N(t) = m F(t),  adoptions per unit time n(t) = m f(t) = p (m - N) + q (N/m) (m - N),

the first term the innovators, the second the imitators. If ``q > p`` the adoption rate peaks at

    t* = ln(q/p) / (p + q),  with  n(t*) = m (p + q)^2 / (4 q)  and  F(t*) = 1/2 - p/(2q);

if ``q <= p`` it is highest at t = 0 (rate ``m p``) and only falls. Limits: ``q = 0`` is pure
external influence, F = 1 - e^{-pt}; ``p -> 0`` is the logistic curve F = 1 / (1 + e^{-q(t - t0)})
with t0 = ln(q/p) / q (Mansfield 1961 modelled imitation among firms with it).

Fitting: :func:`fit_bass` and :func:`fit_logistic` estimate the three parameters by non-linear least
squares (Srinivasan & Mason 1986), on cumulative counts or on counts per period, with standard errors
from the covariance s^2 (J^T J)^-1 and the Gaussian AIC n ln(RSS/n) + 2k (Akaike 1974);
:func:`bootstrap` gives a seeded parametric-bootstrap band. With as many points as parameters a
three-parameter curve passes through every point: no standard error, no AIC (``Fit.exact``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

#: The chapter's illustrative series of annual new firms (a seeded Bass process).
FIRMS_DATASET = "05_firms_illustrative"
#: The case's figures (firm counts by basis, income).
FIGURES_DATASET = "05_zgc_figures"
#: The calendar year of t = 0 in the chapter: the first private technology firm, October 1980.
ORIGIN = 1980

ArrayLike = float | Sequence[float] | np.ndarray


def _check(p: float, q: float, m: float = 1.0) -> None:
    if not (p > 0 and math.isfinite(p)):
        raise ValueError(f"p (coefficient of innovation) must be positive, got {p}")
    if not (q >= 0 and math.isfinite(q)):
        raise ValueError(f"q (coefficient of imitation) must be zero or positive, got {q}")
    if not (m > 0 and math.isfinite(m)):
        raise ValueError(f"m (market potential) must be positive, got {m}")


def cdf(t: ArrayLike, p: float, q: float) -> np.ndarray:
    """F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}): the share of ``m`` adopted by time t (t >= 0)."""
    _check(p, q)
    t = np.asarray(t, dtype=float)
    e = np.exp(-(p + q) * t)
    return (1.0 - e) / (1.0 + (q / p) * e)


def pdf(t: ArrayLike, p: float, q: float) -> np.ndarray:
    """f(t) = dF/dt = ((p+q)^2/p) e^{-(p+q)t} / (1 + (q/p) e^{-(p+q)t})^2, per unit of time."""
    _check(p, q)
    t = np.asarray(t, dtype=float)
    e = np.exp(-(p + q) * t)
    return ((p + q) ** 2 / p) * e / (1.0 + (q / p) * e) ** 2


def cumulative(t: ArrayLike, p: float, q: float, m: float) -> np.ndarray:
    """N(t) = m F(t): adopters (firms founded) by time t."""
    _check(p, q, m)
    return m * cdf(t, p, q)


def rate(t: ArrayLike, p: float, q: float, m: float) -> np.ndarray:
    """n(t) = m f(t): adoptions per unit of time at t (new firms a year when t is in years)."""
    _check(p, q, m)
    return m * pdf(t, p, q)


def innovators(t: ArrayLike, p: float, q: float, m: float) -> np.ndarray:
    """The innovators' part of n(t): p (m - N(t))."""
    return p * (m - cumulative(t, p, q, m))


def imitators(t: ArrayLike, p: float, q: float, m: float) -> np.ndarray:
    """The imitators' part of n(t): q (N(t)/m) (m - N(t))."""
    n = cumulative(t, p, q, m)
    return q * (n / m) * (m - n)


def per_period(t: ArrayLike, p: float, q: float, m: float) -> np.ndarray:
    """Adoptions in the period ending at t: m (F(t) - F(t - 1)) (t >= 1; firms founded in year t)."""
    t = np.asarray(t, dtype=float)
    return cumulative(t, p, q, m) - cumulative(np.maximum(t - 1.0, 0.0), p, q, m)


def peak_time(p: float, q: float) -> float:
    """t* = ln(q/p)/(p+q) when q > p (the adoption rate's maximum); 0 when q <= p."""
    _check(p, q)
    return math.log(q / p) / (p + q) if q > p else 0.0


def peak_rate(p: float, q: float, m: float) -> float:
    """n(t*) = m (p+q)^2 / (4q) when q > p; m p (the rate at t = 0) when q <= p."""
    _check(p, q, m)
    return m * (p + q) ** 2 / (4.0 * q) if q > p else m * p


def logistic(t: ArrayLike, r: float, m: float, t0: float) -> np.ndarray:
    """The logistic curve L(t) = m / (1 + e^{-r (t - t0)}): growth rate r, ceiling m, midpoint t0."""
    if not (r > 0 and m > 0):
        raise ValueError("the logistic curve needs r > 0 and m > 0")
    t = np.asarray(t, dtype=float)
    return m / (1.0 + np.exp(-r * (t - t0)))


def logistic_per_period(t: ArrayLike, r: float, m: float, t0: float) -> np.ndarray:
    """Logistic growth in the period ending at t: L(t) - L(t - 1)."""
    t = np.asarray(t, dtype=float)
    return logistic(t, r, m, t0) - logistic(t - 1.0, r, m, t0)


def discrete(p: float, q: float, m: float, periods: int) -> np.ndarray:
    """The discrete Bass rule (the spreadsheet form): new adopters in periods 1..``periods``,
    n_t = (p + q N_{t-1}/m) (m - N_{t-1}), N_0 = 0. Close to :func:`per_period` when p + q is small."""
    _check(p, q, m)
    out = np.zeros(int(periods))
    n = 0.0
    for k in range(int(periods)):
        out[k] = (p + q * n / m) * (m - n)
        n += out[k]
    return out


def simulate(p: float, q: float, m: float, periods: int, seed: int, sigma: float = 0.0) -> np.ndarray:
    """Whole adoptions per period from a seeded Bass process: Poisson counts around
    m (F(t) - F(t-1)) e^{eps_t}, eps_t ~ N(0, sigma) (good and bad years), t = 1..periods."""
    rng = np.random.default_rng(seed)
    expected = per_period(np.arange(1, int(periods) + 1), p, q, m)
    shocks = np.exp(rng.normal(0.0, sigma, size=expected.size)) if sigma > 0 else 1.0
    return rng.poisson(expected * shocks).astype(float)


# -- fitting --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fit:
    """A least-squares fit of a three-parameter curve.

    ``params`` and ``se`` by name (``se`` is NaN when there are no degrees of freedom); ``kind``
    says whether ``y`` was cumulative or per period; ``aic`` = n ln(RSS/n) + 2k (NaN for an exact fit).
    """

    model: str  # "bass" or "logistic"
    kind: str  # "cumulative" or "per_period"
    t: np.ndarray
    y: np.ndarray
    params: dict[str, float]
    se: dict[str, float]
    cov: np.ndarray
    fitted: np.ndarray
    rss: float
    aic: float
    n_restarts: int = 0
    _curve: Callable[..., np.ndarray] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    @property
    def n(self) -> int:
        return int(self.y.size)

    @property
    def k(self) -> int:
        return len(self.params)

    @property
    def dof(self) -> int:
        """Degrees of freedom left for the noise: n - k."""
        return self.n - self.k

    @property
    def exact(self) -> bool:
        """True when the curve has as many parameters as points (or more): it fits them exactly."""
        return self.dof <= 0

    @property
    def residuals(self) -> np.ndarray:
        return self.y - self.fitted

    @property
    def sigma(self) -> float:
        """The residual standard deviation sqrt(RSS / (n - k)) (NaN with no degrees of freedom)."""
        return math.sqrt(self.rss / self.dof) if self.dof > 0 else math.nan

    def predict(self, t: ArrayLike, kind: str | None = None) -> np.ndarray:
        """The fitted curve at ``t``: cumulative, or per period (``kind="per_period"``)."""
        return self._curve(np.asarray(t, dtype=float), kind or self.kind, **self.params)

    @property
    def peak_time(self) -> float:
        """When the fitted adoption rate peaks (t units; Bass: t*, logistic: its midpoint t0)."""
        if self.model == "bass":
            return peak_time(self.params["p"], self.params["q"])
        return self.params["t0"]


def _bass_curve(t: np.ndarray, kind: str, p: float, q: float, m: float) -> np.ndarray:
    return cumulative(t, p, q, m) if kind == "cumulative" else per_period(t, p, q, m)


def _logistic_curve(t: np.ndarray, kind: str, r: float, m: float, t0: float) -> np.ndarray:
    return logistic(t, r, m, t0) if kind == "cumulative" else logistic_per_period(t, r, m, t0)


def _least_squares(curve, names, to_natural, starts, t, y, kind, model) -> Fit:
    """Minimise the squared residuals from each start (in the transformed parameters ``x``); keep the best."""
    from scipy.optimize import least_squares

    def residuals(x: np.ndarray) -> np.ndarray:
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                out = curve(t, kind, *to_natural(x)) - y
        except (ValueError, OverflowError):  # a step out of the parameters' domain
            return np.full(y.shape, 1e30)
        return np.where(np.isfinite(out), out, 1e30)

    best = None
    for x0 in starts:
        try:
            sol = least_squares(residuals, np.asarray(x0, dtype=float), method="lm", xtol=1e-15, ftol=1e-15,
                                gtol=1e-15, max_nfev=4000)
        except (ValueError, FloatingPointError):
            continue
        cost = float(np.sum(sol.fun ** 2))
        if best is None or cost < best[0] - 1e-12 * max(1.0, best[0]):
            best = (cost, sol)
    if best is None:
        raise RuntimeError("the least-squares fit did not converge from any start")
    rss, sol = best
    theta = np.array(to_natural(sol.x), dtype=float)
    # Jacobian in the natural parameters, by central differences (the fit's own is in x).
    jac = np.empty((t.size, theta.size))
    for j in range(theta.size):
        h = 1e-6 * max(abs(theta[j]), 1e-12)
        up, dn = theta.copy(), theta.copy()
        up[j] += h
        dn[j] -= h
        jac[:, j] = (curve(t, kind, *up) - curve(t, kind, *dn)) / (2 * h)
    n, k = t.size, theta.size
    if n > k:
        s2 = rss / (n - k)
        try:
            cov = s2 * np.linalg.inv(jac.T @ jac)
        except np.linalg.LinAlgError:
            cov = np.full((k, k), np.nan)
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
        aic = n * math.log(rss / n) + 2 * k if rss > 0 else -math.inf
    else:
        cov = np.full((k, k), np.nan)
        se = np.full(k, np.nan)
        aic = math.nan
    params = {name: float(v) for name, v in zip(names, theta)}
    return Fit(model=model, kind=kind, t=t, y=y, params=params, se={nm: float(s) for nm, s in zip(names, se)},
               cov=cov, fitted=curve(t, kind, *theta), rss=rss, aic=aic, n_restarts=len(starts),
               _curve=curve)


def _data(t: ArrayLike, y: ArrayLike, kind: str) -> tuple[np.ndarray, np.ndarray]:
    if kind not in ("cumulative", "per_period"):
        raise ValueError('kind must be "cumulative" or "per_period"')
    t, y = np.asarray(t, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    if t.size != y.size or t.size < 1:
        raise ValueError("t and y must have the same, positive length")
    if not (np.isfinite(t).all() and np.isfinite(y).all()):
        raise ValueError("t and y must be finite numbers")
    if (t < 0).any():
        raise ValueError("t counts time since the start (t >= 0)")
    return t, y


def fit_bass(t: ArrayLike, y: ArrayLike, kind: str = "cumulative",
             start: tuple[float, float, float] | None = None) -> Fit:
    """Fit p, q and m of the Bass model to counts ``y`` at times ``t`` (non-linear least squares).

    ``kind="cumulative"``: ``y`` are adopters by time t (N(t)); ``"per_period"``: adopters in the
    period ending at t (m (F(t) - F(t-1)), Srinivasan & Mason 1986). Fitted in log p, log q, log m
    (all stay positive) from a small grid of starts (or ``start``), the best kept: deterministic.
    """
    t, y = _data(t, y, kind)
    total = float(y.max() if kind == "cumulative" else y.sum())
    total = max(total, 1.0)
    if start is not None:
        starts = [np.log(np.asarray(start, dtype=float))]
    else:
        starts = [np.log([p0, q0, total * f0]) for p0 in (1e-4, 3e-3, 3e-2) for q0 in (0.1, 0.4, 0.8)
                  for f0 in (1.05, 1.5, 3.0)]
    def to_natural(x: np.ndarray) -> tuple[float, ...]:
        with np.errstate(over="ignore"):
            return tuple(float(v) for v in np.exp(x))

    return _least_squares(_bass_curve, ("p", "q", "m"), to_natural, starts, t, y, kind, "bass")


def fit_logistic(t: ArrayLike, y: ArrayLike, kind: str = "cumulative",
                 start: tuple[float, float, float] | None = None) -> Fit:
    """Fit r, m and t0 of the logistic curve m / (1 + e^{-r (t - t0)}) to ``y`` (as :func:`fit_bass`)."""
    t, y = _data(t, y, kind)
    total = max(float(y.max() if kind == "cumulative" else y.sum()), 1.0)
    if start is not None:
        r0, m0, t00 = start
        starts = [np.array([math.log(r0), math.log(m0), t00])]
    else:
        span = float(t.max() - t.min()) or 1.0
        starts = [np.array([math.log(r0), math.log(total * f0), float(t.min()) + c * span])
                  for r0 in (0.1, 0.4, 0.8) for f0 in (1.05, 1.5, 3.0) for c in (0.3, 0.7, 1.2)]
    def to_natural(x: np.ndarray) -> tuple[float, float, float]:
        with np.errstate(over="ignore"):
            return float(np.exp(x[0])), float(np.exp(x[1])), float(x[2])

    return _least_squares(_logistic_curve, ("r", "m", "t0"), to_natural, starts, t, y, kind, "logistic")


@dataclass(frozen=True)
class Bootstrap:
    """A parametric bootstrap of a fit: ``samples`` (one row of parameters per replicate, in the
    order of ``fit.params``), the curve's band on ``t`` (``lower``, ``median``, ``upper``) at ``level``."""

    fit: Fit
    samples: np.ndarray
    t: np.ndarray
    lower: np.ndarray
    median: np.ndarray
    upper: np.ndarray
    level: float
    seed: int

    def interval(self, name: str) -> tuple[float, float]:
        """The central ``level`` interval of one parameter over the replicates."""
        k = list(self.fit.params).index(name)
        a = (1 - self.level) / 2
        lo, hi = np.quantile(self.samples[:, k], [a, 1 - a])
        return float(lo), float(hi)


def bootstrap(fit: Fit, n: int = 200, seed: int = 0, t: ArrayLike | None = None, level: float = 0.9,
              kind: str = "cumulative") -> Bootstrap:
    """Parametric bootstrap (Efron & Tibshirani 1993): ``n`` data sets y* = fitted + N(0, sigma^2),
    each refitted from the fit's own parameters; the band of the refitted curves (``kind``) on ``t``.

    Needs degrees of freedom (an exact fit has no residual spread to resample: ValueError).
    """
    if fit.exact:
        raise ValueError("an exact fit (as many points as parameters) has no residual spread to bootstrap")
    rng = np.random.default_rng(seed)
    grid = np.asarray(fit.t if t is None else t, dtype=float)
    refit = fit_bass if fit.model == "bass" else fit_logistic
    start = tuple(fit.params.values())
    samples, curves = [], []
    for _ in range(int(n)):
        y_star = fit.fitted + rng.normal(0.0, fit.sigma, size=fit.fitted.size)
        try:
            f = refit(fit.t, y_star, kind=fit.kind, start=start)
        except (RuntimeError, ValueError):
            continue
        samples.append(list(f.params.values()))
        curves.append(f.predict(grid, kind=kind))
    a = (1 - level) / 2
    curves_arr = np.array(curves)
    lo, med, hi = np.quantile(curves_arr, [a, 0.5, 1 - a], axis=0)
    return Bootstrap(fit=fit, samples=np.array(samples), t=grid, lower=lo, median=med, upper=hi, level=level,
                     seed=seed)


# -- the case's data ------------------------------------------------------------------------
def load_series(name: str = FIRMS_DATASET):
    """The illustrative series (a DataFrame: ``year`` since the district opened, ``new_firms``,
    ``cumulative_firms``)."""
    from .. import data

    return data.load(name)


def firm_counts(series: str = "tech_firms", name: str = FIGURES_DATASET):
    """The case's counts of one ``series`` of ``05_zgc_figures`` (high and medium confidence), by year,
    with ``t`` = years since 1980."""
    from .. import data

    f = data.load(name)
    rows = f[(f["series"] == series) & (f["unit"] == "count")].sort_values("year")
    out = rows[["year", "value", "qualifier", "basis", "source"]].reset_index(drop=True)
    out.insert(1, "t", out["year"].astype(int) - ORIGIN)
    return out
