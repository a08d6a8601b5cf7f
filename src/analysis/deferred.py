"""Third-party imports deferred until first use: start-up cost that no command here needs.

jsonschema, which nbformat loads (and so papermill, nbconvert and nbval), imports ``rfc3987_syntax`` to
check the ``iri`` format, and that module compiles an Earley grammar when it is imported: about 1.1 s,
40% of a one-cell render, although nothing here validates an IRI (jsonschema #1428, nbformat #420).
``defer_rfc3987_syntax`` registers a stand-in under that name whose functions import the real module on
first use, so an IRI check still works when something asks for one. No installed package is changed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

RFC3987_SYNTAX = "rfc3987_syntax"


def defer_rfc3987_syntax() -> None:
    """Put the stand-in in place, unless the real module is loaded already or is not installed."""
    if RFC3987_SYNTAX in sys.modules:
        return
    spec = importlib.util.find_spec(RFC3987_SYNTAX)
    if spec is None:
        return
    stand_in = types.ModuleType(RFC3987_SYNTAX, "Stand-in: the real module is imported on first use.")
    stand_in.__spec__ = spec

    def real_module() -> types.ModuleType:
        if sys.modules.get(RFC3987_SYNTAX) is stand_in:
            del sys.modules[RFC3987_SYNTAX]
        return importlib.import_module(RFC3987_SYNTAX)

    def is_valid_syntax(term: str, value: str) -> bool:
        return real_module().is_valid_syntax(term, value)

    def other_name(name: str):
        if name.startswith("__"):  # tools that scan sys.modules ask for __file__ and the like: not a use
            raise AttributeError(name)
        return getattr(real_module(), name)

    stand_in.is_valid_syntax = is_valid_syntax  # what jsonschema imports from it
    stand_in.__getattr__ = other_name
    sys.modules[RFC3987_SYNTAX] = stand_in
