"""The catalogue of rules: every rule by name and family, in the order combinations apply them."""
from __future__ import annotations

from ...model import Candidate
from .engine import combine
from .engine.combine import MAX_CANDIDATES, Hotness, State, Subject, all_cold
from .engine.rewrite import Rule, RuleFunction
from .families import (
    containers,
    hoisting,
    pandas_apply,
    pandas_build,
    pandas_groups,
    pandas_rows,
    recursion,
    reductions,
    searches,
    tables,
    vectorize,
)


def _family(family: str, *rules: tuple[str, RuleFunction]) -> tuple[Rule, ...]:
    return tuple(Rule(name, apply, family) for name, apply in rules)


# Catalogue order is the order in which combinations apply them: rules that
# prepare a loop (hoisting, running sums, inner reductions) come before the
# rules that vectorize what is left.
RULES: tuple[Rule, ...] = (
    *_family("recursion", ("memoize", recursion.memoize)),
    *_family("hoisting", ("hoist-invariant", hoisting.hoist_invariant)),
    # pandas before containers: a count over a column is value_counts before it is a Counter
    *_family("pandas",
             ("unique-groupby", pandas_groups.unique_groupby),
             ("dict-groupby", pandas_groups.dict_groupby),
             ("frame-row-loop", pandas_rows.frame_row_loop),
             ("frame-apply", pandas_apply.frame_apply),
             ("column-comprehension", pandas_apply.column_comprehension),
             ("append-rows", pandas_build.append_rows)),
    *_family("containers",
             ("membership-set", containers.membership_set),
             ("dict-count", containers.dict_count),
             ("string-join", containers.string_join),
             ("append-comprehension", containers.append_comprehension)),
    *_family("search",
             ("first-index", searches.first_index),
             ("first-match", searches.first_match)),
    *_family("reductions",
             ("running-sum", reductions.running_sum),
             ("reduction-loop", reductions.reduction_loop)),
    *_family("vectorize",
             ("elementwise-loop", vectorize.elementwise_loop),
             ("sliding-window", vectorize.sliding_window),
             ("row-broadcast", vectorize.row_broadcast)),
    *_family("tables", ("lookup-table", tables.lookup_table)),
)
BY_NAME = {rule.name: rule for rule in RULES}


def rewrites(text: str, subject: Subject, rules: tuple[Rule, ...] = RULES, limit: int = MAX_CANDIDATES,
             hot: Hotness = all_cold) -> list[State]:
    """The candidate versions of the function (see `engine.combine.rewrites`), by default from every rule."""
    return combine.rewrites(text, subject, rules, limit, hot)


def candidate(state: State, share: float = 0.0) -> Candidate:
    """A version of the function as a candidate, named and explained by the rules that made it."""
    used = list(dict.fromkeys(state.applied))
    explanation = "; ".join(f"{n}: {BY_NAME[n].summary}" for n in used)
    if share > 0:
        explanation += f" (the rewritten lines took {100 * share:.0f}% of the original's time)"
    return Candidate(f"rules: {'+'.join(used)}", "rules", source=state.text, explanation=explanation)
