"""Grouping the records of one attack into episodes, after any importer has built its tables.

The rule is declared in ``analysis.data.episode_rules``. This step works on the tidy tables (incidents,
perpetrators, casualties, sources) whatever dataset they came from, and on whole columns: one sort of the
candidate records by their grouping key and start day, a running maximum of end days per key, and a
cumulative sum of "a new episode starts here" flags; the episode rows are one ``groupby`` of the members.

What it adds: one ``incidents`` row per episode (record_type ``episode``), the members' parent_incident_id,
the range the notes state for the whole attack as casualties rows of the episode (never summed: only
events are), and one sources row per episode naming the records it groups (every incident is sourced).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..data.columns import joined
from ..data.episode_rules import (
    NUMBER_WORDS,
    RANGE_PATTERNS,
    RANGE_VICTIM_WORDS,
    RULE,
    SPLIT_NOTE_PATTERNS,
    EpisodeRule,
)

EPISODE_PREFIX = "episode-"
_LEADING_ROLES = ("primary", "joint")
_PRECISION_ORDER = ["day", "week", "month", "year"]
#: A cheap test for notes worth matching against the split patterns (most notes are not).
_SPLIT_TRIGGER = r"split|divided|distributed|spread|coded\s+(?:across|over)|r[ée]parti"
_RANGE_TRIGGER = r"\bbetween\b|\bentre\b"


@dataclass
class EpisodeSummary:
    """What the grouping did, for the import report."""

    #: Episode rows added.
    episodes: int
    #: Records grouped into them.
    records: int
    #: Episodes formed because the notes say the fatalities are split between records.
    by_split_note: int
    #: Episodes formed by same place, perpetrators and kind on consecutive days.
    by_same_place: int
    #: Episodes with a range of people stated in the notes for the whole attack.
    with_reported_range: int
    #: Records whose notes declare a split but that no other record of the file joins.
    split_notes_alone: int
    #: Episodes whose note declares another number of records than were found (episode id, declared, found).
    count_mismatches: list[tuple[str, int, int]] = field(default_factory=list)

    def lines(self) -> list[str]:
        if not self.episodes and not self.split_notes_alone:
            return [f"episodes:           {0:>9}  (no attack recorded in several records)"]
        lines = [
            f"episodes:           {self.episodes:>9,}  formed from {self.records:,} records of one attack each "
            f"({self.by_split_note:,} by notes saying the fatalities are split, {self.by_same_place:,} by same "
            f"place, perpetrators and kind on consecutive days; {self.with_reported_range:,} with a range stated "
            "in the notes, kept beside the coded figures and never added)"
        ]
        if self.split_notes_alone:
            lines.append(
                f"  {self.split_notes_alone:,} record(s) whose notes say the fatalities are split, with no other "
                "record of the same perpetrators and cercle on consecutive days in this file (left as they are)"
            )
        for episode, declared, found in self.count_mismatches[:20]:
            lines.append(f"  {episode}: the notes say {declared} records, {found} were found and grouped")
        return lines

    def as_json(self) -> dict:
        return {
            "episodes": self.episodes,
            "records": self.records,
            "by_split_note": self.by_split_note,
            "by_same_place": self.by_same_place,
            "with_reported_range": self.with_reported_range,
            "split_notes_alone": self.split_notes_alone,
            "count_mismatches": [{"episode": e, "declared": d, "found": f} for e, d, f in self.count_mismatches],
        }


def _text(values: pd.Series) -> pd.Series:
    values = values.astype(object)
    return values.where(values.notna(), "")


def _key_text(values: pd.Series) -> pd.Series:
    """Text compared for grouping: trimmed, lower case, missing as empty."""
    return _text(values).astype(str).str.strip().str.lower()


def perpetrator_groups(incidents: pd.Series, perpetrators: pd.DataFrame, roles=_LEADING_ROLES) -> pd.Series:
    """Per incident id: its actors in ``roles`` (primary and joint), sorted and joined (empty text: none)."""
    p = perpetrators[_text(perpetrators["role"]).isin(roles)]
    p = pd.DataFrame({"incident_id": _text(p["incident_id"]), "actor": _text(p["actor"]).astype(str)})
    p = p.drop_duplicates().sort_values(["incident_id", "actor"], kind="stable")
    joined = (p["actor"] + "\x1f").groupby(p["incident_id"].to_numpy(), sort=False).sum()
    # object first: with no perpetrator row at all the mapped column is float, and a text fill fails.
    return _text(incidents).map(joined).astype(object).fillna("")


def _matches(text: pd.Series, regex: str) -> pd.Series:
    """Whether each text matches ``regex`` (case-insensitive), tested by Arrow's RE2 over the whole column:
    a cheap filter before the Python patterns, which are slow on thousands of notes."""
    found = pc.match_substring_regex(pa.array(text.to_numpy(dtype=object), type=pa.string()), regex, ignore_case=True)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=text.index).fillna(False).astype(bool)


def split_declared(summaries: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whether each summary says its fatalities are split between records, and the number of records it
    names (missing when it names none)."""
    text = _text(summaries).astype(str)
    candidates = _matches(text, _SPLIT_TRIGGER)
    split = pd.Series(False, index=text.index)
    declared = pd.Series(np.nan, index=text.index)
    picked = text[candidates]
    for _, regex, _ in SPLIT_NOTE_PATTERNS:
        if picked.empty:
            break
        found = picked.str.extract(f"(?i)(?P<all>{regex})")
        hit = found["all"].notna()
        split.loc[hit[hit].index] = True
        if "n" in found:
            n = found["n"].str.lower()
            number = pd.to_numeric(n, errors="coerce").fillna(n.map(NUMBER_WORDS))
            declared = declared.fillna(number.reindex(declared.index))
    return split, declared


def reported_ranges(summaries: pd.Series) -> pd.DataFrame:
    """Ranges of people stated in each summary: one row per summary and victim status (row index of the
    summary as ``row``), with count_min, count_max and the words as written."""
    text = _text(summaries).astype(str)
    picked = text[_matches(text, _RANGE_TRIGGER)]
    parts = []
    for _, regex, _ in RANGE_PATTERNS:
        if picked.empty:
            break
        found = picked.str.extractall(f"(?i)(?P<words>{regex})")
        if found.empty:
            continue
        found = found.reset_index(level=1, drop=True).rename_axis("row").reset_index()
        parts.append(found)
    if not parts:
        return pd.DataFrame(columns=["row", "victim_status", "count_min", "count_max", "words"])
    found = pd.concat(parts, ignore_index=True)

    def number(values: pd.Series) -> pd.Series:
        return pd.to_numeric(values.str.replace(r"[^\d]", "", regex=True), errors="coerce")

    out = pd.DataFrame(
        {
            "row": found["row"],
            "victim_status": found["who"].str.lower().map(RANGE_VICTIM_WORDS),
            "count_min": number(found["low"]),
            "count_max": number(found["high"]),
            "words": found["words"].str.split().str.join(" "),
        }
    )
    out = out[out["count_min"].notna() & (out["count_min"] <= out["count_max"])]
    return out.drop_duplicates(["row", "victim_status"]).reset_index(drop=True)


def assign_episodes(incidents: pd.DataFrame, perpetrators: pd.DataFrame, rule: EpisodeRule = RULE) -> pd.DataFrame:
    """Per candidate event (index of ``incidents``): its episode number, the basis, and whether its notes
    declare a split. Events that group with no other get no row."""
    events = incidents["record_type"].eq("event")
    if rule.skip_records_with_parent and "parent_incident_id" in incidents:
        events &= incidents["parent_incident_id"].isna()
    ev = incidents[events]
    if ev.empty:
        return pd.DataFrame(columns=["episode", "basis", "split", "declared"])
    group = perpetrator_groups(ev["incident_id"], perpetrators)
    every_actor = perpetrator_groups(
        ev["incident_id"], perpetrators, roles=tuple(perpetrators["role"].dropna().unique())
    )
    split, declared = split_declared(ev["summary"] if "summary" in ev else pd.Series("", index=ev.index))
    dataset = _key_text(ev["dataset"])
    admin1 = _key_text(ev["admin1"]) if "admin1" in ev else ""
    place = _key_text(ev["location_name"]) if "location_name" in ev else pd.Series("", index=ev.index)
    admin2 = _key_text(ev["admin2"]) if "admin2" in ev else pd.Series("", index=ev.index)
    cercle = admin2.where(admin2.ne(""), place)
    start = pd.to_datetime(ev["start_date"], errors="coerce")
    end = pd.to_datetime(ev["end_date"], errors="coerce").fillna(start)
    named = group.ne("") & start.notna()

    by_note = split & cercle.ne("") & named & rule.split_note_groups_within_cercle
    by_place = place.ne("") & named & ~by_note & _key_text(ev["location_precision"]).isin(rule.same_place_precisions)
    by_place &= ~_matches(group, rule.unidentified_actor_pattern)
    if rule.same_place_requires_day_precision:
        by_place &= _key_text(ev["date_precision"]).eq("day")
    sep = "\x1e"
    base = dataset + sep + group + sep + admin1 + sep
    kind = _key_text(ev["event_type"]) if rule.same_place_requires_same_event_type else ""
    if rule.same_place_requires_same_targeting and "is_civilian_targeting" in ev:
        kind = kind + sep + _key_text(ev["is_civilian_targeting"])
    key = pd.Series(pd.NA, index=ev.index, dtype=object)
    key[by_note] = ("note" + sep + base + cercle)[by_note]
    key[by_place] = ("place" + sep + base + admin2 + sep + place + sep + kind + sep + every_actor)[by_place]

    frame = pd.DataFrame({"key": key, "start": start, "end": end, "split": split, "declared": declared})
    frame = frame[frame["key"].notna()].sort_values(["key", "start", "end"], kind="stable")
    if frame.empty:
        return pd.DataFrame(columns=["episode", "basis", "split", "declared"])
    # Interval merging per key: a record starts a new episode when its first day is more than the gap
    # after the latest last day of the records before it under the same key.
    latest = frame.groupby("key", sort=False)["end"].cummax()
    previous_latest = latest.groupby(frame["key"], sort=False).shift()
    by_note_key = frame["key"].str.startswith("note")
    gap = pd.to_timedelta(
        np.where(by_note_key, rule.max_gap_days_split_note, rule.max_gap_days).astype("int64"), unit="D"
    )
    new = previous_latest.isna() | (frame["start"] > previous_latest + gap)
    frame["episode"] = new.cumsum()
    size = frame.groupby("episode")["episode"].transform("size")
    alone = int(((size == 1) & frame["split"]).sum())
    frame = frame[size > 1]
    out = frame[["episode", "split", "declared"]].assign(
        basis=np.where(frame["key"].str.startswith("note"), "split_note", "same_place")
    )
    out.attrs["split_notes_alone"] = alone
    return out


def group_episodes(
    incidents: pd.DataFrame,
    perpetrators: pd.DataFrame,
    casualties: pd.DataFrame,
    sources: pd.DataFrame,
    rule: EpisodeRule = RULE,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, EpisodeSummary]:
    """The incidents with episode rows added and members pointing at them, the casualties with each
    episode's reported range added, the sources with one row per episode, and what was done."""
    members = assign_episodes(incidents, perpetrators, rule)
    alone = members.attrs.get("split_notes_alone", 0)
    if members.empty:
        return incidents, casualties, sources, EpisodeSummary(0, 0, 0, 0, 0, split_notes_alone=alone)
    rows = _member_rows(incidents, members)
    by = rows.groupby("_episode", sort=False)
    first = by.head(1).set_index("_episode")
    episode_id = EPISODE_PREFIX + first["incident_id"].astype(str)
    record_ids = _text(rows["external_id"]).astype(str) if "external_id" in rows else rows["incident_id"]
    joined_ids = joined(rows["_episode"], record_ids.where(record_ids.ne(""), rows["incident_id"].astype(str)))
    count = by.size()
    basis = members.groupby("episode")["basis"].agg(
        lambda b: "split_note" if (b == "split_note").any() else "same_place"
    )
    episodes = _episode_incidents(rows, first, episode_id, joined_ids, count, basis, rule)
    incidents = _with_episodes(incidents, rows, rows["_episode"].map(episode_id), _dated_like(episodes, incidents))
    ranges = _episode_ranges(rows, casualties, episode_id)
    if len(ranges):
        casualties = pd.concat([casualties, ranges], ignore_index=True)
    sources = pd.concat(
        [sources, _episode_sources(rows, sources, episode_id, joined_ids, count, ranges)], ignore_index=True
    )
    declared = members.groupby("episode")["declared"].max()
    mismatch = declared.notna() & declared.ne(count.reindex(declared.index))
    summary = EpisodeSummary(
        episodes=len(episodes),
        records=len(rows),
        by_split_note=int((basis == "split_note").sum()),
        by_same_place=int((basis == "same_place").sum()),
        with_reported_range=int(ranges["incident_id"].nunique()) if len(ranges) else 0,
        split_notes_alone=alone,
        count_mismatches=[(episode_id[e], int(declared[e]), int(count[e])) for e in declared.index[mismatch]],
    )
    return incidents, casualties, sources, summary


def _member_rows(incidents: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """The incidents grouped, with their episode number, first and last day, by episode and start."""
    rows = incidents.loc[members.index].assign(
        _episode=members["episode"].to_numpy(),
        _start=pd.to_datetime(incidents.loc[members.index, "start_date"], errors="coerce"),
        _end=pd.to_datetime(incidents.loc[members.index, "end_date"], errors="coerce"),
    )
    rows["_end"] = rows["_end"].fillna(rows["_start"])
    return rows.sort_values(["_episode", "_start", "incident_id"], kind="stable")


def _episode_incidents(rows, first, episode_id, joined_ids, count, basis, rule: EpisodeRule) -> pd.DataFrame:
    """One incidents row per episode (index: the episode number), its dates as datetimes."""
    by = rows.groupby("_episode", sort=False)
    places = rows.drop_duplicates(["_episode", "location_name"])
    joined_places = joined(places["_episode"], _text(places["location_name"]).astype(str)).str.strip("; ")
    single_place = places.groupby("_episode")["location_name"].nunique().reindex(first.index).le(1)
    precision = rows["date_precision"].map({p: i for i, p in enumerate(_PRECISION_ORDER)}).groupby(rows["_episode"])
    targeting = _key_text(rows["is_civilian_targeting"]).isin(["true", "1", "yes"]).groupby(rows["_episode"]).any()
    episodes = pd.DataFrame(index=first.index)
    episodes["incident_id"] = episode_id
    episodes["record_type"] = "episode"
    place_names = joined_places.reindex(first.index)
    episodes["title"] = (
        "One attack in "
        + place_names.where(place_names.ne(""), "an unnamed place")
        + ", recorded as "
        + count.astype(str)
        + " records: "
        + joined_ids.reindex(first.index)
    )
    episodes["summary"] = first.get("summary", None)
    episodes["start_date"], episodes["end_date"] = by["_start"].min(), by["_end"].max()
    episodes["date_precision"] = precision.max().map(dict(enumerate(_PRECISION_ORDER)))
    for column in ("country", "admin1", "admin2", "dataset"):
        if column in first:
            episodes[column] = first[column]
    episodes["location_name"] = place_names
    for column in ("latitude", "longitude"):
        if column in first:
            episodes[column] = first[column].where(single_place)
    episodes["location_precision"] = first["location_precision"].where(single_place, "multiple")
    episodes["event_type"] = first["event_type"].where(
        by["event_type"].nunique().reindex(first.index).le(1), "multiple"
    )
    episodes["is_civilian_targeting"] = targeting.map({True: "true", False: "false"})
    episodes["external_id"] = joined_ids.reindex(first.index)
    episodes["verification_note"] = "Episode (rule in data/episode_rules.py): " + basis.reindex(first.index).map(
        _basis_words(rule)
    )
    return episodes


def _basis_words(rule: EpisodeRule) -> dict[str, str]:
    return {
        "split_note": "the notes say the fatalities are split between records; same perpetrators, same cercle, "
        f"days at most {rule.max_gap_days_split_note} apart",
        "same_place": "same perpetrators, place and kind of violence, days dated to the day and at most "
        f"{rule.max_gap_days} apart",
    }


def _dated_like(episodes: pd.DataFrame, incidents: pd.DataFrame) -> pd.DataFrame:
    """The episodes' dates in the representation the importer used (datetimes, or ISO text)."""
    for column in ("start_date", "end_date"):
        if not pd.api.types.is_datetime64_any_dtype(incidents[column]):
            episodes[column] = episodes[column].dt.strftime("%Y-%m-%d")
        else:
            episodes[column] = episodes[column].astype(incidents[column].dtype)
    return episodes


def _with_episodes(incidents: pd.DataFrame, rows: pd.DataFrame, ids: pd.Series, episodes: pd.DataFrame) -> pd.DataFrame:
    """The incidents, the members pointing at their episode, and the episode rows after them by start."""
    incidents = incidents.copy()
    if "parent_incident_id" not in incidents:
        incidents["parent_incident_id"] = pd.Series(pd.NA, index=incidents.index, dtype=object)
    incidents["parent_incident_id"] = incidents["parent_incident_id"].astype(object)
    incidents.loc[rows.index, "parent_incident_id"] = ids.to_numpy()
    episodes = episodes.sort_values(["start_date", "incident_id"], kind="stable")
    return pd.concat([incidents, episodes.reset_index(drop=True)], ignore_index=True)


def _episode_ranges(rows: pd.DataFrame, casualties: pd.DataFrame, episode_id: pd.Series) -> pd.DataFrame:
    """The range of people killed that the members' notes state for the whole attack, per status: the lowest
    low and the highest high of the members' notes (usually the same note repeated), with the words."""
    if "summary" not in rows:
        return pd.DataFrame()
    found = reported_ranges(rows["summary"])
    if found.empty:
        return pd.DataFrame()
    # Read as people killed only where the episode's records report deaths.
    killed = casualties.loc[_text(casualties["harm"]).eq("killed"), "incident_id"]
    lethal = _text(rows["incident_id"]).isin(set(_text(killed)))
    found["_episode"] = rows.loc[found["row"], "_episode"].to_numpy()
    found = found[found["_episode"].isin(rows.loc[lethal, "_episode"])]
    if found.empty:
        return pd.DataFrame()
    per = found.groupby(["_episode", "victim_status"], sort=False).agg(
        count_min=("count_min", "min"), count_max=("count_max", "max"), words=("words", "first")
    )
    per = per.reset_index()
    return pd.DataFrame(
        {
            "incident_id": per["_episode"].map(episode_id).to_numpy(),
            "harm": "killed",
            "victim_status": per["victim_status"].to_numpy(),
            "victim_group": "all",
            "count_min": per["count_min"].astype("Int64").to_numpy(),
            "count_best": pd.array([pd.NA] * len(per), dtype="Int64"),
            "count_max": per["count_max"].astype("Int64").to_numpy(),
            "count_text": ("range stated in the notes for the whole attack: “" + per["words"] + "”").to_numpy(),
        }
    )


def _episode_sources(rows, sources, episode_id, joined_ids, count, ranges) -> pd.DataFrame:
    """One statement per episode: the first member's publisher and document, naming the records grouped."""
    first_source = sources.drop_duplicates("incident_id").set_index("incident_id")
    first_member = rows.groupby("_episode", sort=False)["incident_id"].first()
    src = first_source.reindex(first_member.to_numpy())
    out = pd.DataFrame(
        {
            "incident_id": episode_id.reindex(first_member.index).to_numpy(),
            "publisher": src["publisher"].to_numpy() if "publisher" in src else None,
            "source_type": src["source_type"].to_numpy() if "source_type" in src else None,
            "stance": "reports",
            "title": (
                "Episode of "
                + count.reindex(first_member.index).astype(str)
                + " records: "
                + joined_ids.reindex(first_member.index)
            ).to_numpy(),
            "document": src["document"].to_numpy() if "document" in src else None,
        }
    )
    if "published_date" in src:
        out["published_date"] = src["published_date"].to_numpy()
    return out


def apply_episodes(result, rule: EpisodeRule = RULE) -> None:
    """Group ``result``'s (an ImportResult) records into episodes, in place, and note it in its report."""
    result.incidents, result.casualties, result.sources, result.episodes = group_episodes(
        result.incidents, result.perpetrators, result.casualties, result.sources, rule
    )
