"""optimize() end to end, without a kernel."""

import numpy as np
import pytest

import jupyter_optimize
from jupyter_optimize import demo, optimize
from jupyter_optimize.errors import UsageProblem
from jupyter_optimize.model import VERDICTS, Candidate
from jupyter_optimize.sources.candidates import unique_names

pytestmark = pytest.mark.slow  # full runs of the pipeline: forked children, timing

QUICK = dict(time_budget=1.0)


def test_seed_story_vectorized_is_faster_and_argmax_is_caught(equalize, seed_calls):
    code_before = equalize.__code__
    report = optimize(equalize, seed_calls, candidates=[demo.VECTORIZED, demo.ARGMAX], **QUICK)
    fast, wrong = report.results
    assert fast.verdict == "faster", fast.reason
    assert fast.speedup > 3 and fast.speedup_ci[0] > 1.05
    assert wrong.verdict == "incorrect"
    cx = wrong.counterexample
    assert "0 True" in cx.call and cx.origin == "live"  # the empty mask
    assert "all 255" in cx.original and "all 0" in cx.candidate
    assert cx.inputs.args[1].sum() == 0
    assert report.best is fast
    assert equalize.__code__ is code_before  # the user's function was not instrumented
    assert len(fast.timing.original) == len(fast.timing.candidate) >= 10


def test_report_profile_points_at_the_hot_loop(equalize, seed_calls):
    report = optimize(equalize, seed_calls, sources=(), **QUICK)
    assert report.results == () and report.best is None
    hottest = report.profile.hottest(1)[0]
    assert "lut[level]" in hottest.source
    assert abs(sum(line.share for line in report.profile.lines) - 1) < 1e-6
    loop_line = next(line for line in report.profile.lines if "for level in range(256)" in line.source)
    assert loop_line.hits == 257 * report.profile.rounds  # one live call reaches the table loop


@pytest.mark.one_backend  # the pipeline's logic, not the sandbox's
def test_public_contract_fields(equalize, seed_calls):
    report = optimize(equalize, seed_calls, candidates=[demo.VECTORIZED], **QUICK)
    (r,) = report.results
    assert r.verdict in VERDICTS and r.origin == "user" and r.source == demo.VECTORIZED
    assert isinstance(r.speedup, float) and len(r.speedup_ci) == 2 and r.counterexample is None
    bundle = report._repr_mimebundle_()
    assert "faster" in bundle["text/plain"] and "<table" in bundle["text/html"]


def test_function_candidates_and_identical_code_is_not_faster():
    def total(xs):
        s = 0
        for x in xs:
            s += x
        return s

    def same(xs):
        s = 0
        for x in xs:
            s += x
        return s

    def builtin_sum(xs):
        return sum(xs)

    report = optimize(total, [((list(range(2000)),), {})], candidates=[same, builtin_sum, sum], **QUICK)
    assert [r.verdict for r in report.results] == ["not_faster", "faster", "failed"]
    assert report.results[1].name == "builtin_sum"
    assert "parameter 1 is iterable, the original has xs" in report.results[2].reason  # positional-only


@pytest.mark.parametrize("source, reason", [
    ("def total(xs)\n    return 0\n", "syntax error on line 1"),
    ("def other(xs):\n    return sum(xs)\n", "does not define a function named total (it defines other; the "
     "function optimized is total)"),
    ("def total(ys):\n    return sum(ys)\n", "signature does not match"),
    ("def total(xs, extra):\n    return sum(xs)\n", "extra parameter 'extra' has no default"),
    ("raise RuntimeError('boom')\ndef total(xs):\n    return 0\n", "raised RuntimeError: boom"),
    ("total = 3\ndef x(): pass\n", "does not define a function named total"),
])
def test_candidates_that_cannot_run_are_failed_with_the_reason(source, reason):
    def total(xs):
        return sum(xs)

    (r,) = optimize(total, [(([1, 2],), {})], candidates=[source], **QUICK).results
    assert r.verdict == "failed" and reason in r.reason


@pytest.mark.one_backend
def test_a_lone_candidate_not_in_a_list_is_one_candidate_and_a_name_gets_a_hint():
    from test_replay import summed, total  # a loop, and the builtin that replaces it

    calls = [((list(range(2000)),), {})]
    by_source = optimize(total, calls, candidates="def total(xs):\n    return sum(xs)\n", **QUICK).results
    by_function = optimize(total, calls, candidates=summed, **QUICK).results
    assert [r.verdict for r in by_source] == ["faster"] and [r.name for r in by_function] == ["summed"]
    (named,) = optimize(total, calls, candidates=["summed"], **QUICK).results
    assert named.verdict == "failed" and "'summed' is a name, not code: pass the function summed itself" in named.reason
    for wrong, kind in ((5, "int"), (b"def total(xs): ...", "bytes"), ({"summed": summed}, "dict")):
        with pytest.raises(UsageProblem, match=f"candidates: a list of functions or source strings, not {kind}"):
            optimize(total, calls, candidates=wrong)


def test_candidates_that_crash_hang_or_exit_are_failed_and_the_caller_is_safe():
    data = [3, 1, 2]

    def smallest(xs):
        return min(xs)

    hang = "def smallest(xs):\n    while True:\n        pass\n"
    leave = "import os\ndef smallest(xs):\n    os._exit(0)\n"
    crash = "import ctypes\ndef smallest(xs):\n    return ctypes.string_at(0)\n"
    hog = "def smallest(xs):\n    return bytearray(2**34)\n"
    report = optimize(smallest, [((data,), {})], candidates=[hang, leave, crash, hog],
                      timeout=2, memory_limit_mb=256, **QUICK)
    reasons = [r.reason for r in report.results]
    assert [r.verdict for r in report.results] == ["failed"] * 4
    assert "timed out" in reasons[0] and "exit code 0" in reasons[1]
    assert "SIGSEGV" in reasons[2] and "out of memory" in reasons[3]
    assert data == [3, 1, 2]


def test_argument_mutation_and_exceptions_are_part_of_behaviour():
    def sorted_copy(xs):
        return sorted(xs)

    in_place = "def sorted_copy(xs):\n    xs.sort()\n    return xs\n"
    (r,) = optimize(sorted_copy, [(([3, 1, 2],), {})], candidates=[in_place], **QUICK).results
    assert r.verdict == "incorrect" and "xs after the call" in r.reason

    def first(xs):
        return xs[0]

    # The live calls all return (a live call that raises stops the run: tests/test_assume_pipeline.py);
    # the generated empty list is where the original raises.
    no_raise = "def first(xs):\n    return xs[0] if xs else None\n"
    other_error = "def first(xs):\n    if not xs:\n        raise ValueError('empty')\n    return xs[0]\n"
    report = optimize(first, [(([1, 2],), {})], candidates=[no_raise, other_error], **QUICK)
    assert report.results[0].verdict == "incorrect" and report.results[1].verdict in ("not_faster", "faster")
    assert "returned where the original raised IndexError" in report.results[0].reason
    assert "the original rejects with IndexError, the candidate raises ValueError" in report.results[1].check.notes[0]


def test_random_originals_are_seeded_and_truly_nondeterministic_ones_unverifiable():
    def noisy(n):
        return np.random.rand(n).sum()

    report = optimize(noisy, [((5,), {})], candidates=["import numpy as np\ndef noisy(n):\n    return np.random.rand(n).sum()\n"], **QUICK)
    assert report.results[0].verdict in ("not_faster", "faster")
    assert any("seeded" in note for note in report.notes)

    import os

    def entropy(n):
        return os.urandom(n)

    report = optimize(entropy, [((8,), {})], candidates=[entropy], **QUICK)
    assert report.results[0].verdict == "unverifiable"
    assert "not deterministic" in report.results[0].reason
    assert report.results[0].reason not in report.notes  # said on the candidate's row, not once more as a note
    alone = optimize(entropy, [((8,), {})], sources="none", **QUICK)
    assert any("not deterministic" in note for note in alone.notes)  # with no candidate, the note is where it is said


@pytest.mark.parametrize("call, kwargs, message", [
    (lambda: optimize(print, [((), {})]), {}, "needs a Python function"),
    (lambda: optimize(lambda x: x, []), {}, "No calls"),
    (lambda: optimize(lambda x: x, [1]), {}, "must be \\(args_tuple, kwargs_dict\\)"),
    (lambda: optimize(lambda x: x, [((1,), {})], rtoll=1), {}, "Did you mean: rtol"),
    (lambda: optimize(lambda x: x, [((1,), {})], timeout=-1), {}, "timeout must be > 0"),
    (lambda: optimize(lambda x: x, [((1,), {})], sources=["rulez"]), {}, "Unknown candidate source"),
])
def test_bad_api_input_is_one_clear_error(call, kwargs, message):
    with pytest.raises(UsageProblem, match=message):
        call()


def test_generators_and_async_functions_are_refused():
    def gen(x):
        yield x

    async def coro(x):
        return x

    for func in (gen, coro):
        with pytest.raises(UsageProblem):
            jupyter_optimize.optimize(func, [((1,), {})])


@pytest.mark.one_backend  # the pipeline's logic, not the sandbox's
def test_stage_times_are_recorded(equalize, seed_calls):
    report = optimize(equalize, seed_calls, candidates=[demo.VECTORIZED], **QUICK)
    assert set(report.stage_seconds) >= {"study", "verify", "benchmark"}
    assert all(t >= 0 for t in report.stage_seconds.values())


@pytest.mark.one_backend  # the pipeline's logic, not the sandbox's
def test_a_source_that_breaks_becomes_a_note_and_the_run_goes_on(monkeypatch):
    from jupyter_optimize import sources

    def broken(request):
        raise RuntimeError("rule catalogue exploded")

    monkeypatch.setitem(sources.SOURCES, "broken", broken)

    def f(x):
        return x + 1

    report = optimize(f, [((1,), {})], candidates=[f], sources=["broken"], **QUICK)
    assert [r.verdict for r in report.results] == ["not_faster"]
    assert any("'broken' source failed (RuntimeError: rule catalogue exploded)" in n for n in report.notes)


@pytest.mark.one_backend  # the pipeline's logic, not the sandbox's
def test_candidates_with_the_same_name_stay_apart():
    def f(x):
        return x + 1

    report = optimize(f, [((1,), {})], candidates=[f, f], **QUICK)
    assert [r.name for r in report.results] == ["f", "f (2)"]
    assert report["f (2)"] is report.results[1]


def test_unique_names_never_repeat_and_keep_names_given_once():
    names = [c.name for c in unique_names([Candidate(n, "user") for n in ["a", "a", "a (2)", "a", "b"]])]
    assert len(set(names)) == len(names)
    assert names[0] == "a" and names[2] == "a (2)" and names[4] == "b"


@pytest.mark.one_backend  # the pipeline's logic, not the sandbox's
def test_progress_only_moves_forward_also_when_repairing(monkeypatch):
    from jupyter_optimize import sources

    def f(x):
        return x + 1

    wrong = Candidate("fake-1", "fake", "def f(x):\n    return x + 2\n")
    monkeypatch.setitem(sources.SOURCES, "fake", lambda request: sources.SourceResult([wrong, wrong], []))
    monkeypatch.setitem(sources.REPAIRERS, "fake", lambda request, cand, cx: (
        request.progress(f"repairing {cand.name}") or Candidate(f"{cand.name}-repaired", "fake", "def f(x):\n    return x + 1\n")))
    seen: list[tuple[str, float]] = []
    report = optimize(f, [((1,), {})], sources=["fake"], repair=True, examples=5,
                      progress=lambda message, fraction: seen.append((message, fraction)), **QUICK)
    assert [(r.name, r.verdict) for r in report.results] == [
        ("fake-1", "incorrect"), ("fake-1 (2)", "incorrect"), ("fake-1-repaired", "not_faster"), ("fake-1 (2)-repaired", "not_faster")]
    fractions = [fraction for _, fraction in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0, seen
    assert "repairing fake-1" in [message for message, _ in seen]
    assert not [note for note in report.notes if note.startswith("--repair")]  # it repaired: nothing to say


@pytest.mark.one_backend
def test_repair_says_so_when_no_rejected_candidate_came_from_a_source_that_repairs():
    def f(x):
        return x + 1

    report = optimize(f, [((1,), {})], candidates=["def f(x):\n    return x + 2\n"], repair=True, examples=5, **QUICK)
    assert [r.verdict for r in report.results] == ["incorrect"]
    assert "--repair asks a language model to fix the candidates it gave; the rejected ones here are your own " \
           "(--candidate), so none was repaired." in report.notes


def test_without_fork_spawn_isolates_and_the_report_says_which_backend_ran(monkeypatch):
    from jupyter_optimize.sandbox import methods

    monkeypatch.setattr(methods, "CAN_FORK", False)
    monkeypatch.delenv(methods.ENVIRONMENT, raising=False)

    def f(x):
        return x + 1

    report = optimize(f, [((1,), {})], candidates=[f, "def f(x):\n    return x + 2\n"], examples=5, **QUICK)
    assert [r.verdict for r in report.results] == ["not_faster", "incorrect"]
    assert report.isolation == methods.DESCRIBED["spawn"]
    assert "isolation: spawn: a fresh interpreter" in repr(report)


@pytest.mark.one_backend  # under spawn the same value cannot be sent either, and says so (tests/test_spawn.py)
def test_an_input_that_cannot_be_copied_is_named_in_one_line():
    import threading

    def first(x, lock):
        return x

    if jupyter_optimize.sandbox.chosen("") == jupyter_optimize.sandbox.SPAWN:
        pytest.skip("the spawn backend names what cannot be sent")
    with pytest.raises(jupyter_optimize.OptimizeError) as caught:
        optimize(first, [((1, threading.Lock()), {})], candidates=["def first(x, lock):\n    return x\n"])
    assert str(caught.value).startswith("the argument `lock` of the live call (a lock, _thread.lock) cannot be "
                                        "copied, and every run gets a fresh copy of its inputs")
    numbers = (i for i in range(3))  # a generator: used up by a run, and no copy of it can be made
    with pytest.raises(jupyter_optimize.OptimizeError, match=r"the argument `x` of call 2 \(a generator"):
        optimize(first, [((1, None), {}), ((numbers, None), {})], candidates=["def first(x, lock):\n    return x\n"])
    assert next(numbers) == 0  # the user's generator was not touched
