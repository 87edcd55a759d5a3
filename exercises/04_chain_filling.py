"""Chapter 4 — Chain-filling investment: Keqiao textiles and the missing links. Graded exercises
(instructor side).

Answer cells in ``notebooks/04_chain_filling.ipynb``: ``<variable> = ...`` then
``check("4.k", <variable>)``. Reference answers are computed from ``clusterkit.data`` and the
chapter's model (``clusterkit.models.value_chain``); the public spec (``clusterkit exercises build`` →
``public/04.json``) holds no answer. Format: ``exercises/README.md``.
"""
from __future__ import annotations

from clusterkit import data
from clusterkit.grading.spec import Case, Chapter, Choice, Example, Function, Mistake, Number, in_range
from clusterkit.models import value_chain as vc

FIGURES = "04_keqiao_figures"
TURNOVER = "transaction volume (turnover)"


def _turnover(year: int, basis: str, period: str = "year") -> float:
    f = data.load(FIGURES)
    row = f[(f["metric"].str.contains("transaction volume")) & (f["year"] == year)
            & (f["turnover_basis"].astype(str) == basis) & (f["period"].astype(str) == period)]
    return float(row["value"].item())


def turnover_factor() -> float:
    """The market's transaction volume 2008 ÷ 1988, on the district government's basis."""
    return _turnover(2008, "market") / _turnover(1988, "market")


def group_plus_online_2022() -> float:
    """2022, whole year: the market group's transaction volume plus the online platform's (100m yuan)."""
    return _turnover(2022, "market group") + _turnover(2022, "online platform")


def best_13_bonus_3() -> float:
    return vc.best_plan(vc.load_chain(), 13, bonus=3).value_added


def _greedy_13_bonus_3() -> float:
    return vc.greedy_plan(vc.load_chain(), 13, bonus=3)[0].value_added


def reference_greedy_value(values, costs, budget):
    """Dantzig's greedy rule: by value per cost, highest first (ties: the earlier item), each item that fits."""
    order = sorted(range(len(values)), key=lambda i: -values[i] / costs[i])
    left, total = budget, 0.0
    for i in order:
        if costs[i] <= left:
            left -= costs[i]
            total += values[i]
    return float(total)


#: The worked example of 4.4 (the textbook counter-example of the chapter, with M = 10).
EXAMPLE_VALUES, EXAMPLE_COSTS = [2, 10], [1, 10]


def _chain_items():
    ch = vc.load_chain()
    idx = [ch.index(l) for l in ch.missing]
    return [float(v) for v in ch.gains[idx].round(2)], [float(c) for c in ch.cost[idx]]


CHAPTER = Chapter(
    number=4,
    title="Chain-filling investment: Keqiao textiles and the missing links",
    short_title="Chain-filling investment: Keqiao textiles",
    salt="cluster-pathways/04/2026",
    notebook="notebooks/04_chain_filling.ipynb",
    exercises=[
        Number(
            id="4.1",
            variable="turnover_factor",
            points=1,
            prompt=(
                "By what factor did China Textile City's annual transaction volume grow from 1988 to 2008, on the "
                "district government's basis? In `turnover`, take the two rows with turnover_basis 'market' and "
                "period 'year' (1988 and 2008), take each value out with `.item()` and divide the later by the "
                "earlier. Keep one decimal or more."
            ),
            answer=turnover_factor,
            abs=0.06,
            checks=[in_range(1, 100_000, "A factor of growth is the later value divided by the earlier one: above 1 here.")],
            mistakes=[
                Mistake(lambda: turnover_factor() - 1, "That is the increase as a multiple of 1988 (factor - 1); the "
                                                       "factor is 2008 / 1988."),
                Mistake(lambda: 1 / turnover_factor(), "That is 1988 / 2008: divide the later value by the earlier one."),
            ],
            type_hint="Give one number (a float): the 2008 value divided by the 1988 value.",
            hint="Not yet: both values are in 100m yuan (0.76 is 76 million yuan). Select year 2008 and 1988 with "
                 "turnover_basis 'market', take .item() of each value, then divide.",
        ),
        Number(
            id="4.2",
            variable="group_plus_online",
            points=2,
            prompt=(
                "For 2022 (period 'year') the sources give the market group's transaction volume, the online "
                "platform's, and an 'online + offline' total of 'over 3,300' (100m yuan). Select the 2022 "
                "whole-year rows of `turnover` whose turnover_basis is 'market group' or 'online platform' "
                "(use `.isin([...])`) and add their values. What do they sum to, in 100m yuan? Keep two decimals."
            ),
            answer=group_plus_online_2022,
            abs=0.01,
            checks=[in_range(0, 10_000, "The sum of two transaction volumes of a few thousand (100m yuan).")],
            mistakes=[
                Mistake(lambda: group_plus_online_2022() + 3300,
                        "You added the 'online + offline' total too: keep only the market group and the online platform."),
                Mistake(lambda: group_plus_online_2022() + 2178.6,
                        "You included the January-August row: keep period 'year'."),
            ],
            type_hint="Give one number (a float): the sum of two values, in 100m yuan.",
            hint="Not yet: filter year == 2022, period == 'year' and turnover_basis.isin(['market group', "
                 "'online platform']), then take ['value'].sum().",
        ),
        Number(
            id="4.7",
            variable="best_value_13",
            points=2,
            prompt=(
                "Run the exact plan on the chapter's chain with a budget of 13 (100m yuan) and a linkage bonus of 3 "
                "(100m yuan a year per pair of adjacent local links): `vc.best_plan(chain, 13, bonus=3)`. What local "
                "value added a year does it give, in 100m yuan (its `.value_added`)? Keep two decimals."
            ),
            answer=best_13_bonus_3,
            abs=0.01,
            checks=[in_range(0, 1000, "Local value added of the illustrative chain is in the tens to hundreds of 100m yuan.")],
            mistakes=[
                Mistake(_greedy_13_bonus_3, "That is the greedy plan's value; the exercise asks for the exact plan "
                                            "(best_plan)."),
                Mistake(lambda: vc.best_plan(vc.load_chain(), 13).value_added,
                        "That is the exact plan without the bonus: pass bonus=3."),
                Mistake(lambda: vc.best_plan(vc.load_chain(), 13, bonus=3).gain,
                        "That is the gain over today (.gain); the exercise asks for the local value added itself "
                        "(.value_added)."),
            ],
            type_hint="Give one number (a float): the plan's .value_added.",
            hint="Not yet: chain = vc.load_chain(); plan = vc.best_plan(chain, 13, bonus=3); plan.value_added.",
        ),
        Function(
            id="4.4",
            variable="greedy_value",
            points=3,
            prompt=(
                "Write `greedy_value(values, costs, budget)`: the total value that Dantzig's greedy rule recruits. "
                "Take the items in order of value per cost, highest first (on a tie, the item that comes first "
                "in the list); take each item whose cost still fits in what is left of the budget, and skip the "
                "others. Return the sum of the values taken, as a number. All costs are positive. Worked example: "
                "greedy_value([2, 10], [1, 10], 10) is 2 (the first item's ratio, 2, beats the second's, 1; "
                "after it only 9 is left and the second no longer fits). Compute it yourself (do not call the "
                "course's model)."
            ),
            reference_function=reference_greedy_value,
            examples=[Example(args=(EXAMPLE_VALUES, EXAMPLE_COSTS, 10), expected=2.0,
                              label="greedy_value([2, 10], [1, 10], 10)")],
            cases=[
                Case(([60, 100, 120], [10, 20, 30], 50), label="the textbook three items: 160, optimum 220"),
                Case(lambda: (*_chain_items(), 6), label="the chapter's missing links, budget 6"),
                Case(lambda: (*_chain_items(), 13), label="the chapter's missing links, budget 13"),
                Case(([5, 4, 3], [4, 3, 2], 0), label="a budget of 0: nothing fits"),
                Case(([3, 4, 5], [1, 2, 3], 100), label="a budget that fits everything"),
                Case(([1, 3, 2, 6], [1, 3, 2, 5], 6), label="ties in the ratio: earlier first"),
                Case(([2, 4], [1, 2], 2), label="a tie whose order changes the total: the earlier item first (2, not 4)"),
                Case(([5, 3], [4, 3], 7), label="an item whose cost is exactly what is left is taken"),
                Case(([8, 1, 7, 4, 9], [5, 1, 6, 2, 8], 11), label="five items, a skip and a later fit"),
            ],
            forbidden=["greedy_knapsack", "modified_greedy", "greedy_plan", "value_chain"],
            forbidden_hint="Compute the greedy value yourself; do not call clusterkit.models.value_chain.",
            type_hint="Define `def greedy_value(values, costs, budget):` and pass the function itself (no parentheses) to check.",
            hint=("Sort the positions by value / cost, highest first: sorted(range(len(values)), key=lambda i: "
                  "-values[i] / costs[i]) keeps ties in list order. Then loop, keeping what is left of the budget: "
                  "take an item only if its cost is at most what is left. Do not stop at the first item that does "
                  "not fit: a later, cheaper one may still fit."),
            hidden_hint=("Your function is also called on other lists: a budget of 0, a budget that fits everything, "
                         "items with equal ratios (the earlier goes first) and cases where an item that does not fit "
                         "is followed by one that does (skip it and go on)."),
        ),
        Choice(
            id="4.5",
            variable="why_greedy_fails",
            points=2,
            prompt=(
                "With a budget of 6 and no linkage bonus, the greedy rule recruits garments and yarn (cost 4, 14.3 "
                "a year) while the exact plan recruits fibre alone (cost 6, 24 a year). Why does ranking by value "
                "per cost go wrong here? (a-d, see the notebook)"
            ),
            options=["a", "b", "c", "d"],
            answer="b",
            hint="Ask what happens to the budget left over after the first choice, and whether a link can be "
                 "bought in part.",
        ),
        Choice(
            id="4.6",
            variable="why_complements",
            points=2,
            prompt=(
                "With a linkage bonus of 5 and a budget of 8 the exact plan recruits fibre and yarn together, which "
                "neither the greedy rule nor a ranking of links one by one would choose. What makes the pair worth "
                "more than its parts? (a-d, see the notebook)"
            ),
            options=["a", "b", "c", "d"],
            answer="c",
            hint="Look at which adjacent pairs become local when fibre is recruited alone, yarn alone, and both.",
        ),
        Choice(
            id="4.3",
            variable="turnover_reading",
            points=2,
            prompt=(
                "China Textile City's transaction volume is 0.76 (100m yuan) in 1988 and 'over 3,300' in 2022. "
                "What can you conclude from the two numbers? (a-d, see the notebook)"
            ),
            options=["a", "b", "c", "d"],
            answer="d",
            hint="Compare the two rows' turnover_basis and qualifier, and ask whether the money is in the same prices.",
        ),
    ],
)

# The exercises in the order the page asks them (their numbers follow the page).
CHAPTER.exercises.sort(key=lambda ex: int(ex.id.split(".")[1]))
