"""Effects besides the return value are behaviour: printed output, globals (both ways),
files written in the scratch folder, and actions the containment refuses."""
from __future__ import annotations

import functools
import os
import time
import warnings

import numpy as np
import pytest

from jupyter_optimize import optimize, sandbox
from jupyter_optimize.errors import OptimizeError
from jupyter_optimize.model import Call
from jupyter_optimize.sandbox import containment
from jupyter_optimize.verdict import Failure
from jupyter_optimize.verify.check import check_candidate
from jupyter_optimize.verify.compare import Tolerance
from jupyter_optimize.verify.effects import files_difference, first_differing_line, output_difference

QUICK = dict(examples=20, verify_budget=0.3, time_budget=0.3, profile=False)
LIVE = [(([1, 2, 3],), {})]


@functools.cache
def containment_installed() -> bool:
    """True once the sandbox backend installs a real `Containment` in its children
    (the `contain` branch): a child is asked whether `containment.current()` is set."""
    result = sandbox.run_isolated(lambda: containment.current() is not None, timeout=30, memory_limit_mb=512)
    return bool(result.ok and result.value)


needs_containment = pytest.mark.skipif("not containment_installed()",
                                       reason="the sandbox does not install a Containment in its children yet")


# -- printed output ---------------------------------------------------------------


def total_loud(values):
    s = 0
    for v in values:
        s += v
    print("summing", len(values), "values")
    print("total", s)
    return s


def test_a_candidate_that_drops_the_originals_print_is_incorrect_at_the_first_line():
    def total_loud(values):
        return sum(values)

    r = optimize(globals()["total_loud"], LIVE, candidates=[total_loud], **QUICK).results[0]
    assert r.verdict == "incorrect"
    assert r.counterexample.difference == "prints differently (stdout line 1): nothing instead of 'summing 3 values'"


def test_a_candidate_that_prints_something_else_names_the_differing_line():
    quiet = """
def total_loud(values):
    s = sum(values)
    print("summing", len(values), "values")
    print("sum", s)
    return s
"""
    r = optimize(total_loud, LIVE, candidates=[quiet], **QUICK).results[0]
    assert r.verdict == "incorrect"
    assert r.counterexample.difference == "prints differently (stdout line 2): 'sum 6' instead of 'total 6'"
    assert r.counterexample.origin == "live"


def test_ignore_output_leaves_printing_out_of_the_comparison():
    def total_loud(values):
        return sum(values)

    r = optimize(globals()["total_loud"], LIVE, candidates=[total_loud], ignore_output=True, **QUICK).results[0]
    assert r.verdict in ("faster", "not_faster"), r.reason


def test_what_goes_to_stderr_is_compared_too():
    import sys

    def warn_total(values):
        print("careful", file=sys.stderr)
        return sum(values)

    def silent_total(values):
        return sum(values)

    silent_total.__name__ = "warn_total"
    r = optimize(warn_total, LIVE, candidates=[silent_total], **QUICK).results[0]
    assert r.verdict == "incorrect"
    assert r.counterexample.difference == "prints differently (stderr line 1): nothing instead of 'careful'"


def stamped(values):
    print("done at", time.time())
    return sum(values)


def test_an_original_that_prints_the_time_is_unverifiable_with_the_hint():
    r = optimize(stamped, LIVE, candidates=["def stamped(values):\n    return sum(values)\n"], **QUICK).results[0]
    assert r.verdict == "unverifiable"
    assert "printed output is not repeatable" in r.reason and "--ignore-output" in r.reason
    assert optimize(stamped, LIVE, candidates=["def stamped(values):\n    print('done at', time.time())\n"
                                               "    return sum(values)\n"],
                    ignore_output=True, **QUICK).results[0].verdict in ("faster", "not_faster")


def test_warnings_are_recorded_not_compared():
    def noisy(values):
        warnings.warn("the slow path", RuntimeWarning, stacklevel=1)
        return sum(values)

    def calm(values):
        return sum(values)

    calm.__name__ = "noisy"
    r = optimize(noisy, LIVE, candidates=[calm], **QUICK).results[0]
    assert r.verdict in ("faster", "not_faster"), r.reason  # and the original's warning each run is no nondeterminism


# -- globals, both ways ---------------------------------------------------------------

LOG: list[int] = []


def record(values):
    LOG.append(len(values))
    return sum(values)


def test_a_candidate_that_drops_the_append_to_a_global_list_is_incorrect():
    def record(values):
        return sum(values)

    r = optimize(globals()["record"], LIVE, candidates=[record], **QUICK).results[0]
    assert r.verdict == "incorrect"
    assert r.counterexample.difference == "leaves out the original's change to the global LOG"
    assert LOG == []  # the kernel's list is untouched


def test_a_candidate_from_source_that_drops_the_append_is_incorrect_too():
    r = optimize(record, LIVE, candidates=["def record(values):\n    return sum(values)\n"], **QUICK).results[0]
    assert r.counterexample.difference == "leaves out the original's change to the global LOG"


def test_a_candidate_that_appends_twice_is_incorrect():
    def record(values):
        LOG.append(len(values))
        LOG.append(len(values))
        return sum(values)

    r = optimize(globals()["record"], LIVE, candidates=[record], **QUICK).results[0]
    assert r.verdict == "incorrect"
    assert r.counterexample.difference.startswith("changes the global LOG differently from the original")


def test_a_candidate_that_makes_the_same_change_passes_over_many_inputs():
    fast = "def record(values):\n    LOG.append(len(values))\n    return sum(values)\n"
    r = optimize(record, LIVE + [(([],), {}), (([5],), {})], candidates=[fast], **{**QUICK, "verify_budget": 1.5}).results[0]
    assert r.verdict in ("faster", "not_faster"), r.reason
    assert r.check.generated_passed > 0
    assert LOG == []


COUNT = 0


def numbered(values):
    global COUNT
    COUNT += 1
    return [COUNT, sum(values)]


def test_a_stateful_original_goes_on_from_its_own_state_on_every_input():
    """Each input starts both from the same state: a counter that both bump gives equal numbers."""
    same = "def numbered(values):\n    global COUNT\n    COUNT += 1\n    return [COUNT, sum(values)]\n"
    twice = "def numbered(values):\n    global COUNT\n    COUNT += 2\n    return [COUNT - 1, sum(values)]\n"
    calls = [Call(([1, 2],)), Call(([3],)), Call(([],))]
    good = check_candidate(numbered, _compiled(same, numbered), calls, Tolerance(), None)
    bad = check_candidate(numbered, _compiled(twice, numbered), calls, Tolerance(), None)
    assert not isinstance(good, Failure) and good.passed
    assert not isinstance(bad, Failure) and not bad.passed
    assert bad.counterexample.difference.startswith("changes the global COUNT differently from the original")
    global COUNT
    assert COUNT == 3 + 1  # in-process here: the original's calls remain (three, then one before the difference)
    COUNT = 0


SEEN: list[int] = []
ALSO_SEEN = SEEN  # one list under two names


def note_seen(values):
    SEEN.append(len(values))
    return sum(values)


def test_two_names_of_one_list_stay_one_list_for_the_candidate():
    through_the_other_name = "def note_seen(values):\n    ALSO_SEEN.append(len(values))\n    return sum(values)\n"
    check = check_candidate(note_seen, _compiled(through_the_other_name, note_seen), [Call(([1, 2],)), Call(([],))],
                            Tolerance(), None)
    assert not isinstance(check, Failure) and check.passed, check
    assert ALSO_SEEN is SEEN and SEEN == [2, 0]  # in-process here: the original's appends remain
    SEEN.clear()


def _compiled(source, original):
    from jupyter_optimize.model import Candidate
    from jupyter_optimize.sources.candidates import materialize

    return materialize(Candidate(original.__name__, "user", source), original)


# -- pure comparisons ---------------------------------------------------------------


def test_first_differing_line_names_the_line_and_both_sides():
    assert first_differing_line("a\nb\n", "a\nb\n") is None
    assert first_differing_line("a\nb\n", "a\nc\n") == (2, "b\n", "c\n")
    assert first_differing_line("a\n", "a\nextra\n") == (2, None, "extra\n")
    assert first_differing_line("a\n", "") == (1, "a\n", None)


def test_output_difference_shortens_long_lines_and_shows_a_lone_line_ending():
    long_a, long_b = "x" * 100 + "a", "x" * 100 + "b"
    found = output_difference("stdout", long_a, long_b)
    assert found is not None and len(found) < 200 and "..." in found
    assert output_difference("stdout", "x\n", "x") == "prints differently (stdout line 1): 'x' instead of 'x\\n'"
    assert output_difference("stderr", "", "") is None


def test_files_difference_names_missing_extra_and_changed_files():
    ours = {"results.txt": b"alpha\nbeta\n"}
    assert files_difference(ours, dict(ours)) is None
    assert files_difference(ours, {}) == "does not write the file results.txt, which the original writes"
    assert files_difference(ours, {**ours, "tmp.txt": b""}) == "writes the file tmp.txt, which the original leaves alone"
    assert files_difference(ours, {"results.txt": b"alpha\ngamma\n"}) == \
        "writes different content to results.txt (line 2): 'gamma' instead of 'beta'"
    assert files_difference({"old.txt": None}, {}) == "does not delete the file old.txt, which the original deletes"
    assert files_difference({"old.txt": None}, {"old.txt": b"x"}) == "writes the file old.txt, which the original deletes"


def test_files_difference_on_binary_contents_names_the_first_byte():
    assert files_difference({"a.bin": b"\xff\x00\x01"}, {"a.bin": b"\xff\x00\x02"}) == \
        "writes different bytes to a.bin (byte 2): 0x02 instead of 0x01"
    assert files_difference({"a.bin": b"\xff\x00"}, {"a.bin": b"\xff"}) == \
        "writes different bytes to a.bin (byte 1): the end of the file instead of 0x00"


# -- files and refusals (need the sandbox's containment) ----------------------------------------


def save(lines, name):
    with open(name, "w") as f:
        f.write("\n".join(lines) + "\n")
    return len(lines)


SAVE_LIVE = [((["alpha", "beta"], "results.txt"), {})]


@needs_containment
def test_files_written_are_compared_and_the_users_folder_stays_as_it_was(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results.txt").write_text("the user's own\n")
    same = ('def save(lines, name):\n    f = open(name, "w")\n    f.write("\\n".join(lines))\n    f.write("\\n")\n'
            '    f.close()\n    return len(lines)\n')
    other = 'def save(lines, name):\n    open(name, "w").write("\\n".join(lines))\n    return len(lines)\n'
    elsewhere = 'def save(lines, name):\n    open("copy.txt", "w").write("\\n".join(lines) + "\\n")\n    return len(lines)\n'
    right, wrong, moved = optimize(save, SAVE_LIVE, candidates=[same, other, elsewhere], **QUICK).results
    assert right.verdict in ("faster", "not_faster"), right.reason
    assert wrong.verdict == "incorrect"
    assert wrong.counterexample.difference == "writes different content to results.txt (line 2): 'beta' instead of 'beta\\n'"
    assert moved.verdict == "incorrect" and "copy.txt" in moved.reason
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.txt"]  # no junk from generated names
    assert (tmp_path / "results.txt").read_text() == "the user's own\n"


@needs_containment
def test_a_candidate_refused_an_action_fails_naming_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = os.path.join(os.path.expanduser("~"), "jupyter_optimize_effects_test.txt")
    sneaky = (f"def total(values):\n    open({target!r}, 'w').write('x')\n    return sum(values)\n")

    def total(values):
        return sum(values)

    r = optimize(total, LIVE, candidates=[sneaky], **QUICK).results[0]
    assert r.verdict == "failed"
    assert target in r.reason and "refused" in r.reason
    assert not os.path.exists(target)


@needs_containment
def test_an_original_refused_an_action_on_a_live_call_is_unverifiable_in_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    target = os.path.join(os.path.expanduser("~"), "jupyter_optimize_effects_test.txt")

    def total(values):
        with open(target, "w") as f:
            f.write("x")
        return sum(values)

    report = optimize(total, LIVE, candidates=["def total(values):\n    return sum(values)\n"], **QUICK)
    r = report.results[0]
    assert r.verdict == "unverifiable"
    assert r.reason.startswith("the original cannot be verified: it tried") and target in r.reason
    assert "\n" not in r.reason and r.timing is None  # not benchmarked
    assert not os.path.exists(target)


def _record_elsewhere():
    """A candidate written in another module's namespace (no LOG of its own): it drops the append."""
    namespace: dict = {}
    exec("def record(values):\n    return sum(values)\n", namespace)
    return namespace["record"]


@needs_containment
def test_a_candidate_from_another_namespace_that_drops_the_append_is_incorrect():
    r = optimize(record, LIVE, candidates=[_record_elsewhere()], **QUICK).results[0]
    assert r.verdict == "incorrect"
    assert r.counterexample.difference == "leaves out the original's change to the global LOG"
    assert LOG == []


@needs_containment
def test_a_source_candidate_that_rebinds_the_global_and_drops_the_append_is_incorrect():
    source = "LOG = []\n\ndef record(values):\n    return sum(values)\n"
    r = optimize(record, LIVE, candidates=[source], **QUICK).results[0]
    assert r.verdict == "incorrect"
    assert "LOG" in r.counterexample.difference


def loud_sum(x):
    s = 0.0
    for v in x:
        s += v
    print("total:", s)
    return s


def test_printed_floats_get_the_same_rounding_allowance_as_returned_ones():  # issue 13 meets issue 14
    x = np.random.default_rng(3).normal(size=1000) * 100  # the loop and numpy's pairwise sum round differently
    vectorized = "def loud_sum(x):\n    s = float(np.sum(x))\n    print('total:', s)\n    return s\n"
    off = "def loud_sum(x):\n    s = float(np.sum(x[1:]))\n    print('total:', s)\n    return s\n"
    report = optimize(loud_sum, [((x,), {})], candidates=[vectorized, off], **QUICK)
    right, wrong = report.results
    assert right.verdict in ("faster", "not_faster"), right.reason
    assert wrong.verdict == "incorrect"


def first_line(buf):
    return buf.getvalue().split("\n")[0]


def test_a_counterexample_whose_inputs_cannot_be_read_back_safely_still_comes_back_described():
    import io

    wrong = "def first_line(buf):\n    return buf.getvalue().split('\\n')[-1]\n"
    r = optimize(first_line, [((io.StringIO("a\nb"),), {})], candidates=[wrong], **QUICK).results[0]
    assert r.verdict == "incorrect"  # not "failed: its result was not read back"
    assert r.counterexample.inputs is None and "'a' became 'b'" in r.counterexample.difference


RUN_LOG = None  # an open file a notebook keeps as a global (set by the test below)


def logged_total(values):
    s = 0
    for v in values:
        s += v
    RUN_LOG.write(f"total {s}\n")
    return s


@needs_containment
def test_writes_through_a_file_the_kernel_holds_open_are_compared_and_reach_nothing(tmp_path):
    """`LOG = open(...)` in an earlier cell, written by the function: a candidate that drops or changes the
    write is incorrect, one that writes the same passes; the user's file gets nothing from the children."""
    global RUN_LOG
    path = tmp_path / "run.log"
    RUN_LOG = open(path, "w")
    try:
        RUN_LOG.write("the kernel's own line, not flushed yet\n")
        dropped = "def logged_total(values):\n    return sum(values)\n"
        other = "def logged_total(values):\n    RUN_LOG.write(f'sum {sum(values)}\\n')\n    return sum(values)\n"
        same = "def logged_total(values):\n    RUN_LOG.write(f'total {sum(values)}\\n')\n    return sum(values)\n"
        if sandbox.chosen("") == sandbox.SPAWN:  # an open file cannot go to a fresh interpreter: one line says so
            with pytest.raises(OptimizeError, match="the global `RUN_LOG` .an open file"):
                optimize(logged_total, LIVE, candidates=[dropped, other, same], **QUICK)
            return
        results = optimize(logged_total, LIVE, candidates=[dropped, other, same], **QUICK).results
        assert [r.verdict for r in results[:2]] == ["incorrect", "incorrect"]
        assert results[0].counterexample.difference == (
            f"does not write the file <open file RUN_LOG: {path}>, which the original writes")
        assert "'sum 6' instead of 'total 6'" in results[1].counterexample.difference
        assert results[2].verdict in ("faster", "not_faster"), results[2].reason
        assert path.read_text() == ""  # nothing reached it: the kernel's line is still the kernel's to flush
    finally:
        RUN_LOG.close()
    assert path.read_text() == "the kernel's own line, not flushed yet\n"


def noted_abs(x):
    RUN_LOG.write("called\n")
    return abs(x)


@needs_containment
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_file_written_through_is_no_reason_to_doubt_the_original_and_each_run_starts_it_anew(tmp_path, encoding):
    """A candidate that writes the same but is wrong on a generated input is still caught there (the original's
    second run, which tells nondeterminism apart, writes what its first did); an identical candidate passes,
    a UTF-16 file's byte-order mark written on each run as on a new file."""
    global RUN_LOG
    if sandbox.chosen("") == sandbox.SPAWN:
        pytest.skip("an open file cannot be sent to a fresh interpreter (the test above covers the message)")
    RUN_LOG = open(tmp_path / "calls.log", "w", encoding=encoding)
    try:
        wrong = "def noted_abs(x):\n    RUN_LOG.write('called\\n')\n    return x\n"  # right on the live 3 only
        same = "def noted_abs(x):\n    RUN_LOG.write('called\\n')\n    return abs(x)\n"
        caught, passed = optimize(noted_abs, [((3,), {})], candidates=[wrong, same], **QUICK).results
        assert caught.verdict == "incorrect" and caught.counterexample.origin == "generated", caught.reason
        assert passed.verdict in ("faster", "not_faster"), passed.reason
        assert not [note for note in caught.check.notes if "not deterministic" in note]
    finally:
        RUN_LOG.close()
    assert (tmp_path / "calls.log").read_bytes() == b""
