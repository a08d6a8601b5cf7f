"""The single source of truth for every table: columns, types, allowed values and keys.

Validation (``analysis.validation``), the data dictionary (``docs/data_dictionary.md``)
and the report's methodology appendix are all generated from the declarations here.
Each field is declared once and shared by every table that uses it, so the same
quantity has the same name, type and meaning everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Mali's extent with a small margin: a point outside it is almost always a typo or
# swapped latitude/longitude.
MALI_LATITUDE_RANGE = (10.0, 25.1)
MALI_LONGITUDE_RANGE = (-12.3, 4.3)

#: The longest text a cell may hold, in characters. A summary or a quotation is a few sentences;
#: anything near this long is a paste gone wrong, and belongs in the source document instead.
MAX_CELL_CHARACTERS = 100_000

#: Our incident typology and what each type means.
_EVENT_MEANINGS: dict[str, str] = {
    "attack": "Direct violence against civilians: shootings, executions, massacres.",
    "abduction_forced_disappearance": "Abduction, kidnapping or enforced disappearance of civilians.",
    "sexual_violence": "Sexual violence against civilians.",
    "air_drone_strike": "Strike by an aircraft or a drone.",
    "shelling_artillery_missile": "Indirect fire: shelling, artillery, rockets, missiles.",
    "remote_explosive": "Landmine, improvised explosive device or other remotely detonated explosive.",
    "suicide_bomb": "Suicide bombing.",
    "armed_clash": "Fighting between armed groups; civilians may be caught in it.",
    "territory_change": "Fighting in which a side takes or retakes a place.",
    "looting_property_destruction": "Looting, burning of homes, killing or theft of livestock.",
    "arrests": "Arrests and detentions.",
    "other": "Harm that fits none of the types above; the summary says what happened.",
    "multiple": "Several types of harm over a period; used for period totals reported by NGOs.",
}


@dataclass(frozen=True)
class AcledEventType:
    """How one ACLED (event type, sub-event type) is imported.

    ``victim_status`` is the status of the event's fatalities: ``civilian`` (ACLED codes the violence as
    aimed at civilians: violence against civilians, excessive force against protesters), ``unknown``
    (fighting: the status of the dead is not established, even when ACLED flags civilian targeting), or
    ``target`` (civilian when ACLED codes the event as civilian targeting, with its civilian_targeting
    flag or civilians as the other side; unknown otherwise: mob violence, riots, strikes on fighters).
    ``in_scope`` says whether an event of this type is imported when it reports no fatalities (it records
    harm to people or property). An event that reports fatalities is always imported, whatever its type.
    """

    event_type: str
    victim_status: str
    in_scope: bool = True


_A = AcledEventType
#: ACLED (event_type, sub_event_type) -> how it is imported; sub-event "" is the export before 2019,
#: which had none. The one declaration of ACLED's typology: the importer, the data dictionary and
#: EVENT_TYPES below are built from it.
ACLED_EVENT_TYPES: dict[tuple[str, str], AcledEventType] = {
    ("Violence against civilians", "Attack"): _A("attack", "civilian"),
    ("Violence against civilians", "Abduction/forced disappearance"): _A("abduction_forced_disappearance", "civilian"),
    ("Violence against civilians", "Sexual violence"): _A("sexual_violence", "civilian"),
    ("Explosions/Remote violence", "Air/drone strike"): _A("air_drone_strike", "target"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"): _A("shelling_artillery_missile", "target"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"): _A("remote_explosive", "target"),
    ("Explosions/Remote violence", "Suicide bomb"): _A("suicide_bomb", "target"),
    ("Explosions/Remote violence", "Grenade"): _A("other", "target"),
    ("Explosions/Remote violence", "Chemical weapon"): _A("other", "target"),
    ("Battles", "Armed clash"): _A("armed_clash", "unknown"),
    ("Battles", "Government regains territory"): _A("territory_change", "unknown"),
    ("Battles", "Non-state actor overtakes territory"): _A("territory_change", "unknown"),
    ("Strategic developments", "Looting/property destruction"): _A("looting_property_destruction", "target"),
    ("Strategic developments", "Arrests"): _A("arrests", "target"),
    # Police firing on a crowd is violence by state forces against civilians, coded by ACLED as a protest.
    ("Protests", "Excessive force against protesters"): _A("attack", "civilian"),
    ("Protests", "Protest with intervention"): _A("other", "target", in_scope=False),
    ("Protests", "Peaceful protest"): _A("other", "target", in_scope=False),
    ("Riots", "Mob violence"): _A("other", "target"),
    ("Riots", "Violent demonstration"): _A("other", "target", in_scope=False),
    ("Strategic developments", "Disrupted weapons use"): _A("other", "target", in_scope=False),
    ("Strategic developments", "Change to group/activity"): _A("other", "target", in_scope=False),
    ("Strategic developments", "Headquarters or base established"): _A("other", "target", in_scope=False),
    ("Strategic developments", "Non-violent transfer of territory"): _A("other", "target", in_scope=False),
    ("Strategic developments", "Agreement"): _A("other", "target", in_scope=False),
    ("Strategic developments", "Other"): _A("other", "target", in_scope=False),
    # The pre-2019 typology.
    ("Battle-No change of territory", ""): _A("armed_clash", "unknown"),
    ("Battle-Government regains territory", ""): _A("territory_change", "unknown"),
    ("Battle-Non-state actor overtakes territory", ""): _A("territory_change", "unknown"),
    ("Violence against civilians", ""): _A("attack", "civilian"),
    ("Remote violence", ""): _A("other", "target"),  # strikes, shelling and IEDs together: not one of our types
    # Before 2019 riots and protests were one type, and looting, arrests and bases one "strategic development":
    # without a sub-event, such an event is only known to harm people when it reports fatalities.
    ("Riots/Protests", ""): _A("other", "target", in_scope=False),
    ("Strategic development", ""): _A("other", "target", in_scope=False),
    ("Headquarters or base established", ""): _A("other", "target", in_scope=False),
    ("Non-violent transfer of territory", ""): _A("other", "target", in_scope=False),
}
#: An ACLED type this table does not list (a new one, or a typing slip): imported only with fatalities.
ACLED_UNLISTED_EVENT_TYPE = _A("other", "target", in_scope=False)
del _A

#: ACLED's main type of violence against civilians; our own tables' events of its types target civilians.
ACLED_VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"


def _acled_equivalent(our_type: str) -> tuple[str, str]:
    """The current ACLED event type and sub-event type(s) that are ``our_type``, for the data dictionary."""
    pairs = [(t, sub) for (t, sub), rule in ACLED_EVENT_TYPES.items() if rule.event_type == our_type and sub]
    if our_type == "other" or not pairs:
        return "", ""
    first = pairs[0][0]
    return first, " / ".join(sub for t, sub in pairs if t == first)


#: Our incident typology. Each value maps to the ACLED event type and sub-event type it
#: corresponds to, so that imported and curated data share one vocabulary.
EVENT_TYPES: dict[str, tuple[str, str, str]] = {
    key: (*_acled_equivalent(key), meaning) for key, meaning in _EVENT_MEANINGS.items()
}

#: What each harm counts, with its unit, for the data dictionary and the report.
HARMS: dict[str, str] = {
    "killed": "people killed",
    "injured": "people injured",
    "disappeared": "people abducted or forcibly disappeared",
    "detained": "people arbitrarily arrested or detained",
    "sexual_violence": "victims of sexual violence",
    "killed_or_disappeared": "people killed or disappeared, where the source gives one figure for both",
    "homes_destroyed": "homes burned or destroyed (a count of homes, not people)",
    "property_looted": "incidents of looting of civilian property (the source gives no count)",
    "livestock_looted": "animals looted or killed (a count of animals, not people)",
    "displaced": "people forced to flee",
}

ATTRIBUTION_GRADES: dict[str, str] = {
    "acknowledged": "the perpetrator accepted responsibility",
    "corroborated": "two or more independent credible sources attribute it",
    "single_source": "one credible source (an NGO, the UN, a news agency) attributes it",
    "alleged": "attributed by a party to the conflict or an unverified claim",
    "contested": "attributed by some and denied by others (a 'denies' source row exists)",
}
#: Actor families: the groups the report answers "who is killing civilians" with. Every actor in
#: reference/actors.csv belongs to one; an imported actor that is not listed is classified by rules.
ACTOR_FAMILIES: dict[str, tuple[str, str]] = {
    "state_forces": (
        "Malian state forces",
        "Malian armed forces and police: army, air force, gendarmerie, national guard, police, government.",
    ),
    "russian_forces": ("Wagner Group / Africa Corps", "Russian forces deployed with the Malian army."),
    "jnim": (
        "JNIM and predecessors",
        "JNIM and its components and predecessors: Ansar Dine, Katiba Macina, Katiba Serma, AQIM, Al Mourabitoune.",
    ),
    "islamic_state": ("Islamic State Sahel", "Islamic State Sahel, formerly the Islamic State in the Greater Sahara."),
    "northern_armed_groups": (
        "Tuareg and Arab armed groups",
        "Tuareg and Arab armed groups: CMA, MNLA, HCUA, MAA, CSP-DPA, FLA, GATIA, MSA, the Platform.",
    ),
    "militias": (
        "Militias",
        "Dan Na Ambassagou, Dozo, Fulani and other ethnic or communal self-defence militias, vigilantes.",
    ),
    "foreign_forces": ("Foreign forces", "France, MINUSMA, G5 Sahel, EUTM, neighbouring armies."),
    "unidentified": ("Unidentified armed groups", "Perpetrator not identified by the sources."),
    "other": ("Other", "Civilians, protesters, rioters, private security and other actors."),
}

#: From the most to the least certain, for filters such as "corroborated or better".
ATTRIBUTION_ORDER = ["acknowledged", "corroborated", "single_source", "alleged", "contested"]

#: Words used by sources instead of a number, and the lowest figure each supports.
#: This follows ACLED's lowest-reported-figure convention; the words stay in count_text.
COUNT_WORDS: dict[str, int] = {
    "a few": 3,
    "several": 3,
    "dozens": 12,
    "several dozen": 12,
    "scores": 40,
    "hundreds": 100,
    "thousands": 1000,
}


@dataclass(frozen=True)
class Field:
    """One column, declared once and shared by every table that has it."""

    name: str
    dtype: str  # one of DTYPES
    description: str
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None  # what a number counts or measures, said in the data dictionary


DTYPES = {
    "string": "text",
    "int": "whole number (empty = unknown, never 0)",
    "float": "decimal number",
    "date": "ISO date YYYY-MM-DD",
    "bool": "true or false",
}
#: The pandas type each of DTYPES is parsed into (validation, and so every typed table); None: text (object).
PANDAS_DTYPES = {"string": None, "int": "Int64", "float": "Float64", "date": "datetime64[us]", "bool": "boolean"}
#: Units, declared on the fields that carry one.
PEOPLE, DEGREES = "people", "decimal degrees (WGS 84)"


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    ref_columns: tuple[str, ...]
    via_alias: bool = False  # values may also be an alias listed in the referenced table


@dataclass(frozen=True)
class Table:
    name: str
    path: str  # relative to the data directory
    description: str
    columns: tuple[str, ...]
    required: tuple[str, ...]  # columns that may not be empty
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default=())
    min_rows: int = 0  # a file with fewer records is refused (a header alone is not a dataset)


def _f(name, dtype, description, **kw) -> Field:
    return Field(name, dtype, description, **kw)


def _in_mali(name: str, extent: tuple[float, float], description: str) -> Field:
    """A latitude or longitude, in degrees, within Mali's extent on that axis."""
    return Field(name, "float", description, minimum=extent[0], maximum=extent[1], unit=DEGREES)


#: The characters of a stable key (a regular-expression class), and the key itself: a letter or digit first.
ID_CHARACTERS = r"A-Za-z0-9._:\-"
ID_PATTERN = rf"^[A-Za-z0-9][{ID_CHARACTERS}]*$"

FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        # incidents
        _f(
            "incident_id",
            "string",
            "Stable key of an incident or period total; never reused.",
            pattern=ID_PATTERN,
        ),
        _f(
            "record_type",
            "string",
            "`event`: one incident (one actor group, place and day or short span). "
            "`period_total`: a total an NGO reports for a period ('at least 32 civilians since May 2024'); "
            "shown beside incident counts and never added to them. "
            "`episode`: the records of one attack that a dataset split (ACLED codes one event per place and day; "
            "the rule is in data/episode_rules.py): listed once, with the range its notes state; its records are "
            "the events counted, and the episode itself is never added.",
            allowed=("event", "period_total", "episode"),
        ),
        _f("title", "string", "Short headline of the incident, or of the source document in sources."),
        _f("summary", "string", "What happened, in a few sentences, as the sources report it."),
        _f("start_date", "date", "First day the incident (or period) may have taken place."),
        _f(
            "end_date",
            "date",
            "Last day it may have taken place; equal to start_date when the day is known.",
        ),
        _f(
            "date_precision",
            "string",
            "How precisely the date is known: the true date lies between start_date and end_date.",
            allowed=("day", "week", "month", "year"),
        ),
        _f("country", "string", "ISO 3166-1 alpha-3 country code.", pattern=r"^[A-Z]{3}$"),
        _f(
            "admin1",
            "string",
            "Region (first-level division), as a canonical name or alias from data/reference/regions.csv; "
            "empty when the source does not establish it.",
        ),
        _f("admin2", "string", "Cercle (second-level division), where known."),
        _f("location_name", "string", "The place in the source's words (village, road, area)."),
        _in_mali("latitude", MALI_LATITUDE_RANGE, "Latitude in decimal degrees (WGS84), where the place is known."),
        _in_mali("longitude", MALI_LONGITUDE_RANGE, "Longitude in decimal degrees (WGS84), where the place is known."),
        _f(
            "location_precision",
            "string",
            "How precisely the place is known: `exact` a named village or town, `near` near a named place, "
            "`admin2` a cercle, `admin1` a region, `country` only the country or a broad area, "
            "`multiple` several places (period totals).",
            allowed=("exact", "near", "admin2", "admin1", "country", "multiple"),
        ),
        _f(
            "event_type",
            "string",
            "Our typology; each value maps to an ACLED event and sub-event type (table in docs/data_dictionary.md).",
            allowed=tuple(EVENT_TYPES),
        ),
        _f(
            "is_civilian_targeting",
            "bool",
            "True when civilians were the main target (ACLED civilian_targeting; UCDP one-sided violence).",
        ),
        _f(
            "dataset",
            "string",
            "Where the record comes from: `curated` (this project, from the seed reports), `acled`, `ucdp`, "
            "or the name given to an analyst's own table.",
            pattern=r"^[a-z0-9_]+$",
        ),
        _f("external_id", "string", "The record's id in its source dataset (ACLED event_id_cnty, UCDP id)."),
        _f(
            "parent_incident_id",
            "string",
            "The period total this event is also counted in, so that the two are never added together; or the "
            "episode (one attack split over several records) this event is one record of.",
            pattern=ID_PATTERN,
        ),
        _f(
            "verification_note",
            "string",
            "How the date, place and figures were checked, and where the seed reports disagree with each other "
            "or with the public record.",
        ),
        # perpetrators
        _f("actor", "string", "Canonical actor name or an alias from data/reference/actors.csv."),
        _f(
            "role",
            "string",
            "`primary`: the main perpetrator; `joint`: an armed force or group that acted together with the primary "
            "actor, or was named together with it by the source (ACLED's associated actors that are armed forces or "
            "groups: src/analysis/data/associated_actor_rules.csv); `associated`: a supporting actor; `opponent`: the "
            "other side of a battle, not a perpetrator of the harm counted.",
            allowed=("primary", "joint", "associated", "opponent"),
        ),
        _f(
            "attribution",
            "string",
            "How firmly the harm is attributed to this actor: "
            + "; ".join(f"`{k}`: {v}" for k, v in ATTRIBUTION_GRADES.items())
            + ".",
            allowed=tuple(ATTRIBUTION_GRADES),
        ),
        _f("attribution_basis", "string", "Who attributes it, and how (the evidence words are kept)."),
        _f(
            "actor_description",
            "string",
            "Identity or communal labels the source attaches to this actor (ACLED associated actors such as "
            '"Fulani Ethnic Group (Mali)", "Pastoralists (Mali)", separated by "; "): who its members are, '
            "never a perpetrator or a family of their own; empty when none.",
        ),
        # casualties
        _f(
            "harm",
            "string",
            "The kind of harm counted: " + "; ".join(f"`{k}`: {v}" for k, v in HARMS.items()) + ".",
            allowed=tuple(HARMS),
        ),
        _f(
            "victim_status",
            "string",
            "`civilian`, `combatant`, or `unknown` (status not established, e.g. ACLED battle fatalities).",
            allowed=("civilian", "combatant", "unknown"),
        ),
        _f(
            "victim_group",
            "string",
            "`all`, or a subset of all (`children`, `women`, `men`, `aid_workers`, `journalists`, `peacekeepers`, "
            "`detainees`); a subset is never added to `all`.",
            allowed=("all", "children", "women", "men", "aid_workers", "journalists", "peacekeepers", "detainees"),
        ),
        _f("count_min", "int", "Lowest figure the sources support.", minimum=0, unit=PEOPLE),
        _f("count_best", "int", "The figure the sources state, or our best estimate.", minimum=0, unit=PEOPLE),
        _f(
            "count_max",
            "int",
            "Highest figure any source gives; empty when no source gives an upper bound.",
            minimum=0,
            unit=PEOPLE,
        ),
        _f("count_text", "string", "The source's own words for the figure ('at least 13', 'several dozen')."),
        # sources
        _f(
            "publisher",
            "string",
            "Who says it: the organisation or person whose statement this row records.",
        ),
        _f(
            "source_type",
            "string",
            "Kind of publisher.",
            allowed=("ngo", "un", "media", "armed_group", "government", "civil_society", "witness", "dataset"),
        ),
        _f(
            "stance",
            "string",
            "`reports` documents the harm; `alleges` accuses an actor; `denies` rejects the attribution or "
            "the harm (makes the grade `contested`); `claims` an actor claims the act.",
            allowed=("reports", "alleges", "denies", "claims"),
        ),
        _f("published_date", "date", "When the publisher's statement or report was published, where known."),
        _f(
            "url",
            "string",
            "Address of the publisher's statement or report, where verified.",
            pattern=r"^https?://\S+$",
        ),
        _f("quote", "string", "A short quotation from the document that supports the figures or the stance."),
        _f(
            "document",
            "string",
            "The document that carries this statement: a seed article's file name (../shared/seeds/), "
            "the name of the imported file, or, for a public report consulted directly, its address "
            "(its title where no address was verified).",
        ),
        _f("carried_by", "string", "The outlet that published the document, where known."),
        # actors
        _f(
            "actor_type",
            "string",
            "Kind of actor; `unmatched`: an actor named in an imported dataset that is not (yet) in this table, "
            "kept under that dataset's name.",
            allowed=(
                "state_forces",
                "foreign_state_forces",
                "private_military_company",
                "islamist_armed_group",
                "separatist_armed_group",
                "militia",
                "peacekeepers",
                "unidentified",
                "civilian_group",
                "private_security",
                "unmatched",
            ),
        ),
        _f(
            "family",
            "string",
            "Actor family the report groups perpetrators by: "
            + "; ".join(f"`{code}` ({label})" for code, (label, _) in ACTOR_FAMILIES.items())
            + ".",
            allowed=tuple(ACTOR_FAMILIES),
        ),
        _f(
            "family_basis",
            "string",
            "How the family was decided: `listed` for actors the project lists (or empty); for an actor added by "
            "an import, the classification rule that matched its name or code.",
        ),
        _f(
            "acled_inter",
            "int",
            "ACLED interaction code (1 state forces ... 8 external/other forces); empty when not known.",
            minimum=1,
            maximum=8,
        ),
        _f("active_from", "date", "First day the actor is known to be active in Mali, where relevant."),
        _f("active_to", "date", "Last day it was active under this name, where relevant."),
        _f("successor", "string", "The actor that took over from it (Wagner Group -> Africa Corps)."),
        _f(
            "aliases",
            "string",
            "Other names that resolve to this one, separated by `|` (ACLED, UCDP, French names, accent-free).",
        ),
        _f("description", "string", "What the actor, region or date is."),
        # regions
        _f("region", "string", "Canonical region name, with its accents."),
        _f(
            "region_scheme",
            "string",
            "`pre_2016`: the 8 regions and Bamako district (Natural Earth's polygons); `2016`: Ménaka and "
            "Taoudénit, made operational in 2016; `2023`: the regions created by law 2023-006.",
            allowed=("pre_2016", "2016", "2023"),
        ),
        _f(
            "parent_region",
            "string",
            "The pre-2016 region that contains it, so that data on newer regions can be mapped on older "
            "boundaries; empty for the pre-2016 regions themselves.",
        ),
        _f("capital", "string", "Regional capital."),
        _in_mali("centroid_latitude", MALI_LATITUDE_RANGE, "Latitude of the point used to place the region on a map."),
        _in_mali("centroid_longitude", MALI_LONGITUDE_RANGE, "Longitude of that point."),
        _f("centroid_basis", "string", "How the point was obtained (polygon centroid, or the capital's position)."),
        # key dates
        _f("key_date_id", "string", "Stable key of a key date.", pattern=ID_PATTERN),
        _f("date", "date", "The day (or first day) of the event."),
        _f("label", "string", "Short label used on charts."),
        _f("source_publisher", "string", "Who documents the date."),
        _f("source_title", "string", "Title of that document."),
        _f("source_url", "string", "Its address, where verified.", pattern=r"^https?://\S+$"),
    ]
}

_ALL_REGIONS_FK = ForeignKey(("admin1",), "regions", ("region",), via_alias=True)
#: The tables of an incident's details (perpetrators, casualties, sources) point at their incident.
_OF_AN_INCIDENT = ForeignKey(("incident_id",), "incidents", ("incident_id",))

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "incidents",
            "incidents.csv",
            "One row per incident or per period total reported by an NGO.",
            columns=(
                "incident_id",
                "record_type",
                "title",
                "summary",
                "start_date",
                "end_date",
                "date_precision",
                "country",
                "admin1",
                "admin2",
                "location_name",
                "latitude",
                "longitude",
                "location_precision",
                "event_type",
                "is_civilian_targeting",
                "dataset",
                "external_id",
                "parent_incident_id",
                "verification_note",
            ),
            required=(
                "incident_id",
                "record_type",
                "title",
                "start_date",
                "end_date",
                "date_precision",
                "country",
                "location_precision",
                "event_type",
                "is_civilian_targeting",
                "dataset",
            ),
            primary_key=("incident_id",),
            foreign_keys=(
                _ALL_REGIONS_FK,
                ForeignKey(("parent_incident_id",), "incidents", ("incident_id",)),
            ),
            min_rows=1,
        ),
        Table(
            "perpetrators",
            "perpetrators.csv",
            "One row per incident and actor, with how firmly the harm is attributed to it.",
            columns=("incident_id", "actor", "role", "attribution", "attribution_basis", "actor_description"),
            required=("incident_id", "actor", "role", "attribution", "attribution_basis"),
            primary_key=("incident_id", "actor"),
            foreign_keys=(
                _OF_AN_INCIDENT,
                ForeignKey(("actor",), "actors", ("actor",), via_alias=True),
            ),
        ),
        Table(
            "casualties",
            "casualties.csv",
            "Long format: one row per incident, harm, victim status and victim group, as a min/best/max range.",
            columns=(
                "incident_id",
                "harm",
                "victim_status",
                "victim_group",
                "count_min",
                "count_best",
                "count_max",
                "count_text",
            ),
            required=("incident_id", "harm", "victim_status", "victim_group", "count_text"),
            primary_key=("incident_id", "harm", "victim_status", "victim_group"),
            foreign_keys=(_OF_AN_INCIDENT,),
        ),
        Table(
            "sources",
            "sources.csv",
            "One row per statement about an incident: who says it, their stance, and the document that carries it.",
            columns=(
                "incident_id",
                "publisher",
                "source_type",
                "stance",
                "published_date",
                "title",
                "url",
                "quote",
                "document",
                "carried_by",
            ),
            required=("incident_id", "publisher", "source_type", "stance", "document"),
            primary_key=("incident_id", "publisher", "stance", "document"),
            foreign_keys=(_OF_AN_INCIDENT,),
        ),
        Table(
            "actors",
            "reference/actors.csv",
            "Reference: armed actors, their ACLED codes, active dates, successors and aliases.",
            columns=(
                "actor",
                "actor_type",
                "family",
                "family_basis",
                "acled_inter",
                "active_from",
                "active_to",
                "successor",
                "aliases",
                "description",
            ),
            required=("actor", "actor_type", "family", "description"),
            primary_key=("actor",),
            foreign_keys=(ForeignKey(("successor",), "actors", ("actor",)),),
            min_rows=1,
        ),
        Table(
            "regions",
            "reference/regions.csv",
            "Reference: Mali's regions in the pre-2016, 2016 and 2023 schemes, with aliases and map points.",
            columns=(
                "region",
                "region_scheme",
                "parent_region",
                "capital",
                "aliases",
                "centroid_latitude",
                "centroid_longitude",
                "centroid_basis",
            ),
            required=(
                "region",
                "region_scheme",
                "capital",
                "centroid_latitude",
                "centroid_longitude",
                "centroid_basis",
            ),
            primary_key=("region",),
            foreign_keys=(ForeignKey(("parent_region",), "regions", ("region",)),),
            min_rows=1,
        ),
        Table(
            "key_dates",
            "reference/key_dates.csv",
            "Reference: dates that mark periods in the conflict, each with its source.",
            columns=(
                "key_date_id",
                "date",
                "end_date",
                "date_precision",
                "label",
                "description",
                "source_publisher",
                "source_title",
                "source_url",
            ),
            required=("key_date_id", "date", "date_precision", "label", "description", "source_publisher"),
            primary_key=("key_date_id",),
            min_rows=1,
        ),
    ]
}

#: The order in which tables are loaded: reference tables first, as others point at them.
LOAD_ORDER = ("actors", "regions", "key_dates", "incidents", "perpetrators", "casualties", "sources")


def table_fields(table_name: str) -> list[Field]:
    return [FIELDS[c] for c in TABLES[table_name].columns]


def data_dictionary_markdown() -> str:
    """The data dictionary, generated from the declarations above."""
    lines = ["# Data dictionary", "", "Generated from `src/analysis/data/schema.py` by `python -m analysis docs`.", ""]
    for table in TABLES.values():
        lines += [f"## `{table.path}`", "", table.description, ""]
        lines.append(f"Primary key: {', '.join(f'`{c}`' for c in table.primary_key)}.")
        for fk in table.foreign_keys:
            alias = " (or an alias)" if fk.via_alias else ""
            lines.append(f"`{', '.join(fk.columns)}` refers to `{fk.table}.{', '.join(fk.ref_columns)}`{alias}.")
        if table.min_rows:
            lines.append(f"At least {table.min_rows} record{'s' if table.min_rows > 1 else ''}.")
        lines += ["", "| column | type | required | allowed values | description |", "|---|---|---|---|---|"]
        for f in table_fields(table.name):
            allowed = ", ".join(f"`{v}`" for v in f.allowed) if f.allowed else ""
            if f.minimum is not None or f.maximum is not None:
                allowed = (
                    allowed + " " if allowed else ""
                ) + f"{f.minimum if f.minimum is not None else ''}..{f.maximum if f.maximum is not None else ''}"
            req = "yes" if f.name in table.required else ""
            kind = DTYPES[f.dtype] + (f"; unit: {f.unit}" if f.unit else "")
            lines.append(f"| `{f.name}` | {kind} | {req} | {allowed} | {f.description} |")
        lines.append("")
    lines += [
        "## Event types and their ACLED equivalents",
        "",
        "| event_type | ACLED event type | ACLED sub-event type | meaning |",
        "|---|---|---|---|",
    ]
    for key, (etype, sub, meaning) in EVENT_TYPES.items():
        lines.append(f"| `{key}` | {etype} | {sub} | {meaning} |")
    lines += [
        "",
        "## ACLED event types on import",
        "",
        "An ACLED event that reports fatalities is always imported, whatever its type. Victim status of its "
        "fatalities: `civilian`; `unknown` (status not established); `target`: civilian when ACLED codes the "
        "event as civilian targeting (its `civilian_targeting` flag, or civilians as the other side), unknown "
        "otherwise. An event without fatalities is imported only when its type records harm to people or property "
        "(ACLED's 0 is 'no reported fatalities': no `killed` row is written for it).",
        "",
        "| ACLED event type | ACLED sub-event type | event_type | victim status of fatalities | without fatalities |",
        "|---|---|---|---|---|",
    ]
    for (etype, sub), rule in ACLED_EVENT_TYPES.items():
        scope = "imported" if rule.in_scope else "out of scope"
        lines.append(
            f"| {etype} | {sub or '(none, before 2019)'} | `{rule.event_type}` | {rule.victim_status} | {scope} |"
        )
    lines += [
        "",
        "## Files",
        "",
        'Every table is a UTF-8 CSV file (a byte-order mark is accepted) with `,` between values, `"` around values '
        "that hold a comma, a quote or a line break, and `\\n` or `\\r\\n` line ends. The first line is the header. "
        f"A cell holds at most {MAX_CELL_CHARACTERS:,} characters.",
    ]
    lines += ["", "## Words instead of numbers", "", "| words | count_min |", "|---|---|"]
    lines += [f"| {w} | {n} |" for w, n in COUNT_WORDS.items()]
    return "\n".join(lines) + "\n"
