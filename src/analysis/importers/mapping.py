"""The mapping YAML that describes an analyst's own table: which column holds what, and how values map.

The whole file is checked before any data is read: an unknown key or a value outside the schema's
allowed values is an ``InputFileError`` that names the key and lists what is allowed there.
See ``examples/mappings/liste_incidents_fr.yml`` for a complete example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..data.names import normalise_name
from ..data.schema import ATTRIBUTION_GRADES, COUNT_WORDS, FIELDS, HARMS
from .checks import is_id
from .reading import InputFileError

_DATASET = re.compile(FIELDS["dataset"].pattern or r"^[a-z0-9_]+$")

#: What each kind of entry accepts.
_KIND_KEYS: dict[str, tuple[str, ...]] = {
    "text": ("column", "default"),
    "id": ("column", "prefix"),
    "date": ("column", "format"),
    "number": ("column", "decimal"),
    "choice": ("column", "values", "default", "value"),
    "perpetrator": ("column", "split", "values", "default"),
    "source": ("column", "value", "source_type", "stance", "url"),
}

#: Top-level keys: their kind and what they say. (``dataset``, ``sheet``, ``counts`` and
#: ``count_words`` have shapes of their own.)
FIELD_KINDS: dict[str, str] = {
    "id": "id",
    "date": "date",
    "end_date": "date",
    "date_precision": "choice",
    "title": "text",
    "summary": "text",
    "place": "text",
    "cercle": "text",
    "region": "text",
    "latitude": "number",
    "longitude": "number",
    "location_precision": "choice",
    "event_type": "choice",
    "civilian_targeting": "choice",
    "perpetrator": "perpetrator",
    "attribution": "choice",
    "source": "source",
}
TOP_KEYS = ("dataset", "sheet", *FIELD_KINDS, "counts", "count_words")
COUNT_KEYS = ("harm", "victim_status", "victim_group")

CHOICES: dict[str, tuple] = {
    "date_precision": FIELDS["date_precision"].allowed,
    "location_precision": FIELDS["location_precision"].allowed,
    "event_type": FIELDS["event_type"].allowed,
    "civilian_targeting": (True, False),
    "attribution": tuple(ATTRIBUTION_GRADES),
}


@dataclass
class FieldSpec:
    """One entry of the mapping: where its value comes from and how it is turned into ours."""

    column: str | None = None
    value: object = None  # a constant for every row
    values: dict[str, object] = field(default_factory=dict)  # normalised source text -> our value
    default: object = None
    formats: list[str] = field(default_factory=list)
    decimal: str = "."
    prefix: str | None = None
    split: list[str] = field(default_factory=list)
    source_type: str = "dataset"
    stance: str = "reports"
    url: str | None = None

    def lookup(self, text: str):
        """Our value for a source text, matched without regard to case, accents or punctuation."""
        return self.values.get(normalise_name(text))


@dataclass(frozen=True)
class CountSpec:
    column: str
    harm: str
    victim_status: str = "civilian"
    victim_group: str = "all"


@dataclass
class Mapping:
    path: Path
    dataset: str | None = None
    sheet: str | int | None = None
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    counts: list[CountSpec] = field(default_factory=list)
    #: normalised words -> the lowest figure they support (the mapping's, then the schema's)
    count_words: dict[str, int] = field(default_factory=dict)

    def columns(self) -> dict[str, str]:
        """Every column the mapping names, with the key that names it."""
        named = {}
        for key, spec in self.fields.items():
            if spec.column:
                named.setdefault(spec.column, key)
            if spec.url:
                named.setdefault(spec.url, f"{key}.url")
        for count in self.counts:
            named.setdefault(count.column, "counts")
        return named


def load_mapping(path: str | Path) -> Mapping:
    import yaml

    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: expected a mapping YAML file here; none was found")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise InputFileError(f"{path}: expected a YAML mapping file ({err})") from None
    if not isinstance(document, dict):
        raise InputFileError(f"{path}: expected a YAML mapping of keys ({', '.join(TOP_KEYS)})")
    problems: list[str] = []
    mapping = Mapping(path)
    for key, entry in document.items():
        key = str(key)
        if key not in TOP_KEYS:
            problems.append(f"key '{key}': not a mapping key; expected one of {', '.join(TOP_KEYS)}")
        elif key == "dataset":
            if not isinstance(entry, str) or not _DATASET.match(entry):
                problems.append(
                    f"key 'dataset': expected lowercase letters, digits and _ (e.g. ong_exemple); got {entry!r}"
                )
            else:
                mapping.dataset = entry
        elif key == "sheet":
            if not isinstance(entry, str | int) or isinstance(entry, bool):
                problems.append(f"key 'sheet': expected a sheet name or number; got {entry!r}")
            else:
                mapping.sheet = entry
        elif key == "counts":
            mapping.counts = _counts(entry, problems)
        elif key == "count_words":
            mapping.count_words = _words(entry, problems)
        else:
            spec = _field(key, entry, problems)
            if spec is not None:
                mapping.fields[key] = spec
    if "date" not in document:
        problems.append("key 'date': required; expected e.g. date: {column: Date, format: '%d/%m/%Y'}")
    if problems:
        raise InputFileError(
            f"{path}: the mapping is not valid; nothing was read:\n" + "\n".join(f"  {p}" for p in problems)
        )
    words = {normalise_name(w): n for w, n in COUNT_WORDS.items()}
    words.update(mapping.count_words)
    mapping.count_words = words
    return mapping


def _field(key: str, entry, problems: list[str]) -> FieldSpec | None:
    kind = FIELD_KINDS[key]
    allowed = _KIND_KEYS[kind]
    if isinstance(entry, str) and "column" in allowed:
        entry = {"column": entry}
    if not isinstance(entry, dict):
        problems.append(f"key '{key}': expected a column name or keys {', '.join(allowed)}; got {entry!r}")
        return None
    before = len(problems)
    spec = FieldSpec()
    for sub, value in entry.items():
        sub = str(sub)
        where = f"key '{key}.{sub}'"
        if sub not in allowed:
            problems.append(f"key '{key}.{sub}': not allowed here; expected one of {', '.join(allowed)}")
        elif sub in ("column", "url"):
            if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
                problems.append(f"{where}: expected a column name as in the file's header; got {value!r}")
            else:
                setattr(spec, sub, str(value).strip())
        elif sub == "format":
            formats = value if isinstance(value, list) else [value]
            if not formats or not all(isinstance(f, str) and "%" in f for f in formats):
                problems.append(
                    f"{where}: expected a date format such as '%d/%m/%Y' (or a list of them); got {value!r}"
                )
            else:
                spec.formats = list(formats)
        elif sub == "decimal":
            if value not in (".", ","):
                problems.append(f"{where}: expected '.' or ','; got {value!r}")
            else:
                spec.decimal = value
        elif sub == "prefix":
            if not isinstance(value, str) or not (value == "" or is_id(value)):
                problems.append(f"{where}: expected letters, digits, '.', '_', ':' or '-' (e.g. ong-); got {value!r}")
            else:
                spec.prefix = value
        elif sub == "split":
            separators = value if isinstance(value, list) else [value]
            if not separators or not all(isinstance(s, str) and s for s in separators):
                problems.append(f"{where}: expected a separator such as ' et ' (or a list of them); got {value!r}")
            else:
                spec.split = list(separators)
        elif sub in ("source_type", "stance"):
            options = FIELDS[sub].allowed or ()
            if value not in options:
                problems.append(f"{where}: expected one of {', '.join(options)}; got {value!r}")
            else:
                setattr(spec, sub, value)
        elif sub == "values":
            spec.values = _values(key, value, problems)
        elif sub in ("value", "default"):
            checked = _our_value(key, value, f"{key}.{sub}", problems)
            setattr(spec, sub, checked)
    if kind == "choice" and spec.column is None and spec.value is None:
        problems.append(f"key '{key}': expected either column (with values) or value")
    elif kind not in ("choice", "source") and spec.column is None and spec.default is None:
        problems.append(f"key '{key}': expected a column")
    if spec.value is not None and spec.column is not None:
        problems.append(f"key '{key}': expected either column or value, not both")
    return spec if len(problems) == before else None


def _our_value(key: str, value, where: str, problems: list[str]):
    """A value on our side of the mapping, checked against what the schema allows for ``key``."""
    if key in CHOICES:
        options = CHOICES[key]
        if key == "civilian_targeting" and isinstance(value, str) and value.lower() in ("true", "false"):
            value = value.lower() == "true"
        if value not in options or (key != "civilian_targeting" and isinstance(value, bool)):
            shown = ", ".join(str(o).lower() if isinstance(o, bool) else str(o) for o in options)
            problems.append(f"key '{where}': expected one of {shown}; got {value!r}")
            return None
        return value
    if key == "perpetrator":
        names = value if isinstance(value, list) else [value]
        if not names or not all(isinstance(n, str) and n.strip() for n in names):
            problems.append(f"key '{where}': expected an actor name or a list of them; got {value!r}")
            return None
        return [n.strip() for n in names]
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        problems.append(f"key '{where}': expected text; got {value!r}")
        return None
    return str(value)


def _values(key: str, value, problems: list[str]) -> dict[str, object]:
    if key not in CHOICES and key != "perpetrator":
        problems.append(f"key '{key}.values': not allowed here; values maps only choices and perpetrators")
        return {}
    if not isinstance(value, dict) or not value:
        problems.append(f"key '{key}.values': expected pairs 'text in the file: our value'; got {value!r}")
        return {}
    mapped = {}
    for text, ours in value.items():
        checked = _our_value(key, ours, f"{key}.values.{text}", problems)
        if checked is not None:
            mapped[normalise_name(str(text))] = checked
    return mapped


def _counts(entry, problems: list[str]) -> list[CountSpec]:
    if not isinstance(entry, dict) or not entry:
        problems.append("key 'counts': expected pairs 'column: {harm: killed}' (victim_status, victim_group optional)")
        return []
    counts: list[CountSpec] = []
    seen: dict[tuple, str] = {}
    for column, spec in entry.items():
        column = str(column).strip()
        if isinstance(spec, str):
            spec = {"harm": spec}
        if not isinstance(spec, dict):
            problems.append(f"key 'counts.{column}': expected keys {', '.join(COUNT_KEYS)}; got {spec!r}")
            continue
        values = {}
        for sub, value in spec.items():
            sub = str(sub)
            if sub not in COUNT_KEYS:
                problems.append(
                    f"key 'counts.{column}.{sub}': not allowed here; expected one of {', '.join(COUNT_KEYS)}"
                )
                continue
            options = tuple(HARMS) if sub == "harm" else FIELDS[sub].allowed or ()
            if value not in options:
                problems.append(f"key 'counts.{column}.{sub}': expected one of {', '.join(options)}; got {value!r}")
                continue
            values[sub] = value
        if "harm" not in spec:
            problems.append(f"key 'counts.{column}': expected a harm ({', '.join(HARMS)})")
            continue
        if len(values) != len(spec):
            continue
        count = CountSpec(column, **values)
        key = (count.harm, count.victim_status, count.victim_group)
        if key in seen:
            problems.append(f"key 'counts.{column}': counts the same harm, status and group as '{seen[key]}'")
            continue
        seen[key] = column
        counts.append(count)
    return counts


def _words(entry, problems: list[str]) -> dict[str, int]:
    if not isinstance(entry, dict):
        problems.append("key 'count_words': expected pairs 'words: lowest figure' (e.g. plusieurs dizaines: 12)")
        return {}
    words = {}
    for text, number in entry.items():
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            problems.append(f"key 'count_words.{text}': expected a whole number, 0 or more; got {number!r}")
        else:
            words[normalise_name(str(text))] = number
    return words
