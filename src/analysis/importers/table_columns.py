"""Column-wide steps of ``import table``: rules over several columns, dates in pieces, places from codes,
names and journeys, casualties from column pairs, from words and from a yes/no column, and warnings
for slips. Each works on whole columns (a grammar or a lookup is applied once per distinct text).

``frame`` is the file as text (None for an empty cell) with its own header; ``header`` maps each
column the mapping names to the file's header.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import numpy as np
import pandas as pd

from ..data.columns import joined, per_distinct
from ..data.names import normalise_name, normalise_region_name, split_aliases
from .checks import RowRejected
from .count_grammar import parse_count, read_clauses
from .mapping import FieldSpec, Mapping

CASUALTY_COLUMNS = [
    "row", "harm", "victim_status", "victim_group", "count_min", "count_best", "count_max", "count_text",
]  # fmt: skip
#: The day of loi 2023-006 (19 regions): incidents from then on are placed in the 2023 regions.
REFORM_2023 = dt.date(2023, 3, 13)


def _normalised(column: pd.Series) -> pd.Series:
    """normalise_name for a whole column, once per distinct text; empty cells stay None."""
    return per_distinct(column, normalise_name)


# -- rules ------------------------------------------------------------------------------------------------------


def rule_values(
    frame: pd.DataFrame, header: dict[str, str], spec: FieldSpec, chosen_out: list | None = None
) -> tuple[pd.Series, Counter]:
    """Our value from the first rule that applies to each row (None where none does), and how many
    rows each rule decided (keyed 'rule N: value'); ``chosen_out`` receives the rule's number per row (-1: none).

    ``contains`` matches whole words: the cell and the wanted text are normalised (lowercase, accents,
    apostrophes and punctuation as spaces) and the wanted words must appear side by side between spaces."""
    masks = []
    plain = {column: _normalised(frame[header[column]]) for tests, _ in spec.rules for column in tests}
    for tests, _ in spec.rules:
        mask = pd.Series(True, index=frame.index)
        for column, test in tests.items():
            cells = plain[column]
            text = cells.fillna("")
            for name, wanted in test.items():
                if name == "empty":
                    mask &= cells.isna() == wanted
                elif name == "is":
                    mask &= text.isin(wanted)
                elif name == "contains":
                    padded = " " + text + " "
                    mask &= np.logical_or.reduce([padded.str.contains(f" {w} ", regex=False) for w in wanted])
                elif name == "starts_with":
                    mask &= text.str.startswith(tuple(wanted))
        masks.append(mask.to_numpy())
    chosen = np.select(masks, list(range(len(masks))), default=-1) if masks else np.full(len(frame), -1)
    values = [value for _, value in spec.rules]
    decided = pd.Series([values[i] if i >= 0 else None for i in chosen], index=frame.index, dtype=object)
    if chosen_out is not None:
        chosen_out.append(pd.Series(chosen, index=frame.index))
    counts = Counter({f"rule {i + 1} ({_shown(values[i])})": int((chosen == i).sum()) for i in range(len(values))})
    return decided, counts


def _shown(value) -> str:
    if isinstance(value, list):
        return " + ".join(value) or "no actor"
    return str(value)


# -- dates in pieces --------------------------------------------------------------------------------------------


def date_pieces(frame: pd.DataFrame, header: dict[str, str], spec: FieldSpec) -> pd.DataFrame:
    """start, end (ISO text), precision and problem for year / month / day columns; an empty day gives
    the month, an empty month the year."""
    parts = {
        piece: pd.to_numeric(frame[header[column]], errors="coerce") if column else pd.Series(np.nan, index=frame.index)
        for piece, column in (("year", spec.pieces.get("year")), ("month", spec.pieces.get("month")),
                              ("day", spec.pieces.get("day")))
    }  # fmt: skip
    raw = {
        piece: frame[header[spec.pieces[piece]]].astype(object)
        if piece in spec.pieces
        else pd.Series(None, index=frame.index, dtype=object)
        for piece in ("year", "month", "day")
    }
    year, month, day = parts["year"], parts["month"], parts["day"]
    precision = pd.Series("day", index=frame.index).mask(day.isna(), "month").mask(month.isna(), "year")
    start = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month.fillna(1), "day": day.fillna(1)}), errors="coerce"
    )
    end = start.where(precision.ne("month"), start + pd.offsets.MonthEnd(0))
    end = end.where(precision.ne("year"), start + pd.offsets.YearEnd(0))
    shown = raw["year"].fillna("") + "-" + raw["month"].fillna("") + "-" + raw["day"].fillna("")
    problem = pd.Series(None, index=frame.index, dtype=object)
    bad = start.isna() & raw["year"].notna()
    problem[bad] = "invalid date: '" + shown[bad] + "' (year-month-day columns; expected a real date)"
    problem[raw["year"].isna()] = f"missing date: column '{spec.pieces['year']}' is empty"
    problem[day.notna() & month.isna()] = "invalid date: '" + shown + "' gives a day without a month"
    return pd.DataFrame(
        {
            "start": start.dt.strftime("%Y-%m-%d").where(start.notna(), None),
            "end": end.dt.strftime("%Y-%m-%d").where(end.notna(), None),
            "precision": precision,
            "problem": problem,
        }
    )


# -- places -----------------------------------------------------------------------------------------------------


def cercle_lookup(cercles: pd.DataFrame) -> dict[str, tuple[str, str, str]]:
    """Every cercle name and alias (normalised) -> (cercle, region before 2023, region after)."""
    lookup = {}
    for row in cercles.itertuples():
        for name in [row.cercle, *split_aliases(row.aliases)]:
            lookup.setdefault(normalise_region_name(name), (row.cercle, row.region, row.region_2023 or row.region))
    return lookup


def places(
    frame: pd.DataFrame, header: dict[str, str], spec: Mapping, cercles: pd.DataFrame, starts: pd.Series
) -> pd.DataFrame:
    """region_text (the file's region, else the code's, else the cercle's or place's by name), admin2,
    location_name and a location precision for journeys, for every row."""

    def column(key: str) -> pd.Series:
        field = spec.fields.get(key)
        if field is None or field.column is None:
            return pd.Series(None, index=frame.index, dtype=object)
        return frame[header[field.column]]

    place, cercle, region = column("place"), column("cercle"), column("region")
    code = frame[header[spec.fields["place"].code]] if "place" in spec.fields and spec.fields["place"].code else None
    precision = pd.Series(None, index=frame.index, dtype=object)
    if spec.journey:
        origin, destination, origin_code = (frame[header[c]] if c else None for c in spec.journey)
        on_journey = place.isna() & origin.notna()
        journey = origin + " -> " + destination.fillna("?")
        place = place.where(~on_journey, journey)
        precision = precision.where(~on_journey, "multiple")
        if origin_code is not None:
            code = origin_code if code is None else code.where(~on_journey, origin_code)
        named_place = place.where(~on_journey, origin)
    else:
        named_place = place
    by_code = pd.Series(None, index=frame.index, dtype=object)
    if code is not None and spec.region_codes:
        digits = code.fillna("").str.strip()
        for prefix in sorted(spec.region_codes, key=len, reverse=True):
            by_code = by_code.where(by_code.notna() | ~digits.str.startswith(prefix), spec.region_codes[prefix])
    lookup = cercle_lookup(cercles)
    after = (pd.to_datetime(starts, errors="coerce") >= pd.Timestamp(REFORM_2023)).fillna(False)

    def by_name(names: pd.Series) -> tuple[pd.Series, pd.Series]:
        hit = per_distinct(names, lambda name: lookup.get(normalise_region_name(name)))
        known = hit.notna()
        region_now = hit[known].map(lambda t: t[2]).where(after[known], hit[known].map(lambda t: t[1]))
        return hit.map(lambda t: t[0] if isinstance(t, tuple) else None), region_now.reindex(names.index)

    cercle_name, cercle_region = by_name(cercle)
    _, place_region = by_name(named_place)
    region_text = region.astype(object).fillna(by_code).fillna(cercle_region).fillna(place_region)
    return pd.DataFrame(
        {
            "region_text": region_text,
            "admin2": cercle_name.fillna(cercle),
            "location_name": place,
            "location_precision": precision,
            "cercle_unknown": cercle.notna() & cercle_name.isna(),
        }
    )


def unknown_cercle_warnings(cercle: pd.Series, unknown: pd.Series) -> pd.DataFrame:
    """A warning for every row whose cercle is not in data/reference/cercles.csv (kept as written)."""
    rows = unknown.fillna(False).astype(bool)
    return pd.DataFrame(
        {
            "row": cercle.index[rows],
            "warning": "cercle '"
            + cercle[rows].astype(str)
            + "' is not in data/reference/cercles.csv: kept as written, no region from it (correct it in the "
            "mapping's corrections, or add it there as an alias)",
        }
    )


# -- casualties -------------------------------------------------------------------------------------------------


_DOUBT = re.compile(r"\s*\?+\s*$")  # "3?": the monitor doubts the figure


_NO_FIGURE = "written as victims reported with no figure"


def _figures(
    cells: pd.Series, words: dict[str, int], column: str, unread: str = _NO_FIGURE
) -> tuple[pd.Series, pd.DataFrame]:
    """The figure in each count cell (NaN when empty or unreadable), and a warning for every cell that is not a
    plain number: read by the count grammar where it can be ("env. 10", "au moins 4", "3?"), else none;
    ``unread`` says what became of a cell that cannot be read."""
    figure = pd.to_numeric(cells.str.replace(r"[\s\u00a0]", "", regex=True), errors="coerce")
    messy = cells[cells.notna() & figure.isna()]
    read, said = {}, {}
    for text in messy.unique():
        core = _DOUBT.sub("", text)
        try:
            read[text] = parse_count(core, words, column)[1]
            if read[text] is None:  # "ND", "unknown": reported, with no figure
                del read[text]
                raise RowRejected("not known")
            doubt = " (the question mark is kept in count_text)" if core != text else ""
            said[text] = f"count {text.strip()!r} in {column} is not a plain number: read as {read[text]}{doubt}"
        except RowRejected:
            said[text] = f"count {text.strip()!r} in {column} cannot be read as a figure: {unread}"
    figure = figure.astype("float64")
    figure[messy.index] = messy.map(read).astype("float64")
    warnings = pd.DataFrame({"row": messy.index, "warning": messy.map(said).to_numpy()})
    return figure, warnings


def group_casualties(frame: pd.DataFrame, header: dict[str, str], spec: Mapping) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Casualty rows from status/count pairs (summed per status; a group's rows counted within all),
    the remainder of a total over its pairs as unknown, and warnings: rows where a total disagrees,
    status words the mapping does not list, counts that are not plain numbers."""
    rows, warnings = [], []
    for number, group in enumerate(spec.groups):
        found, said = _one_group(frame, header, spec, number, group)
        rows.append(found)
        warnings += said
    casualties = _as_casualties(pd.concat(rows, ignore_index=True) if rows else None)
    warnings = [w for w in warnings if len(w)]
    found = pd.concat(warnings, ignore_index=True) if warnings else pd.DataFrame(columns=["row", "warning"])
    return casualties, found


def _one_group(frame: pd.DataFrame, header: dict[str, str], spec: Mapping, number: int, group):
    """One group's rows (whole per status, and subsets per victim group) and its warnings."""
    statuses = {normalise_name(w): v for w, v in group.values.items()}
    pairs, warnings = _pairs(frame, header, spec, group)
    plain = _normalised(pairs["word"])
    unlisted = pairs["word"].notna() & ~plain.isin(statuses)
    warnings.append(
        pd.DataFrame(
            {
                "row": pairs.loc[unlisted, "row"],
                "warning": "status word '"
                + pairs.loc[unlisted, "word"].str.strip()
                + "' in "
                + pairs.loc[unlisted, "status_column"]
                + f" is not listed under groups.{number}.values: written as status unknown",
            }
        )
    )
    # a word not listed (or "no value") gives status unknown
    status_of = {w: getattr(v, "victim_status", "unknown") for w, v in statuses.items()}
    group_of = {w: v.victim_group for w, v in statuses.items() if getattr(v, "victim_group", None)}
    pairs["victim_status"] = plain.map(status_of).fillna("unknown")
    pairs["victim_group"] = plain.map(group_of).astype(object).where(plain.isin(group_of), None)
    shown = (
        pairs["figure"]
        .astype("Int64")
        .astype(str)
        .where(pairs["figure"].notna() & pairs["cell"].str.strip().str.isdigit(), pairs["cell"].str.strip())
    )
    pairs["text"] = pairs["column"] + "=" + shown + (" (" + pairs["word"].fillna("no status") + ")")
    whole = _summed(pairs, ["row", "victim_status"]).assign(victim_group="all")
    subsets = _summed(pairs.dropna(subset=["victim_group"]), ["row", "victim_status", "victim_group"])
    if group.total:
        whole, said = _with_total(frame, header, spec, group, pairs, whole)
        warnings += said
    return pd.concat([whole, subsets], ignore_index=True).assign(harm=group.harm), warnings


def _pairs(frame: pd.DataFrame, header: dict[str, str], spec: Mapping, group) -> tuple[pd.DataFrame, list]:
    """One row per filled count cell of the group's pairs (row, word, figure, cell, column, status_column), and
    the warnings for counts that are not plain numbers."""
    long, warnings = [], []
    for _k, status_column, count_column in group.pairs():
        cells = frame[header[count_column]].astype(object)
        figure, messy = _figures(cells, spec.count_words, count_column)
        warnings.append(messy)
        word = frame[header[status_column]].astype(object)
        long.append(
            pd.DataFrame(
                {"row": frame.index, "word": word, "figure": figure, "cell": cells, "column": count_column}
            ).assign(status_column=status_column)
        )
    return pd.concat(long, ignore_index=True).dropna(subset=["cell"]), warnings


def _with_total(frame, header, spec: Mapping, group, pairs: pd.DataFrame, whole: pd.DataFrame):
    """The group's rows with the remainder of its total over its pairs as unknown, and the warnings: counts that
    are not plain numbers, totals that differ from their pairs."""
    unread = "the pairs are not checked against it"
    total, messy = _figures(frame[header[group.total]].astype(object), spec.count_words, group.total, unread)
    in_pairs = pairs.groupby("row")["figure"].sum().reindex(frame.index, fill_value=0)
    remainder = (total - in_pairs).where(total.notna())
    extra = remainder[remainder > 0]
    if len(extra):
        unknown = pd.DataFrame(
            {
                "row": extra.index,
                "victim_status": "unknown",
                "victim_group": "all",
                "figure": extra.to_numpy(),
                "text": [
                    f"{group.total}={int(t)} less {int(p)} in pairs" for t, p in
                    zip(total[extra.index], in_pairs[extra.index], strict=True)
                ],
            }
        )  # fmt: skip
        whole = _summed(pd.concat([whole, unknown]), ["row", "victim_status", "victim_group"])
    differs = total.notna() & in_pairs.gt(0) & total.ne(in_pairs)
    differing = pd.DataFrame(
        {
            "row": frame.index[differs],
            "warning": [
                f"total differs from its pairs: {group.total} = {int(t)}, pairs sum to {int(p)}"
                + (" (the pairs are kept)" if t < p else f" ({int(t - p)} written as status unknown)")
                for t, p in zip(total[differs], in_pairs[differs], strict=True)
            ],
        }
    )
    return whole, [messy, differing]


def _summed(pairs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Figures summed per key (a key whose cells have no figure keeps none: reported, never 0), texts joined."""
    if pairs.empty:
        return pd.DataFrame(columns=[*keys, "figure", "text"])
    grouped = pairs.groupby(keys, sort=False)
    summed = grouped["figure"].sum(min_count=1).to_frame()
    summed["text"] = joined(pairs[keys], pairs["text"])
    return summed.reset_index()


def _as_casualties(rows: pd.DataFrame | None) -> pd.DataFrame:
    if rows is None or rows.empty:
        return pd.DataFrame(columns=CASUALTY_COLUMNS)
    figure = rows["figure"].astype("Int64")
    return pd.DataFrame(
        {
            "row": rows["row"].astype("int64"),
            "harm": rows["harm"],
            "victim_status": rows["victim_status"],
            "victim_group": rows["victim_group"],
            "count_min": figure,
            "count_best": figure,
            "count_max": pd.array([pd.NA] * len(rows), dtype="Int64"),
            "count_text": rows["text"],
        }
    )


def text_casualties(
    frame: pd.DataFrame, header: dict[str, str], column: str, rows: pd.Index, status_words: dict | None = None
) -> pd.DataFrame:
    """Casualty rows read by the grammar from ``column``, for ``rows`` (those whose count columns are empty);
    victim_status is None where the words name no status (the mapping's victim_status may decide it later)."""
    texts = frame.loc[rows, header[column]].dropna()
    distinct = {text: read_clauses(text, status_words) for text in texts.unique()}
    found = [
        {"row": row, "harm": h, "victim_status": s, "victim_group": g, "figure": n, "text": text}
        for row, text in texts.items()
        for h, s, g, n in distinct[text]
    ]
    return _as_casualties(pd.DataFrame(found) if found else None)


def deaths_without_figure(frame: pd.DataFrame, header: dict[str, str], spec: Mapping, rows: pd.Index) -> pd.DataFrame:
    """A 'reported, no figure' killed row (status unknown) for ``rows`` whose yes/no column says yes."""
    cells = frame.loc[rows, header[spec.deaths_reported]]
    yes = _normalised(cells).isin(spec.deaths_yes)
    said = cells[yes]
    return pd.DataFrame(
        {
            "row": said.index.astype("int64"),
            "harm": "killed",
            "victim_status": "unknown",
            "victim_group": "all",
            "count_min": pd.array([pd.NA] * len(said), dtype="Int64"),
            "count_best": pd.array([pd.NA] * len(said), dtype="Int64"),
            "count_max": pd.array([pd.NA] * len(said), dtype="Int64"),
            "count_text": f"{spec.deaths_reported}: " + said,
        },
        columns=CASUALTY_COLUMNS,
    )


# -- warnings for slips -----------------------------------------------------------------------------------------


def slip_warnings(starts: pd.Series, ids: pd.Series | None, spec: Mapping) -> pd.DataFrame:
    """Rows whose date lies far from the file's median, or whose id looks like a placeholder."""
    found = []
    dates = pd.to_datetime(starts, errors="coerce")
    if dates.notna().any() and spec.far_years is not None:
        median = dates.dropna().sort_values().iloc[len(dates.dropna()) // 2]
        far = (dates - median).abs() > pd.Timedelta(days=365.25 * spec.far_years)
        found.append(
            pd.DataFrame(
                {
                    "row": dates.index[far],
                    "warning": "date far from the rest of the file: " + starts[far] + f" (half the rows are "
                    f"before {median.date().isoformat()}; more than {spec.far_years} years apart; kept as written)",
                }
            )
        )
    elif dates.notna().any():
        low, high = far_date_fences(dates)
        far = (dates < low) | (dates > high)
        found.append(
            pd.DataFrame(
                {
                    "row": dates.index[far],
                    "warning": "date far from the rest of the file: " + starts[far] + " (the file's dates lie "
                    f"between {low.date().isoformat()} and {high.date().isoformat()} once its slips are set apart; "
                    "kept as written; checks.far_years sets a fixed distance)",
                }
            )
        )
    if ids is not None and spec.sentinel_ids:
        sentinel = ids.fillna("").str.strip().isin(spec.sentinel_ids)
        found.append(
            pd.DataFrame(
                {"row": ids.index[sentinel], "warning": "id looks like a placeholder: '" + ids[sentinel] + "' (kept)"}
            )
        )
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=["row", "warning"])


def far_date_fences(dates: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The range of dates that are not far from the file's own: its quartiles widened by 1.5 times their
    distance (Tukey's fences) and by a year, so a list spanning 2007-2025 warns for none of its rows and a
    list of 2024 warns for 2204."""
    q1, q3 = dates.dropna().quantile(0.25), dates.dropna().quantile(0.75)
    spread = (q3 - q1) * 1.5 + pd.Timedelta(days=366)
    return q1 - spread, q3 + spread
