"""Settings of the "llm" source for the notebook, as traitlets configuration.

    %config Optimize.model = "qwen2.5-coder:7b"          # in a notebook
    c.Optimize.base_url = "http://localhost:11434/v1"     # in ipython_config.py

The API key is deliberately not a setting: it comes only from the
``OPENAI_API_KEY`` environment variable, so it never ends up in a notebook.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from traitlets import Float, Int, Unicode
from traitlets.config import Configurable

HOW_TO_ADD_A_MODEL = (
    "No language model is configured, so only the offline sources ran. For candidates from a model, set "
    "OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (e.g. http://localhost:11434/v1 for Ollama) before starting "
    "Jupyter, or run %config Optimize.base_url = '...'."
)


class Optimize(Configurable):
    """Where %%optimize asks a language model for candidates (any OpenAI-compatible server)."""

    model = Unicode("", help="Model name; empty: $OPENAI_MODEL or the source's default.").tag(config=True)
    base_url = Unicode("", help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1; "
                                "empty: $OPENAI_BASE_URL or OpenAI.").tag(config=True)
    n_candidates = Int(6, min=1, help="Candidates asked for per run (one request each).").tag(config=True)
    temperature = Float(0.7, min=0.0, max=2.0, help="Sampling temperature of the requests.").tag(config=True)
    timeout = Float(60.0, min=1.0, help="Seconds to wait for one answer.").tag(config=True)


def install(shell: Any) -> Optimize:
    """The shell's `Optimize` settings, created (from its config) and registered for %config if needed."""
    for configurable in getattr(shell, "configurables", []):
        if isinstance(configurable, Optimize):
            return configurable
    settings = Optimize(parent=shell)
    shell.configurables.append(settings)
    return settings


def llm_options(shell: Any, magic_args_overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`Options` keyword arguments: the configured settings, then the magic's flags (None = not given)."""
    settings = install(shell)
    options = {
        "model": settings.model,
        "base_url": settings.base_url,
        "n_candidates": settings.n_candidates,
        "temperature": settings.temperature,
        "llm_timeout": settings.timeout,
    }
    options.update({k: v for k, v in (magic_args_overrides or {}).items() if v is not None})
    return options


def llm_configured(shell: Any = None) -> bool:
    """True when a key or a base URL is set (environment, or the shell's %config)."""
    if os.environ.get("OPENAI_API_KEY", "").strip() or os.environ.get("OPENAI_BASE_URL", "").strip():
        return True
    return shell is not None and bool(install(shell).base_url.strip())


def choose_sources(shell: Any, requested: Sequence[str], offline: Sequence[str] = ()) -> tuple[tuple[str, ...], str]:
    """The sources of a %%optimize run and a one-line hint ('' when there is nothing to say).

    Sources named on the line (-s/--source) win; otherwise the offline ones,
    plus "llm" when a model is configured.
    """
    if requested:
        return tuple(requested), ""
    if llm_configured(shell):
        return tuple(offline) + ("llm",), ""
    return tuple(offline), HOW_TO_ADD_A_MODEL
