"""Which candidate sources run by default: one policy, shared by optimize() and %%optimize."""
import pytest

from jupyter_optimize.options import Options
from jupyter_optimize.sources import HOW_TO_ADD_A_MODEL, model_configured, resolve_sources
from jupyter_optimize.study.magicline import parse_magic_line

NO_MODEL = Options()


@pytest.fixture(autouse=True)
def no_model_in_the_environment(monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_without_a_model_the_offline_sources_run_and_the_hint_says_how_to_add_one():
    assert resolve_sources("auto", False, NO_MODEL) == (("rules", "numba"), HOW_TO_ADD_A_MODEL)
    assert "OPENAI_API_KEY" in HOW_TO_ADD_A_MODEL and "%config Optimize.base_url" in HOW_TO_ADD_A_MODEL


@pytest.mark.parametrize("variable", ["OPENAI_API_KEY", "OPENAI_BASE_URL"])
def test_a_model_configured_in_the_environment_adds_the_llm(monkeypatch, variable):
    monkeypatch.setenv(variable, "set")
    assert resolve_sources("auto", False, NO_MODEL) == (("rules", "numba", "llm"), "")


def test_a_base_url_option_configures_a_model(monkeypatch):
    assert resolve_sources(("auto",), False, Options(base_url="http://localhost:11434/v1"))[0][-1] == "llm"
    monkeypatch.setenv("OPENAI_API_KEY", "   ")  # blank counts as unset
    assert not model_configured(Options(base_url=" "))


def test_given_candidates_mean_no_sources_unless_named():
    assert resolve_sources("auto", True, Options(base_url="http://x")) == ((), "")
    assert resolve_sources(["rules"], True, NO_MODEL) == (("rules",), "")


@pytest.mark.parametrize("requested, expected", [
    (["llm"], ("llm",)),  # named sources win, configured or not, with no hint
    ("numba", ("numba",)),
    (("rules", "llm"), ("rules", "llm")),
    (["none"], ()),
    ("none", ()),
    ([], ()),
])
def test_named_sources_win(requested, expected):
    assert resolve_sources(requested, False, NO_MODEL) == (expected, "")


def test_the_magic_line_feeds_the_same_policy():
    # no -s on the line is the policy's "auto"; -s none and -s NAME are named
    for line, expected in [("f(x)", ("rules", "numba")), ("f(x) -s auto", ("rules", "numba")),
                           ("f(x) -s none", ()), ("f(x) -s llm -s rules", ("llm", "rules"))]:
        args = parse_magic_line(line)
        assert resolve_sources(args.sources or "auto", bool(args.candidates), NO_MODEL)[0] == expected, line


def _count_down(n):
    out = []
    for i in range(n):
        out.append(n - i)
    return out


@pytest.mark.slow
def test_optimize_picks_the_sources_the_magic_picks_by_default():
    from jupyter_optimize import optimize

    quick = {"quick": True, "profile": False}
    found = optimize(_count_down, [((200,), {})], **quick)
    assert found.sources == ("rules", "numba")
    assert HOW_TO_ADD_A_MODEL in found.notes
    assert any(r.origin == "rules" for r in found.results)
    given = optimize(_count_down, [((200,), {})], candidates=[_count_down], **quick)
    assert given.sources == () and [r.origin for r in given.results] == ["user"]
