"""``python -m analysis fetch acled``: ACLED's API into ACLED's current per-event CSV export layout.

What this relies on in ACLED's API documentation (acleddata.com/api-documentation, since the move to OAuth
in 2025) and in ACLED's own R package acledR (``acled_auth``, ``acled_api``, ``acled_deletions_api``,
``acled_update``):

- Authentication: an OAuth 2 password grant, ``POST {base}/oauth/token`` with the form fields ``username``
  (the myACLED email), ``password``, ``grant_type=password`` and ``client_id=acled``; the answer holds
  ``access_token``, ``refresh_token`` and ``expires_in`` (seconds). Requests carry
  ``Authorization: Bearer <access_token>``. An expired access token is renewed with ``grant_type=refresh_token``
  (same ``client_id``); when that is refused, the password grant is made again. A refused grant (400/401) is
  a credentials problem (exit 2).
- Events: ``GET {base}/api/acled/read?_format=json`` with filters ``country``, ``event_date`` +
  ``event_date_where`` (``BETWEEN`` with ``start|end``), ``timestamp`` + ``timestamp_where`` (``>``), and
  paging by ``limit`` and ``page`` (from 1): the last page is the first one with fewer rows than ``limit``.
  The JSON envelope carries ``status``, ``success``, ``last_update``, ``messages`` and ``data`` (a list of
  events, their values as JSON strings); ``count`` and ``total_count`` only when asked ``with_total=true``
  (ACLED's 2025 change), which the first page asks so that a short download is caught.
- Revisions: a revised event keeps its ``event_id_cnty`` and gets a new ``timestamp``; so asking for
  ``timestamp > the largest one seen`` returns every event added or revised since (acledR's ``acled_update``).
- Deletions: ``GET {base}/api/deleted/read?_format=json`` with ``deleted_timestamp`` +
  ``deleted_timestamp_where`` and the same paging; ``data`` lists ``event_id_cnty`` and ``deleted_timestamp``.

An event whose date is revised to outside the ``--start``/``--end`` window is not returned by the filtered
query and so stays in the file as it was; ``--full`` re-downloads everything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .http import CredentialsError, FetchError, Http, base_url, given_or_own
from .revisions import Changes, changes_between, revised_ids
from .state import (
    cache_dir,
    now_text,
    read_rows,
    read_state,
    read_token,
    record_fetch,
    remove_leftovers,
    write_rows,
    write_token,
)

DEFAULT_URL = "https://acleddata.com"
EMAIL_VAR, PASSWORD_VAR, URL_VAR = "ACLED_API_EMAIL", "ACLED_API_PASSWORD", "ACLED_API_URL"
TOKEN_PATH, EVENTS_PATH, DELETED_PATH = "/oauth/token", "/api/acled/read", "/api/deleted/read"
#: Rows per page: ACLED's documented default and maximum per call.
PAGE_LIMIT = 5000
#: A guard against a server that ignores ``page``: more pages than this is an error, not a download.
MAX_PAGES = 2000
#: ACLED's current per-event export (since 2023), the order ``import acled`` reads (see ../shared/README.md).
_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,"
    "inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
)
COLUMNS = _HEADER.split(",")
ID = "event_id_cnty"
#: Before ACLED's first events (1997): the start of an open-started date range.
FIRST_DAY = "1997-01-01"
#: How many event ids of each kind of change are printed (fetch.json keeps them all).
LISTED = 10


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str = field(repr=False)


def credentials(environ=os.environ) -> Credentials:
    """The myACLED email and password from the environment (the names acledR reads), else the password from
    the system keyring (service "acled", user the email) where the optional ``keyring`` package is set up."""
    email = (environ.get(EMAIL_VAR) or "").strip()
    password = environ.get(PASSWORD_VAR) or ""
    if email and not password:
        password = _keyring_password(email)
    if not email or not password:
        missing = [name for name, value in ((EMAIL_VAR, email), (PASSWORD_VAR, password)) if not value]
        raise CredentialsError(
            f"ACLED credentials missing: set {' and '.join(missing)} to your myACLED account's email and password "
            f"(export {EMAIL_VAR}=you@example.org; export {PASSWORD_VAR}=...)"
        )
    return Credentials(email, password)


def _keyring_password(email: str) -> str:
    try:
        import keyring  # optional: not a dependency
    except ImportError:
        return ""
    try:
        return keyring.get_password("acled", email) or ""
    except Exception:  # no backend set up: as if absent
        return ""


def refused_message() -> str:
    return (
        f"ACLED refused the email and password: check {EMAIL_VAR} and {PASSWORD_VAR} (your myACLED account's; "
        "the account must have API access)"
    )


class AcledSession:
    """Bearer-token requests to ACLED's API; the token is cached between runs (``state.write_token``), per base
    URL and email, and used while it is valid: the password is sent only when no token can be renewed."""

    def __init__(self, http: Http, base_url: str, creds: Credentials, environ=os.environ, clock=time.time):
        self.http, self.base, self.creds, self.clock = http, base_url.rstrip("/"), creds, clock
        key = hashlib.sha256(f"{self.base}\n{creds.email}".encode()).hexdigest()[:16]
        self.cache_path = cache_dir(environ) / f"acled-token-{key}.json"
        self.token = read_token(self.cache_path)
        self.grants: list[str] = []  # which grants were made (for the record: never the tokens)

    def _grant(self, form: dict, kind: str) -> dict | None:
        response = self.http.request(
            "POST", self.base + TOKEN_PATH, data={**form, "client_id": "acled"}, what="ACLED token"
        )
        self.grants.append(kind)
        if response.status_code in (400, 401, 403):
            return None
        if response.status_code != 200:
            raise FetchError(f"ACLED token: the server answered HTTP {response.status_code}. Nothing was replaced.")
        try:
            body = response.json()
            token = {
                "access_token": body["access_token"],
                "refresh_token": body.get("refresh_token", ""),
                "expires_at": self.clock() + float(body.get("expires_in", 3600)),
            }
        except (ValueError, KeyError, TypeError):
            raise FetchError("ACLED token: the answer was not a token (no access_token in it)") from None
        write_token(self.cache_path, token)
        return token

    def renew(self) -> None:
        token = None
        if self.token and self.token.get("refresh_token"):
            token = self._grant(
                {"grant_type": "refresh_token", "refresh_token": self.token["refresh_token"]}, "refresh"
            )
        if token is None:
            form = {"grant_type": "password", "username": self.creds.email, "password": self.creds.password}
            token = self._grant(form, "password")
        if token is None:
            raise CredentialsError(refused_message())
        self.token = token

    def _headers(self) -> dict:
        if not self.token or self.clock() >= float(self.token.get("expires_at", 0)) - 60:
            self.renew()
        return {"Authorization": f"Bearer {self.token['access_token']}", "Accept": "application/json"}

    def get(self, path: str, params: dict, what: str) -> dict:
        for attempt in range(2):
            response = self.http.request("GET", self.base + path, params=params, headers=self._headers(), what=what)
            if response.status_code == 401 and attempt == 0:
                self.token = {**(self.token or {}), "expires_at": 0}  # refused before its time: renew it now
                continue
            break
        if response.status_code in (401, 403):
            raise CredentialsError(
                f"{what}: ACLED refused access (HTTP {response.status_code}) with a fresh token: check that the "
                f"account of {EMAIL_VAR} has API access and has accepted ACLED's terms"
            )
        if response.status_code != 200:
            raise FetchError(f"{what}: HTTP {response.status_code}: {response.text[:300]}")
        try:
            body = response.json()
        except ValueError:
            raise FetchError(f"{what}: the answer was not JSON: {response.text[:200]!r}") from None
        if not isinstance(body, dict) or body.get("success") is False or not isinstance(body.get("data", []), list):
            messages = body.get("messages") or body.get("error") if isinstance(body, dict) else body
            raise FetchError(f"{what}: ACLED answered without data: {str(messages)[:300]}")
        return body


def read_all_pages(session: AcledSession, path: str, params: dict, limit: int, what: str, bar=None):
    """Every row of a paged query and the first page's envelope (without its data).

    The first page is asked ``with_total=true``: ACLED then says how many rows match (``total_count``), and a
    download that ends with another number (a server that caps ``limit`` below ours would end after its first
    page, which looks like a last page) is refused rather than written short."""
    rows: list[dict] = []
    envelope: dict = {}
    first_of_previous = None
    for page in range(1, MAX_PAGES + 1):
        asked = {**params, "limit": limit, "page": page} | ({"with_total": "true"} if page == 1 else {})
        body = session.get(path, asked, f"{what}, page {page}")
        data = body.get("data") or []
        if page == 1:
            envelope = {k: v for k, v in body.items() if k != "data"}
        if data and first_of_previous is not None and data[0] == first_of_previous:
            raise FetchError(f"{what}: page {page} repeats page {page - 1}: the server ignores 'page'")
        first_of_previous = data[0] if data else None
        rows += data
        if bar is not None:
            bar.update(len(data))
        if len(data) < limit:
            total = str(envelope.get("total_count", "")).strip()
            if total.isdigit() and int(total) != len(rows):
                raise FetchError(
                    f"{what}: ACLED said {int(total):,} rows match, {len(rows):,} arrived over {page} page(s) of "
                    f"up to {limit:,}; nothing was replaced (a smaller page size may help: the server may cap it)"
                )
            return rows, envelope
    raise FetchError(f"{what}: more than {MAX_PAGES} pages of {limit} rows; stopped")


def as_export_text(rows: list[dict]) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Rows as text in the export's columns; the keys kept out (not in the export) and the columns missing."""
    frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame(columns=COLUMNS)
    extra = sorted(set(frame.columns) - set(COLUMNS))
    missing = [c for c in COLUMNS if c not in frame.columns] if rows else []
    frame = frame.reindex(columns=COLUMNS)
    # values arrive as JSON strings; a number or null sent instead is written the way the export writes it
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    return frame, extra, missing


def merge(existing: pd.DataFrame, fresh: pd.DataFrame, deleted: set[str]) -> tuple[pd.DataFrame, Changes]:
    """``existing`` with the rows of ``fresh`` put in place of theirs (revised) or added, and ``deleted`` ids
    removed; sorted as ACLED exports are (latest event first, then by id)."""
    fresh = fresh.drop_duplicates(ID, keep="last")
    fresh = fresh[~fresh[ID].isin(deleted)]
    changes = Changes(
        added=fresh.loc[~fresh[ID].isin(existing[ID]), ID].tolist(),
        revised=revised_ids(existing, fresh, ID, COLUMNS),
        removed=sorted(set(existing[ID]) & deleted),
    )
    kept = existing[~existing[ID].isin(set(fresh[ID]) | deleted)]
    merged = pd.concat([kept, fresh], ignore_index=True)
    return sort_rows(merged), changes


def sort_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["event_date", ID], ascending=[False, True], kind="stable").reset_index(drop=True)


def _max_timestamp(frame: pd.DataFrame) -> int | None:
    stamps = pd.to_numeric(frame["timestamp"], errors="coerce").dropna()
    return int(stamps.max()) if len(stamps) else None


def file_name(country: str) -> str:
    return "acled_" + re.sub(r"[^a-z0-9]+", "_", country.lower()).strip("_") + ".csv"


@dataclass
class FetchOutcome:
    """What a fetch did, for the command's output, ``update`` and tests."""

    file: Path
    mode: str  # "full" or "incremental"
    rows: int
    downloaded: int
    changes: Changes
    why_full: str = ""
    since: int | None = None
    max_timestamp: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.changes.any

    def lines(self) -> list[str]:
        if self.mode == "full":
            head = f"{self.file}: {self.rows:,} rows (a full download{': ' + self.why_full if self.why_full else ''})"
        else:
            when = dt.datetime.fromtimestamp(self.since or 0, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            head = (
                f"{self.file}: asked for rows changed after timestamp {self.since} ({when}): {self.downloaded:,} "
                f"downloaded; {self.changes.counts()}; {self.rows:,} rows now"
            )
        lines = [head, *self.notes]
        if self.mode == "incremental":
            for label, ids in (("new", self.changes.added), ("revised", self.changes.revised),
                               ("deleted", self.changes.removed)):  # fmt: skip
                if ids:
                    more = (
                        f" ... and {len(ids) - LISTED:,} more (fetch.json lists them all)" if len(ids) > LISTED else ""
                    )
                    lines.append(f"  {label}: {', '.join(ids[:LISTED])}{more}")
        return lines


def query_of(country: str, start: dt.date | None, end: dt.date | None) -> dict:
    """What was asked for, as the analyst said it: a later fetch is incremental only for the same query."""
    return {"country": country, "start": start.isoformat() if start else None, "end": end.isoformat() if end else None}


def request_params(query: dict, today: dt.date) -> dict:
    """The query as ACLED's filters: dates always as ``event_date_where=BETWEEN`` (the one comparison ACLED
    documents for ranges, as acledR sends it), an open end being today and an open start ACLED's first year."""
    params = {"_format": "json", "country": query["country"]}
    if query["start"] or query["end"]:
        params |= {
            "event_date": f"{query['start'] or FIRST_DAY}|{query['end'] or today.isoformat()}",
            "event_date_where": "BETWEEN",
        }
    return params


def why_full_download(
    full: bool, existing: pd.DataFrame | None, previous: dict, query: dict, base: str, name: str
) -> str:
    """Why this fetch downloads everything (empty: it may ask only for what changed since the last one)."""
    if full:
        return "--full asked for"
    if existing is None:
        return "no earlier download in this folder" if not previous else f"{name} is missing"
    if previous.get("query") != query or previous.get("base_url") != base:
        return "the query differs from the earlier download's"
    if previous.get("since") is None and previous.get("max_timestamp") is None:
        return "fetch.json does not say which timestamp was seen last"
    if list(existing.columns) != COLUMNS:
        return f"{name} does not have the export's columns"
    return ""


def _download(
    session: AcledSession, query: dict, since: int | None, incremental: bool, page_limit: int, progress: bool
) -> tuple[list[dict], dict, list[dict]]:
    """The events asked for (those changed after ``since`` when ``incremental``), the first page's envelope,
    and, when incremental, the deletions ACLED lists since then."""
    from tqdm import tqdm

    country = query["country"]
    params = request_params(query, dt.date.today())
    if incremental:
        params |= {"timestamp": str(since), "timestamp_where": ">"}
    with tqdm(desc=f"ACLED {country}", unit=" rows", disable=not progress) as bar:
        rows, envelope = read_all_pages(session, EVENTS_PATH, params, page_limit, f"ACLED events ({country})", bar)
    if not incremental:
        return rows, envelope, []
    deleted_params = {"_format": "json", "deleted_timestamp": str(since), "deleted_timestamp_where": ">"}
    deleted_rows, _ = read_all_pages(session, DELETED_PATH, deleted_params, page_limit, "ACLED deletions")
    return rows, envelope, deleted_rows


def _layout_notes(extra: list[str], missing: list[str]) -> list[str]:
    """What the command says of the API's columns that the export does not have, and the other way round."""
    notes = []
    if extra:
        notes.append(f"  not kept (not in ACLED's export layout): {', '.join(extra)}")
    if missing:
        notes.append(f"  missing from the API's rows (written empty): {', '.join(missing)}")
    return notes


def _updated_rows(
    existing: pd.DataFrame | None, fresh: pd.DataFrame, deleted_rows: list[dict], incremental: bool
) -> tuple[pd.DataFrame, Changes]:
    """The file's rows after this fetch, and what changed: merged into the file when incremental, else the
    download alone (compared with the file it replaces, where there is one)."""
    if incremental:
        return merge(existing, fresh, {str(r.get(ID, "")) for r in deleted_rows if r.get(ID)})
    merged = sort_rows(fresh.drop_duplicates(ID, keep="last"))
    if existing is None or ID not in existing:
        return merged, Changes(added=sorted(set(merged[ID])))
    comparable = COLUMNS if list(existing.columns) == COLUMNS else None
    return merged, changes_between(existing, merged, ID, comparable)


def _next_since(merged: pd.DataFrame, since: int | None, deleted_rows: list[dict]) -> tuple[int | None, int | None]:
    """The largest event timestamp in the file, and the one the next fetch asks after (the largest seen,
    deletions included)."""
    deleted_seen = [int(r["deleted_timestamp"]) for r in deleted_rows if str(r.get("deleted_timestamp", "")).isdigit()]
    max_ts = _max_timestamp(merged)
    return max_ts, max([t for t in (max_ts, since, *deleted_seen) if t is not None], default=None)


def fetch_acled(
    out_dir: Path,
    country: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    http: Http | None = None,
    environ=os.environ,
    page_limit: int = PAGE_LIMIT,
    full: bool = False,
    progress: bool = True,
) -> FetchOutcome:
    """Fetch into ``out_dir/acled_<country>.csv``: everything the first time (or with ``full``), else only what
    changed since the largest ``timestamp`` seen, plus ACLED's deletions since then. Nothing on disk changes
    until every page has arrived."""
    creds = credentials(environ)
    base = base_url(environ, URL_VAR, DEFAULT_URL)
    out_dir = Path(out_dir)
    name = file_name(country)
    target = out_dir / name
    query = query_of(country, start, end)
    previous = read_state(out_dir)["files"].get(name) or {}
    existing = read_rows(target)
    why_full = why_full_download(full, existing, previous, query, base, name)
    incremental = not why_full
    since = previous.get("since", previous.get("max_timestamp")) if incremental else None
    with given_or_own(http) as client:
        session = AcledSession(client, base, creds, environ)
        rows, envelope, deleted_rows = _download(session, query, since, incremental, page_limit, progress)

    remove_leftovers(out_dir)  # a killed run's half-written file, never read
    fresh, extra, missing = as_export_text(rows)
    merged, changes = _updated_rows(existing, fresh, deleted_rows, incremental)
    max_ts, next_since = _next_since(merged, since, deleted_rows)
    if changes.any or existing is None or not incremental:
        write_rows(target, merged, COLUMNS)
    record = {
        "source": "acled",
        "file": name,
        "base_url": base,
        "query": query,
        "fetched_at": now_text(),
        "mode": "incremental" if incremental else "full",
        "why_full": why_full or None,
        "asked_since_timestamp": since,
        "rows": len(merged),
        "rows_downloaded": len(fresh),
        "deletions_listed": len(deleted_rows),
        "last_update": envelope.get("last_update"),
        "max_timestamp": max_ts,
        "since": next_since,
        "token_grants": session.grants,
        "columns_not_kept": extra,
        "changes": changes.as_record()
        if incremental
        else {"added_count": len(changes.added), "revised": changes.revised, "removed": changes.removed},
    }
    record_fetch(out_dir, name, record)
    notes = _layout_notes(extra, missing)
    return FetchOutcome(target, record["mode"], len(merged), len(fresh), changes, why_full, since, max_ts, notes)
