"""Chapter 6 — Cluster-advantage diffusion (Shenzhen electronics). Graded exercises (instructor side).

Answer cells in ``notebooks/06_advantage_diffusion.ipynb``: ``<variable> = ...`` then
``check("6.k", <variable>)``. Reference answers are computed from ``clusterkit.data`` and the
chapter's model (``clusterkit.models.urn``); the public spec (``clusterkit exercises build`` →
``public/06.json``) holds no answer. Format: ``exercises/README.md``.
"""
from __future__ import annotations

import math

from clusterkit import data
from clusterkit.grading.spec import Case, Chapter, Choice, Example, Function, Mistake, Number, Partial, Text, in_range
from clusterkit.models import urn

FIGURES = "06_shenzhen_figures"
#: Money units of the figures, in yuan.
YUAN = {"yuan": 1.0, "m yuan": 1e6, "100m yuan": 1e8, "bn yuan": 1e9, "trillion yuan": 1e12}


def _value(metric: str, year: int) -> tuple[float, str]:
    f = data.load(FIGURES)
    row = f[(f["metric"] == metric) & (f["year"] == year)]
    return float(row["value"].item()), str(row["unit"].item())


def population_factor() -> float:
    """Year-end permanent population 2019 ÷ 1979 (yearbook basis)."""
    return _value("permanent population (year-end)", 2019)[0] / _value("permanent population (year-end)", 1979)[0]


def _gdp_yuan(year: int) -> float:
    value, unit = _value("GDP", year)
    return value * YUAN[unit]


def gdp_growth(first: int = 1979, last: int = 2024, years: int | None = None) -> float:
    """Average annual growth of nominal GDP from ``first`` to ``last``, in percent."""
    n = last - first if years is None else years
    return 100 * ((_gdp_yuan(last) / _gdp_yuan(first)) ** (1 / n) - 1)


def _unconverted_growth() -> float:
    (v0, _), (v1, _) = _value("GDP", 1979), _value("GDP", 2024)
    return 100 * ((v1 / v0) ** (1 / 45) - 1)


def reference_lead_needed(taste, agglomeration):
    """The smallest whole lead d with agglomeration * d > taste."""
    return int(math.floor(taste / agglomeration + 1e-9) + 1)


#: The model run of 6.4, as the notebook writes it.
TILT_CALL = dict(n_firms=1000, agglomeration=0.2, prefer_a=0.6, runs=2000, seed=6)


def b_wins_share() -> float:
    """Share of runs in which region B (preferred by 40% of firms) ends with more firms than A."""
    runs = urn.locate(**TILT_CALL)
    return float((runs.winner == -1).mean())


def _a_wins_share() -> float:
    return float((urn.locate(**TILT_CALL).winner == 1).mean())


CHAPTER = Chapter(
    number=6,
    title="Cluster-advantage diffusion: Shenzhen electronics",
    salt="cluster-pathways/06/2026",
    notebook="notebooks/06_advantage_diffusion.ipynb",
    exercises=[
        Number(
            id="6.1",
            variable="population_factor",
            points=1,
            prompt=(
                "By what factor did Shenzhen's year-end permanent population grow from 1979 to 2019? Use the "
                "yearbook series in `figures` (metric 'permanent population (year-end)'): the 2019 value divided by "
                "the 1979 value (keep two decimals or more)."
            ),
            answer=population_factor,
            abs=0.01,
            checks=[in_range(1, 1000, "A factor of growth is the later value divided by the earlier one: above 1 here.")],
            mistakes=[
                Mistake(lambda: population_factor() - 1,
                        "That is the increase as a multiple of 1979 (factor - 1); the factor is 2019 / 1979."),
                Mistake(lambda: 17560061 / 314100,
                        "That uses the 2020 census, a different count from the yearbook's yearly estimates: keep "
                        "to one basis, the metric 'permanent population (year-end)', and the year 2019."),
                Mistake(lambda: 1 / population_factor(), "That is 1979 / 2019: divide the later value by the earlier one."),
                Mistake(lambda: population_factor() * 100,
                        "That is the factor times 100, as a percentage: give the factor itself, 2019 / 1979."),
                Mistake(lambda: (population_factor() - 1) * 100,
                        "That is the growth in percent: give the factor, 2019 / 1979, without subtracting 1 or "
                        "multiplying by 100."),
            ],
            type_hint="Give one number (a float): the 2019 value divided by the 1979 value.",
            hint="Not yet: select the rows with metric 'permanent population (year-end)' and year 2019 and 1979, "
                 "take each value out with .item(), then divide.",
        ),
        Number(
            id="6.2",
            variable="gdp_growth_pct",
            points=2,
            prompt=(
                "Shenzhen's GDP rows are in different units (100m yuan, m yuan, bn yuan, trillion yuan). Convert the "
                "1979 and 2024 values to yuan with a dictionary and the `unit` column (for example "
                "`rows[\"value\"] * rows[\"unit\"].astype(str).map(to_yuan)`), then compute the average "
                "annual growth of nominal GDP over those 45 years, in percent: "
                "((GDP_2024 / GDP_1979) ** (1 / 45) - 1) * 100. Keep two decimals or more."
            ),
            answer=lambda: gdp_growth(),
            abs=0.01,
            checks=[in_range(0, 100, "Average annual growth in percent lies between 0 and 100 here.")],
            mistakes=[
                Mistake(_unconverted_growth,
                        "You divided the numbers as printed, 3.68 by 1.96: they are in different units (trillion "
                        "yuan and 100m yuan). Convert both to yuan first."),
                Mistake(lambda: gdp_growth() / 100, "You gave a fraction: multiply by 100 for percent."),
                Mistake(lambda: gdp_growth(years=44), "From 1979 to 2024 is 45 years of growth: use 1 / 45."),
                Mistake(lambda: gdp_growth(first=1980, years=44),
                        "That starts from the 1980 row; the exercise asks for 1979 to 2024."),
            ],
            partial=[Partial(lambda v: abs(v - gdp_growth(years=46)) <= 0.01, 0.5,
                             "Nearly: from 1979 to 2024 is 45 years of growth, not 46.")],
            type_hint="Give one number (a float): the growth rate in percent, e.g. 12.34.",
            hint="Not yet: map the unit column to yuan (e.g. {'100m yuan': 1e8, 'trillion yuan': 1e12, ...}), multiply, "
                 "divide 2024 by 1979, take the 45th root, subtract 1, times 100.",
        ),
        Function(
            id="6.3",
            variable="lead_needed",
            points=3,
            prompt=(
                "Write `lead_needed(taste, agglomeration)`: the smallest whole lead d (firms in the leading region "
                "minus firms in the other) at which a firm that prefers the trailing region by `taste` still chooses "
                "the leading one, i.e. the smallest whole d with agglomeration * d > taste (agglomeration > 0). "
                "Worked example: lead_needed(1, 0.1) is 11 (a lead of 10 only ties the payoffs, and a tie goes to "
                "taste). Divide with / and round down with math.floor, adding a tiny tolerance so that a ratio stored "
                "a hair below a whole number counts as that number (0.3 / 0.1 is 2.9999999999999996 in Python, and "
                "1 // 0.1 is 9.0): math.floor(taste / agglomeration + 1e-9) + 1, returned as a whole number (int). "
                "Compute it yourself (do not call the course's function); the grader calls your function on other "
                "tastes and benefits."
            ),
            reference_function=reference_lead_needed,
            examples=[Example(args=(1, 0.1), expected=11, label="lead_needed(1, 0.1)")],
            cases=[
                Case((1, 0.15), label="a benefit of 0.15: 6.67 firms' worth of taste"),
                Case((2, 0.3), label="taste 2, benefit 0.3"),
                Case((0.5, 0.2), label="taste 0.5, benefit 0.2"),
                Case((3, 0.7), label="taste 3, benefit 0.7"),
                Case((1, 0.03), label="a weak benefit: 34 firms"),
                Case((0.5, 2.0), label="a benefit larger than the taste: a lead of 1 is enough"),
                Case((7, 0.45), label="taste 7, benefit 0.45"),
            ],
            forbidden=["lead_needed", "urn"],
            forbidden_hint="Compute the lead from taste and agglomeration yourself; do not call clusterkit.models.urn.",
            type_hint="Define `def lead_needed(taste, agglomeration):` and pass the function itself (no parentheses) to check.",
            hint=("The payoffs tie when agglomeration * d equals taste, at d = taste / agglomeration; the lead must be the "
                  "first whole number strictly above that. math.ceil gives the tie itself when the ratio is whole, and "
                  "floor division is one short here (1 // 0.1 is 9.0 in Python, because 0.1 is stored as a little more "
                  "than a tenth): divide with / and round down with math.floor."),
            hidden_hint=("Your function is also called with other tastes and benefits, including a benefit larger than the "
                         "taste (where a lead of one firm is enough). Return a whole number (int(...)), not a float such "
                         "as 11.0 from taste / agglomeration + 1; math.ceil gives the tie itself when the ratio is a "
                         "whole number, and the lead must be strictly larger."),
        ),
        Number(
            id="6.4",
            variable="b_wins",
            points=2,
            prompt=(
                "Suppose 60% of arriving firms prefer region A (a geographic advantage). Run "
                "`urn.locate(n_firms=1000, agglomeration=0.2, prefer_a=0.6, runs=2000, seed=6)` and give the share "
                "of runs (between 0 and 1) in which region B, the region fewer firms prefer, ends with more firms "
                "than A: `(result.winner == -1).mean()`, where `result` is what `urn.locate` returns."
            ),
            answer=b_wins_share,
            abs=0.001,
            checks=[in_range(0, 1, "A share of runs lies between 0 and 1.")],
            mistakes=[
                Mistake(_a_wins_share, "That is the share of runs A wins; the question asks for B (winner == -1)."),
                Mistake(lambda: 100 * b_wins_share(), "You gave a percentage: give the share between 0 and 1."),
            ],
            type_hint="Give one number (a float between 0 and 1), e.g. from (result.winner == -1).mean().",
            hint="Not yet: call urn.locate with exactly the arguments given (the seed and the number of runs matter), "
                 "then take (result.winner == -1).mean().",
        ),
        Choice(
            id="6.5",
            variable="urn_vs_arthur",
            points=2,
            prompt=(
                "After 100 firms region A holds 60 and region B 40. What happens next in Pólya's urn (the spin-off "
                "model) and in Arthur's model with agglomeration 0.1 (a lead of 11 locks in)? (a-d, see the notebook)"
            ),
            options=["a", "b", "c", "d"],
            answer="b",
            hint="Compare A's lead of 20 firms with Arthur's bound; and ask what the urn's next draw depends on.",
        ),
        Choice(
            id="6.6",
            variable="shenzhen_reading",
            points=2,
            prompt=(
                "Four special economic zones were ratified on the same day in 1980. Read through Arthur's model, "
                "what best explains why Shenzhen became China's electronics centre? (a-d, see the notebook)"
            ),
            options=["a", "b", "c", "d"],
            answer="c",
            hint="The model has two ingredients: what tilts each firm's choice, and what the firms already there add.",
        ),
        Text(
            id="6.7",
            variable="park_advice",
            points=3,
            prompt=(
                "3-5 sentences (40-200 words): a park with a young electronics cluster wants to recruit on the "
                "cluster's advantage. Using the model, say when this is likely to work, when it is too late or too "
                "early, and one way the advantage can stop attracting firms."
            ),
            model_answer=(
                "Recruiting on the cluster's advantage works when the agglomeration benefit is strong relative to "
                "firms' other reasons to locate, because each firm the park wins raises the pull on the next one. "
                "It matters most early: before either place has a lead near the lock-in bound, a few extra firms "
                "can decide which one locks in, while after a rival has locked in no single recruitment reverses "
                "it. If the park is already past the bound, subsidies add little, since firms would come anyway. "
                "The advantage can stop attracting firms when the benefit is bounded (suppliers and workers stop "
                "getting better as the cluster grows) or turns negative through congestion, rising land prices "
                "and wages, so that firms' own tastes again decide."
            ),
            min_words=40,
            max_words=200,
            rubric=(
                "3 points: (1) a correct condition from the model — the benefit must be strong relative to tastes / "
                "each firm raises the pull on the next (positive feedback); AND (2) timing — early, before a lead "
                "reaches the lock-in bound, small pushes decide; after lock-in (its own or a rival's) recruitment "
                "matters little or cannot reverse it; AND (3) a way it fails — bounded benefits (cap), congestion "
                "costs (land, wages, traffic), a rival locked in first, or a taste/geography tilt against the park. "
                "2 points: two of the three. 1 point: one. 0: off topic or no link to the model."
            ),
        ),
    ],
)
