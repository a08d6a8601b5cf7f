"""The mapping YAML that describes an analyst's own table: which column holds what, and how values map.

The language is declared in ``mapping_model.py`` (pydantic); this module reads the file, checks it
whole before any data is read (an unknown key or a value outside the schema's allowed values is an
``InputFileError`` that names the key and lists what is allowed there) and compiles it into the
specs the importer uses. See ``examples/mappings/liste_incidents_fr.yml`` for a complete example.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..data.names import normalise_name
from ..data.schema import COUNT_WORDS
from .mapping_model import CHOICES, NO_VALUE, GroupEntry, MappingModel, errors_as_lines
from .reading import InputFileError

__all__ = ["CHOICES", "NO_VALUE", "CountSpec", "FieldSpec", "Mapping", "load_mapping"]

TOP_KEYS = tuple(MappingModel.accepted_keys())
#: The keys read cell by cell; the others (counts, groups, ...) have shapes of their own.
FIELD_KEYS = (
    "id",
    "date",
    "end_date",
    "date_precision",
    "title",
    "summary",
    "place",
    "cercle",
    "region",
    "latitude",
    "longitude",
    "location_precision",
    "event_type",
    "civilian_targeting",
    "victim_status",
    "perpetrator",
    "attribution",
    "source",
    "record_type",
)


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
    #: ordered (tests, our value): tests are {column: {test: [normalised texts] or bool}}
    rules: list[tuple[dict[str, dict], object]] = field(default_factory=list)
    opponent: bool = False
    pieces: dict[str, str] = field(default_factory=dict)  # year / month / day -> column
    code: str | None = None
    sides: list[str] = field(default_factory=list)  # separators between the two sides of a clash

    def lookup(self, text: str):
        """Our value for a source text, matched without regard to case, accents or punctuation."""
        return self.values.get(normalise_name(text))


@dataclass(frozen=True)
class CountSpec:
    column: str
    harm: str
    victim_status: str | None = None  # None: the top-level victim_status rules, else civilian
    victim_group: str = "all"
    #: True for the all row a victim group implies (the mapping wrote no all row for its harm and status)
    implied: bool = False


class MappingError(ValueError):
    """A mapping that passes the models but cannot be compiled (two spellings of one key, ...)."""


@dataclass
class Mapping:
    path: Path
    dataset: str | None = None
    sheet: str | int | None = None
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    counts: list[CountSpec] = field(default_factory=list)
    #: normalised words -> the lowest figure they support (the mapping's, then the schema's)
    count_words: dict[str, int] = field(default_factory=dict)
    groups: list[GroupEntry] = field(default_factory=list)
    count_text: str | None = None
    deaths_reported: str | None = None
    deaths_yes: frozenset[str] = frozenset()
    journey: tuple[str, str, str | None] | None = None  # from, to, from_code
    region_codes: dict[str, str] = field(default_factory=dict)
    far_years: int | None = None  # None: measured from the file's own span
    sentinel_ids: frozenset[str] = frozenset()
    #: ordered (tests, reason): rows that are not incidents, left out
    skip: list[tuple[dict[str, dict], str]] = field(default_factory=list)
    corrections: list = field(default_factory=list)  # mapping_model.Correction
    families: dict[str, str] = field(default_factory=dict)  # actor name as written -> family
    #: normalised status word -> (victim_status, victim_group or None), for the count grammar
    status_words: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    def columns(self) -> dict[str, str]:
        """Every column the mapping names, with the key that names it."""
        named = {}
        for key, spec in self.fields.items():
            for column in (spec.column, spec.code, *spec.pieces.values()):
                if column:
                    named.setdefault(column, key)
            if spec.url:
                named.setdefault(spec.url, f"{key}.url")
            for tests, _ in spec.rules:
                for column in tests:
                    named.setdefault(column, f"{key}.rules")
        for tests, _ in self.skip:
            for column in tests:
                named.setdefault(column, "skip")
        for correction in self.corrections:
            named.setdefault(correction.column, "corrections")
        for count in self.counts:
            named.setdefault(count.column, "counts")
        for i, group in enumerate(self.groups):
            for _, status, count in group.pairs():
                named.setdefault(status, f"groups.{i}")
                named.setdefault(count, f"groups.{i}")
            if group.total:
                named.setdefault(group.total, f"groups.{i}.total")
        for column, key in (
            (self.count_text, "count_text"),
            (self.deaths_reported, "deaths_reported"),
            *zip(self.journey or (), ("journey.from", "journey.to", "journey.from_code"), strict=False),
        ):
            if column:
                named.setdefault(column, key)
        return named


def load_mapping(path: str | Path) -> Mapping:
    import yaml

    from ..boundedyaml import MAX_BYTES, YamlLimitError, load_bounded

    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: expected a mapping YAML file here; none was found")
    if path.stat().st_size > MAX_BYTES:  # before reading it: a mapping is a page of text
        raise InputFileError(f"{path}: expected a mapping of at most {MAX_BYTES:,} bytes; this file is larger")
    try:
        document = load_bounded(path.read_text(encoding="utf-8-sig"))
    except YamlLimitError as err:
        raise InputFileError(f"{path}: {err}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise InputFileError(f"{path}: expected a YAML mapping file ({err})") from None
    if not isinstance(document, dict):
        raise InputFileError(f"{path}: expected a YAML mapping of keys ({', '.join(TOP_KEYS)})")
    try:
        model = MappingModel.model_validate({str(k): v for k, v in document.items()})
        return compile_mapping(model, path)
    except ValidationError as err:
        lines = errors_as_lines(err, document)
    except MappingError as err:
        lines = str(err).split("\n")
    raise InputFileError(
        f"{path}: the mapping is not valid; nothing was read:\n" + "\n".join(f"  {line}" for line in lines)
    )


def compile_mapping(model: MappingModel, path: Path) -> Mapping:
    """The checked model as the importer's specs: texts in ``values`` and rules normalised once."""
    mapping = Mapping(path, dataset=model.dataset, sheet=model.sheet)
    for key in FIELD_KEYS:
        entry = getattr(model, key)
        if entry is not None:
            mapping.fields[key] = _field_spec(entry, key)
    mapping.counts = _count_specs(model)
    mapping.groups = list(model.groups)
    for number, group in enumerate(model.groups):
        _distinct_keys(group.values, f"groups.{number}.values")
    mapping.skip = [(_tests(rule.when), rule.reason) for rule in model.skip]
    mapping.corrections = list(model.corrections)
    mapping.families = dict(model.families)
    _distinct_keys(model.status_words, "status_words")
    for group in model.groups:  # the groups' status words also read count_text
        for word, status in group.values.items():
            mapping.status_words.setdefault(normalise_name(word), _status_pair(status))
    for word, status in model.status_words.items():
        mapping.status_words[normalise_name(word)] = _status_pair(status)
    mapping.count_text = model.count_text.column if model.count_text else None
    if model.deaths_reported:
        mapping.deaths_reported = model.deaths_reported.column
        mapping.deaths_yes = frozenset(normalise_name(w) for w in model.deaths_reported.yes_words)
    if model.journey:
        mapping.journey = (model.journey.from_, model.journey.to, model.journey.from_code)
    mapping.region_codes = dict(model.region_codes)
    mapping.far_years = model.checks.far_years
    mapping.sentinel_ids = frozenset(model.checks.sentinel_ids)
    words = {normalise_name(w): n for w, n in COUNT_WORDS.items()}
    words.update({normalise_name(w): n for w, n in model.count_words.items()})
    mapping.count_words = words
    return mapping


def _status_pair(status) -> tuple[str, str | None]:
    return ("unknown", None) if status is None else (status.victim_status, status.victim_group)


def _count_specs(model: MappingModel) -> list[CountSpec]:
    """One spec per row a count column feeds, and the all row each victim group implies: a group (aid workers
    killed) is a subset of all victims, so a list that counts only the group has at least that many victims in
    all. Two columns counting groups of the same harm and status without an all row are refused: which one gives
    all cannot be told."""
    specs = [
        CountSpec(column, c.harm, c.victim_status, c.victim_group)
        for column, counts in model.counts.items()
        for c in counts
    ]
    written = {(c.harm, c.victim_status) for c in specs if c.victim_group == "all"}
    implied: dict[tuple, CountSpec] = {}
    for count in specs:
        key = (count.harm, count.victim_status)
        if count.victim_group == "all" or key in written:
            continue
        if key in implied and implied[key].column != count.column:
            raise MappingError(
                f"key 'counts': '{implied[key].column}' and '{count.column}' both count a group of the victims "
                f"{count.harm} and no column counts them all; add {{harm: {count.harm}}} to the column that "
                "gives every victim (a column may feed several rows: a list)"
            )
        implied.setdefault(key, CountSpec(count.column, count.harm, count.victim_status, "all", implied=True))
    return specs + list(implied.values())


def _distinct_keys(values: dict, key: str) -> dict[str, str]:
    """normalised text -> the text as written; two spellings that are one text once case, accents and
    punctuation are ignored ('AMA/Barkhane', 'AMA / Barkhane') are refused, naming both."""
    seen: dict[str, str] = {}
    clashes = []
    for text in values:
        plain = normalise_name(text)
        if plain in seen:
            clashes.append(
                f"key '{key}': '{seen[plain]}' and '{text}' are the same text once case, accents and punctuation "
                "are ignored; keep one of them"
            )
        seen.setdefault(plain, text)
    if clashes:
        raise MappingError("\n".join(clashes))
    return seen


def _tests(when: dict) -> dict[str, dict]:
    return {
        column: {
            name: ([normalise_name(t) for t in found] if isinstance(found, list) else found)
            for name, found in (
                ("is", test.is_),
                ("contains", test.contains),
                ("starts_with", test.starts_with),
                ("empty", test.empty),
            )
            if found is not None
        }
        for column, test in when.items()
    }


def _field_spec(entry, key: str = "") -> FieldSpec:
    spec = FieldSpec(column=getattr(entry, "column", None))
    for name in ("value", "default", "prefix", "source_type", "stance", "url", "decimal", "split", "opponent"):
        if hasattr(entry, name) and getattr(entry, name) is not None:
            setattr(spec, name, getattr(entry, name))
    spec.formats = list(getattr(entry, "format", None) or [])
    spec.code = getattr(entry, "code", None)
    spec.pieces = {p: getattr(entry, p) for p in ("year", "month", "day") if getattr(entry, p, None)}
    values = getattr(entry, "values", None) or {}
    _distinct_keys(values, f"{key}.values")
    spec.values = {normalise_name(text): (NO_VALUE if ours is None else ours) for text, ours in values.items()}
    spec.sides = list(getattr(entry, "sides", None) or [])
    spec.rules = [(_tests(rule.when), rule.value) for rule in getattr(entry, "rules", None) or []]
    return spec
