"""An incubation pipeline with a talent feedback: projects → prototypes → spin-offs → surviving firms.

Chapter 3 (innovation-factor-led clusters, 创新因子带动; a research institute as the seed).
A stock-and-flow model in yearly steps (Sterman 2000, *Business Dynamics*, ch. 6 on stocks
and flows, ch. 11 on delays):

* Each year I_t new research projects start: I_t = I₀ + φ · S_{t−1}, the base intake plus a
  talent feedback φ (projects a year per surviving firm: its engineers, contracts and alumni
  bring new projects to the institute).
* Stage k (research, prototype, incubation) holds each cohort for L_k years (a pipeline, or
  "conveyor", delay); then a share c_k moves on and the rest drop out:
  c₁ of projects become prototypes, c₂ of prototypes become spin-off firms, c₃ of
  spin-offs survive incubation and become established firms.
* Established firms S exit at rate δ a year: S_t = (1 − δ) S_{t−1} + c₃ · (spin-offs finishing incubation).

Every project ever started is, at any time, in exactly one stage, an established firm, or
dropped out (conservation). With constant intake the open pipeline (φ = 0) settles at
S* = c I₀ / δ, with c = c₁c₂c₃. With feedback the loop gain is g = φ c / δ (new projects a
firm brings over its expected life, times the firms a project yields): for g < 1 the firms
settle at S* = c I₀ / (δ − φ c), for g ≥ 1 they grow without bound — a reinforcing loop.

``seed=None`` runs the expected values (fractional counts); an integer seed runs whole
projects (Poisson intake, binomial conversions and exits), reproducibly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

PIPELINE_DATASET = "03_pipeline_illustrative"
STAGES = ("research", "prototype", "incubation")


@dataclass(frozen=True)
class Pipeline:
    """Year-end stocks and cumulative flows, index = year (0 = before the first intake)."""

    years: np.ndarray
    intake: np.ndarray  # projects started in the year
    projects: np.ndarray  # in research (stock)
    prototypes: np.ndarray  # stock
    incubating: np.ndarray  # young spin-offs still in incubation (stock)
    firms: np.ndarray  # established (surviving) firms (stock)
    founded: np.ndarray  # spin-offs founded so far (cumulative)
    dropped: np.ndarray  # projects, prototypes and spin-offs dropped and firms exited so far (cumulative)
    started: np.ndarray  # projects started so far (cumulative)

    @property
    def in_system(self) -> np.ndarray:
        return self.projects + self.prototypes + self.incubating + self.firms


def loop_gain(rates: Sequence[float], feedback: float, exit_rate: float) -> float:
    """g = φ c₁c₂c₃ / δ: projects a firm brings over its life × firms per project (inf if δ = 0 < φc)."""
    c = float(np.prod(rates))
    if feedback * c == 0:
        return 0.0
    return math.inf if exit_rate == 0 else feedback * c / exit_rate


def steady_state_firms(intake: float, rates: Sequence[float], feedback: float, exit_rate: float) -> float:
    """Long-run established firms S* = c I₀ / (δ − φ c) if the loop gain is below 1, else inf."""
    c = float(np.prod(rates))
    if c * intake == 0:
        return 0.0
    if exit_rate <= feedback * c:
        return math.inf
    return c * intake / (exit_rate - feedback * c)


def run_pipeline(
    intake: float,
    rates: Sequence[float] = (0.4, 0.25, 0.5),
    lags: Sequence[int] = (2, 2, 3),
    feedback: float = 0.0,
    exit_rate: float = 0.04,
    years: int = 20,
    seed: int | None = None,
) -> Pipeline:
    """Run the pipeline for ``years`` years.

    ``intake`` I₀ (projects/yr); ``rates`` (c₁, c₂, c₃) in [0, 1]; ``lags`` (L₁, L₂, L₃) whole
    years ≥ 1; ``feedback`` φ ≥ 0 (projects/yr per firm); ``exit_rate`` δ in [0, 1] per year.
    """
    if len(rates) != 3 or len(lags) != 3:
        raise ValueError("give three conversion rates and three lags (research, prototype, incubation)")
    if not all(0 <= c <= 1 for c in rates) or not 0 <= exit_rate <= 1:
        raise ValueError("conversion and exit rates must lie in [0, 1]")
    if any(int(L) != L or L < 1 for L in lags) or intake < 0 or feedback < 0:
        raise ValueError("lags must be whole years ≥ 1; intake and feedback non-negative")
    rng = None if seed is None else np.random.default_rng(seed)
    belts = [np.zeros(int(L)) for L in lags]  # belts[k][a] = cohort that entered stage k a years ago
    firms = 0.0
    out = {k: np.zeros(years + 1) for k in Pipeline.__dataclass_fields__ if k != "years"}
    started = founded = dropped = 0.0
    for t in range(1, years + 1):
        inflow = intake + feedback * firms
        inflow = float(rng.poisson(inflow)) if rng is not None else inflow
        started += inflow
        arriving = inflow
        for k, belt in enumerate(belts):
            leaving = belt[-1]
            belt[1:] = belt[:-1].copy()
            belt[0] = arriving
            passed = float(rng.binomial(int(leaving), rates[k])) if rng is not None else leaving * rates[k]
            dropped += leaving - passed
            if k == 1:
                founded += passed
            arriving = passed
        exits = float(rng.binomial(int(firms), exit_rate)) if rng is not None else firms * exit_rate
        firms = firms - exits + arriving
        dropped += exits
        row = dict(intake=inflow, projects=belts[0].sum(), prototypes=belts[1].sum(), incubating=belts[2].sum(),
                   firms=firms, founded=founded, dropped=dropped, started=started)
        for key, value in row.items():
            out[key][t] = value
    return Pipeline(years=np.arange(years + 1), **out)


def load_parameters(name: str = PIPELINE_DATASET) -> dict[str, float]:
    """The course's (illustrative) default parameters, by name."""
    from .. import data

    frame = data.load(name)
    return {str(k): float(v) for k, v in zip(frame["parameter"], frame["value"])}


def pipeline_from_parameters(params: dict[str, float], **override: float) -> Pipeline:
    """Run :func:`run_pipeline` with the named parameters of ``03_pipeline_illustrative``."""
    p = {**params, **override}
    return run_pipeline(
        intake=p["intake"],
        rates=(p["project_to_prototype"], p["prototype_to_spinoff"], p["spinoff_survival"]),
        lags=(int(p["research_years"]), int(p["prototype_years"]), int(p["incubation_years"])),
        feedback=p["talent_feedback"],
        exit_rate=p["firm_exit_rate"],
        years=int(p["years"]),
    )
