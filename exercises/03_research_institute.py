"""Chapter 3 — Innovation-factor-led: a research institute as the seed of a cluster. Graded exercises
(instructor side).

The notebook ``notebooks/03_research_institute.ipynb`` holds, for each exercise, a cell
``<variable> = ...`` and a ``check("<id>", <variable>)`` call. The student side reads only
the public spec generated from this file (``clusterkit/grading/public/03.json``); reference
answers, hidden cases and the rubric stay here. Format: ``clusterkit/grading/spec.py``.
"""
from __future__ import annotations

import math

import pandas as pd

from clusterkit import data
from clusterkit.grading.spec import (
    Case, Chapter, Choice, Example, Function, Mistake, Number, Partial, Table, Text, in_range,
)
from clusterkit.models import incubation

FIGURES = "03_tsinghua_yrd_figures"


def _capacity(kind: str) -> float:
    f = data.load(FIGURES)
    row = f[(f["metric"].str.startswith("butyl-rubber capacity")) & (f["kind"] == kind)]
    return float(row["value"].item())


def capacity_ratio() -> float:
    """Phase-3 target capacity ÷ capacity of the first plant (both t/yr)."""
    return _capacity("target") / _capacity("actual")


def article_vs_source() -> pd.DataFrame:
    """2023 counts that both the article and a source give: one row per metric."""
    f = data.load(FIGURES, include_low=True)
    f = f[(f["year"] == 2023) & (f["unit"] == "count")]
    table = f.pivot_table(index="metric", columns="claim_of", values="value", aggfunc="first").dropna()
    table["difference"] = table["article"] - table["source"]
    return table


def faster_prototypes(feedback: bool = False) -> float:
    """Established firms in year 20 with a one-year prototype stage, no talent feedback (the model of
    the chapter's §5), other parameters at the defaults. ``feedback=True`` keeps the default feedback
    (a common mistake, for partial credit)."""
    params = incubation.load_parameters()
    override = {} if feedback else {"talent_feedback": 0}
    return float(incubation.pipeline_from_parameters(params, prototype_years=1, **override).firms[-1])


def open_pipeline_firms(intake, rates, lags, exit_rate, years):
    """Reference: established firms at the end of year ``years`` with no talent feedback."""
    result = incubation.run_pipeline(intake, rates=tuple(rates), lags=tuple(int(v) for v in lags),
                                     feedback=0.0, exit_rate=exit_rate, years=int(years))
    return float(result.firms[-1])


#: The worked example of 3.4, as the notebook writes it (lists: the grader's inputs arrive as lists too).
DEFAULT_ARGS = (60, [0.4, 0.25, 0.5], [2, 2, 3], 0.04, 20)
DEFAULT_CALL = "open_pipeline_firms(60, [0.4, 0.25, 0.5], [2, 2, 3], 0.04, 20)"

#: Why a factor came out NaN or 0 (3.1): Series divided by Series line up by index.
_EMPTY = "a selection came out empty, or two Series were divided (they line up by index, so rows with different labels give NaN"


CHAPTER = Chapter(
    number=3,
    title="Innovation-factor-led: a research institute as the seed of a cluster",
    short_title="A research institute as the seed of a cluster",
    salt="cluster-pathways/03/2026",
    notebook="notebooks/03_research_institute.ipynb",
    exercises=[
        Number(
            id="3.1",
            variable="capacity_ratio",
            points=1,
            prompt=(
                "By what factor would Xinhui's phase-3 target multiply the capacity of its first plant? Compute it "
                "from `figures` (the two rows whose metric starts with \"butyl-rubber capacity\"; the `kind` column "
                "tells the target from the actual plant) rather than typing the numbers in: take each value out of its "
                "selection with `.item()`, then divide the target by the first plant's capacity (both t/yr)."
            ),
            answer=capacity_ratio,
            rel=1e-3,
            abs=0.01,
            checks=[in_range(1, None, "The target is larger than the first plant, so the factor is above 1.")],
            partial=[
                Partial(lambda v: abs(v * capacity_ratio() ** 2 - capacity_ratio()) < 0.01, 0.5,
                        "You divided the first plant by the target: put the target on top."),
            ],
            mistakes=[
                Mistake(math.nan, f"Your answer is NaN: {_EMPTY}). Take each value out with .item() first, then divide."),
                Mistake(0.0, f"Your answer is 0: {_EMPTY}, and the .sum() of NaN values is 0). Take each value out "
                             "with .item() first, then divide."),
                Mistake(lambda: capacity_ratio() - 1,
                        "That is the increase, (target - first plant) / first plant; the factor is target / first plant."),
                Mistake(lambda: 100 * capacity_ratio(),
                        "That looks like a percentage: the factor is target / first plant, not multiplied by 100."),
                Mistake(lambda: 100 * (capacity_ratio() - 1),
                        "That looks like the percentage increase: the factor is simply target / first plant."),
            ],
            type_hint=(
                "The factor is one number. Dividing one Series by another lines them up by index (the two rows have "
                "different labels, so you get NaN): take each value out with .item() first, then divide."
            ),
            hint=(
                "Not yet: pick the two rows whose metric starts with 'butyl-rubber capacity'; the `kind` column "
                "tells the target from the actual plant. Divide the target by the first plant."
            ),
        ),
        Table(
            id="3.2",
            variable="article_vs_source",
            points=2,
            prompt=(
                "Start from `figures_all`, the dataset with its low-confidence rows (defined in the first code cell of "
                "this section), and keep the rows for 2023 whose `unit` is \"count\". Build a DataFrame "
                "`article_vs_source` with one row per metric (the index holds the `metric` text exactly as in the "
                "data) and columns named exactly `article` and `source`: the `value` that each kind of claim (the "
                "`claim_of` column) gives for that metric. Keep only the metrics that both give, and add a column "
                "`difference` = article - source. Take the numbers in `value` as they are and ignore the `qualifier` "
                "column: \"more than 50\" counts as 50. Hint: `pivot_table(index=..., columns=..., values=...)` names "
                "its columns after the values of `claim_of` (pass `values` as a string, not a list); `dropna()` then "
                "removes the metrics that only one of them gives."
            ),
            answer=article_vs_source,
            columns=["article", "source", "difference"],
            row_name="metric",
            reveal_rows=False,  # which metrics both kinds of claim give is part of the answer
            rows_hint=(
                "Check the filter (year 2023, unit 'count', and the low-confidence rows: start from figures_all), "
                "and use the metric text, exactly as in the data, as the index."
            ),
            extra_rows_hint="keep only the metrics both kinds of claim give (no fill_value; .dropna()).",
            finite_hint="Some cells are empty (NaN): those are metrics only one kind of claim gives — .dropna().",
            rel=1e-6,
            abs=0.01,
            type_hint="Build a DataFrame, e.g. with `.pivot_table(index='metric', columns='claim_of', values='value')`.",
            hint=(
                "Check the filter (year 2023, unit 'count', low rows included) and the pivot: index 'metric', columns "
                "'claim_of', values 'value'."
            ),
            column_hints={
                "article": "article = the value in the rows whose claim_of is 'article'.",
                "source": "source = the value in the rows whose claim_of is 'source' (People's Daily Online).",
                "difference": ("difference is article - source, in counts (not a ratio or a percentage), in that "
                               "order: it can be negative."),
            },
        ),
        Number(
            id="3.3",
            variable="faster_prototypes",
            points=2,
            prompt=(
                "Suppose the institute's pilot line halves the prototype stage, from 2 years to 1. Run the model of "
                "this section — the illustrative values, no talent feedback, 20 years — with a one-year prototype "
                "stage: `incubation.pipeline_from_parameters(params, talent_feedback=0, prototype_years=1)`. How many "
                "established firms are there at the end of year 20? Keep full precision: give the number as the model "
                "returns it, without rounding."
            ),
            answer=faster_prototypes,
            rel=1e-3,
            abs=0.005,  # full precision asked for: a rounding to one decimal is "Close — did you round?"
            checks=[in_range(0, 200, "Established firms after 20 years: a number between 0 and a few dozen here.")],
            partial=[
                Partial(lambda v: abs(v - faster_prototypes(feedback=True)) <= 0.005, 0.5,
                        "You left the talent feedback on: this exercise runs the model without it (talent_feedback=0)."),
            ],
            type_hint="Give one number: the last value of the result's `firms` array (e.g. `float(result.firms[-1])`).",
            hint=(
                "Not yet: use `incubation.pipeline_from_parameters(params, talent_feedback=0, prototype_years=1)` "
                "with `params = incubation.load_parameters()`, and take the value for the last year of `.firms`, "
                "unrounded."
            ),
        ),
        Function(
            id="3.4",
            variable="open_pipeline_firms",
            points=3,
            prompt=(
                "Write `open_pipeline_firms(intake, rates, lags, exit_rate, years)` that returns the number of "
                "established firms at the end of year `years` for a pipeline without talent feedback, where `rates` = "
                "(c1, c2, c3) and `lags` = (L1, L2, L3). The lags are whole numbers of years (integers, each at least "
                "1); `rates` and `lags` may come as lists or tuples. Projects start every year from year 1 on. Firms "
                "close from the year after they are established; return `0.0` if none has arrived yet. Compute the "
                "pipeline yourself, with a loop over the years (or the closed form in *Going further*): a function that calls "
                "`incubation.run_pipeline` or `pipeline_from_parameters` earns no points. Worked example: "
                f"`{DEFAULT_CALL}` gives 30.8849, the firms of year 20 in the table above. The grader also calls "
                "your function with other rates and lags (some of 1 year), an exit rate of 0, and values of `years` "
                "before the first firm arrives (down to 0) or exactly when it does, so use the arguments, not the "
                "chapter's values."
            ),
            reference_function=open_pipeline_firms,
            examples=[Example(args=DEFAULT_ARGS, expected=open_pipeline_firms(*DEFAULT_ARGS), label=DEFAULT_CALL)],
            cases=[
                Case((60.0, [0.4, 0.25, 0.5], [2, 2, 3], 0.04, 7), label="the year before the first firm arrives"),
                Case((60.0, [0.4, 0.25, 0.5], [2, 2, 3], 0.04, 3), label="years well before the first firm arrives"),
                Case((60.0, [0.4, 0.25, 0.5], [2, 2, 3], 0.04, 0), label="year 0: nothing has started"),
                Case((60.0, [0.4, 0.25, 0.5], [2, 2, 3], 0.04, 8), label="the year the first firm arrives"),
                Case((100.0, [0.3, 0.2, 0.6], [3, 1, 2], 0.1, 25), label="other rates and lags"),
                Case((45.0, [0.5, 0.5, 0.5], [1, 1, 1], 0.0, 12), label="no firm ever closes"),
                Case((30.0, [0.5, 0.4, 0.6], [1, 1, 1], 0.1, 4), label="lags of one year, the year the first firm arrives"),
                Case((80.0, [0.6, 0.0, 0.9], [2, 2, 2], 0.05, 30), label="no prototype is ever spun out"),
                Case((25.0, [0.9, 0.4, 0.7], [4, 3, 5], 0.02, 40), label="long lags, long run"),
            ],
            rel=1e-4,
            abs=1e-6,
            forbidden=["run_pipeline", "pipeline_from_parameters"],
            forbidden_hint=(
                "compute the pipeline yourself (a loop over the years, or the closed form in Going further); a function "
                "that calls incubation.run_pipeline or pipeline_from_parameters earns no points."
            ),
            type_hint="Define a function with `def open_pipeline_firms(intake, rates, lags, exit_rate, years):` and pass the function itself to check.",
            hint=(
                "Find the first year E = 1 + L1 + L2 + L3 in which firms arrive (before it there are none: return 0.0); "
                "from then on each year adds intake * c1 * c2 * c3 new firms to the survivors of last year "
                "(last year's firms * (1 - exit_rate))."
            ),
            hidden_hint=(
                "Your function is also called with other rates and lags (some of 1 year), an exit rate of 0, and "
                "values of `years` before the first firm arrives (down to 0: return 0.0, never a negative number) or "
                "exactly when it arrives. Do not hard-code the chapter's values, and accept rates and lags given as "
                "lists as well as tuples."
            ),
        ),
        Choice(
            id="3.5",
            variable="verdict",
            points=2,
            prompt=(
                "A few years after opening, a city's new research institute reports many key platforms and research "
                "centres and hundreds of projects, but only a couple of spin-off firms, none of them yet through "
                "incubation. Which conclusion does this chapter support? Answer with one letter. a) It has failed: "
                "after several years of work it has produced almost no established firms, and a working institute "
                "would show a cluster forming by now. b) It is succeeding: so many platforms, centres and projects in "
                "a few years show that a cluster is already forming around it, whatever the firm count says. c) It is "
                "too early to tell from its firms: ask how many spin-offs it founds each year, how many of them "
                "survive, and where they settle. d) It is too small: if the city doubled the projects it funds each "
                "year, the number of established firms would double within the next two or three years."
            ),
            options=["a", "b", "c", "d"],
            answer="c",
            hint="Ask what the lags of the pipeline imply for the first years, and what platform counts measure.",
        ),
        Text(
            id="3.6",
            variable="data_request",
            points=3,
            prompt=(
                "In three to five sentences (40–220 words): you are asked to judge whether the Jiaxing institute has "
                "built an industrial cluster. Name the data you would ask for (at least three kinds), and say for each "
                "what it would show that counts of platforms and institutes cannot. Put your text in triple quotes, "
                "`\"\"\"like this\"\"\"`, so that apostrophes do no harm."
            ),
            model_answer=(
                "I would ask for a list of every spin-off and licensee with its founding year, so that spin-offs per "
                "year and the lag from project to firm can be measured. For each firm I would ask whether it still "
                "exists after three and five years and how many people it employs and what it sells, which shows "
                "survival and scale rather than activity. I would ask where each firm operates today, because a "
                "spin-off that moved to Shanghai adds nothing to Jiaxing's cluster. Finally I would ask for contracts "
                "with and hires by local firms that are not spin-offs, which would show knowledge reaching the wider "
                "industry. Counts of platforms and institutes only measure inputs and are defined differently by "
                "each source."
            ),
            min_words=40,
            max_words=220,
            rubric=(
                "3 points: names at least three distinct outcome data (e.g. spin-offs founded by year; survival "
                "after n years; employment/revenue of spin-offs; location/relocation of spin-offs; licences or "
                "contracts with local non-spin-off firms; where graduates/researchers go to work; local suppliers "
                "or customers of spin-offs), AND for each says what it reveals (conversion, survival, scale, "
                "staying local, spillover to the local industry), AND contrasts them with input counts "
                "(platforms, institutes, projects) that measure effort, not results. 2 points: two kinds of outcome "
                "data with reasons, or three without reasons. 1 point: one relevant kind of data. 0: only input "
                "counts (more platforms, more projects) or no data named."
            ),
        ),
    ],
)
