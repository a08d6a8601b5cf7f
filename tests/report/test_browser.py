"""The HTML report and its incident annex in a real browser: headless Chromium (Debian's ``chromium``
package) driven by Playwright for Python, which needs no browser download when pointed at it.

No console errors, every image loads, the report links to the annex, and the annex's search, filters,
sorting and pages return exactly the rows that pandas finds in the same data.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
import synthetic
from synthetic_pairs import truth_pair

from analysis.data.dataset import load_dataset
from analysis.importers.run import run_import
from analysis.measure import matching
from analysis.measure.aggregate import REGION_NOT_ESTABLISHED
from analysis.measure.cross_dataset import EVERYTHING, Comparison
from analysis.measure.selection import Selection
from analysis.report import comparison, evidence
from analysis.report.render import render

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGE_SIZE = 200

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason="no /usr/bin/chromium: install Debian's chromium package (apt-get install chromium) to run the browser tests",
    ),
    pytest.mark.slow,
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extras: make env")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Page:
    """A browser tab that records console errors and uncaught exceptions."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.page.on(
            "console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}"))

    def open(self, path: Path):
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def close(self):
        self.page.close()


@pytest.fixture
def tab(browser):
    page = Page(browser)
    yield page
    page.close()


@pytest.fixture
def curated(default_report):
    return default_report


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A messy synthetic ACLED export of 700 events, imported and rendered: more incidents than one page."""
    folder = tmp_path_factory.mktemp("synthetic")
    path = synthetic.write_acled(folder / "acled.csv", 700, "2023", seed=5)
    run_import("acled", path, folder / "data")
    result = render(parameters={"data_dir": str(folder / "data")}, formats=("html",), out_dir=folder / "out", slug="s")
    incidents = evidence.incident_list(load_dataset(folder / "data"), Selection())
    return result, incidents, folder / "data"


def check_report(tab: Page, html: Path) -> None:
    page = tab.open(html)
    images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt || ''])")
    assert images, "the report shows its figures as images"
    assert all(complete and width > 0 for complete, width, _ in images), images
    # Every chart is described (nbconvert's fallback is "No description has been provided for this image").
    assert all(len(alt) > 40 and "No description" not in alt for _, _, alt in images), [a for _, _, a in images]
    text = page.inner_text("body")
    assert "Nothing to show" not in text  # sections with nothing to show are left out
    assert page.locator("a[href='incidents.html']").count() >= 1
    page.locator("a[href='incidents.html']").first.click()
    page.wait_for_selector("#incidents tbody tr")
    assert page.url.endswith("/incidents.html")
    assert tab.errors == []


def test_curated_report_and_annex_open_without_errors(tab, curated):
    check_report(tab, curated.files["html"])
    page = tab.page
    data = pd.read_csv(curated.directory / "tables" / "incidents.csv", encoding="utf-8-sig")
    killed = data[data["count_best"].fillna(0).gt(0) | data["count_best"].isna() & data["civilians killed"].ne("–")]
    assert shown_ids(page) == list(killed["id"]) != list(data["id"])  # opens on incidents with killings
    page.select_option("#killed", "")
    assert shown_ids(page) == list(data["id"])
    assert page.title().startswith("Incidents")
    assert tab.errors == []


def test_synthetic_report_opens_without_errors(tab, imported):
    result, _, _ = imported
    check_report(tab, result.files["html"])
    html = result.files["html"].read_text(encoding="utf-8")
    assert "Totals reported by NGOs" not in html  # an ACLED import has none: no empty section


def plain(text: str) -> str:
    """As the annex's search sees text: accents removed, lower case."""
    decomposed = unicodedata.normalize("NFD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def expected_search(incidents: pd.DataFrame, query: str) -> pd.DataFrame:
    """Every word of ``query`` as a whole word (letters and digits around it do not count), or as the
    start of a word when it ends with *."""
    fields = ["id", "date", "place", "region", "kind of violence", "what happened", "summary"]
    fields += ["perpetrators (attribution)", "harm (source's words)", "sources"]
    haystack = incidents[fields].astype(str).agg(" ".join, axis=1).map(plain)
    keep = pd.Series(True, index=incidents.index)
    for word in plain(query).split():
        body = re.escape(word.rstrip("*"))
        keep &= haystack.str.contains(r"(?:^|[^a-z0-9])" + body + ("" if word.endswith("*") else r"(?![a-z0-9])"))
    return incidents[keep]


def with_killings(incidents: pd.DataFrame) -> pd.DataFrame:
    """The annex's default: incidents with civilians killed (a figure above 0, or reported without one)."""
    best = incidents["killed_best"].astype("Float64")
    return incidents[(best > 0).fillna(False) | (best.isna() & ~incidents["civilians killed"].isin(["–", ""]))]


def by_date(frame: pd.DataFrame) -> list[str]:
    return list(frame.sort_values(["start_date", "id"])["id"])


def by_deaths(frame: pd.DataFrame) -> list[str]:
    key = frame.assign(_best=frame["killed_best"].astype("Float64").fillna(-1))
    return list(key.sort_values(["_best", "start_date", "id"], ascending=[False, True, True])["id"])


def shown_ids(page) -> list[str]:
    return page.eval_on_selector_all("#incidents tbody tr[data-id]", "rows => rows.map(r => r.dataset.id)")


def matching_count(page) -> int:
    text = page.inner_text("#count")
    return int(text.split(" of ")[1].split(" matching")[0].replace(",", "")) if " of " in text else 0


def settle(page) -> None:
    page.wait_for_timeout(300)  # the search waits 150 ms after the last key


def test_annex_search_filters_sort_and_pages_match_pandas(tab, imported):
    result, incidents, data_dir = imported
    page = tab.open(result.directory / "incidents.html")
    page.wait_for_selector("#incidents tbody tr")
    # It opens on the incidents with civilians killed; "any" shows them all.
    assert matching_count(page) == len(with_killings(incidents)) < len(incidents)
    assert shown_ids(page) == by_date(with_killings(incidents))[:PAGE_SIZE]
    page.select_option("#killed", "")
    assert matching_count(page) == len(incidents) > PAGE_SIZE
    assert shown_ids(page) == by_date(incidents)[:PAGE_SIZE]
    page.click(".pager .next >> nth=0")
    assert shown_ids(page) == by_date(incidents)[PAGE_SIZE : 2 * PAGE_SIZE]
    assert page.inner_text("#count").startswith(f"Showing {PAGE_SIZE + 1}–")

    # Search: an id gives its incident; words are all required, accents optional.
    one = incidents.iloc[len(incidents) // 2]["id"]
    page.fill("#search", one)
    settle(page)
    assert shown_ids(page) == [one]
    regions = incidents.loc[incidents["region"] != REGION_NOT_ESTABLISHED, "region"].value_counts()
    region = "Ségou" if "Ségou" in regions.index else regions.index[0]  # typed without its accent below
    query = f"{plain(region).upper()} attack"
    page.fill("#search", query)
    settle(page)
    expected = expected_search(incidents, query)
    assert 0 < len(expected) < len(incidents)
    assert matching_count(page) == len(expected)
    assert shown_ids(page) == by_date(expected)[:PAGE_SIZE]
    page.fill("#search", "no such words anywhere zzzz")
    settle(page)
    assert shown_ids(page) == [] and matching_count(page) == 0

    # Filters, recounted from the tidy tables with pandas (not from the annex's own data).
    page.click("#reset")
    page.select_option("#killed", "")
    tidy = pd.read_csv(data_dir / "incidents.csv", parse_dates=["start_date"])
    events = tidy[tidy["record_type"] == "event"]
    perpetrators = pd.read_csv(data_dir / "perpetrators.csv")
    actors = pd.read_csv(data_dir / "reference" / "actors.csv")
    leading = perpetrators[perpetrators["role"].isin(["primary", "joint"])].merge(actors, on="actor", how="left")
    # Incidents whose perpetrators the sources do not name count as "unidentified" too.
    unnamed = set(events["incident_id"]) - set(leading["incident_id"])
    unidentified = set(leading.loc[leading["family"] == "unidentified", "incident_id"]) | unnamed
    page.select_option("#family", "unidentified")
    assert matching_count(page) == len(unidentified)
    family = leading.loc[leading["family"] != "unidentified", "family"].value_counts().index[0]
    with_family = set(leading.loc[leading["family"] == family, "incident_id"])
    page.select_option("#family", family)
    assert matching_count(page) == len(with_family)
    assert set(shown_ids(page)) <= with_family

    year = int(events["start_date"].dt.year.value_counts().index[0])
    page.select_option("#year", str(year))
    expected = events[(events["start_date"].dt.year == year) & events["incident_id"].isin(with_family)]
    assert matching_count(page) == len(expected) > 0

    page.select_option("#region", region)
    expected = expected[expected["admin1"] == region]
    assert matching_count(page) == len(expected)
    page.select_option("#sort", "deaths-desc")
    subset = incidents[incidents["id"].isin(expected["incident_id"])]
    assert shown_ids(page) == by_deaths(subset)[:PAGE_SIZE]

    page.select_option("#grade", "single_source")
    grades = pd.read_csv(data_dir / "perpetrators.csv").groupby("incident_id")["attribution"].first()
    assert matching_count(page) == int((grades.reindex(expected["incident_id"]) == "single_source").sum())

    page.click("#reset")
    page.select_option("#killed", "")
    page.select_option("#sort", "deaths-desc")
    assert shown_ids(page) == by_deaths(incidents)[:PAGE_SIZE]
    assert tab.errors == []


def csv_ids(download) -> list[str]:
    return list(pd.read_csv(download.path(), encoding="utf-8-sig", dtype=str)["id"])


@pytest.mark.parametrize("width", [390, 1280])
def test_annex_on_a_phone_and_a_desktop_search_filters_and_csv(browser, imported, tmp_path, width):
    """At 390 and 1,280 px: whole-word search ("moura" is not "Mourabitoune"), the civilians-killed, date,
    kind, cercle and family filters recounted with pandas, the matching rows saved as CSV, and a layout
    that holds (no sideways scrolling, headers that do not break inside words)."""
    result, incidents, data_dir = imported
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((result.directory / "incidents.html").resolve().as_uri())
    page.wait_for_selector("#incidents tbody tr")
    page.screenshot(path=str(tmp_path / f"annex-{width}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width < 720:  # cards: the headers are hidden and every cell names its column
        assert not page.is_visible("#incidents thead")
        labels = page.eval_on_selector_all("#incidents tbody tr:first-child td", "tds => tds.map(t => t.dataset.label)")
        assert labels[0] == "Date" and labels[5] == "Civilians killed"
    else:  # at most two lines per header, and a one-word header on one line (never "Attributio/n")
        lines = page.eval_on_selector_all(
            "#incidents thead th",
            """ths => ths.map(t => { const r = document.createRange(); r.selectNodeContents(t);
                                  return [t.textContent, r.getClientRects().length]; })""",
        )
        assert all(n <= 2 and (n == 1 or " " in text) for text, n in lines), lines
    page.select_option("#killed", "")

    # Whole words: "moura" finds Moura, not Al Mourabitoune; "mour*" finds both.
    for query in ("moura", "mour*"):
        page.fill("#search", query)
        settle(page)
        expected = expected_search(incidents, query)
        assert matching_count(page) == len(expected)
        assert set(shown_ids(page)) == set(expected["id"])
    assert len(expected_search(incidents, "moura")) < len(expected_search(incidents, "mour*"))
    page.fill("#search", "")
    settle(page)

    # Civilians killed, dates, kind of violence, cercle and family, against pandas.
    page.select_option("#killed", "killed")
    subset = with_killings(incidents)
    assert matching_count(page) == len(subset)
    start = pd.to_datetime(subset["start_date"])
    page.fill("#from", "2018-01-01")
    page.fill("#to", "2022-12-31")
    page.dispatch_event("#to", "change")
    subset = subset[(start >= "2018-01-01") & (start <= "2022-12-31")]
    assert matching_count(page) == len(subset) > 0
    kind = subset["kind of violence"].value_counts().index[0]
    page.select_option("#kind", kind)
    subset = subset[subset["kind of violence"] == kind]
    assert matching_count(page) == len(subset) > 0
    cercle = subset.loc[subset["cercle"] != "", "cercle"].value_counts().index[0]
    page.select_option("#cercle", cercle)
    subset = subset[subset["cercle"] == cercle]
    assert matching_count(page) == len(subset) > 0
    assert set(shown_ids(page)) == set(subset["id"])
    with page.expect_download() as download:
        page.click("#csv")
    assert download.value.suggested_filename == "incidents-selection.csv"
    assert csv_ids(download.value) == by_date(subset)

    # Family: an incident is found under every family that took part (primary and joint actors).
    page.click("#reset")
    page.select_option("#killed", "")
    perpetrators = pd.read_csv(data_dir / "perpetrators.csv")
    actors = pd.read_csv(data_dir / "reference" / "actors.csv")
    leading = perpetrators[perpetrators["role"].isin(["primary", "joint"])].merge(actors, on="actor", how="left")
    family = "russian_forces" if (leading["family"] == "russian_forces").any() else leading["family"].iloc[0]
    with_family = set(leading.loc[leading["family"] == family, "incident_id"])
    page.select_option("#family", family)
    assert matching_count(page) == len(with_family)
    with page.expect_download() as download:
        page.click("#csv")
    assert set(csv_ids(download.value)) == with_family
    page.screenshot(path=str(tmp_path / f"annex-{width}-filtered.png"))
    assert errors == []
    page.close()


TIMES = {2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times", 7: "seven times"}


def test_page_one_reads_back_out_of_the_html_with_numbers_from_the_data(imported):
    """The dataset line, the trend and the armed-actor count, read out of report.html and recomputed with
    plain pandas from the imported tables (not with the report's code)."""
    result, _, data_dir = imported
    page = result.files["html"].read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))
    assert "Data: ACLED (each event's fatalities are the lowest figure reported" in text

    incidents = pd.read_csv(data_dir / "incidents.csv", parse_dates=["start_date"])
    events = incidents[incidents["record_type"] == "event"].set_index("incident_id")
    casualties = pd.read_csv(data_dir / "casualties.csv")
    killed = casualties[
        (casualties["harm"] == "killed")
        & (casualties["victim_status"] == "civilian")
        & (casualties["victim_group"] == "all")
        & casualties["incident_id"].isin(events.index)
    ]
    best = killed["count_best"].fillna(killed["count_min"]).fillna(0)
    by_year = best.groupby(killed["incident_id"].map(events["start_date"].dt.year)).sum()
    year = int(by_year.idxmax())
    assert f"{year} was the deadliest year: {int(by_year[year]):,} civilians killed (best estimate" in text
    if year - 1 >= events["start_date"].dt.year.min():
        previous = int(by_year.get(year - 1, 0))
        ratio = by_year[year] / previous
        phrase = TIMES[round(ratio)] + " as many as" if ratio >= 1.95 else f"{round((ratio - 1) * 100)}% more than"
        assert f"{phrase} in {year - 1} ({previous:,}" in text, text[:1500]

    perpetrators = pd.read_csv(data_dir / "perpetrators.csv")
    actors = pd.read_csv(data_dir / "reference" / "actors.csv")
    involved = perpetrators[
        perpetrators["role"].isin(["primary", "joint", "associated"]) & perpetrators["incident_id"].isin(events.index)
    ].merge(actors[["actor", "family"]], on="actor", how="left")
    armed = involved.loc[~involved["family"].isin(["other", "unidentified"]) & involved["family"].notna(), "actor"]
    assert f"They involve {armed.nunique():,} armed forces and groups in" in text
    everyone = involved["actor"].nunique()
    assert armed.nunique() < everyone  # civilians, rioters and unidentified groups are not counted


@pytest.fixture(scope="module")
def matches_page(tmp_path_factory):
    """matches.html of a comparison of two small synthetic datasets (401 rows: more than two pages), and its rows."""
    acled, ucdp, _ = truth_pair(400)
    c = Comparison({"acled": acled, "ucdp": ucdp}, "acled", EVERYTHING, "best", 3, 25.0, "ACLED vs UCDP")
    c.__dict__["matches"] = [matching.match_events(acled, ucdp, labels=("acled", "ucdp"))]
    path = comparison.write_matches_html(c, tmp_path_factory.mktemp("matches") / "matches.html")
    rows = pd.concat([comparison.matches_rows(m) for m in c.matches], ignore_index=True)
    return path, rows


def rows_count(page) -> int:
    text = page.inner_text("#count")
    return int(text.split(" of ")[1].split(" rows")[0].replace(",", "")) if " of " in text else 0


@pytest.mark.parametrize("width", [390, 1280])
def test_matches_page_search_filters_pages_and_csv(browser, matches_page, width):
    """matches.html (the same list-page script as the annex): its search by word starts, the kind, killed and
    region filters, its pages and its CSV, recounted with pandas; no script error."""
    path, rows = matches_page
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("#matches tbody tr")
    assert page.inner_text("#title") == "Matches: ACLED vs UCDP"
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    best = rows[["best_a", "best_b"]].apply(pd.to_numeric).fillna(-1).max(axis=1)
    killed = rows[best > 0]
    assert rows_count(page) == len(killed) > PAGE_SIZE
    assert page.inner_text(".pager .page >> nth=0") == f"page 1 of {-(-len(killed) // PAGE_SIZE)}"
    assert page.locator("#matches tbody tr").count() == PAGE_SIZE
    page.click(".pager .next >> nth=1")
    assert page.inner_text("#count").startswith(f"Showing {PAGE_SIZE + 1:,}–")
    page.set_checked("#killed", False)
    assert rows_count(page) == len(rows)

    # Word starts, accents and case ignored: "mop" finds Mopti.
    page.fill("#search", "MOP")
    settle(page)
    words = (
        rows[["date", "place", "region", "family", "ids_a", "ids_b", "why"]]
        .fillna("")
        .astype(str)
        .agg(" ".join, axis=1)
    )
    starts = words.str.lower().str.contains(r"(?:^|[^a-z0-9])mop", regex=True)
    assert rows_count(page) == starts.sum() > 0
    page.fill("#search", "")
    settle(page)

    page.select_option("#kind", "a")
    only_a = rows[rows["kind"] == "a"]
    assert rows_count(page) == len(only_a) > 0
    region = only_a["region"].value_counts().index[0]
    page.select_option("#region", region)
    subset = only_a[only_a["region"] == region]
    assert rows_count(page) == len(subset) > 0
    with page.expect_download() as download:
        page.click("#save")
    assert download.value.suggested_filename == "matches-selected.csv"
    saved = pd.read_csv(download.value.path(), encoding="utf-8-sig", dtype=str)
    assert list(saved.columns) == list(rows.columns)
    assert sorted(saved["ids_a"]) == sorted(subset["ids_a"])

    page.click("#reset")
    assert rows_count(page) == len(killed)
    # Numbers are saved as numbers, negative ones too (as in tables/matches.csv), never as text ('-2).
    with page.expect_download() as download:
        page.click("#save")
    shown = pd.read_csv(download.value.path(), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    cells = shown.stack()
    assert cells.str.fullmatch(r"-\d+(\.\d+)?").any()
    assert not cells.str.fullmatch(r"'-\d+(\.\d+)?").any()
    page.fill("#search", "nothing-matches-this")
    page.press("#search", "Enter")
    assert page.inner_text("#count") == f"0 rows ({len(rows):,} in all)"
    assert page.inner_text("#matches tbody td.empty") == "No event matches these filters."
    assert errors == []
    page.close()
