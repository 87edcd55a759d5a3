"""Chapter 3 — Innovation-factor-led: a research institute as the seed. Graded exercises (instructor side).

The notebook ``notebooks/03_research_institute.ipynb`` holds, for each exercise, a cell
``<variable> = ...`` and a ``check("<id>", <variable>)`` call. The student side reads only
the public spec generated from this file (``clusterkit/grading/public/03.json``); reference
answers, hidden cases and the rubric stay here. Format: ``clusterkit/grading/spec.py``.
"""
from __future__ import annotations

import pandas as pd

from clusterkit import data
from clusterkit.grading.spec import Case, Chapter, Choice, Example, Function, Number, Partial, Table, Text, in_range
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


DEFAULT_ARGS = (60.0, [0.4, 0.25, 0.5], [2, 2, 3], 0.04, 20)


CHAPTER = Chapter(
    number=3,
    title="Innovation-factor-led: a research institute as the seed",
    salt="cluster-pathways/03/2026",
    notebook="notebooks/03_research_institute.ipynb",
    exercises=[
        Number(
            id="3.1",
            variable="capacity_ratio",
            points=1,
            prompt=(
                "From `03_tsinghua_yrd_figures`: by what factor would Xinhui's phase-3 target capacity multiply "
                "the capacity of its first butyl-rubber plant? Divide the target (t/yr) by the first plant's "
                "capacity (t/yr)."
            ),
            answer=capacity_ratio,
            rel=1e-3,
            abs=0.01,
            checks=[in_range(1, None, "The target is larger than the first plant, so the factor is above 1.")],
            partial=[
                Partial(lambda v: abs(v * capacity_ratio() ** 2 - capacity_ratio()) < 0.01, 0.5,
                        "You divided the first plant by the target: put the target on top."),
            ],
            type_hint="The factor is one number, e.g. target / first_plant as a float.",
            hint=(
                "Not yet: pick the two rows whose metric starts with 'butyl-rubber capacity'; the `kind` column "
                "tells the target from the actual plant."
            ),
        ),
        Table(
            id="3.2",
            variable="article_vs_source",
            points=2,
            prompt=(
                "Start from `figures_all` = `03_tsinghua_yrd_figures` loaded with `include_low=True` (the "
                "low-confidence rows included). Keep the rows for 2023 whose `unit` is 'count'. Build a DataFrame "
                "`article_vs_source` with one row per metric (the index holds the `metric` text exactly as in the "
                "data) and columns named exactly `article` and `source`: the `value` each kind of claim (the "
                "`claim_of` column) gives. Keep only the metrics that both give, and add a column `difference` = "
                "article - source. Take `value` as it is and ignore the `qualifier` column ('more than 50' counts "
                "as 50)."
            ),
            answer=article_vs_source,
            columns=["article", "source", "difference"],
            row_name="metric",
            rel=1e-6,
            abs=0.01,
            type_hint="Build a DataFrame, e.g. with `.pivot_table(index='metric', columns='claim_of', values='value')`.",
            hint=(
                "Check the filter (year 2023, unit 'count', low rows included), then pivot on `claim_of` and drop the "
                "metrics that only one of them gives (`.dropna()`)."
            ),
            column_hints={
                "article": "article = the value in the rows whose claim_of is 'article'.",
                "source": "source = the value in the rows whose claim_of is 'source' (People's Daily Online).",
                "difference": "difference = article - source, in that order (it can be negative).",
            },
        ),
        Number(
            id="3.3",
            variable="faster_prototypes",
            points=2,
            prompt=(
                "Run the incubation pipeline of the chapter's §5 — the illustrative defaults "
                "(`03_pipeline_illustrative`), no talent feedback, 20 years — with a prototype stage of 1 year "
                "instead of 2: `incubation.pipeline_from_parameters(params, talent_feedback=0, prototype_years=1)`. "
                "How many established firms are there at the end of year 20? Give the number unrounded (or with at "
                "least two decimals)."
            ),
            answer=faster_prototypes,
            rel=1e-3,
            abs=0.05,
            checks=[in_range(0, 200, "Established firms after 20 years: a number between 0 and a few dozen here.")],
            partial=[
                Partial(lambda v: abs(v - faster_prototypes(feedback=True)) < 0.05, 0.5,
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
                "Write `open_pipeline_firms(intake, rates, lags, exit_rate, years)` for a pipeline with no talent "
                "feedback. Every year from year 1 on, `intake` projects start. A cohort started in year s yields "
                "intake × c1 × c2 × c3 established firms in year s + L1 + L2 + L3, where `rates` = (c1, c2, c3) "
                "and `lags` = (L1, L2, L3); the lags are whole numbers of years (integers ≥ 1), and rates and lags may "
                "come as tuples or lists. In every later year a share `exit_rate` of the established firms "
                "closes (firms close from the year after they are established). Return the number of established "
                "firms at the end of year `years` as a float (0.0 if none has arrived yet). Worked example: "
                "(60, (0.4, 0.25, 0.5), (2, 2, 3), 0.04, 20) gives 30.8849."
            ),
            reference_function=open_pipeline_firms,
            examples=[Example(args=DEFAULT_ARGS, expected=open_pipeline_firms(*DEFAULT_ARGS),
                              label="the chapter's defaults without feedback")],
            cases=[
                Case((60.0, [0.4, 0.25, 0.5], [2, 2, 3], 0.04, 7), label="before the first firm arrives"),
                Case((60.0, [0.4, 0.25, 0.5], [2, 2, 3], 0.04, 8), label="the year the first firm arrives"),
                Case((100.0, [0.3, 0.2, 0.6], [3, 1, 2], 0.1, 25), label="other rates and lags"),
                Case((45.0, [0.5, 0.5, 0.5], [1, 1, 1], 0.0, 12), label="no firm ever closes"),
                Case((80.0, [0.6, 0.0, 0.9], [2, 2, 2], 0.05, 30), label="no prototype is ever spun out"),
                Case((25.0, [0.9, 0.4, 0.7], [4, 3, 5], 0.02, 40), label="long lags, long run"),
            ],
            rel=1e-4,
            abs=1e-6,
            type_hint="Define a function with `def open_pipeline_firms(intake, rates, lags, exit_rate, years):` and pass the function itself to check.",
            hint=(
                "Find the first year E = 1 + L1 + L2 + L3 in which firms arrive; from then on each year adds "
                "intake × c1 × c2 × c3 new firms after the survivors of last year (× (1 - exit_rate))."
            ),
            hidden_hint=(
                "Your function is also called with other rates, lags (some of 1 year), exit rates (including 0), "
                "and with `years` before or exactly at the first arrival. Do not hard-code the chapter's values, "
                "and accept rates and lags given as lists as well as tuples."
            ),
        ),
        Choice(
            id="3.5",
            variable="verdict",
            points=2,
            prompt=(
                "A few years after opening, a city's new research institute reports many key platforms and research "
                "centres and hundreds of projects, but only a couple of spin-off firms, none of them yet through "
                "incubation. Which conclusion does this chapter support? a) It has failed: after several years of "
                "work it has produced almost no established firms, and a working institute would show a cluster "
                "forming by now. b) It is succeeding: so many platforms, centres and projects in a few years show "
                "that a cluster is already forming around it, whatever the firm count says. c) It is too early to "
                "tell from its firms: ask how many spin-offs it founds each year, how many of them survive, and "
                "where they settle. d) It is too small: if the city doubled the projects it funds each year, the "
                "number of established firms would double within the next two or three years."
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
                "In 3–5 sentences: you are asked to judge whether the Jiaxing institute has built an industrial "
                "cluster. Name the data you would ask for (at least three kinds), and say for each what it would "
                "show that counts of platforms and institutes cannot."
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
