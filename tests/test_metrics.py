"""The measures of clustering, checked against worked examples from the literature.

Sources (see /book/bib/ch00.bib and the notes in each test):
* LQ: Farhauer & Kröll (2013), Standorttheorien, as the example of R package REAT::locq
  (Wieland 2021): locq(1714, 79006, 879213, 15593224) = 0.3847623; Krumme, "Shift & Share
  Table with Excel Explanations" (Univ. of Washington, Geog 350): LQs 5, 0.5, 0.5, .667.
* HHI: US DOJ Antitrust Division, "Herfindahl-Hirschman Index": shares 30/30/20/20 → 2,600;
  Dörsam (2004) via REAT::herf: sales 20/50/20/10 → 0.34 (= 3,400 on the 0–10,000 scale).
* Shift-share: Krumme's Holukuluku 1985–1995 table: national share 290, industry mix −80,
  competitive 420, by industry CS 450/−20/−10/0 and IM −95/−9/2/22.
* Esteban-Marquillas: no published example with printed results was found; we check the
  homothetic decomposition against REAT::shift(method="Esteban")'s formulas on the
  Farhauer & Kröll inputs (region A: c' = −7/11, allocation = −26/11), and its identities.
"""
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from clusterkit import metrics
from clusterkit.metrics import MetricInputError


def test_lq_reat_farhauer_kroell_example():
    e_ij, e_j, e_i, e = 1714, 79006, 879213, 15593224
    # Build a 2x2 table with exactly these margins: region j / rest, industry i / rest.
    table = pd.DataFrame(
        [[e_ij, e_j - e_ij], [e_i - e_ij, e - e_j - (e_i - e_ij)]],
        index=["j", "rest"],
        columns=["i", "other"],
    )
    assert metrics.location_quotient(table).loc["j", "i"] == pytest.approx(0.3847623, abs=5e-8)


def test_lq_krumme_holukuluku_shares():
    # Regional shares 50/10/20/20 %, national shares 10/20/40/30 %. A region of 1000 in a
    # nation of 100,000 with those shares (rest of nation = nation − region).
    region = np.array([500, 100, 200, 200])
    nation = np.array([10, 20, 40, 30]) * 1000
    table = pd.DataFrame([region, nation - region], index=["Holukuluku", "rest"], columns=list("ABCD"))
    lq = metrics.location_quotient(table).loc["Holukuluku"]
    assert lq.round(3).tolist() == [5.0, 0.5, 0.5, 0.667]


def test_lq_properties():
    rng = np.random.default_rng(7)
    table = pd.DataFrame(rng.integers(1, 100, size=(5, 4)), index=list("vwxyz"), columns=list("abcd"))
    lq = metrics.location_quotient(table)
    # A region with the nation's structure has LQ = 1 everywhere; scaling a table changes nothing.
    shares = table.sum() / table.values.sum()
    same = pd.concat([table, pd.DataFrame([shares * 50], index=["mirror"])])
    assert np.allclose(metrics.location_quotient(same).loc["mirror"], 1.0)
    assert np.allclose(metrics.location_quotient(table * 3.7), lq)
    # The employment-weighted average LQ of an industry over all regions is 1.
    weights = table.sum(axis=1) / table.values.sum()
    assert np.allclose((lq.mul(weights, axis=0)).sum(), 1.0)


@pytest.mark.parametrize(
    "bad, message",
    [
        ([[1, 2], [3, 4]], "DataFrame"),
        (pd.DataFrame([[1, -2], [3, 4]]), "negative"),
        (pd.DataFrame([[1, "x"], [3, 4]]), "not numbers"),
        (pd.DataFrame([[0, 0], [3, 4]]), "every region"),
    ],
)
def test_lq_rejects_bad_tables(bad, message):
    with pytest.raises(MetricInputError, match=message):
        metrics.location_quotient(bad)


def test_hhi_doj_example():
    assert metrics.hhi([30, 30, 20, 20], shares=True) == pytest.approx(2600)


def test_hhi_reat_dorsam_example():
    # REAT's herf works with fractional shares: 0.34. On the 0–10,000 scale: 3,400.
    assert metrics.hhi([20, 50, 20, 10]) == pytest.approx(3400)


def test_hhi_bounds_and_merger_change():
    assert metrics.hhi([42.0]) == pytest.approx(10_000)  # monopoly
    assert metrics.hhi([1] * 8) == pytest.approx(10_000 / 8)  # n equal firms
    # Merging firms with shares a and b raises HHI by 2ab (5% and 10% → +100).
    before = metrics.hhi([5, 10, 25, 60], shares=True)
    after = metrics.hhi([15, 25, 60], shares=True)
    assert after - before == pytest.approx(100)


def test_hhi_input_errors():
    with pytest.raises(MetricInputError, match="add up to 100"):
        metrics.hhi([30, 30], shares=True)
    with pytest.raises(MetricInputError):
        metrics.hhi([])
    with pytest.raises(MetricInputError):
        metrics.hhi([1, -1, 3])


def test_classify_hhi_thresholds():
    assert metrics.classify_hhi(1801) == "highly concentrated"
    assert metrics.classify_hhi(1800) == "not highly concentrated"
    assert metrics.classify_hhi(1499, 2010) == "unconcentrated"
    assert metrics.classify_hhi(2000, 2010) == "moderately concentrated"
    assert metrics.classify_hhi(2501, 2010) == "highly concentrated"


def _holukuluku():
    region0 = [500, 100, 200, 200]
    region1 = [1000, 100, 250, 280]
    nation0 = [10_000, 20_000, 40_000, 30_000]  # shares 10/20/40/30 %
    nation1 = [11_000, 24_000, 52_000, 42_000]  # industry growth 10/20/30/40 %
    cols = ["I", "II", "III", "IV"]
    start = pd.DataFrame([region0, np.subtract(nation0, region0)], index=["Holukuluku", "rest"], columns=cols)
    end = pd.DataFrame([region1, np.subtract(nation1, region1)], index=["Holukuluku", "rest"], columns=cols)
    return start, end


def test_shift_share_krumme_holukuluku():
    ss = metrics.shift_share(*_holukuluku(), "Holukuluku")
    assert ss["national_share"].sum() == pytest.approx(290)
    assert ss["industry_mix"].sum() == pytest.approx(-80)
    assert ss["competitive"].sum() == pytest.approx(420)
    assert ss["total_change"].sum() == pytest.approx(630)
    assert ss["competitive"].round(6).tolist() == [450, -20, -10, 0]
    assert ss["industry_mix"].round(6).tolist() == [-95, -9, 2, 22]


def _reat():
    idx = ["A", "B", "C"]
    start = pd.DataFrame([[90, 20, 10, 60], [60, 30, 30, 40], [250, 100, 110, 300]], index=idx, columns=[1, 2, 3, 4])
    end = pd.DataFrame([[100, 40, 10, 55], [85, 55, 40, 35], [255, 115, 85, 390]], index=idx, columns=[1, 2, 3, 4])
    return start, end


def test_shift_share_identities_on_reat_data():
    start, end = _reat()
    for region in start.index:
        ss = metrics.shift_share(start, end, region)
        parts = ss[["national_share", "industry_mix", "competitive"]].sum(axis=1)
        assert np.allclose(parts, ss["total_change"])
    # Industry-mix and competitive shifts sum to zero over the regions of the nation.
    total_mix = sum(metrics.shift_share(start, end, r)["industry_mix"].sum() for r in start.index)
    total_comp = sum(metrics.shift_share(start, end, r)["competitive"].sum() for r in start.index)
    assert total_mix == pytest.approx(0, abs=1e-9) and total_comp == pytest.approx(0, abs=1e-9)


def test_esteban_marquillas_against_reat_formulas():
    start, end = _reat()
    em = metrics.esteban_marquillas(start, end, "A")
    c_prime = [Fraction(8, 11), Fraction(162, 11), Fraction(27, 11), Fraction(-204, 11)]
    alloc = [Fraction(3, 11), Fraction(-30, 11), Fraction(-16, 11), Fraction(17, 11)]
    assert np.allclose(em["homothetic_competitive"], [float(f) for f in c_prime])
    assert np.allclose(em["allocation"], [float(f) for f in alloc])
    assert em["homothetic_competitive"].sum() == pytest.approx(-7 / 11)
    assert em["allocation"].sum() == pytest.approx(-26 / 11)
    # c' + a = Dunn's competitive effect; homothetic employment adds up to the region's total.
    dunn = metrics.shift_share(start, end, "A")
    assert np.allclose(em["homothetic_competitive"] + em["allocation"], dunn["competitive"])
    assert em["homothetic_employment"].sum() == pytest.approx(start.loc["A"].sum())


def test_esteban_marquillas_no_allocation_for_national_mix():
    start, end = _reat()
    start = start.astype(float)
    rest = start.loc[["B", "C"]].sum()
    start.loc["A"] = rest / rest.sum() * 180  # A mirrors the rest, so it has the nation's mix
    em = metrics.esteban_marquillas(start, end, "A")
    assert np.allclose(em["allocation"], 0)


def test_shift_share_input_errors():
    start, end = _reat()
    with pytest.raises(MetricInputError, match="no region"):
        metrics.shift_share(start, end, "Z")
    with pytest.raises(MetricInputError, match="same regions"):
        metrics.shift_share(start, end.iloc[:, :3], "A")
