"""Local stand-ins for ACLED's and UCDP's APIs, serving what their documentation describes (see the docstrings
of analysis.fetch.acled and analysis.fetch.ucdp), on 127.0.0.1 with a port the system picks. No test reaches
the internet.

ACLED: ``POST /oauth/token`` (password and refresh_token grants, ``client_id=acled``), ``GET /api/acled/read``
(``_format=json``; ``country``; ``event_date`` with ``event_date_where=BETWEEN``; ``timestamp`` with
``timestamp_where``; ``limit`` and ``page`` from 1) and ``GET /api/deleted/read`` (``deleted_timestamp`` with
``deleted_timestamp_where``), each answering ``{status, success, last_update, count, messages, data}``.
UCDP: ``GET /api/gedevents/<version>`` (``pagesize``, ``page`` from 0, ``Country``) answering
``{TotalCount, TotalPages, PreviousPageUrl, NextPageUrl, Result}``, token in ``x-ucdp-access-token``.

Faults are scripted per path prefix: ``server.fail("/api/acled/read", 429, times=1, headers={"Retry-After": "7"})``.
Every request is logged (method, path, query) in ``server.log``.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

EMAIL, PASSWORD, UCDP_TOKEN = "analyst@example.org", "correct horse battery staple", "ucdp-test-token"


@dataclass
class Fault:
    prefix: str
    status: int
    times: int | None  # None: for ever
    headers: dict = field(default_factory=dict)


class FakeApis(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.acled_rows: dict[str, dict] = {}  # event_id_cnty -> row (values as JSON strings)
        self.deleted: list[dict] = []  # {event_id_cnty, deleted_timestamp}
        self.last_update = 1
        self.max_limit = 5000  # ACLED's cap on rows per page
        self.ucdp_versions: dict[str, list[dict]] = {}
        self.ucdp_last_page: int | None = None  # a fault: NextPageUrl empty after this page
        self.tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self.faults: list[Fault] = []
        self.log: list[tuple[str, str, dict]] = []
        self.grants: list[str] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> FakeApis:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()

    def fail(self, prefix: str, status: int, times: int | None = 1, headers: dict | None = None) -> None:
        self.faults.append(Fault(prefix, status, times, headers or {}))

    def expire_tokens(self) -> None:
        """Every access token issued so far stops working (as when its expires_in has passed)."""
        self.tokens.clear()

    def requests_to(self, path: str) -> list[dict]:
        return [query for method, p, query in self.log if p == path]


def _one(query: dict, name: str, default: str = "") -> str:
    return query.get(name, [default])[0]


def _compare(value: int, where: str, than: int) -> bool:
    return {">": value > than, ">=": value >= than, "<": value < than, "<=": value <= than, "=": value == than}[where]


class _Handler(BaseHTTPRequestHandler):
    server: FakeApis

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, status: int, body: dict | str, headers: dict | None = None) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _fault(self, path: str) -> bool:
        with self.server.lock:
            for fault in self.server.faults:
                if path.startswith(fault.prefix) and (fault.times is None or fault.times > 0):
                    if fault.times is not None:
                        fault.times -= 1
                    status, headers = fault.status, fault.headers
                    break
            else:
                return False
        self._send(status, {"status": status, "success": False, "messages": ["scripted fault"]}, headers)
        return True

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode("utf-8"))
        self.server.log.append(("POST", parts.path, {k: v for k, v in form.items() if k != "password"}))
        if self._fault(parts.path):
            return
        if parts.path != "/oauth/token":
            return self._send(404, {"error": "not found"})
        grant, client = _one(form, "grant_type"), _one(form, "client_id")
        self.server.grants.append(grant)
        ok = client == "acled" and (
            (grant == "password" and _one(form, "username") == EMAIL and _one(form, "password") == PASSWORD)
            or (grant == "refresh_token" and _one(form, "refresh_token") in self.server.refresh_tokens)
        )
        if not ok:
            return self._send(
                400, {"error": "invalid_grant", "error_description": "The user credentials were incorrect."}
            )
        access, refresh = secrets.token_hex(8), secrets.token_hex(8)
        self.server.tokens.add(access)
        self.server.refresh_tokens.add(refresh)
        self._send(200, {"token_type": "Bearer", "expires_in": 86400, "access_token": access, "refresh_token": refresh})

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        self.server.log.append(("GET", parts.path, query))
        if self._fault(parts.path):
            return
        if parts.path.startswith("/api/gedevents/"):
            return self._ucdp(parts.path.rsplit("/", 1)[1], query)
        if parts.path not in ("/api/acled/read", "/api/deleted/read"):
            return self._send(404, {"error": "not found"})
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.server.tokens:
            return self._send(401, {"status": 401, "success": False, "messages": ["invalid or expired token"]})
        with self.server.lock:
            if parts.path == "/api/acled/read":
                rows = self._acled_rows(query)
            else:
                rows = list(self.server.deleted)
                since = _one(query, "deleted_timestamp")
                if since:
                    where = _one(query, "deleted_timestamp_where", "=")
                    rows = [r for r in rows if _compare(int(r["deleted_timestamp"]), where, int(since))]
        limit = min(int(_one(query, "limit", "5000")), self.server.max_limit)
        page = int(_one(query, "page", "1"))
        data = rows[(page - 1) * limit : page * limit]
        body = {"status": 200, "success": True, "last_update": self.server.last_update, "messages": [], "data": data}
        if _one(query, "with_total") == "true":  # count and total_count only when asked (ACLED, 2025)
            body |= {"count": len(data), "total_count": len(rows)}
        self._send(200, body)

    def _acled_rows(self, query: dict) -> list[dict]:
        rows = list(self.server.acled_rows.values())
        if country := _one(query, "country"):
            rows = [r for r in rows if r["country"] == country]
        if dates := _one(query, "event_date"):
            where = _one(query, "event_date_where", "=")
            if where == "BETWEEN":
                low, high = dates.split("|")
                rows = [r for r in rows if low <= r["event_date"] <= high]
            else:
                rows = [r for r in rows if _compare(r["event_date"], where, dates)]
        if stamp := _one(query, "timestamp"):
            where = _one(query, "timestamp_where", "=")
            rows = [r for r in rows if _compare(int(r["timestamp"]), where, int(stamp))]
        return sorted(rows, key=lambda r: (r["event_date"], r["event_id_cnty"]), reverse=True)

    def _ucdp(self, version: str, query: dict) -> None:
        if self.headers.get("x-ucdp-access-token") != UCDP_TOKEN:
            return self._send(401, {"error": "access token missing or invalid"})
        if version not in self.server.ucdp_versions:
            return self._send(404, {"error": f"no such version {version}"})
        rows = self.server.ucdp_versions[version]
        if country := _one(query, "Country"):
            rows = [r for r in rows if str(r["country_id"]) == country]
        size, page = min(int(_one(query, "pagesize", "100")), 1000), int(_one(query, "page", "0"))
        pages = max(1, -(-len(rows) // size))

        def link(number: int) -> str:
            last = pages if self.server.ucdp_last_page is None else self.server.ucdp_last_page + 1
            if not 0 <= number < last:
                return ""
            kept = {k: v[0] for k, v in query.items() if k not in ("page", "pagesize")}
            return f"{self.server.url}/api/gedevents/{version}?{urlencode({**kept, 'pagesize': size, 'page': number})}"

        body = {
            "TotalCount": len(rows), "TotalPages": pages, "PreviousPageUrl": link(page - 1),
            "NextPageUrl": link(page + 1), "Result": rows[page * size : (page + 1) * size],
        }  # fmt: skip
        self._send(200, body)
