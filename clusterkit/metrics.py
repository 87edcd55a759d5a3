"""Measures of clustering: location quotient, Herfindahl–Hirschman index, shift-share.

Tables are wide: one row per region, one column per industry, cells = employment (or
output) in one unit. The tests check each measure against a worked example from the
literature (tests/test_metrics.py).
"""
from __future__ import annotations

from typing import Iterable, Literal

import numpy as np
import pandas as pd


class MetricInputError(ValueError):
    """The table or numbers given to a measure cannot be used (negative, empty, misaligned)."""


def _table(table: pd.DataFrame, what: str = "table") -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise MetricInputError(f"{what} must be a pandas DataFrame (regions as rows, industries as columns)")
    if table.empty:
        raise MetricInputError(f"{what} is empty")
    values = table.apply(pd.to_numeric, errors="coerce")
    if values.isna().any().any():
        raise MetricInputError(f"{what} has cells that are not numbers")
    if (values < 0).any().any():
        raise MetricInputError(f"{what} has negative employment")
    return values.astype(float)


def location_quotient(table: pd.DataFrame) -> pd.DataFrame:
    """Location quotient of every region (row) in every industry (column).

    LQ_ri = (e_ri / e_r) / (E_i / E): industry i's share of region r's employment over its
    share of all employment in the table (the "nation"). LQ > 1 means the region is more
    specialised in i than the nation. Balassa (1965) as revealed comparative advantage;
    Isard (1960, ch. 7) for regional employment.
    """
    e = _table(table)
    region_totals = e.sum(axis=1)
    industry_totals = e.sum(axis=0)
    total = industry_totals.sum()
    if total == 0 or (region_totals == 0).any():
        raise MetricInputError("every region needs some employment")
    shares_in_region = e.div(region_totals, axis=0)
    national_shares = industry_totals / total
    return shares_in_region.div(national_shares.replace(0, np.nan), axis=1)


def hhi(values: Iterable[float] | pd.Series, shares: bool = False) -> float:
    """Herfindahl–Hirschman index on the 0–10,000 scale.

    HHI = Σ s_i², with s_i the percentage share of unit i (Hirschman 1945; Herfindahl 1950).
    ``values`` are sizes (sales, employment) unless ``shares=True``, in which case they are
    percentage shares that must add up to 100. A monopoly scores 10,000; n equal firms
    score 10,000 / n.
    """
    arr = np.asarray(list(values) if not isinstance(values, (np.ndarray, pd.Series)) else values, dtype=float)
    if arr.size == 0:
        raise MetricInputError("HHI needs at least one firm")
    if np.isnan(arr).any() or (arr < 0).any():
        raise MetricInputError("HHI needs non-negative numbers")
    if shares:
        if not np.isclose(arr.sum(), 100.0, atol=0.5):
            raise MetricInputError(f"percentage shares must add up to 100 (they add up to {arr.sum():g})")
        pct = arr
    else:
        total = arr.sum()
        if total == 0:
            raise MetricInputError("HHI needs a positive total")
        pct = 100.0 * arr / total
    return float(np.sum(pct**2))


def classify_hhi(value: float, guidelines: Literal[2010, 2023] = 2023) -> str:
    """The US merger guidelines' reading of an HHI level.

    2023 Merger Guidelines (US DOJ & FTC, §2.1): above 1,800 is "highly concentrated".
    2010 Horizontal Merger Guidelines (§5.3): below 1,500 "unconcentrated", 1,500–2,500
    "moderately concentrated", above 2,500 "highly concentrated".
    """
    if guidelines == 2023:
        return "highly concentrated" if value > 1800 else "not highly concentrated"
    if guidelines == 2010:
        if value < 1500:
            return "unconcentrated"
        return "moderately concentrated" if value <= 2500 else "highly concentrated"
    raise MetricInputError("guidelines must be 2010 or 2023")


def _growth(start: pd.DataFrame, end: pd.DataFrame, region: str):
    s, e = _table(start, "start"), _table(end, "end")
    if list(s.index) != list(e.index) or list(s.columns) != list(e.columns):
        raise MetricInputError("start and end tables need the same regions and industries in the same order")
    if region not in s.index:
        raise MetricInputError(f"no region {region!r} in the table (regions: {list(s.index)})")
    nat0, nat1 = s.sum(axis=0), e.sum(axis=0)
    if (nat0 == 0).any() or (s.loc[region] == 0).any():
        raise MetricInputError("every industry needs base-year employment in the region and the nation")
    G = nat1.sum() / nat0.sum() - 1.0  # national growth, all industries
    g_i = nat1 / nat0 - 1.0  # national growth of each industry
    g_ir = e.loc[region] / s.loc[region] - 1.0  # the region's growth in each industry
    return s, e, nat0, G, g_i, g_ir


def shift_share(start: pd.DataFrame, end: pd.DataFrame, region: str) -> pd.DataFrame:
    """Classic shift-share decomposition of a region's change, industry by industry (Dunn 1960).

    For industry i in region r with base employment e_ir:
      national share  NS_i = e_ir · G            (had it grown like the whole nation)
      industry mix    IM_i = e_ir · (g_i − G)    (its industry grew faster/slower nationally)
      competitive     CS_i = e_ir · (g_ir − g_i) (the region did better/worse in that industry)
    with NS + IM + CS = the actual change. Returns one row per industry.
    """
    s, e, _, G, g_i, g_ir = _growth(start, end, region)
    base = s.loc[region]
    out = pd.DataFrame(
        {
            "national_share": base * G,
            "industry_mix": base * (g_i - G),
            "competitive": base * (g_ir - g_i),
        }
    )
    out["total_change"] = e.loc[region] - base
    out.index.name = "industry"
    return out


def esteban_marquillas(start: pd.DataFrame, end: pd.DataFrame, region: str) -> pd.DataFrame:
    """Shift-share with homothetic employment (Esteban-Marquillas 1972).

    Homothetic employment ê_ir = e_r · E_i / E is what region r would employ in industry i
    if its industry structure were the nation's. The competitive effect splits into
      homothetic competitive  C'_i = ê_ir · (g_ir − g_i)
      allocation              A_i  = (e_ir − ê_ir) · (g_ir − g_i)
    (A > 0: the region is specialised where it is competitive.) National share and industry
    mix are as in :func:`shift_share`; the four add up to the actual change.
    """
    s, e, nat0, G, g_i, g_ir = _growth(start, end, region)
    base = s.loc[region]
    homothetic = base.sum() * nat0 / nat0.sum()
    out = pd.DataFrame(
        {
            "national_share": base * G,
            "industry_mix": base * (g_i - G),
            "homothetic_competitive": homothetic * (g_ir - g_i),
            "allocation": (base - homothetic) * (g_ir - g_i),
        }
    )
    out["homothetic_employment"] = homothetic
    out["total_change"] = e.loc[region] - base
    out.index.name = "industry"
    return out
