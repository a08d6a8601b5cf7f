"""A render's parameters and data, checked before a kernel starts.

``render`` calls ``checked_parameters`` first, and ``render-all`` checks every job with it before rendering
any (``batch.load_jobs``), so a misspelt name, a value of the wrong type, a bad date, a data directory that
does not exist or does not validate, or an unknown actor stops the command with every problem named: no
kernel is started and no notebook is written. The values are then checked by the functions the notebook
itself calls when it opens its data (``selection.check_report``, ``cross_dataset.check_comparison``), so a render
refuses exactly what the notebook would.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..measure.cross_dataset import COMPARISON_PARAMETERS, check_comparison
from ..measure.parameters import as_list, resolve_path
from ..measure.selection import check_report

#: Parameters that name a file or folder: a relative path is resolved against the caller's base folder
#: here, so that the kernel (which runs in the project root) receives an absolute one.
PATHS = ("data_dir", "boundaries", "tables_dir")
#: Parameters that map labels to data directories.
PATH_MAPS = ("data_dirs",)
COMPARISON = ("data_dirs", *COMPARISON_PARAMETERS)


#: A slug names a folder under --out and appears in URLs: lower-case letters, digits and dashes. Every name
#: the tool keeps under --out for itself (.builds, .history, .locks, _failed) starts with a dot or an
#: underscore, so no slug can be one of them, and none can climb out of --out ('..', '/').
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
SLUG_RULE = "lower-case letters, digits and dashes, starting with a letter or digit, at most 80 characters"
#: The longest text a parameter takes (a title is a line, a path a path), and the most items in a list: a
#: megabyte title once took 42 s to render.
MAX_PARAMETER_CHARACTERS = 1_000
MAX_PARAMETER_ITEMS = 1_000


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot name a report's folder, or None."""
    if re.fullmatch(SLUG_PATTERN, str(slug)):
        return None
    return f"slug {str(slug)[:100]!r} must be {SLUG_RULE} (it names the report's folder under --out)"


def inside(out_dir: Path, path: Path) -> bool:
    """Whether ``path``, every link resolved, lies under ``out_dir``: what the tool writes stays there."""
    return Path(path).resolve().is_relative_to(Path(out_dir).resolve())


@dataclass(frozen=True)
class Declared:
    """A parameter as the notebook's parameters cell declares it: its type hint and default value."""

    name: str
    kind: str  # the type hint's name (str, list, dict, int, float, bool), or the default's type without one
    default: object


class ParameterError(ValueError):
    """The parameters or data of a render are wrong; ``problems`` names every one. Nothing was run."""

    def __init__(self, notebook: Path, problems: list[str]):
        self.notebook, self.problems = Path(notebook), problems
        super().__init__("\n".join(problems))


def declared_parameters(notebook: Path) -> dict[str, Declared]:
    """The names, type hints and defaults of the notebook's cell tagged ``parameters`` (none without one)."""
    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return {}
    for cell in cells:
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            return _declarations("".join(source) if isinstance(source, list) else source)
    return {}


def _declarations(source: str) -> dict[str, Declared]:
    declared = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, kind, value = node.target.id, ast.unparse(node.annotation), node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, kind, value = node.targets[0].id, "", node.value
        else:
            continue
        try:
            default = ast.literal_eval(value) if value is not None else None
        except ValueError:
            default = None
        declared[name] = Declared(name, kind or type(default).__name__, default)
    return declared


def checked_parameters(notebook: Path, parameters: Mapping, base: Path | None = None) -> dict:
    """The parameters as the kernel is to receive them: single texts as one-item lists, dates as ISO text,
    paths absolute (relative ones taken from ``base``, by default the current folder). Raise ParameterError
    naming every unknown name, wrong type, bad value and unusable data directory."""
    base = Path.cwd() if base is None else Path(base)
    declared = declared_parameters(notebook)
    problems: list[str] = []
    checked: dict = {}
    for name, value in parameters.items():
        if name not in declared:
            problems.append(_unknown(name, declared))
            continue
        value, problem = _as_declared(value, declared[name])
        if problem:
            problems.append(problem)
        else:
            checked[name] = _absolute(name, value, base)
    values = {**{name: d.default for name, d in declared.items()}, **checked}
    problems += _value_problems(declared, values, base)
    if problems:
        raise ParameterError(notebook, problems)
    return checked


def _unknown(name: str, declared: Mapping[str, Declared]) -> str:
    if not declared:
        return f"unknown parameter '{name}': the notebook declares no parameters (it has no cell tagged 'parameters')"
    close = difflib.get_close_matches(name, declared, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown parameter '{name}' (the notebook has: {', '.join(declared)}{hint})"


def _as_declared(value, declared: Declared) -> tuple[object, str | None]:
    """The value in the declared type, or the problem. YAML and the command line give numbers and dates
    where text was meant (``-p start_date 2024``): those are read as the text they were written as."""
    name, kind = declared.name, declared.kind
    too_long = _too_long(name, value)
    if too_long:
        return None, too_long
    if isinstance(value, dt.date):
        value = value.isoformat()
    if kind == "list":
        items = as_list(value)
        bad = [item for item in items if isinstance(item, list | tuple | dict | set)]
        if bad:
            return None, f"{name} must be a list of names; {bad[0]!r} is not a name"
        return [item.isoformat() if isinstance(item, dt.date) else str(item) for item in items], None
    if kind == "str":
        if isinstance(value, str):
            return value, None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value), None
        if value is None:
            return "", None
        return None, f"{name} must be a single text; got {value!r}"
    if kind == "dict":
        if isinstance(value, Mapping):
            return dict(value), None
        return None, f"{name} must map labels to values, e.g. {{curated: data, acled: imported/acled}}; got {value!r}"
    if kind in ("int", "float"):
        whole = isinstance(value, int) and not isinstance(value, bool)
        if whole or (kind == "float" and isinstance(value, float)):
            return value, None
        return None, f"{name} must be a {'whole ' if kind == 'int' else ''}number; got {value!r}"
    if kind == "bool":
        return (value, None) if isinstance(value, bool) else (None, f"{name} must be true or false; got {value!r}")
    return value, None


def _too_long(name: str, value) -> str | None:
    items = list(value.items()) if isinstance(value, Mapping) else value if isinstance(value, list | tuple) else None
    if items is not None:
        if len(items) > MAX_PARAMETER_ITEMS:
            return f"{name} holds {len(items):,} items; at most {MAX_PARAMETER_ITEMS:,} are accepted"
        texts = [str(part) for item in items for part in (item if isinstance(item, tuple) else (item,))]
    else:
        texts = [str(value)]
    longest = max((len(text) for text in texts), default=0)
    if longest > MAX_PARAMETER_CHARACTERS:
        return f"{name} is {longest:,} characters long; at most {MAX_PARAMETER_CHARACTERS:,} are accepted"
    return None


def _absolute(name: str, value, base: Path):
    if name in PATHS and value:
        return str(resolve_path(value, base))
    if name in PATH_MAPS:
        return {label: str(resolve_path(path, base)) if path else path for label, path in value.items()}
    return value


def _value_problems(declared: Mapping[str, Declared], values: dict, base: Path) -> list[str]:
    """The checks the notebook makes when it opens its data: a comparison's (it declares ``data_dirs``) or a
    report's (it declares ``data_dir``); a notebook with neither (a one-cell notebook) has none."""
    if "data_dirs" in declared:
        arguments = {name: values[name] for name in COMPARISON if name in values}
        return check_comparison(**arguments, base=base)[1]
    if "data_dir" in declared:
        return check_report(values.get("data_dir"), values, values.get("boundaries") or "", base)[2]
    return []
