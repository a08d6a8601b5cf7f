"""The mapping language, declared: one pydantic model per key of a mapping YAML.

Unknown keys are forbidden and every value on our side is checked against the schema's allowed
values, so a mapping is checked whole before any data is read. The README's mapping reference is
generated from these models (``mapping_reference_markdown``, written to docs/mapping-reference.md by
``python -m analysis docs``); ``errors_as_lines`` turns pydantic's errors
into the project's messages ("key 'counts.Morts.harm': expected one of killed, ...").
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ..data.schema import ACTOR_FAMILIES, ATTRIBUTION_GRADES, FIELDS, HARMS
from .checks import is_id

#: The words a ``values`` table may map to instead of one of our values.
NO_VALUE = "no value"  # the cell says nothing: treated as empty (the default applies)
NO_ACTOR = "no actor"  # perpetrator cells only: the perpetrator is unknown, no actor row is written
#: Perpetrator cells that name no one: read as NO_ACTOR (not an actor called "Unknown") unless the mapping's
#: ``perpetrator.values`` lists the word. Compared as ``values`` keys are (case, accents, punctuation ignored).
UNIDENTIFIED_PERPETRATOR_WORDS = (
    "unknown",
    "unidentified",
    "inconnu",
    "inconnus",
    "N/A",
    "ND",
    "non identifié",
    "non identifiés",
)

EVENT_TYPES = tuple(FIELDS["event_type"].allowed or ())
VICTIM_STATUSES = tuple(FIELDS["victim_status"].allowed or ())
VICTIM_GROUPS = tuple(FIELDS["victim_group"].allowed or ())
CHOICES: dict[str, tuple] = {
    "date_precision": FIELDS["date_precision"].allowed,
    "location_precision": FIELDS["location_precision"].allowed,
    "event_type": EVENT_TYPES,
    "civilian_targeting": (True, False),
    "attribution": tuple(ATTRIBUTION_GRADES),
    "victim_status": VICTIM_STATUSES,
    # an episode groups the split records of one attack: it is not written by this importer
    "record_type": ("event", "period_total"),
}
_DATASET = re.compile(FIELDS["dataset"].pattern or r"^[a-z0-9_]+$")


# -- value checks (each raises ValueError with the message the user sees) ---------------------------------------


def _shown(options) -> str:
    return ", ".join(str(o).lower() if isinstance(o, bool) else str(o) for o in options)


def one_of(options) -> AfterValidator:
    def check(value):
        if isinstance(value, str) and True in options and value.lower() in ("true", "false"):
            value = value.lower() == "true"
        if value not in options or (True not in options and isinstance(value, bool)):
            raise ValueError(f"expected one of {_shown(options)}; got {value!r}")
        return value

    return AfterValidator(check)


def _column(value):
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise ValueError(f"expected a column name as in the file's header; got {value!r}")
    return str(value).strip()


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _formats(value):
    if not value or not all(isinstance(f, str) and "%" in f for f in value):
        raise ValueError(f"expected a date format such as '%d/%m/%Y' (or a list of them); got {value!r}")
    return value


def _separators(value):
    if not value or not all(isinstance(s, str) and s for s in value):
        raise ValueError(f"expected a separator such as ' et ' (or a list of them); got {value!r}")
    return value


def _prefix(value):
    if not isinstance(value, str) or not (value == "" or is_id(value)):
        raise ValueError(f"expected letters, digits, '.', '_', ':' or '-' (e.g. ong-); got {value!r}")
    return value


def _dataset(value):
    if not isinstance(value, str) or not _DATASET.match(value):
        raise ValueError(f"expected lowercase letters, digits and _ (e.g. ong_exemple); got {value!r}")
    return value


def _text(value):
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError(f"expected text; got {value!r}")
    return str(value)


def _actors(value):
    names = _as_list(value)
    if not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise ValueError(f"expected an actor name or a list of them; got {value!r}")
    return [n.strip() for n in names]


Column = Annotated[str, BeforeValidator(_column)]
Text = Annotated[str, BeforeValidator(_text)]


class Entry(BaseModel):
    """A mapping entry: unknown keys are reported by name with the keys allowed there."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    #: A bare string stands for ``{shorthand: string}``.
    shorthand: ClassVar[str | None] = "column"

    @classmethod
    def accepted_keys(cls) -> list[str]:
        return [f.alias or name for name, f in cls.model_fields.items()]

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data):
        if isinstance(data, str | int | list) and not isinstance(data, bool) and cls.shorthand:
            return {cls.shorthand: data}
        if not isinstance(data, dict):
            raise ValueError(f"expected a column name or keys {', '.join(cls.accepted_keys())}; got {data!r}")
        unknown = [str(k) for k in data if str(k) not in cls.accepted_keys()]
        if unknown:
            raise ValueError(
                "\n".join(f"@{k}: not allowed here; expected one of {', '.join(cls.accepted_keys())}" for k in unknown)
            )
        return data


# -- rules over several columns ---------------------------------------------------------------------------------


class Test(Entry):
    """What a cell must be for a rule to apply (compared without regard to case, accents or punctuation)."""

    shorthand: ClassVar[str | None] = "is_"
    is_: Annotated[list[Text], BeforeValidator(_as_list)] | None = Field(
        None, alias="is", description="the whole cell is this text (or one of a list)"
    )
    contains: Annotated[list[Text], BeforeValidator(_as_list)] | None = Field(
        None,
        description="the cell contains this word or these words (or one of a list), as whole words, ignoring case, "
        "accents, apostrophes and punctuation: 'drone' matches 'Frappe de drone' but not 'drones'",
    )
    starts_with: Annotated[list[Text], BeforeValidator(_as_list)] | None = Field(
        None, description="the cell starts with this text (or one of a list)"
    )
    empty: bool | None = Field(None, description="true: the cell is empty; false: it holds something")


_WHEN = "column: test, for one or more columns; all must hold (tests: is, contains, starts_with, empty)"


def _rule_model(key: str, options, value_type=None, value_help: str = "") -> type[BaseModel]:
    Value = value_type or Annotated[Any, one_of(options)]
    help_text = value_help or f"our {key} when the rule applies"

    class Rule(Entry):
        shorthand: ClassVar[str | None] = None
        when: dict[Column, Test] = Field(description=_WHEN)
        value: Value = Field(description=help_text)

    Rule.__name__ = f"Rule_{key}"
    return Rule


class SkipRule(Entry):
    """A row the list holds that is not an incident of Mali's conflict (an accident, a row in another country)."""

    shorthand: ClassVar[str | None] = None
    when: dict[Column, Test] = Field(description=_WHEN)
    reason: Text = Field(description="why such rows are left out: shown in the import report and rejects.csv")


class Correction(Entry):
    """One cell of the file corrected before anything is read, with the reason (listed in the import report)."""

    shorthand: ClassVar[str | None] = None
    line: int | None = Field(None, ge=2, description="the row's line in the file (the header is line 1)")
    id: Text | None = Field(None, description="or the row's own id (in the id column)")
    column: Column = Field(description="the column to correct, as in the file's header")
    value: Text = Field(description="the corrected text, written as the file would write it")
    reason: Text = Field(description="why (kept in the import report)")

    @model_validator(mode="after")
    def _one_row(self):
        if (self.line is None) == (self.id is None):
            raise ValueError("expected either line or id (the row to correct)")
        return self


# -- the kinds of entries ---------------------------------------------------------------------------------------


class TextEntry(Entry):
    column: Column | None = Field(None, description="the column holding it")
    default: Text | None = Field(None, description="used where the cell is empty")


class RegionEntry(TextEntry):
    rules: list[_rule_model("region", (), Text, "the region (as in reference/regions.csv) when the rule applies")] = (
        Field(
            default_factory=list,
            description="ordered rules over several columns, before the column; the first that applies decides",
        )
    )


class IdEntry(Entry):
    column: Column = Field(description="the column with the list's own id (kept as external_id)")
    prefix: Annotated[str, AfterValidator(_prefix)] | None = Field(
        None, description="put before the id (default: the dataset name and '-')"
    )


class DateEntry(Entry):
    column: Column | None = Field(None, description="one column holding the whole date")
    format: Annotated[list[str], BeforeValidator(_as_list), AfterValidator(_formats)] = Field(
        default_factory=list, description="strptime format(s), e.g. '%d/%m/%Y'; without %d the date is a month"
    )
    year: Column | None = Field(None, description="or the date in pieces: the year column")
    month: Column | None = Field(None, description="the month column (1-12); empty gives year precision")
    day: Column | None = Field(None, description="the day column; empty gives month precision")

    @model_validator(mode="after")
    def _one_way(self):
        if self.column is None and self.year is None:
            raise ValueError("expected a column, or year (with month and day) columns")
        if self.column is not None and self.year is not None:
            raise ValueError("expected either column or year/month/day, not both")
        return self


class NumberEntry(Entry):
    column: Column = Field(description="the column holding the number")
    decimal: Annotated[str, one_of((".", ","))] = Field(".", description="the decimal mark, '.' or ','")


def _choice_model(key: str, options) -> type[Entry]:
    Our = Annotated[Any, one_of(options)]

    def our_or_none(value):
        return None if value == NO_VALUE else value

    class Choice(Entry):
        column: Column | None = Field(None, description="the column holding it")
        values: dict[Text, Annotated[Our | None, BeforeValidator(our_or_none)]] = Field(
            default_factory=dict,
            description=f"text in the file: our value (one of {_shown(options)}), or '{NO_VALUE}'",
        )
        default: Our | None = Field(None, description="where the cell is empty, unlisted, or no rule applies")
        value: Our | None = Field(None, description="one value for every row, instead of a column")
        rules: list[_rule_model(key, options)] = Field(
            default_factory=list, description="ordered rules over several columns; the first that applies decides"
        )

        @model_validator(mode="after")
        def _source(self):
            if self.column is None and self.value is None and not self.rules and self.default is None:
                raise ValueError("expected either column (with values), rules, value or default")
            if self.value is not None and (self.column is not None or self.rules):
                raise ValueError("expected either column or value, not both")
            return self

    Choice.__name__ = f"Choice_{key}"
    return Choice


class PerpetratorEntry(Entry):
    column: Column | None = Field(None, description="the column naming the perpetrator(s)")
    split: Annotated[list[str], BeforeValidator(_as_list), AfterValidator(_separators)] = Field(
        default_factory=list, description="separators between several actors in one cell, e.g. [' et ', '/']"
    )
    values: dict[Text, Annotated[list[str] | None, BeforeValidator(lambda v: _perpetrator_value(v))]] = Field(
        default_factory=dict,
        description=f"text in the file: an actor or a list of actors, or '{NO_ACTOR}' (perpetrator unknown). "
        "A cell (or a part of one) reading "
        + ", ".join(f"'{w}'" for w in UNIDENTIFIED_PERPETRATOR_WORDS)
        + f" is '{NO_ACTOR}' unless listed here",
    )
    default: Annotated[list[str], BeforeValidator(_actors)] | None = Field(
        None, description="actor(s) where the cell is empty"
    )
    opponent: bool = Field(
        False,
        description="true: in an armed clash, the actors after the first are the other side (see sides for allies)",
    )
    sides: Annotated[list[str], BeforeValidator(_as_list), AfterValidator(_separators)] = Field(
        default_factory=list,
        description="separators between the two sides of a clash, e.g. [' contre ', ' vs ']: the actors before "
        "the first are the perpetrators (allies, split by split), those after it the other side; any event type",
    )
    rules: list[
        _rule_model(
            "perpetrator",
            (),
            Annotated[list[str] | None, BeforeValidator(lambda v: _perpetrator_value(v))],
            f"the actor(s) when the rule applies, or '{NO_ACTOR}'",
        )
    ] = Field(default_factory=list, description="ordered rules over several columns, before the column")

    @model_validator(mode="after")
    def _source(self):
        if self.column is None and self.default is None and not self.rules:
            raise ValueError("expected a column")
        return self


def _perpetrator_value(value):
    if value == NO_ACTOR:
        return []
    if value == NO_VALUE:
        return None
    return _actors(value)


class SourceEntry(Entry):
    column: Column | None = Field(None, description="the column naming the publisher")
    value: Text | None = Field(None, description="one publisher for every row")
    source_type: Annotated[str, one_of(FIELDS["source_type"].allowed)] = Field("dataset", description="ngo, un, ...")
    stance: Annotated[str, one_of(FIELDS["stance"].allowed)] = Field("reports", description="reports, alleges, ...")
    url: Column | None = Field(None, description="the column with a link to the source")


class PlaceEntry(Entry):
    column: Column | None = Field(None, description="the column with the place name")
    code: Column | None = Field(None, description="a column with a locality code whose prefix names the region")


class JourneyEntry(Entry):
    shorthand: ClassVar[str | None] = None
    from_: Column = Field(alias="from", description="the column with the place of departure")
    to: Column = Field(description="the column with the destination")
    from_code: Column | None = Field(None, description="the departure's locality code (see region_codes)")


class CountEntry(Entry):
    shorthand: ClassVar[str | None] = "harm"
    harm: Annotated[str, one_of(tuple(HARMS))] = Field(description="what the column counts")
    victim_status: Annotated[str, one_of(VICTIM_STATUSES)] | None = Field(
        None, description="default civilian, or the top-level victim_status rules"
    )
    victim_group: Annotated[str, one_of(VICTIM_GROUPS)] = Field("all", description="all, or a subset of all")


class StatusValue(Entry):
    shorthand: ClassVar[str | None] = "victim_status"
    victim_status: Annotated[str, one_of(VICTIM_STATUSES)] = Field(description="civilian, combatant or unknown")
    victim_group: Annotated[str, one_of(VICTIM_GROUPS)] | None = Field(
        None, description="a group these victims also belong to (counted within all, never added to it)"
    )


class GroupEntry(Entry):
    shorthand: ClassVar[str | None] = None
    harm: Annotated[str, one_of(tuple(HARMS))] = Field(description="what the pairs count")
    status: Column = Field(description="the status column, with {k} for the pair's number: stat_morts_{k}")
    count: Column = Field(description="the count column, with {k}: count_morts_{k}")
    k: Annotated[list[int], BeforeValidator(_as_list)] = Field(
        description="the pair numbers: [1, 2, 3] or a range as [first, last] written 1..3"
    )
    values: dict[Text, Annotated[StatusValue | None, BeforeValidator(lambda v: None if v == NO_VALUE else v)]] = Field(
        description="status word in the file: civilian / combatant / unknown, or {victim_status, victim_group}"
    )
    total: Column | None = Field(
        None, description="a column with the total: checked against the pairs; a remainder becomes unknown"
    )

    @model_validator(mode="before")
    @classmethod
    def _range(cls, data):
        if isinstance(data, dict) and isinstance(data.get("k"), str) and re.fullmatch(r"\d+\.\.\d+", data["k"]):
            first, last = (int(x) for x in data["k"].split(".."))
            data = {**data, "k": list(range(first, last + 1))}
        return data

    @model_validator(mode="after")
    def _numbered(self):
        if "{k}" not in self.status or "{k}" not in self.count:
            raise ValueError("expected {k} in both status and count, e.g. stat_morts_{k} / count_morts_{k}")
        return self

    def pairs(self) -> list[tuple[int, str, str]]:
        return [(k, self.status.replace("{k}", str(k)), self.count.replace("{k}", str(k))) for k in self.k]


class CountTextEntry(Entry):
    column: Column = Field(
        description="free text read for counts ('2 morts', 'trois tués') for the harms the row's count columns leave empty"
    )


class DeathsReportedEntry(Entry):
    column: Column = Field(description="a yes/no column: deaths reported without a figure")
    yes_words: Annotated[list[Text], BeforeValidator(_as_list)] = Field(
        default_factory=lambda: ["oui", "yes", "o", "y", "1", "true", "vrai"], description="the words meaning yes"
    )


class ChecksEntry(Entry):
    shorthand: ClassVar[str | None] = None
    far_years: int | None = Field(
        None,
        ge=1,
        description="warn for dates more than this many years from the file's median; by default measured from the "
        "file's own span (outside its quartiles by 1.5 times their distance, and a year)",
    )
    sentinel_ids: Annotated[list[Text], BeforeValidator(_as_list)] = Field(
        default_factory=lambda: ["0", "9999", "99999", "999999"], description="ids that look like placeholders"
    )


def _region_codes(value):
    if not isinstance(value, dict) or not value:
        raise ValueError(f"expected pairs 'code prefix: region' (e.g. '5': Mopti); got {value!r}")
    return {str(k).strip(): _text(v) for k, v in value.items()}


class MappingModel(Entry):
    """A whole mapping file. Only ``date`` is required."""

    shorthand: ClassVar[str | None] = None
    dataset: Annotated[str, AfterValidator(_dataset)] | None = Field(
        None, description="recorded in the dataset column; --dataset overrides it"
    )
    sheet: Annotated[str | int, BeforeValidator(lambda v: _sheet(v))] | None = Field(
        None, description="the sheet of an .xlsx workbook (name or number)"
    )
    id: IdEntry | None = Field(None, description="the list's own id; without it ids are <dataset>-<line>")
    date: DateEntry = Field(description="the date: one column with a format, or year/month/day columns")
    end_date: DateEntry | None = Field(None, description="the last day, when the incident lasted several days")
    date_precision: _choice_model("date_precision", CHOICES["date_precision"]) | None = None
    title: TextEntry | None = None
    summary: TextEntry | None = None
    place: PlaceEntry | None = Field(None, description="the place name, and a locality code column")
    journey: JourneyEntry | None = Field(
        None, description="from/to columns: where the place is empty, the incident is placed at the departure"
    )
    cercle: TextEntry | None = Field(None, description="the cercle (admin2); matched in reference/cercles.csv")
    region: RegionEntry | None = Field(None, description="the region (admin1); matched in reference/regions.csv")
    region_codes: Annotated[dict[str, str], BeforeValidator(_region_codes)] = Field(
        default_factory=dict, description="leading characters of a locality code: region"
    )
    latitude: NumberEntry | None = None
    longitude: NumberEntry | None = None
    location_precision: _choice_model("location_precision", CHOICES["location_precision"]) | None = None
    event_type: _choice_model("event_type", CHOICES["event_type"]) | None = None
    civilian_targeting: _choice_model("civilian_targeting", CHOICES["civilian_targeting"]) | None = None
    victim_status: _choice_model("victim_status", CHOICES["victim_status"]) | None = Field(
        None, description="rules deciding the status of counts that do not give one (default civilian)"
    )
    perpetrator: PerpetratorEntry | None = None
    attribution: _choice_model("attribution", CHOICES["attribution"]) | None = None
    source: SourceEntry | None = None
    record_type: _choice_model("record_type", CHOICES["record_type"]) | None = Field(
        None, description="event (default), or period_total: a total for a period, shown apart, never added"
    )
    skip: list[SkipRule] = Field(
        default_factory=list, description="rows that are not incidents: left out, each listed with its reason"
    )
    corrections: list[Correction] = Field(
        default_factory=list, description="cells corrected before reading: {line or id, column, value, reason}"
    )
    families: dict[Text, Annotated[str, one_of(tuple(ACTOR_FAMILIES))]] = Field(
        default_factory=dict, description="actor name (as the import writes it): family, for actors not in actors.csv"
    )
    counts: dict[Column, Annotated[list[CountEntry], BeforeValidator(_as_list)]] = Field(
        default_factory=dict,
        description="column: what it counts, or a list of rows it feeds ([{harm: killed}, {harm: killed, "
        "victim_group: aid_workers}]); a victim group also gives its all row unless one is written",
    )
    status_words: dict[Text, Annotated[StatusValue | None, BeforeValidator(lambda v: None if v == NO_VALUE else v)]] = (
        Field(
            default_factory=dict,
            description="more status words for count_text ('milicien: combatant'); the groups' values count too",
        )
    )
    groups: list[GroupEntry] = Field(default_factory=list, description="repeated status/count column pairs")
    count_text: CountTextEntry | None = None
    deaths_reported: DeathsReportedEntry | None = None
    count_words: dict[Text, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="words: the lowest figure they support (e.g. plusieurs dizaines: 12)"
    )
    checks: ChecksEntry = Field(default_factory=ChecksEntry, description="thresholds of the warnings for slips")

    @model_validator(mode="before")
    @classmethod
    def _top(cls, data):
        unknown = [str(k) for k in data if str(k) not in cls.accepted_keys()]
        if unknown:
            raise ValueError(
                "\n".join(f"@{k}: not a mapping key; expected one of {', '.join(cls.accepted_keys())}" for k in unknown)
            )
        return data

    @model_validator(mode="after")
    def _distinct_counts(self):
        seen: dict[tuple, str] = {}
        for column, counts in self.counts.items():
            for count in counts:
                key = (count.harm, count.victim_status, count.victim_group)
                if key in seen:
                    raise ValueError(f"@counts.{column}: counts the same harm, status and group as '{seen[key]}'")
                seen[key] = column
        return self


def _sheet(value):
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError(f"expected a sheet name or number; got {value!r}")
    return value


# -- messages ---------------------------------------------------------------------------------------------------

_REQUIRED_HINT = {"date": "expected e.g. date: {column: Date, format: '%d/%m/%Y'}"}


def errors_as_lines(error: ValidationError, document: dict | None = None) -> list[str]:
    """pydantic's errors as "key 'a.b': what was expected; got what"."""
    lines = []
    for item in error.errors():
        loc = [str(part) for part in item["loc"] if not _is_branch(part)]
        counts = (document or {}).get("counts")
        # one count entry, not a list: its place in the list the model made of it is noise
        single = isinstance(counts, dict) and not isinstance(counts.get(loc[1] if len(loc) > 1 else None), list)
        if len(loc) > 2 and loc[0] == "counts" and loc[2] == "0" and single:
            del loc[2]
        if item["type"] == "missing":
            hint = _REQUIRED_HINT.get(".".join(loc))
            lines.append(f"key '{'.'.join(loc)}': required" + (f"; {hint}" if hint else ""))
            continue
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "@: not allowed here"
        for part in message.split("\n"):
            where = loc
            if part.startswith("@"):
                sub, part = part[1:].split(": ", 1)
                where = [*loc, *sub.split(".")] if sub else loc
            if item["type"] in ("int_parsing", "int_type", "greater_than_equal", "bool_parsing", "bool_type"):
                part = f"expected {_EXPECTED[item['type']]}; got {item['input']!r}"
            lines.append(f"key '{'.'.join(where)}': {part}" if where else part)
    return lines


_EXPECTED = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "greater_than_equal": "a whole number, 0 or more",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
}


def _is_branch(part) -> bool:
    """pydantic names the branch of an annotated or optional type in the location; users never wrote it."""
    return isinstance(part, str) and (part.startswith(("function-", "nullable[", "list[")) or "[" in part)


MAPPING_REFERENCE_INTRO = """\
# Mapping reference

Generated from the models in `src/analysis/importers/mapping_model.py` by `python -m analysis docs`
(a test fails when this file is stale). A mapping YAML describes an analyst's own incident list for
`python -m analysis import table FILE --mapping MAPPING.yml --out DIR`; `examples/mappings/liste_incidents_fr.yml`
is a whole example, explained in docs/importing.md. Every key is checked before any data is read.

## How text is matched

- **`values`** tables and **`is`** / **`starts_with`** tests compare texts without regard to case, accents,
  apostrophes or punctuation: `Armée malienne`, `armee  malienne` and `ARMÉE-MALIENNE` are one text. Two keys
  of one `values` table that are one text in this sense (`AMA/Barkhane`, `AMA / Barkhane`) are refused, naming
  both spellings.
- **`contains`** matches **whole words**, on the same normalised text: `contains: drone` matches
  "Frappe de drone" and "DRONE" but not "drones" or "antidrone"; `contains: "mine artisanale"` needs the two
  words side by side. List several words to match any of them: `contains: [mine, explosif, IED]`.
- **`rules`** are ordered: the first whose every test holds decides; a rule's columns need not be mapped
  elsewhere. `skip` rules leave rows out (each listed in rejects.csv as `skipped: <reason>`).

## Counts

- A count column may feed several rows: `counts: {Total killed: [{harm: killed}, {harm: killed, victim_group:
  aid_workers}]}`. A column that counts only a group (`victim_group: aid_workers`) also gives its `all` row
  (the group is a subset of all victims) unless another column writes that `all` row.
- A `0` in a count column is a real zero and is written as a 0 row, for every harm alike; an empty cell is a
  missing figure (no row, never 0).
- `count_text` reads each figure with its own words or bracket: "27 morts et 1 blessé (civils)" is 27
  civilians killed and 1 civilian injured; "8 morts (7 soldats et 1 civil)" is 7 combatants and 1 civilian;
  status words come from the grammar, the groups' `values` and `status_words`. Where the words name no status,
  `victim_status` rules (or its column) decide, else the status is unknown.

## Keys

"""


def mapping_reference_markdown() -> str:
    """docs/mapping-reference.md: how text is matched, then every key."""
    return MAPPING_REFERENCE_INTRO + mapping_reference()


def mapping_reference() -> str:
    """The table of the mapping reference: every key, what it accepts and what it means, from the models."""
    lines = ["| key | what it takes |", "|---|---|"]
    for name, spec in MappingModel.model_fields.items():
        lines.append(f"| `{spec.alias or name}` | {_described(spec)} |")
        model = _entry_model(spec.annotation)
        for sub, sub_spec in model.model_fields.items() if model else ():
            lines.append(f"| `{spec.alias or name}.{sub_spec.alias or sub}` | {_described(sub_spec)} |")
    return "\n".join(lines) + "\n"


def _described(spec) -> str:
    text = spec.description or ""
    return (text + (" (required)" if spec.is_required() else "")).replace("|", "\\|").strip() or "-"


def _entry_model(annotation):
    """The entry model inside an annotation such as ``X | None`` or ``list[X]``."""
    import typing

    if isinstance(annotation, type) and issubclass(annotation, Entry):
        return annotation
    for arg in typing.get_args(annotation):
        found = _entry_model(arg)
        if found is not None:
            return found
    return None
