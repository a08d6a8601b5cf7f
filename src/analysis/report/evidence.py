"""The evidence behind every figure: one row per incident, and one row per source document.

Both tables are built once per report from whole columns: each of the perpetrators, casualties and
sources tables is grouped once by incident (string joins with ``groupby.agg``) and merged, never
filtered once per incident. The cost grows with the number of rows, not with its square.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.attribution import split_publishers
from ..data.columns import joined
from ..data.dataset import Dataset
from ..data.schema import ACTOR_FAMILIES, ATTRIBUTION_ORDER, EVENT_TYPES
from ..measure.aggregate import REGION_NOT_ESTABLISHED, incident_facts, incident_figures
from ..measure.selection import Selection
from .text import event_title_words
from .text import words as code_words

#: The columns of the incident list, in order: text for readers, then figures and codes for sorting,
#: filtering and spreadsheets.
INCIDENT_COLUMNS = [
    "id",
    "date",
    "place",
    "kind of violence",
    "what happened",
    "summary",
    "perpetrators (attribution)",
    "families",
    "attribution",
    "civilians killed",
    "harm (source's words)",
    "sources",
    # for sorting, filtering and spreadsheets
    "start_date",
    "end_date",
    "year",
    "region",
    "cercle",
    "family_codes",  # the families' codes (data.schema.ACTOR_FAMILIES), joined with "; "
    "grade",
    "killed_min",
    "killed_best",
    "killed_max",
    # the episode (one attack a dataset split over several records) the incident is a record of, and the
    # range of civilians killed its notes state for the whole attack (shown, never added)
    "episode",
    "episode range in the notes",
]

#: How each perpetrator role reads in the list, and the order in which roles are listed.
ROLE_WORDS = {"primary": "perpetrator", "joint": "jointly", "associated": "associated", "opponent": "opponent"}
#: Roles that make an actor one of the incident's perpetrators (its family is the incident's family).
LEADING_ROLES = ("primary", "joint")
#: The family of an incident whose perpetrators the sources do not name.
NO_PERPETRATOR_FAMILY = "unidentified"

#: How precisely a place is known, said after the place where it is not a named village or town.
PLACE_PRECISION_WORDS = {
    "exact": "",
    "near": " (near)",
    "admin2": " (cercle only)",
    "admin1": " (region only)",
    "country": " (precise place not known)",
    "multiple": " (several places)",
}

#: Who was harmed, from victim status and group: civilians of a group are named by the group.
STATUS_WORDS = {"civilian": "civilians", "combatant": "combatants", "unknown": "people of unknown status"}
GROUP_WORDS = {"children": "children", "women": "women", "men": "men"}
#: What happened to them; harms to property or animals name no people.
HARM_WORDS = {
    "killed": "killed",
    "injured": "injured",
    "disappeared": "abducted or disappeared",
    "detained": "arrested or detained",
    "sexual_violence": "subjected to sexual violence",
    "killed_or_disappeared": "killed or disappeared (one figure for both)",
    "displaced": "displaced",
}
PROPERTY_HARM_WORDS = {
    "homes_destroyed": "homes destroyed",
    "property_looted": "property looted",
    "livestock_looted": "animals looted or killed",
}

ROLE_ORDER = {role: i for i, role in enumerate(ROLE_WORDS)}
FAMILY_RANK = {code: i for i, code in enumerate(ACTOR_FAMILIES)}
#: Each kind of violence as ACLED names it (its sub-event type).
KIND_WORDS = {
    code: sub or ("several kinds" if code == "multiple" else "other") for code, (_, sub, _) in EVENT_TYPES.items()
}
GRADE_WORDS = {grade: code_words(grade) for grade in ATTRIBUTION_ORDER}
#: Each family's label, as the reader sees it.
FAMILY_LABELS = {code: label for code, (label, _) in ACTOR_FAMILIES.items()}

#: How a document that is a whole imported dataset is named (its rows' titles are one per event).
DATASET_DOCUMENT = "data export: one record per event"
UNTITLED_DOCUMENT = "(no title recorded)"


def _number_text(values: pd.Series) -> pd.Series:
    """Whole numbers with thousands separators, as text; missing stays missing."""
    # As text even when every value is missing (map would then give floats, and joining them fails).
    return values.map("{:,.0f}".format, na_action="ignore").astype("str")


def range_text(low: pd.Series, best: pd.Series, high: pd.Series) -> pd.Series:
    """'32' when all three agree, else 'best (low–high)'; missing where ``best`` is missing (as text.fmt_range)."""
    lo, be, hi = _number_text(low), _number_text(best), _number_text(high)
    same = (low == best) & (best == high)
    return be.where(same.fillna(False).astype(bool), be + " (" + lo + "–" + hi + ")")


def _text(column: pd.Series) -> pd.Series:
    """A text column with missing values as empty text, as Python strings: concatenating and mapping
    them is several times faster than with Arrow-backed strings."""
    values = column.astype(object)
    return values.where(values.notna(), "")


def _words(column: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """Codes as words from ``mapping``; a code it does not list, with underscores as spaces."""
    codes = _text(column)
    words = codes.map(mapping)
    unlisted = words.isna()
    if unlisted.any():
        words[unlisted] = codes[unlisted].str.replace("_", " ")
    return words


_MONTHS = np.array(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], dtype=object)
_DAYS = np.array([f"{day:02d}" for day in range(32)], dtype=object)


def _dates(values: pd.Series, with_year: pd.Series | bool = True) -> pd.Series:
    """Dates as '05 Mar 2024' ('05 Mar' where ``with_year`` is False; missing dates as empty text),
    composed from whole columns: strftime takes about 25 microseconds a date."""
    dates = pd.DatetimeIndex(values)
    known = ~dates.isna()
    day = np.where(known, dates.day, 0).astype(int)
    month = np.where(known, dates.month, 1).astype(int)
    year = np.where(known, dates.year, 0).astype(int).astype(str).astype(object)
    text = _DAYS[day] + " " + _MONTHS[month - 1]
    text = np.where(np.asarray(with_year), text + " " + year, text)
    return pd.Series(np.where(known, text, ""), index=values.index, dtype=object)


def incident_list(dataset: Dataset, selection: Selection) -> pd.DataFrame:
    """Every selected incident, one row each, by date: what happened, who did it with what grade, the
    civilians killed (range), the harm in the sources' words and the statements it rests on."""
    facts = incident_facts(dataset, selection).sort_values(["start_date", "incident_id"], kind="stable")
    if facts.empty:
        return pd.DataFrame(columns=INCIDENT_COLUMNS)
    facts.index = pd.Index(_text(facts["incident_id"]).to_numpy(), name="incident_id")
    ids = facts.index
    out = pd.DataFrame({"id": ids}, index=ids)

    start, end = facts["start_date"], facts["end_date"]
    spans = (end.notna() & (end != start)).to_numpy()
    date = _dates(start, with_year=~spans | (start.dt.year != end.dt.year).to_numpy())
    date[spans] = date[spans] + " – " + _dates(end[spans])
    precision = _text(facts["date_precision"])
    imprecise = precision.ne("day") & precision.ne("")
    date[imprecise] = date[imprecise] + " (date known to the " + precision[imprecise] + ")"
    out["date"] = date

    location, region = _text(facts["location_name"]), _text(facts["admin1"])
    # The region after the place, unless the place is the region's own name (Mopti, Mopti).
    named = region.ne("") & region.ne(location)
    place = location.where(~named, location.where(location.eq(""), location + ", ") + region)
    place = place.where(place.ne(""), "place not established")
    out["place"] = place + _text(facts["location_precision"]).map(PLACE_PRECISION_WORDS).fillna("")
    out["kind of violence"] = _words(facts["event_type"], KIND_WORDS)
    out["what happened"] = event_title_words(_text(facts["title"]))  # generated titles as sentences
    out["summary"] = _text(facts["summary"])

    perpetrators = _perpetrators(dataset, ids)
    out["perpetrators (attribution)"] = perpetrators["perpetrators (attribution)"].reindex(ids).fillna("not identified")
    out["families"] = perpetrators["families"].reindex(ids).fillna(FAMILY_LABELS[NO_PERPETRATOR_FAMILY])
    out["attribution"] = _words(facts["grade"], GRADE_WORDS)

    killed = incident_figures(dataset).drop_duplicates("incident_id")
    killed = killed.set_index(_text(killed["incident_id"]).to_numpy()).reindex(ids)
    reported = killed["has_figure"].notna()
    has_figure = killed["has_figure"].fillna(False).astype(bool)
    text = range_text(killed["count_min"], killed["count_best"], killed["count_max"])
    out["civilians killed"] = text.where(has_figure, "reported, no figure").where(reported, "–")
    out["harm (source's words)"] = _harm_text(dataset, ids).reindex(ids).fillna("")
    out["sources"] = _statements(dataset, ids).reindex(ids).fillna("")

    out["start_date"], out["end_date"] = start, end
    out["year"] = start.dt.year
    out["region"] = region.where(region.ne(""), REGION_NOT_ESTABLISHED)
    out["cercle"] = _text(facts["admin2"])  # for the annex's cercle filter
    out["family_codes"] = perpetrators["family_codes"].reindex(ids).fillna(NO_PERPETRATOR_FAMILY)
    out["grade"] = _text(facts["grade"])
    for column, source in (("killed_min", "count_min"), ("killed_best", "count_best"), ("killed_max", "count_max")):
        out[column] = killed[source].where(has_figure).astype("Int64")
    episode = _text(facts["episode_id"])
    out["episode"] = episode.where(episode.ne(ids.to_series(index=ids)), "")
    out["episode range in the notes"] = _episode_ranges(dataset, out["episode"])
    return out[INCIDENT_COLUMNS].reset_index(drop=True)


def _episode_ranges(dataset: Dataset, episodes: pd.Series) -> pd.Series:
    """Per row, the range of civilians killed that its episode's notes state ('150–600'), else empty text."""
    c = dataset.casualties
    wanted = episodes[episodes.ne("")].unique()
    rows = c[
        c["incident_id"].isin(wanted)
        & c["harm"].eq("killed")
        & c["victim_status"].eq("civilian")
        & c["victim_group"].eq("all")
    ].drop_duplicates("incident_id")
    low, high = _number_text(rows["count_min"]), _number_text(rows["count_max"])
    text = low.where(high.isna() | rows["count_max"].isna(), low + "–" + high)
    by_episode = pd.Series(text.to_numpy(), index=_text(rows["incident_id"]).to_numpy(), dtype=object)
    return episodes.map(by_episode).astype(object).fillna("")


def _rows_of(table: pd.DataFrame, ids: pd.Index) -> pd.DataFrame:
    """The rows of ``table`` about the incidents ``ids``, with incident ids as Python strings."""
    rows = table[table["incident_id"].isin(ids)]
    return rows.assign(incident_id=_text(rows["incident_id"]))


def _perpetrators(dataset: Dataset, ids: pd.Index) -> pd.DataFrame:
    """Per incident: every actor with its role and grade, and the families of its perpetrators."""
    p = _rows_of(dataset.perpetrators, ids)
    p = p.assign(_order=p["role"].map(ROLE_ORDER).fillna(len(ROLE_ORDER))).sort_values(
        ["incident_id", "_order"], kind="stable"
    )
    actor = _text(p["actor"])
    # The identity labels a source attaches to an actor (ACLED's "Fulani Ethnic Group (Mali)") say who it is.
    labels = _text(p["actor_description"]) if "actor_description" in p else pd.Series("", index=p.index)
    described = ("; described as " + labels.str.replace("; ", ", ", regex=False)).where(labels.ne(""), "")
    text = actor + " (" + _words(p["role"], ROLE_WORDS) + ", " + _words(p["attribution"], GRADE_WORDS) + described + ")"
    leading = p["role"].isin(LEADING_ROLES).to_numpy()
    families = _text(dataset.actors["family"]).set_axis(_text(dataset.actors["actor"]).to_numpy())
    family_rows = pd.DataFrame(
        {"incident_id": p["incident_id"][leading], "family": actor[leading].map(families).fillna(NO_PERPETRATOR_FAMILY)}
    ).drop_duplicates()
    family_rows = family_rows.assign(_rank=family_rows["family"].map(FAMILY_RANK).fillna(len(FAMILY_RANK)))
    family_rows = family_rows.sort_values(["incident_id", "_rank"], kind="stable")
    label = family_rows["family"].map(FAMILY_LABELS).fillna(family_rows["family"])
    return pd.DataFrame(
        {
            "perpetrators (attribution)": joined(p["incident_id"], text),
            "family_codes": joined(family_rows["incident_id"], family_rows["family"]),
            "families": joined(family_rows["incident_id"], label),
        }
    )


def _harm_text(dataset: Dataset, ids: pd.Index) -> pd.Series:
    """Per incident: each harm recorded, in words ('civilians killed: at least 13')."""
    c = _rows_of(dataset.casualties, ids)
    status_code, group_code = _text(c["victim_status"]), _text(c["victim_group"])
    status = _words(status_code, STATUS_WORDS)
    group = group_code.map(GROUP_WORDS)
    civilian = status_code.eq("civilian")
    who = status.where(group.isna(), group.where(civilian, status + " (" + group_code + ")"))
    harm = _text(c["harm"])
    label = (who + " " + _words(harm, HARM_WORDS)).where(~harm.isin(PROPERTY_HARM_WORDS), harm.map(PROPERTY_HARM_WORDS))
    figure = range_text(c["count_min"], c["count_best"].fillna(c["count_min"]), c["count_max"].fillna(c["count_best"]))
    words = _text(c["count_text"])
    words = words.where(words.ne(""), figure.fillna("no figure"))
    return joined(c["incident_id"], label + ": " + words)


def _statements(dataset: Dataset, ids: pd.Index) -> pd.Series:
    """Per incident: who says what and where ('Human Rights Watch, reports: “Title” (28 Mar 2024) …')."""
    s = _rows_of(dataset.sources, ids)
    title, published, carried, quote = (
        _text(s["title"]),
        _dates(s["published_date"]),
        _text(s["carried_by"]),
        _text(s["quote"]),
    )
    text = (
        _text(s["publisher"])
        + ", "
        + _text(s["stance"])
        + title.where(title.eq(""), ": “" + title + "”")
        + published.where(published.eq(""), " (" + published + ")")
        + carried.where(carried.eq(""), ", via " + carried)
        + quote.where(quote.eq(""), ": “" + quote + "”")
    )
    return joined(s["incident_id"], text)


def sources_appendix(dataset: Dataset, incident_ids: pd.Series | None = None) -> pd.DataFrame:
    """Each source document once, by publisher and title (never a file name), with the incidents it
    supports. An imported dataset's rows are one document: the export, on one line with its count.

    ``incident_ids`` limits it to the statements about those incidents (the report's selection)."""
    s = dataset.sources
    if incident_ids is not None:
        s = s[s["incident_id"].isin(incident_ids)]
    columns = ["publisher", "document", "published", "stance", "carried by", "incidents"]
    if s.empty:
        return pd.DataFrame(columns=columns)
    is_dataset = s["source_type"].eq("dataset")
    title = _text(s["title"]).where(~is_dataset, "")
    # A titled document is its publisher and title; an untitled one (or a dataset) the file it came in,
    # which only groups the rows and is never shown.
    key = pd.DataFrame(
        {
            "publisher": _text(s["publisher"]),
            "source_type": _text(s["source_type"]),
            "title": title,
            "file": _text(s["document"]).where(title.eq(""), ""),
        }
    )
    keys = list(key.columns)
    rows = pd.concat([key, s[["incident_id", "stance", "published_date", "url", "carried_by"]]], axis=1)
    grouped = rows.groupby(keys, sort=False, dropna=False)
    documents = grouped.agg(
        incidents=("incident_id", "nunique"),
        first=("published_date", "min"),
        last=("published_date", "max"),
        url=("url", "first"),
    )
    stances = rows.drop_duplicates([*keys, "stance"])
    documents["stance"] = stances.groupby(keys, sort=False)["stance"].agg(", ".join)
    # ACLED writes an event's publishers in one field ("Human Rights Watch; Le Monde"): each publisher is
    # counted, not each combination of them.
    carried = rows.loc[rows["carried_by"].notna(), [*keys, "carried_by"]]
    publishers = split_publishers(carried["carried_by"])
    # "RFI" and "rfi" are one publisher, shown as it is most often written.
    key = publishers.str.casefold()
    spelling = publishers.groupby(key).agg(lambda names: names.value_counts().index[0])
    carried = carried.drop(columns="carried_by").join(key.map(spelling).rename("carried_by"))
    outlets = carried.groupby([*keys, "carried_by"], sort=False).size().reset_index(name="n")
    outlets = outlets.sort_values([*keys, "n", "carried_by"], ascending=[True] * len(keys) + [False, True])
    outlets["rank"] = outlets.groupby(keys, sort=False).cumcount()
    named = outlets[outlets["rank"] < 3].groupby(keys, sort=False)["carried_by"].agg(", ".join)
    more = outlets.groupby(keys, sort=False).size() - 3
    documents["carried by"] = named.reindex(documents.index).fillna("")
    extra = more.reindex(documents.index).fillna(0)
    documents["carried by"] = documents["carried by"].where(
        extra <= 0, documents["carried by"] + extra.map(lambda n: f" and {n:,.0f} more")
    )
    documents = documents.reset_index()
    first, last = _dates(documents["first"]), _dates(documents["last"])
    documents["published"] = first.where(first.eq(last), first + " – " + last)
    url = _text(documents["url"])
    # A statement without a title of its own (a spokesperson, a witness) is named by what carried it.
    untitled = documents["carried by"].map(lambda c: f"statement carried by {c}" if c else UNTITLED_DOCUMENT)
    shown_title = documents["title"].where(documents["title"].ne(""), untitled)
    shown_title = shown_title.where(documents["source_type"].ne("dataset"), DATASET_DOCUMENT)
    documents["document"] = shown_title + url.where(url.eq(""), " <" + url + ">")
    documents = documents.sort_values(["incidents", "publisher", "document"], ascending=[False, True, True])
    return documents[columns].reset_index(drop=True)
