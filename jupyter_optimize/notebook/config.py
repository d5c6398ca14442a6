"""The options ``%config Optimize`` may set, as traitlets configuration.

    %config Optimize.model = "qwen2.5-coder:7b"          # in a notebook
    c.Optimize.base_url = "http://localhost:11434/v1"     # in ipython_config.py

The `Optimize` class is generated from the options marked configurable in
`jupyter_optimize.options` (today those of the "llm" source): one trait per
option, with its default and help, checked by the option's own bounds. The
API key is deliberately not a setting: it comes only from the
``OPENAI_API_KEY`` environment variable, so it never ends up in a notebook.
"""
from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Any

from traitlets import Bool, Float, Int, TraitError, TraitType, Unicode, validate
from traitlets.config import Configurable

from ..errors import UsageProblem
from ..options import OPTION_SPECS, Options, OptionSpec
from ..sources import model_configured

CONFIGURABLE: dict[str, OptionSpec] = {spec.config_name: spec for spec in OPTION_SPECS if spec.config_name}
_TRAIT_KINDS: dict[type, type[TraitType]] = {str: Unicode, int: Int, float: Float, bool: Bool}


def _trait(spec: OptionSpec) -> TraitType:
    described = f"{spec.help} (default: {spec.shown_default}; the flag {spec.flags[-1]} overrides it)"
    trait = _TRAIT_KINDS[spec.kind](spec.default, allow_none=spec.optional, help=described)
    return trait.tag(config=True)


def _check_option(settings: Configurable, proposal: Any) -> Any:
    """The option's own bounds, so %config refuses what optimize() would (with the same message)."""
    spec = CONFIGURABLE[proposal["trait"].name]
    try:
        spec.check(proposal["value"])
    except UsageProblem as problem:
        raise TraitError(f"Optimize.{spec.config_name}: {problem}") from None
    return proposal["value"]


def _settings_class() -> type[Configurable]:
    def body(namespace: dict[str, Any]) -> None:
        namespace["__doc__"] = "Options of %%optimize that %config and ipython_config.py may set."
        namespace["__module__"] = __name__
        namespace.update({name: _trait(spec) for name, spec in CONFIGURABLE.items()})
        namespace["_check_option"] = validate(*CONFIGURABLE)(_check_option)

    return types.new_class("Optimize", (Configurable,), exec_body=body)


Optimize = _settings_class()


def install(shell: Any) -> Configurable:
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
    options = {spec.name: getattr(settings, name) for name, spec in CONFIGURABLE.items()}
    options.update({k: v for k, v in (magic_args_overrides or {}).items() if v is not None})
    return options


def llm_configured(shell: Any = None) -> bool:
    """True when a key or a base URL is set (environment, or the shell's %config)."""
    configured = llm_options(shell) if shell is not None else {}
    return model_configured(Options.from_kwargs(**configured))
