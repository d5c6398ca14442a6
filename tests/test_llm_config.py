"""Traitlets settings of the llm source: %config, ipython_config.py, and the magic's flags on top."""
import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets import TraitError
from traitlets.config import Config, Configurable

from jupyter_optimize.notebook import config as llmconfig
from jupyter_optimize.options import Options
from jupyter_optimize.sources import HOW_TO_ADD_A_MODEL, resolve_sources


class ConfiguredShell(Configurable):
    """What matters of a shell started with an ipython_config.py: its config and its configurables."""

    def __init__(self, config: Config):
        super().__init__(config=config)
        self.configurables = []


@pytest.fixture
def shell():
    ip = InteractiveShell.instance()
    settings = llmconfig.install(ip)
    yield ip
    for name in ("model", "base_url", "n_candidates", "temperature", "timeout"):
        settings.set_trait(name, settings.trait_defaults(name))


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_config_magic_sets_what_the_run_uses(shell):
    shell.run_line_magic("config", 'Optimize.model = "qwen2.5-coder:7b"')
    shell.run_line_magic("config", "Optimize.timeout = 120")
    options = llmconfig.llm_options(shell, {"n_candidates": 3, "model": None, "repair": True})
    assert options == {"model": "qwen2.5-coder:7b", "base_url": "", "n_candidates": 3, "temperature": 0.7,
                       "llm_timeout": 120.0, "repair": True, "start_method": ""}
    Options.from_kwargs(**options)  # all of them are Options
    assert llmconfig.install(shell) is llmconfig.install(shell)  # registered once


def test_config_chooses_the_isolation_backend_and_refuses_an_unknown_one(shell):
    shell.run_line_magic("config", 'Optimize.start_method = "spawn"')
    assert llmconfig.llm_options(shell, {})["start_method"] == "spawn"
    assert llmconfig.llm_options(shell, {"start_method": "fork"})["start_method"] == "fork"  # the flag wins
    with pytest.raises(TraitError, match="start_method must be 'fork' or 'spawn', got 'vfork'"):
        llmconfig.install(shell).start_method = "vfork"


def test_flags_override_the_configuration(shell):
    shell.run_line_magic("config", 'Optimize.model = "from-config"')
    assert llmconfig.llm_options(shell, {"model": "from-flag"})["model"] == "from-flag"


def test_ipython_config_file_settings():
    config = Config()
    config.Optimize.base_url = "http://localhost:11434/v1"
    config.Optimize.n_candidates = 2
    fake = ConfiguredShell(config)
    options = llmconfig.llm_options(fake, {})
    assert options["base_url"] == "http://localhost:11434/v1" and options["n_candidates"] == 2
    assert llmconfig.llm_configured(fake)


def test_there_is_no_setting_for_the_key():
    assert not any("key" in name for name in llmconfig.Optimize.class_trait_names())


def test_configured_by_environment_or_base_url(shell, monkeypatch):
    def default_sources():
        return resolve_sources("auto", False, Options.from_kwargs(**llmconfig.llm_options(shell)))

    assert not llmconfig.llm_configured() and not llmconfig.llm_configured(shell)
    assert default_sources() == (("rules", "numba"), HOW_TO_ADD_A_MODEL)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert llmconfig.llm_configured()
    assert default_sources() == (("rules", "numba", "llm"), "")
    assert resolve_sources(["llm"], False, Options()) == (("llm",), "")
    monkeypatch.delenv("OPENAI_API_KEY")
    shell.run_line_magic("config", 'Optimize.base_url = "http://localhost:1234/v1"')
    assert llmconfig.llm_configured(shell)
    assert default_sources() == (("rules", "numba", "llm"), "")


def test_a_bad_value_is_refused_by_the_trait(shell):
    settings = llmconfig.install(shell)
    with pytest.raises(Exception, match="n_candidates"):
        settings.n_candidates = 0
