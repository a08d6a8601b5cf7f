"""``python -m analysis fetch ucdp``: UCDP's GED API into UCDP's 49-column CSV layout for ``import ucdp``.

What this relies on in UCDP's API documentation (ucdp.uu.se/apidocs) and UCDP's own recipes
(UppsalaConflictDataProgram/basic_api_recipes; the R package ucdp.api):

- ``GET {base}/api/gedevents/<version>?pagesize=<n>&page=<p>``: ``pagesize`` up to 1000, ``page`` from 0; the
  answer is JSON with ``TotalCount``, ``TotalPages``, ``PreviousPageUrl``, ``NextPageUrl`` (empty on the last
  page) and ``Result`` (the events, with the columns of the GED CSV). Following ``NextPageUrl`` until it is
  empty reads every page; the events that arrived must number ``TotalCount``.
- Filters: ``Country`` takes Gleditsch and Ward country codes (Mali 432), ``StartDate``/``EndDate`` YYYY-MM-DD.
- Versions: the stable GED is ``YY.1`` (once a year); the monthly Candidate releases are ``YY.0.M``
  (e.g. 25.0.11 for November 2025). They are different datasets: they go to different files.
- The token goes in the ``x-ucdp-access-token`` header; 401/403 means it is missing or refused.

UCDP releases are fixed versions without a change timestamp, so each fetch downloads the whole selection (a
few pages for Mali) and is compared, event by event (``id``), with the file it replaces.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from .http import CredentialsError, FetchError, Http, base_url, given_or_own
from .revisions import Changes, changes_between
from .state import now_text, read_rows, record_fetch, remove_leftovers, write_rows

DEFAULT_URL = "https://ucdpapi.pcr.uu.se"
TOKEN_VAR, URL_VAR = "UCDP_API_TOKEN", "UCDP_API_URL"
TOKEN_HEADER = "x-ucdp-access-token"
PAGE_SIZE = 1000
MAX_PAGES = 5000
#: UCDP's GED / Candidate CSV layout (49 columns, in the order of the Candidate 26.0.7 release).
_HEADER = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
    "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,"
    "number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,"
    "where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
    "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,"
    "high,low,gwnoa,gwnob"
)
COLUMNS = _HEADER.split(",")
#: Gleditsch and Ward codes, as UCDP's ``Country`` filter takes them, for Mali and its neighbours.
COUNTRY_CODES = {
    "mali": 432,
    "senegal": 433,
    "mauritania": 435,
    "niger": 436,
    "cote d'ivoire": 437,
    "ivory coast": 437,
    "guinea": 438,
    "burkina faso": 439,
    "algeria": 615,
}


def country_code(country: str) -> int:
    text = country.strip()
    if text.isdigit():
        return int(text)
    key = text.lower().replace("ô", "o")
    if key not in COUNTRY_CODES:
        known = ", ".join(sorted(k.title() for k in COUNTRY_CODES))
        raise ValueError(f"unknown country {country!r} for UCDP: give one of {known}, or its Gleditsch-Ward number")
    return COUNTRY_CODES[key]


def candidate_versions(today: dt.date) -> list[str]:
    """Candidate versions to try, newest first: YY.0.M for the last twelve months (a month's release comes out
    in the following month)."""
    versions = []
    year, month = today.year, today.month
    for _ in range(12):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        versions.append(f"{year % 100}.0.{month}")
    return versions


def stable_versions(today: dt.date) -> list[str]:
    """Stable GED versions to try, newest first: this year's YY.1, then the two before."""
    return [f"{(today.year - k) % 100}.1" for k in range(3)]


def file_name(country: str, candidate: bool) -> str:
    slug = "".join(c if c.isalnum() else "_" for c in country.lower()).strip("_")
    return f"ucdp_{'candidate' if candidate else 'ged'}_{slug}.csv"


def as_csv_text(rows: list[dict]) -> pd.DataFrame:
    """Values as UCDP's CSV writes them: booleans lower-case, null empty, numbers as JSON gave them."""
    frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame(columns=COLUMNS)
    frame = frame.reindex(columns=COLUMNS).astype(object)
    frame = frame.map(lambda v: "" if v is None or v != v else ("true" if v is True else "false" if v is False else v))
    return frame.astype(str)


@dataclass
class UcdpOutcome:
    file: Path
    version: str
    rows: int
    pages: int
    changes: Changes = field(default_factory=Changes)
    first: bool = False

    @property
    def changed(self) -> bool:
        return self.first or self.changes.any

    def lines(self) -> list[str]:
        what = "first download" if self.first else self.changes.counts().replace("deleted", "withdrawn")
        return [f"{self.file}: UCDP version {self.version}, {self.rows:,} events over {self.pages} page(s); {what}"]


class UcdpClient:
    def __init__(self, http: Http, base_url: str, token: str):
        self.http, self.base, self.token = http, base_url.rstrip("/"), token
        self.origin = urlsplit(self.base)[:2]

    def get(self, url: str, params: dict | None, what: str):
        if urlsplit(url)[:2] != self.origin:  # never send the token to another host
            raise FetchError(f"{what}: NextPageUrl {url!r} is not on {self.base}; stopped")
        response = self.http.request("GET", url, params=params, headers={TOKEN_HEADER: self.token}, what=what)
        if response.status_code in (401, 403):
            raise CredentialsError(f"UCDP refused the access token (HTTP {response.status_code}): check {TOKEN_VAR}")
        return response

    def pages(self, version: str, params: dict, bar=None) -> tuple[list[dict], int] | None:
        """Every event of ``version`` (None when UCDP does not have that version)."""
        url, query = f"{self.base}/api/gedevents/{version}", {**params, "pagesize": PAGE_SIZE, "page": 0}
        rows: list[dict] = []
        total = None
        for page in range(MAX_PAGES):
            response = self.get(url, query, f"UCDP gedevents {version}, page {page}")
            if response.status_code != 200:
                if page == 0 and response.status_code in (400, 404):
                    return None
                raise FetchError(f"UCDP gedevents {version}, page {page}: HTTP {response.status_code}")
            try:
                body = response.json()
                result = body["Result"]
            except (ValueError, KeyError, TypeError):
                raise FetchError(f"UCDP gedevents {version}, page {page}: no 'Result' in the answer") from None
            if page == 0 and not isinstance(result, list):
                return None
            if page == 0:
                total = body.get("TotalCount")
            rows += result or []
            if bar is not None:
                if page == 0 and body.get("TotalCount") is not None:
                    bar.total = int(body["TotalCount"])
                bar.update(len(result or []))
            url, query = body.get("NextPageUrl") or "", None
            if not url:
                if isinstance(total, int) and total != len(rows):
                    raise FetchError(
                        f"UCDP gedevents {version}: TotalCount is {total:,} but {len(rows):,} events arrived over "
                        f"{page + 1} page(s); nothing was replaced"
                    )
                return rows, page + 1
        raise FetchError(f"UCDP gedevents {version}: more than {MAX_PAGES} pages; stopped")


def _token(environ) -> str:
    token = (environ.get(TOKEN_VAR) or "").strip()
    if not token:
        raise CredentialsError(f"UCDP access token missing: set {TOKEN_VAR} (UCDP gives tokens on request)")
    return token


def _is_candidate(version: str | None, candidate: bool) -> bool:
    """Whether the release asked for is a Candidate one: ``candidate``, or a version written YY.0.M. A stable
    version (YY.1) asked for as a Candidate is refused."""
    if version is None:
        return candidate
    if candidate and version.count(".") != 2:
        raise ValueError(f"version {version} is a stable GED release; Candidate releases are YY.0.M (e.g. 25.0.11)")
    return candidate or version.count(".") == 2  # YY.0.M is a Candidate release


def _filters(country: str, start: dt.date | None, end: dt.date | None) -> dict:
    """The country and dates as UCDP's filters."""
    params = {"Country": country_code(country)}
    if start:
        params["StartDate"] = start.isoformat()
    if end:
        params["EndDate"] = end.isoformat()
    return params


def _first_found(client: UcdpClient, tried: list[str], params: dict, country: str, progress: bool):
    """The first of the versions ``tried`` that UCDP has: that version, its events and the pages they filled."""
    from tqdm import tqdm

    for each in tried:
        with tqdm(desc=f"UCDP {each} {country}", unit=" events", disable=not progress) as bar:
            found = client.pages(each, params, bar)
        if found is not None:
            return each, *found
    raise FetchError(f"UCDP has none of the versions tried ({', '.join(tried)}); give one with --version")


def _changes_from(existing: pd.DataFrame | None, fresh: pd.DataFrame) -> Changes:
    """What the download changes in the file it replaces, revisions listed by id; all new without one."""
    if existing is None or "id" not in existing:
        return Changes(added=fresh["id"].tolist())
    changes = changes_between(existing, fresh, "id", [c for c in COLUMNS if c in existing.columns])
    changes.revised = sorted(changes.revised)
    return changes


def fetch_ucdp(
    out_dir: Path,
    country: str,
    version: str | None = None,
    candidate: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    http: Http | None = None,
    environ=os.environ,
    progress: bool = True,
    today: dt.date | None = None,
) -> UcdpOutcome:
    """Fetch every event of the country into ``out_dir/ucdp_{ged|candidate}_<country>.csv``. Without
    ``version``, the newest release UCDP has (stable or Candidate) is found by asking for it."""
    token = _token(environ)
    candidate = _is_candidate(version, candidate)
    base = base_url(environ, URL_VAR, DEFAULT_URL)
    params = _filters(country, start, end)
    tried = [version] if version else (candidate_versions if candidate else stable_versions)(today or dt.date.today())
    with given_or_own(http) as client:
        version, rows, pages = _first_found(UcdpClient(client, base, token), tried, params, country, progress)
    out_dir = Path(out_dir)
    remove_leftovers(out_dir)  # a killed run's half-written file, never read
    name = file_name(country, candidate)
    target = out_dir / name
    fresh = as_csv_text(rows).drop_duplicates("id", keep="last")
    fresh = fresh.sort_values(["date_start", "id"], kind="stable").reset_index(drop=True)
    existing = read_rows(target)
    changes = _changes_from(existing, fresh)
    if existing is None or changes.any or list(existing.columns) != COLUMNS:
        write_rows(target, fresh, COLUMNS)
    record = {
        "source": "ucdp",
        "file": name,
        "base_url": base,
        "dataset": "candidate" if candidate else "ged",
        "version": version,
        "query": params,
        "fetched_at": now_text(),
        "rows": len(fresh),
        "pages": pages,
        "changes": changes.as_record(),
    }
    record_fetch(out_dir, name, record)
    return UcdpOutcome(target, version, len(fresh), pages, changes, first=existing is None)
