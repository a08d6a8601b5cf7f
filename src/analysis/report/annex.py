"""The evidence annex: which incidents the PDF lists, and the searchable ``incidents.html`` with all of them.

The PDF body must stay short at any data size, so it lists every incident only when there are few;
otherwise the deadliest and the contested ones, and says where the rest are. The full list goes to
``tables/incidents.csv`` (spreadsheets), ``tables/incidents.json`` (its data) and ``incidents.html``
beside the report: one self-contained page (no external script, style or font) with search, filters
and sorting in plain JavaScript, which shows the rows in pages so that 50,000 incidents stay usable.

Safety: the data goes into the page as JSON inside ``<script type="application/json">`` with ``<``,
``>`` and ``&`` written as ``\\u003c``-style escapes (so no text can close or confuse the script
element), and the page's script inserts every data text with ``textContent``, never as markup. A
Content-Security-Policy forbids anything from elsewhere.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..data.schema import ACTOR_FAMILIES, ATTRIBUTION_ORDER
from .evidence import FAMILY_LABELS, GRADE_WORDS, range_text
from .style import FAMILY_COLOURS

#: The file beside report.html, and its data in the tables folder.
ANNEX_FILE = "incidents.html"
ANNEX_DATA = "incidents.json"

#: With this many incidents or fewer, the PDF lists them all.
PDF_ALL_UP_TO = 40
#: Beyond that, the PDF lists the deadliest incidents, and the deadliest contested ones besides.
PDF_DEADLIEST = 30
PDF_CONTESTED = 10
#: The columns the PDF shows (the annex and the CSV have them all).
PDF_COLUMNS = ["date", "place", "what happened", "perpetrators (attribution)", "civilians killed", "sources", "id"]

#: The annex's columns, in the order of each row of its JSON data (the page's script reads them by name).
ANNEX_COLUMNS = {
    "id": "id",
    "start": "start_date",
    "date": "date",
    "year": "year",
    "place": "place",
    "region": "region",
    "cercle": "cercle",
    "kind": "kind of violence",
    "title": "what happened",
    "summary": "summary",
    "perpetrators": "perpetrators (attribution)",
    "families": "family_codes",
    "grade": "grade",
    "killed": "civilians killed",
    "best": "killed_best",
    "harm": "harm (source's words)",
    "sources": "sources",
}


def _by_deaths(frame: pd.DataFrame) -> pd.DataFrame:
    """Deadliest first: best estimate, then the highest figure, then date; no figure last."""
    return frame.sort_values(
        ["killed_best", "killed_max", "start_date", "id"], ascending=[False, False, True, True], na_position="last"
    )


def by_episode(incidents: pd.DataFrame) -> pd.DataFrame:
    """The incident list with the records of each episode (one attack a dataset split) on one row: its
    days, its records' ids, the coded figures summed and the range its notes state. Grouped once over the
    members only; standalone incidents are kept as they are."""
    if "episode" not in incidents or not incidents["episode"].ne("").any():
        return incidents
    is_member = incidents["episode"].ne("")
    members = incidents[is_member]
    by = members.groupby("episode", sort=False)
    rows = by.head(1).set_index("episode").copy()
    rows["start_date"], rows["end_date"] = by["start_date"].min(), by["end_date"].max()
    for column in ("killed_min", "killed_best", "killed_max"):
        rows[column] = by[column].sum(min_count=1).astype("Int64")
    count = by.size()
    ids = (members["id"] + ", ").groupby(members["episode"], sort=False).sum().str[:-2]
    rows["id"] = rows.index + " (records " + ids + ")"
    start, end = rows["start_date"], rows["end_date"]
    same = end.isna() | (start == end)
    rows["date"] = start.dt.strftime("%d %b %Y").where(
        same, start.dt.strftime("%d %b %Y") + " – " + end.dt.strftime("%d %b %Y")
    )
    killed = range_text(rows["killed_min"], rows["killed_best"], rows["killed_max"])
    killed = killed.where(rows["killed_best"].notna(), rows["civilians killed"])
    noted = rows["episode range in the notes"]
    rows["civilians killed"] = (
        killed + " in " + count.astype(str) + " records" + noted.where(noted.eq(""), "; the notes say " + noted)
    )
    places = members.drop_duplicates(["episode", "place"])
    rows["place"] = (places["place"] + "; ").groupby(places["episode"], sort=False).sum().str[:-2]
    # The first record's statements (the PDF stays short); every record's are in incidents.html.
    collapsed = pd.concat([incidents[~is_member], rows.reset_index(drop=True)], ignore_index=True)
    return collapsed.sort_values(["start_date", "id"], kind="stable").reset_index(drop=True)


def pdf_selection(incidents: pd.DataFrame, listed: pd.Series | None = None) -> tuple[pd.DataFrame, dict[str, int]]:
    """The incidents the PDF lists, and how they were chosen: all of them when there are few, else
    the deadliest and the deadliest contested ones (attribution denied by someone), deadliest first.
    The records of one episode are one row (``by_episode``).

    ``listed``: ids the report already lists in full (its "Deadliest incidents" section); with many
    incidents they are not listed a second time, the next deadliest take their place."""
    records = len(incidents)
    incidents = by_episode(incidents)
    total = len(incidents)
    if total <= PDF_ALL_UP_TO:
        counts = {"total": total, "shown": total, "deadliest": 0, "contested": 0, "listed": 0, "records": records}
        return incidents, counts
    ranked = _by_deaths(incidents)
    already = ranked["id"].isin(listed) if listed is not None else pd.Series(False, index=ranked.index)
    ranked, listed_count = ranked[~already], int(already.sum())
    deadliest = ranked.head(max(PDF_DEADLIEST - listed_count, 0))
    contested = ranked[(ranked["grade"] == "contested") & ~ranked["id"].isin(deadliest["id"])].head(PDF_CONTESTED)
    shown = _by_deaths(pd.concat([deadliest, contested]))
    counts = {
        "total": total,
        "shown": len(shown),
        "deadliest": len(deadliest),
        "contested": len(contested),
        "listed": listed_count,
    }
    counts["contested_total"] = int((incidents["grade"] == "contested").sum())
    counts["records"] = records
    return shown, counts


def _episodes_phrase(counts: dict[str, int]) -> str:
    """How many incidents the list's rows stand for, when episodes put several records on one row."""
    grouped = counts["records"] - counts["total"]
    if grouped <= 0:
        return ""
    return (
        f" (the {counts['records']:,} incidents counted above, with the records of each attack that a dataset "
        f"split into several records on one row: {grouped:,} fewer rows)"
    )


def pdf_incidents(incidents: pd.DataFrame, listed: pd.Series | None = None) -> pd.DataFrame:
    """The incident table as the PDF shows it."""
    shown, _ = pdf_selection(incidents, listed)
    return shown[PDF_COLUMNS].reset_index(drop=True)


def incidents_note(incidents: pd.DataFrame, rendered: bool, listed: pd.Series | None = None) -> str:
    """What the PDF's incident list shows, what it leaves out and where the rest are (Markdown)."""
    _, counts = pdf_selection(incidents, listed)
    total = counts["total"]
    where = (
        f"[{ANNEX_FILE}]({ANNEX_FILE}) beside this report (search, filters by civilians killed, dates, kind of violence, "
        "perpetrator family, region, cercle, year and "
        f"attribution grade, sorting by date or deaths) and in `tables/incidents.csv` for spreadsheets"
        if rendered
        else f"`{ANNEX_FILE}` beside the report and in `tables/incidents.csv` when the report is rendered "
        f"(`python -m analysis render` writes them to `reports/<slug>/`); this notebook was run without rendering, "
        "so neither file was written"
    )
    if total == 0:
        return "No incidents match this selection."
    episodes = _episodes_phrase(counts)
    if counts["shown"] == total:
        if episodes:
            return (
                f"All {total:,} attacks{episodes}, by date, with attribution grades and the statements they rest "
                f"on. The same list, one row per record, is in {where}."
            )
        return (
            f"All {total:,} incident{'s' if total != 1 else ''} counted above, by date, with attribution grades "
            f"and the statements they rest on. The same list is in {where}."
        )
    contested = ""
    if counts["contested"]:
        contested = (
            f" and the {counts['contested']:,} deadliest of the {counts['contested_total']:,} contested incidents "
            "(attribution denied by a party) that are not among them"
        )
    elif counts.get("contested_total"):
        contested = f" (all {counts['contested_total']:,} contested incidents are among them)"
    else:
        contested = " (no incident is contested)"
    left_out = total - counts["shown"] - counts.get("listed", 0)
    deadliest = f"**{counts['deadliest']:,} deadliest**"
    if counts.get("listed"):
        deadliest = (
            f"**{counts['deadliest']:,} next deadliest** (after the {counts['listed']:,} listed under "
            "“Deadliest incidents”)"
        )
    if episodes:
        return (
            f"This list shows the {deadliest} of the **{total:,}** attacks{episodes}"
            f"{contested}, deadliest first. The other **{left_out:,}** are left out here; all "
            f"{counts['records']:,} incidents are in {where}."
        )
    return (
        f"This list shows the {deadliest} of the **{total:,}** incidents counted above"
        f"{contested}, deadliest first. The other **{left_out:,}** are left out here; all {total:,} are in {where}."
    )


def annex_note(report) -> str:
    """The annex page's opening line (plain text): what it lists, for which selection, and how to read it."""
    incidents, s = report.incidents, report.selection
    span = ""
    if len(incidents):
        span = f" from {incidents['start_date'].min():%d %B %Y} to {incidents['end_date'].max():%d %B %Y}"
    scope = "; ".join(
        [
            "actors: " + (", ".join(s.actors) or "all"),
            "regions: " + (", ".join(s.regions) or "all"),
            f"attribution: {GRADE_WORDS.get(s.min_attribution, s.min_attribution)} or firmer",
        ]
    )
    return (
        f"{len(incidents):,} incidents{span} ({scope}). Civilians killed: best estimate (lowest–highest figure); "
        "“reported, no figure” where a source reports deaths without a number; “–” where none are reported. "
        "The list opens on the incidents in which civilians were killed: choose “any” under “Civilians killed” "
        "for all of them."
    )


#: Said under the sources table: how "carried by" counts publishers.
CARRIED_BY_NOTE = (
    " “Carried by” names the publishers a document cites, each counted once: a dataset that names several "
    "for one event (ACLED's “Human Rights Watch; Le Monde”) is counted by publisher, never by combination."
)


def sources_note(sources: pd.DataFrame) -> str:
    """What the sources table shows (Markdown)."""
    return _sources_scope(sources) + (CARRIED_BY_NOTE if _cites_publishers(sources) else "")


def _cites_publishers(sources: pd.DataFrame) -> bool:
    return "carried by" in sources and sources["carried by"].fillna("").astype("str").ne("").any()


def _sources_scope(sources: pd.DataFrame) -> str:
    total = len(sources)
    documents = "the one source document" if total == 1 else f"each of the {total:,} source documents once"
    if total <= PDF_SOURCES:
        return (
            f"{documents[0].upper()}{documents[1:]}, with the number of incidents it supports (an imported dataset is "
            "one document). What each source says about each incident is in the incident list."
        )
    return (
        f"The {PDF_SOURCES:,} source documents that support the most incidents, of {total:,}; all of them are in "
        "`tables/sources.csv`. What each source says about each incident is in the incident list."
    )


#: The PDF lists at most this many source documents (the CSV has them all).
PDF_SOURCES = 60


def pdf_sources(sources: pd.DataFrame) -> pd.DataFrame:
    """The sources table as the PDF shows it: the documents supporting the most incidents first."""
    shown = sources.head(PDF_SOURCES).copy()
    shown["incidents"] = shown["incidents"].map("{:,}".format)
    return shown


def annex_json(incidents: pd.DataFrame, title: str, note: str = "") -> str:
    """The annex's data as JSON text: labels for the filters, and one array per incident (ANNEX_COLUMNS)."""
    present = {code for codes in incidents["family_codes"].unique() for code in codes.split("; ")}
    families = [[code, FAMILY_LABELS[code], FAMILY_COLOURS.get(code, "#999999")] for code in ACTOR_FAMILIES]
    frame = incidents[list(ANNEX_COLUMNS.values())].copy()
    if "episode" in incidents:
        # A record of an episode says so in its "what happened" (shown, and found by the search).
        member = incidents["episode"].ne("")
        episode = incidents.loc[member, "episode"]
        records = episode.map(episode.value_counts()).astype(str)
        noted = incidents.loc[member, "episode range in the notes"]
        frame.loc[member, "what happened"] = (
            frame.loc[member, "what happened"]
            + " [one of "
            + records
            + " records of "
            + episode
            + noted.where(noted.eq(""), "; the notes say " + noted + " for the whole attack")
            + "]"
        )
    frame["start_date"] = pd.to_datetime(frame["start_date"]).dt.strftime("%Y-%m-%d")  # typed even when empty
    meta = {
        "title": title,  # first, so that render reads it without parsing the rows
        "note": note,
        "columns": list(ANNEX_COLUMNS),
        "families": [f for f in families if f[0] in present],
        "grades": [[g, GRADE_WORDS[g]] for g in ATTRIBUTION_ORDER],
        "rows": None,  # last, so that the placeholder is the text's last null
    }
    # pandas writes the rows in one pass (numbers as numbers, missing as null); splicing them in
    # avoids parsing and writing 50,000 rows a second time.
    rows = frame.to_json(orient="values", force_ascii=False) if len(frame) else "[]"
    head, _, tail = json.dumps(meta, ensure_ascii=False).rpartition("null")
    return head + rows + tail


def write_annex_data(incidents: pd.DataFrame, path: str | Path, title: str, note: str = "") -> Path:
    """Write the annex's data as JSON (render turns it into incidents.html beside the report)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(annex_json(incidents, title, note), encoding="utf-8")
    return path


def script_safe_json(text: str) -> str:
    """JSON text that can sit inside a <script> element: no '<', '>' or '&' (each written as a
    \\u escape, which JSON.parse reads back), so no data can end the element or open a comment."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


#: The frame of incidents.html and matches.html, and the script and stylesheet they share (search, filters,
#: pages, CSV), written into each page: the pages are single files that load nothing from elsewhere.
LIST_PAGE = Path(__file__).parent / "templates" / "list_page.html"
LIST_PAGE_SCRIPT = LIST_PAGE.with_suffix(".js")
LIST_PAGE_STYLE = LIST_PAGE.with_suffix(".css")
_PART = re.compile(r"^<!-- part (\w+) -->\n", re.M)


@dataclass(frozen=True)
class ListPage:
    """A page made of the list frame: the file of its parts (``<!-- part NAME -->`` then the part, up to the
    next: STYLE, CONTROLS, TABLE, FOOTER and SCRIPT), its heading, the id of its data element and of its CSV
    button."""

    parts: Path
    heading: str
    data_id: str
    csv_button: str

    def filled(self) -> dict[str, str]:
        """The frame's placeholders this page fills."""
        pieces = _PART.split(self.parts.read_text(encoding="utf-8"))[1:]
        parts = {name: text.rstrip("\n") for name, text in zip(pieces[::2], pieces[1::2], strict=True)}
        return {**parts, "HEADING": self.heading, "DATA_ID": self.data_id, "CSV_BUTTON": self.csv_button}


INCIDENTS_PAGE = ListPage(Path(__file__).parent / "templates" / "annex.html", "Incidents", "annex-data", "csv")


def self_contained_page(page: ListPage, data_json: str, title: str) -> str:
    """A list page (incidents.html, matches.html): the shared frame filled with the page's parts, the shared
    script and stylesheet, its title escaped and its data (JSON text) made safe inside its <script> element."""
    values = {
        **page.filled(),
        "TITLE": html.escape(title),
        "DATA": script_safe_json(data_json),
        "LIST_PAGE_SCRIPT": LIST_PAGE_SCRIPT.read_text(encoding="utf-8").rstrip("\n"),
        "LIST_PAGE_STYLE": LIST_PAGE_STYLE.read_text(encoding="utf-8").rstrip("\n"),
    }
    # One pass: text put in for one placeholder is never searched for another.
    placeholder = r"\{\{(" + "|".join(values) + r")\}\}"
    return re.sub(placeholder, lambda m: values[m.group(1)], LIST_PAGE.read_text(encoding="utf-8"))


def annex_html(data_json: str, title: str) -> str:
    """The self-contained incidents.html page for the annex data (JSON text)."""
    return self_contained_page(INCIDENTS_PAGE, data_json, title)


def write_annex_html(data_path: str | Path, target: str | Path) -> Path:
    """Build incidents.html from the annex data the notebook wrote."""
    text = Path(data_path).read_text(encoding="utf-8")
    title = _title_of(text)
    target = Path(target)
    target.write_text(annex_html(text, f"Incidents: {title}" if title else "Incidents"), encoding="utf-8")
    return target


def _title_of(data_json: str) -> str:
    """The title at the start of the annex data, read without parsing the rows."""
    start = '{"title": '
    if not data_json.startswith(start):
        return ""
    title, _ = json.JSONDecoder().raw_decode(data_json, len(start))
    return title if isinstance(title, str) else ""
