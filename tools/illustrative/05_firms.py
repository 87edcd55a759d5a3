"""Generate datasets/05_firms_illustrative.csv: new technology firms a year in an imaginary science district.

ILLUSTRATIVE (made-up) data for Chapter 5's Bass diffusion model (``clusterkit.models.bass``). The
real firm counts of Zhongguancun are too few, and on too many bases, to practise fitting a diffusion
curve with its uncertainty (see ``05_zgc_figures``); this series stands in for the annual register of
firms founded in a district that a statistical office would keep. It is not data about Zhongguancun
or any other real place: its years run from the district's opening (year 1), not in calendar years.

How it is made (a Bass process with known parameters, so that a fit can be checked against the truth):

* Expected foundings in year t = 1..``YEARS``: ``M (F(t) - F(t-1))`` with the Bass (1969) closed form
  ``F(t) = (1 - exp(-(P+Q) t)) / (1 + (Q/P) exp(-(P+Q) t))`` and the true values ``P`` (innovation:
  founders who start on their own, e.g. from a university), ``Q`` (imitation: founders who follow the
  firms already there) and ``M`` (the district's pool of potential firms).
* Good and bad years: each expectation is multiplied by ``exp(eps_t)``, ``eps_t ~ N(0, SIGMA)``; then
  the count of the year is drawn from a Poisson distribution with that mean.
* Draws come from numpy's default generator seeded with ``SEED`` (first the year shocks, then the
  counts). Running the script again writes the same file byte for byte.

    python tools/illustrative/05_firms.py [--out PATH]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

SEED = 20261105
P, Q, M = 0.006, 0.45, 5000  # true coefficient of innovation, of imitation, market potential (firms)
YEARS = 25
SIGMA = 0.15
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "datasets" / "05_firms_illustrative.csv"


def bass_cdf(t: np.ndarray) -> np.ndarray:
    e = np.exp(-(P + Q) * t)
    return (1.0 - e) / (1.0 + (Q / P) * e)


def generate() -> list[int]:
    """New firms in each year 1..YEARS."""
    rng = np.random.default_rng(SEED)
    t = np.arange(0, YEARS + 1, dtype=float)
    expected = M * np.diff(bass_cdf(t))
    shocks = np.exp(rng.normal(0.0, SIGMA, size=YEARS))
    return [int(v) for v in rng.poisson(expected * shocks)]


def main(out: Path = OUT) -> Path:
    lines = ["year,new_firms,cumulative_firms,source,confidence"]
    total = 0
    for year, n in enumerate(generate(), start=1):
        total += n
        lines.append(f"{year},{n},{total},generator,illustrative")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    print(main(parser.parse_args().out))
