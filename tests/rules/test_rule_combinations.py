"""How rules combine into candidates, and how the candidates are named and ordered."""
from __future__ import annotations

from types import SimpleNamespace

from test_rule_catalogue import define

from jupyter_optimize.model import Call
from jupyter_optimize.sources.rules import RULES, State, Subject, candidate, learn_kinds, rewrites, time_share

FILTER = '''def filter_words(words, stop):
    kept = []
    for w in words:
        if w not in stop:
            kept.append(w.upper())
    return kept
'''

PAIRWISE = '''def pairwise(X):
    n, d = X.shape
    D = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(d):
                diff = X[i, k] - X[j, k]
                s += diff * diff
            D[i, j] = math.sqrt(s)
    return D
'''


def subject(source: str, *calls: tuple) -> Subject:
    func = define(source)
    kinds = learn_kinds(func, [Call(tuple(c)) for c in calls]).kinds
    return Subject(func.__name__, dict(func.__globals__), kinds)


def test_combination_comes_first_then_each_rule_alone():
    states = rewrites(FILTER, subject(FILTER, (["a", "b", "the"], ["the", "a"])))
    assert [s.applied for s in states] == [("membership-set", "append-comprehension"),
                                           ("membership-set",), ("append-comprehension",)]
    combined = states[0].text
    assert "stop_set = set(stop)" in combined and "kept = [w.upper() for w in words if w not in stop_set]" in combined


def test_a_rule_can_open_the_way_for_another():
    # the inner reduction must go first; only then is the outer nest a broadcast over rows
    from rule_cases import F2

    states = rewrites(PAIRWISE, subject(PAIRWISE, (F2,)))
    assert states[0].applied == ("reduction-loop", "row-broadcast")
    assert "for" not in states[0].text
    assert ("row-broadcast",) not in [s.applied for s in states]  # it does not apply alone


def test_candidates_are_bounded_and_named_by_their_rules():
    states = rewrites(FILTER, subject(FILTER, (["a"], ["a"])), limit=2)
    assert len(states) == 2
    made = candidate(states[0], share=0.9)
    assert made.origin == "rules" and made.name == "rules: membership-set+append-comprehension"
    assert made.explanation.startswith("membership-set: ") and "append-comprehension: " in made.explanation
    assert "90% of the original's time" in made.explanation


def test_hot_rewrites_are_offered_before_cold_ones():
    lines = [SimpleNamespace(lineno=10 + i, share=share) for i, share in enumerate([0, 0, 0.1, 0.1, 0.7, 0.1])]
    hot = time_share(FILTER, SimpleNamespace(lines=lines), first_line=10)
    states = rewrites(FILTER, subject(FILTER, (["a"], ["a"])), hot=hot)
    singles = {s.applied: hot(s) for s in states[1:]}
    assert singles[("membership-set",)] > 0 and singles[("append-comprehension",)] > singles[("membership-set",)]
    assert [s.applied for s in states[1:]] == sorted(singles, key=singles.get, reverse=True)


def test_nothing_to_do_gives_no_candidates():
    source = "def f(x):\n    return x + 1\n"
    assert rewrites(source, subject(source, (1,))) == []


def test_every_rule_is_in_one_family_module():
    assert {r.family for r in RULES} == {"containers", "hoisting", "pandas", "recursion", "reductions", "search",
                                         "tables", "vectorize"}
    assert State("x").applied == ()


def test_a_rule_that_breaks_is_skipped_and_reported():
    from jupyter_optimize.sources.rules import BY_NAME, Rule, apply_rule

    def broken(fn, ctx):
        """Always breaks -> nothing."""
        raise KeyError("oops")

    sub = subject(FILTER, (["a"], ["a"]))
    rules = (Rule("broken", broken), BY_NAME["membership-set"])
    states = rewrites(FILTER, sub, rules=rules)
    assert [s.applied for s in states] == [("membership-set",)]
    assert apply_rule(State(FILTER), rules[0], sub) is None
    assert sub.problems and "broken broke on filter_words (KeyError" in sub.problems[0]
