"""Chapter 5 — University technology transfer: Zhongguancun and the spread of new firms. Graded
exercises (instructor side).

Answer cells in ``notebooks/05_university_transfer.ipynb``: ``<variable> = ...`` then
``check("5.k", <variable>)``. Reference answers are computed from ``clusterkit.data`` and the
chapter's model (``clusterkit.models.bass``); the public spec (``clusterkit exercises build`` →
``public/05.json``) holds no answer. Format: ``exercises/README.md``.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from clusterkit import data
from clusterkit.grading.spec import Case, Chapter, Choice, Example, Function, Mistake, Number, Table, Text, in_range
from clusterkit.models import bass

FIGURES = "05_zgc_figures"


def _figure(metric: str, year: int) -> float:
    f = data.load(FIGURES)
    return float(f.loc[(f["metric"] == metric) & (f["year"] == year), "value"].item())


def income_2015() -> float:
    """2020 total income ÷ its multiple of 2015 (trillion yuan)."""
    return _figure("total income", 2020) / _figure("total income, multiple of 2015", 2020)


def by_series() -> pd.DataFrame:
    """The firm counts (unit 'count', high and medium confidence) by series: how many, first and last year."""
    f = data.load(FIGURES)
    counts = f[f["unit"] == "count"]
    return counts.groupby("series", observed=True).agg(counts=("value", "size"), first=("year", "min"),
                                                      last=("year", "max"))


def _three_counts(**replace: float) -> bass.Fit:
    """The Bass fit to the three tech_firms counts, with some counts replaced (``y1984=50``)."""
    c = bass.firm_counts("tech_firms")
    values = [replace.get(f"y{y}", v) for y, v in zip(c["year"], c["value"])]
    return bass.fit_bass(c["t"], values)


def peak_1984_50(origin: bool = True) -> float:
    """Calendar year of the peak of the Bass fit to the counts with 1984 = 50 ('more than 40' read as 50)."""
    return (bass.ORIGIN if origin else 0) + _three_counts(y1984=50).peak_time


def peak_as_published() -> float:
    return bass.ORIGIN + _three_counts().peak_time


def peak_1986_100() -> float:
    return bass.ORIGIN + _three_counts(y1986=100).peak_time


def bass_new_firms(p, q, m, years):
    """Reference: new firms in years 1..years by the discrete Bass rule, n_t = (p + q N/m)(m - N)."""
    return bass.discrete(float(p), float(q), float(m), int(years))


def _first_years(years: int = 8, kind: str = "per_period") -> bass.Fit:
    s = bass.load_series()
    s = s[s["year"] <= years]
    y = s["new_firms"] if kind == "per_period" else s["cumulative_firms"]
    return bass.fit_bass(s["year"], y, kind=kind)


def m_first12() -> float:
    return _first_years(12).params["m"]


EXAMPLE_ARGS = (0.03, 0.38, 1000, 5)
EXAMPLE_CALL = "bass_new_firms(0.03, 0.38, 1000, 5)"

CHAPTER = Chapter(
    number=5,
    title="University technology transfer: Zhongguancun and the spread of new firms",
    short_title="University technology transfer: Zhongguancun",
    salt="cluster-pathways/05/2026",
    notebook="notebooks/05_university_transfer.ipynb",
    exercises=[
        Number(
            id="5.1",
            variable="income_2015",
            points=1,
            prompt=(
                "The 2020 rows of `figures` say that the total income of Zhongguancun's firms reached 7.2 trillion "
                "yuan, 1.78 times that of 2015. What total income for 2015 does that imply, in trillion yuan? Select "
                "the two rows (metrics \"total income\" and \"total income, multiple of 2015\", year 2020), take each "
                "value out with `.item()` and compute in code; keep full precision."
            ),
            answer=income_2015,
            abs=0.001,
            checks=[in_range(0, 7.2, "2015's income is the 2020 income divided by a multiple above 1: below 7.2.")],
            mistakes=[
                Mistake(lambda: _figure("total income", 2020) * _figure("total income, multiple of 2015", 2020),
                        "You multiplied: 2020 = 1.78 × 2015, so 2015 = 2020 / 1.78."),
                Mistake(math.nan, "Your answer is NaN: a selection came out empty, or two Series were divided (they "
                                  "line up by index). Take each value out with .item() first, then divide."),
            ],
            type_hint="Give one number: the 2020 value divided by the multiple, each taken out with .item().",
            hint="Not yet: 2020 income = 1.78 × 2015 income, so divide the 2020 total income by 1.78 (both from the data).",
        ),
        Table(
            id="5.2",
            variable="by_series",
            points=2,
            prompt=(
                "From `figures` (high and medium confidence, as loaded), keep the rows whose `unit` is \"count\" and "
                "group them by `series`. Build a DataFrame `by_series` with one row per series (the index holds the "
                "series names) and three columns named exactly `counts` (how many rows the series has), `first` "
                "(its earliest `year`) and `last` (its latest `year`). Hint: `.groupby(\"series\", observed=True)"
                ".agg(counts=(\"value\", \"size\"), first=(\"year\", \"min\"), last=(\"year\", \"max\"))`."
            ),
            answer=by_series,
            columns=["counts", "first", "last"],
            row_name="series",
            abs=0.01,
            rows_hint="Keep every count row (unit 'count') of the loaded data, and use the series names as the index.",
            extra_rows_hint=("keep only the series that have count rows: the `series` column is a category, so pass "
                             "observed=True to groupby (or your table gets rows of zeros)."),
            type_hint="Build a DataFrame with `.groupby(\"series\", observed=True).agg(...)`.",
            hint="Check the filter (unit == 'count') and the three aggregations: size of value, min and max of year.",
            column_hints={
                "counts": "counts = the number of rows of the series (size or count of `value`).",
                "first": "first = the smallest `year` of the series.",
                "last": "last = the largest `year` of the series.",
            },
        ),
        Number(
            id="5.5",
            variable="peak_1984_50",
            points=2,
            prompt=(
                "The 1984 count is \"more than 40\". Suppose it meant 50: fit the Bass model to the three counts "
                "`[50, 140, 20000]` at t = `[4, 6, 38]` (years since 1980), as the cell above does for the other 1986 "
                "count. In what calendar year does the fitted rate of new firms peak (1980 + the fit's `peak_time`)? "
                "Keep at least one decimal."
            ),
            answer=peak_1984_50,
            abs=0.05,
            checks=[in_range(1980, 2030, "A calendar year between 1980 and 2030: add 1980 to the fit's peak_time.")],
            mistakes=[
                Mistake(lambda: peak_1984_50(origin=False), "That is the peak in years since 1980: add 1980."),
                Mistake(peak_as_published, "That is the peak of the fit to the counts as published: use 50 for 1984."),
                Mistake(peak_1986_100, "That is the fit with 100 for 1986, from the text: keep 140 for 1986 and use 50 "
                                       "for 1984."),
            ],
            type_hint="Give one number: 1980 + fit.peak_time, for the fit to [50, 140, 20000].",
            hint="Not yet: fit = bass.fit_bass([4, 6, 38], [50, 140, 20000]); the answer is 1980 + fit.peak_time.",
        ),
        Function(
            id="5.3",
            variable="bass_new_firms",
            points=3,
            prompt=(
                "Write `bass_new_firms(p, q, m, years)` that returns a NumPy array of the new firms founded in each "
                "year 1, 2, ..., `years` by the discrete Bass rule: with N firms founded before the year, the year "
                "brings n = (p + q * N / m) * (m - N) new firms, and then N grows by n (N = 0 before year 1). Use a "
                "loop over the years; a function that calls `bass.discrete` earns no points. Worked example: "
                f"`{EXAMPLE_CALL}` gives about [30.0, 40.158, 52.685, 67.261, 82.803]. The grader also calls your "
                "function with other values (no imitation, q = 0; a single year; zero years, which gives an empty "
                "array; Zhongguancun's fitted values over 44 years), so use the arguments, not these numbers."
            ),
            reference_function=bass_new_firms,
            examples=[Example(args=EXAMPLE_ARGS, expected=bass_new_firms(*EXAMPLE_ARGS), label=EXAMPLE_CALL)],
            cases=[
                Case((0.00012, 0.6, 20000, 44), label="Zhongguancun's fitted values, 1980-2023"),
                Case((0.01, 0.0, 5000, 12), label="no imitation (q = 0)"),
                Case((0.006, 0.45, 5000, 25), label="the illustrative series' true values"),
                Case((0.2, 0.9, 100, 1), label="a single year"),
                Case((0.03, 0.38, 1000, 0), label="zero years: an empty array"),
                Case((0.05, 1.2, 250, 30), label="fast imitation, small pool"),
            ],
            rel=1e-6,
            abs=1e-6,
            forbidden=["discrete"],
            forbidden_hint="compute the years yourself with a loop; a function that calls bass.discrete earns no points.",
            type_hint="Define `def bass_new_firms(p, q, m, years):` and pass the function itself (no parentheses) to check.",
            hint=(
                "Start with N = 0 and an empty list; for each of the `years` years compute n = (p + q * N / m) * "
                "(m - N), append it, then add it to N; return np.array(the list)."
            ),
            hidden_hint=(
                "Your function is also called with other p, q and m, with q = 0, with a single year and with zero "
                "years (return an empty array). Use the arguments, start from N = 0, and update N after each year."
            ),
        ),
        Number(
            id="5.7",
            variable="m_first12",
            points=2,
            prompt=(
                "Fit the Bass model to the first 12 years of the illustrative series `series` (new firms a year, "
                "`kind=\"per_period\"`), as the cell above does for the first 8. What market potential m does it "
                "estimate, in firms? Keep full precision (at least to the nearest firm)."
            ),
            answer=m_first12,
            abs=1.0,
            checks=[in_range(0, 100000, "A number of firms: a few thousand here.")],
            mistakes=[
                Mistake(lambda: _first_years(25).params["m"],
                        "That is the fit to all 25 years: keep only the years 1 to 12 (series[series['year'] <= 12])."),
                Mistake(lambda: _first_years(8).params["m"],
                        "That is the fit to the first 8 years, shown above: keep the years 1 to 12."),
                Mistake(lambda: _first_years(12, kind="cumulative").params["m"],
                        "You fitted the cumulative counts: fit new_firms with kind=\"per_period\"."),
                Mistake(5000.0, "That is the true m of the generator, not what the fit to the first 12 years estimates."),
            ],
            type_hint="Give one number: fit.params[\"m\"].",
            hint="Not yet: keep the rows with year <= 12, fit new_firms with kind=\"per_period\", and read fit.params[\"m\"].",
        ),
        Choice(
            id="5.4",
            variable="peak_lever",
            points=2,
            prompt=(
                "In the Bass model, which of these changes moves the year in which new firms peak? Answer with one "
                "letter. a) Doubling the market potential m. b) Raising the coefficient of imitation q. c) Halving m, "
                "because a smaller pool of founders fills sooner. d) None of them: the peak always comes when the "
                "first firm is ten years old."
            ),
            options=["a", "b", "c", "d"],
            answer="b",
            hint="Look at the formula for t*: which of p, q and m appear in it?",
        ),
        Choice(
            id="5.6",
            variable="three_points",
            points=2,
            prompt=(
                "Both the Bass curve and a logistic curve pass exactly through the three counts of technology firms "
                "(1984, 1986, 2018). What does that show? Answer with one letter. a) Zhongguancun grew by a Bass "
                "process: the perfect fit confirms it. b) Almost nothing about the model: any three-parameter curve "
                "can pass through three points, so the fitted peak depends entirely on which counts are used. c) "
                "The logistic curve is the better model, because it fits as well and is older. d) The counts must be "
                "wrong, because real data never fit exactly."
            ),
            options=["a", "b", "c", "d"],
            answer="b",
            hint="How many points are there, and how many parameters does each curve have?",
        ),
        Text(
            id="5.8",
            variable="data_request",
            points=3,
            prompt=(
                "In three to five sentences (30–200 words), say what firm-count data you would ask Zhongguancun's "
                "statistics office for, so that a Bass curve could be fitted with an honest uncertainty, and why "
                "each request matters."
            ),
            model_answer=(
                "I would ask for the number of technology firms founded in each year since 1980, not a few stocks "
                "from different reports, so that there are dozens of points rather than three. Every year should use "
                "one definition of a firm (all registered technology firms, whatever their size) and one area, or "
                "give the counts for the old and the new boundaries side by side, because a series that changes its "
                "basis or its area mixes growth with redefinition. I would also ask for closures, since the Bass model "
                "counts founders and a stock of surviving firms is something else. Finally, how each founder started "
                "(from a university or institute, or from another firm) would separate innovators from imitators."
            ),
            min_words=30,
            max_words=200,
            rubric=(
                "3 points: asks for (1) an annual series (many points, or founding years of firms), (2) one consistent "
                "basis and area (or the overlap when they change), and (3) one further useful item (closures/survival "
                "vs foundings, founders' origins to separate p from q, or the size threshold) — each with a reason "
                "tied to fitting or uncertainty. 2 points: two of these with reasons. 1 point: one. 0: off topic."
            ),
        ),
    ],
)

# The exercises in the order the page asks them (their numbers follow the page).
CHAPTER.exercises.sort(key=lambda ex: int(ex.id.split(".")[1]))
