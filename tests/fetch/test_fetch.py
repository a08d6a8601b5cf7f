"""fetch acled / fetch ucdp against local servers that serve what the APIs document (tests/fake_apis.py)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import stat
from pathlib import Path

import pandas as pd
import pytest
from fake_apis import EMAIL, PASSWORD, UCDP_TOKEN, FakeApis
from synthetic import acled_events, ucdp_ged_quirky

from analysis import cli, config
from analysis.fetch import acled, ucdp
from analysis.fetch.http import CredentialsError, FetchError, Http, RetryPolicy, retry_after_seconds
from analysis.fetch.state import STATE_FILE

SAMPLE = config.SHARED_DIR / "samples" / "ucdp_ged_candidate_v26_0_7_mali.csv"


def acled_api_rows(n: int, seed: int = 0) -> list[dict]:
    """Synthetic events as ACLED's API sends them: every value a JSON string, dates ISO."""
    frame = acled_events(n, seed)
    frame["event_date"] = pd.to_datetime(frame["event_date"], format="%d %B %Y").dt.strftime("%Y-%m-%d")
    return frame.to_dict("records")


def ucdp_api_rows(n: int, seed: int = 0) -> list[dict]:
    """Synthetic GED events as UCDP's API sends them: numbers as numbers, booleans, ISO date-times."""
    text = ucdp_ged_quirky(n, seed)
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader)
    rename = {"best_est": "best", "high_est": "high", "low_est": "low"}
    rows = []
    for values in reader:
        row = {rename.get(k, k): v for k, v in zip(header, values, strict=False)}
        for key in ("date_start", "date_end"):
            month, day, rest = row[key].split("/")
            row[key] = f"{rest[:4]}-{month}-{day}T00:00:00"
        for key in ("id", "year", "type_of_violence", "best", "high", "low", "deaths_a", "deaths_civilians",
                    "where_prec", "date_prec", "country_id"):  # fmt: skip
            row[key] = int(row[key])
        row["latitude"], row["longitude"] = float(row["latitude"]), float(row["longitude"])
        row["active_year"] = row["active_year"] == "TRUE"
        row["gwnob"] = None
        rows.append(row)
    return rows


@pytest.fixture
def env(tmp_path, monkeypatch):
    environ = {
        "ACLED_API_EMAIL": EMAIL,
        "ACLED_API_PASSWORD": PASSWORD,
        "UCDP_API_TOKEN": UCDP_TOKEN,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return environ


@pytest.fixture
def server(env, monkeypatch):
    with FakeApis() as apis:
        env["ACLED_API_URL"] = env["UCDP_API_URL"] = apis.url
        monkeypatch.setenv("ACLED_API_URL", apis.url)
        monkeypatch.setenv("UCDP_API_URL", apis.url)
        yield apis


def serve_acled(server: FakeApis, rows: list[dict]) -> None:
    server.acled_rows = {r["event_id_cnty"]: dict(r) for r in rows}


def fast(sleeps: list | None = None, **kwargs) -> Http:
    return Http(RetryPolicy(sleep=(sleeps if sleeps is not None else []).append, **kwargs))


def fetch(out: Path, env: dict, http: Http | None = None, **kwargs):
    return acled.fetch_acled(out, "Mali", http=http or fast(), environ=env, progress=False, page_limit=500, **kwargs)


def server_frame(server: FakeApis) -> pd.DataFrame:
    frame = pd.DataFrame(list(server.acled_rows.values()))[acled.COLUMNS]
    return frame.sort_values("event_id_cnty").reset_index(drop=True)


def file_frame(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.sort_values("event_id_cnty").reset_index(drop=True)


def test_a_first_fetch_gets_every_row_over_several_pages_in_the_export_layout(tmp_path, env, server):
    serve_acled(server, acled_api_rows(3000, seed=1))
    outcome = fetch(tmp_path / "out", env)
    assert outcome.mode == "full" and outcome.rows == 3000
    pages = server.requests_to("/api/acled/read")
    assert [q["page"] for q in pages] == [[str(p)] for p in range(1, 8)]  # 6 full pages of 500, then an empty one
    assert all(q["_format"] == ["json"] and q["country"] == ["Mali"] and q["limit"] == ["500"] for q in pages)
    assert server.grants == ["password"]
    with outcome.file.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == acled.COLUMNS
    pd.testing.assert_frame_equal(file_frame(outcome.file), server_frame(server))
    state = json.loads((tmp_path / "out" / STATE_FILE).read_text())["files"]["acled_mali.csv"]
    stamps = [int(r["timestamp"]) for r in server.acled_rows.values()]
    assert state["rows"] == 3000 and state["max_timestamp"] == max(stamps) and state["last_update"] == 1
    assert state["query"] == {"country": "Mali", "start": None, "end": None} and state["history"] == []
    written = (tmp_path / "out" / STATE_FILE).read_text()
    token = next(iter(server.tokens))
    assert PASSWORD not in written and token not in written
    cached = list((tmp_path / "cache" / "mali-civilian-harm").glob("acled-token-*.json"))
    assert len(cached) == 1 and stat.S_IMODE(cached[0].stat().st_mode) == 0o600
    assert PASSWORD not in cached[0].read_text()


def test_the_fetched_file_imports_with_import_acled(tmp_path, env, server):
    serve_acled(server, acled_api_rows(60, seed=2))
    outcome = fetch(tmp_path / "out", env)
    assert cli.main(["import", "acled", str(outcome.file), "--out", str(tmp_path / "imported")]) == 0


def test_a_second_fetch_asks_only_for_what_changed_and_leaves_the_servers_data(tmp_path, env, server, capsys):
    rows = acled_api_rows(3000, seed=3)
    serve_acled(server, rows)
    first = fetch(tmp_path / "out", env)
    seen = first.max_timestamp
    later = seen + 86400
    revised, deleted = rows[10]["event_id_cnty"], rows[20]["event_id_cnty"]
    server.acled_rows[revised] |= {"fatalities": "7", "notes": "Revised: 7 killed.", "timestamp": str(later)}
    del server.acled_rows[deleted]
    server.deleted = [
        {"event_id_cnty": deleted, "deleted_timestamp": str(later + 5)},
        {"event_id_cnty": "MLI1", "deleted_timestamp": str(seen - 10)},  # deleted before the first fetch
    ]
    new = dict(rows[30], event_id_cnty="MLI999999", event_date="2026-11-30", timestamp=str(later + 60))
    server.acled_rows["MLI999999"] = new
    server.log.clear()

    second = fetch(tmp_path / "out", env)

    asked = server.requests_to("/api/acled/read")
    assert [(q["timestamp"], q["timestamp_where"]) for q in asked] == [([str(seen)], [">"])]
    deletions = server.requests_to("/api/deleted/read")
    assert [(q["deleted_timestamp"], q["deleted_timestamp_where"]) for q in deletions] == [([str(seen)], [">"])]
    assert second.mode == "incremental" and second.downloaded == 2
    assert (second.changes.added, second.changes.revised, second.changes.removed) == (
        ["MLI999999"],
        [revised],
        [deleted],
    )
    pd.testing.assert_frame_equal(file_frame(second.file), server_frame(server))
    state = json.loads((tmp_path / "out" / STATE_FILE).read_text())["files"]["acled_mali.csv"]
    assert state["changes"] == {"added": ["MLI999999"], "revised": [revised], "removed": [deleted]}
    assert state["since"] == later + 60 and len(state["history"]) == 1 and state["history"][0]["mode"] == "full"
    text = "\n".join(second.lines())
    assert "1 new, 1 revised, 1 deleted" in text and revised in text and deleted in text

    third = fetch(tmp_path / "out", env)  # nothing changed since: nothing to do, file untouched
    assert third.downloaded == 0 and not third.changed


def test_a_429_is_retried_after_the_seconds_retry_after_asks(tmp_path, env, server):
    serve_acled(server, acled_api_rows(700, seed=4))
    server.fail("/api/acled/read", 429, times=1, headers={"Retry-After": "7"})
    sleeps: list[float] = []
    outcome = fetch(tmp_path / "out", env, http=fast(sleeps))
    assert sleeps == [7.0] and outcome.rows == 700


def test_a_500_then_success_is_retried_with_backoff(tmp_path, env, server):
    serve_acled(server, acled_api_rows(700, seed=5))
    server.fail("/api/acled/read", 500, times=2)
    sleeps: list[float] = []
    assert fetch(tmp_path / "out", env, http=fast(sleeps)).rows == 700
    assert sleeps == [2.0, 4.0]


def test_retries_stop_at_the_total_wait(tmp_path, env, server):
    serve_acled(server, acled_api_rows(10, seed=6))
    server.fail("/api/acled/read", 503, times=None)
    sleeps: list[float] = []
    with pytest.raises(FetchError, match="HTTP 503; gave up after 3 attempt"):
        fetch(tmp_path / "out", env, http=fast(sleeps, max_total_wait=10))
    assert sleeps == [2.0, 4.0]  # the next (8 s) would pass 10 s of waiting


def test_a_500_for_ever_exits_1_and_keeps_the_earlier_file(tmp_path, env, server, capsys):
    serve_acled(server, acled_api_rows(700, seed=7))
    out = tmp_path / "out"
    fetch(out, env)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    server.acled_rows["MLI999999"] = dict(next(iter(server.acled_rows.values())), event_id_cnty="MLI999999",
                                          timestamp="1999999999")  # fmt: skip
    server.fail("/api/acled/read", 500, times=None)
    code = cli.main(["fetch", "acled", "--country", "Mali", "--out", str(out), "--quiet", "--max-wait", "0"])
    err = capsys.readouterr().err
    assert code == 1 and "HTTP 500" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_an_interrupted_fetch_never_replaces_the_good_file(tmp_path, env, server):
    serve_acled(server, acled_api_rows(1200, seed=8))
    out = tmp_path / "out"
    fetch(out, env)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def interrupt(seconds):
        raise KeyboardInterrupt

    server.expire_tokens()
    server.fail("/api/acled/read", 500, times=1)  # a retry's wait is where Ctrl-C lands
    with pytest.raises(KeyboardInterrupt):
        acled.fetch_acled(out, "Mali", http=Http(RetryPolicy(sleep=interrupt)), environ=env, progress=False, full=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_an_expired_token_is_refreshed_and_a_cached_one_reused(tmp_path, env, server):
    serve_acled(server, acled_api_rows(1200, seed=9))
    fetch(tmp_path / "a", env)
    assert server.grants == ["password"]
    fetch(tmp_path / "b", env)  # the cached token: no new grant
    assert server.grants == ["password"]
    server.expire_tokens()  # the API now answers 401 to it
    outcome = fetch(tmp_path / "c", env)
    assert server.grants == ["password", "refresh_token"] and outcome.rows == 1200
    assert server.requests_to("/oauth/token")[-1]["client_id"] == ["acled"]


def test_a_token_past_its_expiry_is_refreshed_before_use(tmp_path, env, server):
    serve_acled(server, acled_api_rows(10, seed=10))
    fetch(tmp_path / "a", env)
    (cached,) = (tmp_path / "cache" / "mali-civilian-harm").glob("acled-token-*.json")
    token = json.loads(cached.read_text())
    cached.write_text(json.dumps(token | {"expires_at": 0}))
    fetch(tmp_path / "b", env)
    assert server.grants == ["password", "refresh_token"]
    assert all(q != [] for q in server.requests_to("/api/acled/read"))


@pytest.mark.parametrize(
    ("unset", "password", "named"),
    [(None, "wrong", "ACLED_API_PASSWORD"), ("ACLED_API_PASSWORD", None, "ACLED_API_PASSWORD"),
     ("ACLED_API_EMAIL", PASSWORD, "ACLED_API_EMAIL")],
)  # fmt: skip
def test_wrong_or_missing_credentials_exit_2_naming_the_variable(tmp_path, env, server, monkeypatch, capsys, unset,
                                                                 password, named):  # fmt: skip
    serve_acled(server, acled_api_rows(10, seed=11))
    if unset:
        monkeypatch.delenv(unset)
    if password:
        monkeypatch.setenv("ACLED_API_PASSWORD", password)
    code = cli.main(["fetch", "acled", "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and named in err and "Traceback" not in err
    assert PASSWORD not in err and "wrong" not in err
    assert not (tmp_path / "out" / "acled_mali.csv").exists()


def test_retry_after_as_an_http_date():
    now = dt.datetime(2026, 12, 6, 23, 0, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("Sun, 06 Dec 2026 23:00:30 GMT", now) == 30.0
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


# ------------------------------------------------------------------------------------------------ UCDP


def test_fetch_ucdp_follows_next_page_url_and_writes_ucdps_layout(tmp_path, env, server):
    server.ucdp_versions["26.1"] = ucdp_api_rows(2500, seed=1)
    out = tmp_path / "out"
    code = cli.main(["fetch", "ucdp", "--country", "Mali", "--version", "26.1", "--out", str(out), "--quiet"])
    assert code == 0
    asked = server.requests_to("/api/gedevents/26.1")
    assert [q["page"] for q in asked] == [["0"], ["1"], ["2"]]
    assert all(q["pagesize"] == ["1000"] and q["Country"] == ["432"] for q in asked)
    written = pd.read_csv(out / "ucdp_ged_mali.csv", dtype=str, keep_default_na=False)
    assert list(written.columns) == ucdp.COLUMNS and len(written) == 2500
    assert set(written["active_year"]) <= {"true", "false"} and set(written["gwnob"]) == {""}
    if SAMPLE.is_file():  # UCDP's own layout, read from its header (its rows are not copied)
        with SAMPLE.open(encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == ucdp.COLUMNS


def test_stable_and_candidate_releases_go_to_separate_files_and_the_newest_candidate_is_found(tmp_path, env, server):
    server.ucdp_versions["26.1"] = ucdp_api_rows(30, seed=2)
    server.ucdp_versions["26.0.10"] = ucdp_api_rows(40, seed=3)
    out = tmp_path / "out"
    stable = ucdp.fetch_ucdp(out, "Mali", http=fast(), environ=env, progress=False, today=dt.date(2026, 12, 6))
    candidate = ucdp.fetch_ucdp(
        out, "Mali", candidate=True, http=fast(), environ=env, progress=False, today=dt.date(2026, 12, 6)
    )
    assert (stable.file.name, stable.version, stable.rows) == ("ucdp_ged_mali.csv", "26.1", 30)
    assert (candidate.file.name, candidate.version, candidate.rows) == ("ucdp_candidate_mali.csv", "26.0.10", 40)
    assert [p for _, p, _ in server.log if "gedevents" in p][-2:] == [
        "/api/gedevents/26.0.11",
        "/api/gedevents/26.0.10",
    ]
    state = json.loads((out / STATE_FILE).read_text())["files"]
    assert state["ucdp_candidate_mali.csv"]["version"] == "26.0.10" and UCDP_TOKEN not in json.dumps(state)

    rows = server.ucdp_versions["26.0.10"]
    rows[0]["best"] += 1
    withdrawn = rows.pop(1)["id"]
    again = ucdp.fetch_ucdp(out, "Mali", "26.0.10", http=fast(), environ=env, progress=False)
    assert (again.changes.revised, again.changes.removed, again.changes.added) == (
        [str(rows[0]["id"])],
        [str(withdrawn)],
        [],
    )


def test_fetched_ucdp_imports_with_import_ucdp(tmp_path, env, server):
    server.ucdp_versions["26.1"] = ucdp_api_rows(40, seed=4)
    outcome = ucdp.fetch_ucdp(tmp_path / "out", "Mali", "26.1", http=fast(), environ=env, progress=False)
    assert cli.main(["import", "ucdp", str(outcome.file), "--out", str(tmp_path / "imported")]) == 0


def test_ucdp_without_or_with_a_wrong_token_exits_2(tmp_path, env, server, monkeypatch, capsys):
    server.ucdp_versions["26.1"] = ucdp_api_rows(5)
    monkeypatch.setenv("UCDP_API_TOKEN", "not-the-token")
    assert cli.main(["fetch", "ucdp", "--version", "26.1", "--out", str(tmp_path), "--quiet"]) == 2
    monkeypatch.delenv("UCDP_API_TOKEN")
    assert cli.main(["fetch", "ucdp", "--version", "26.1", "--out", str(tmp_path), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("UCDP_API_TOKEN") == 2 and "not-the-token" not in err


def test_a_next_page_url_on_another_host_is_not_followed(tmp_path, env, server, monkeypatch):
    server.ucdp_versions["26.1"] = ucdp_api_rows(1500, seed=5)
    monkeypatch.setattr(type(server), "url", property(lambda self: "http://elsewhere.invalid"))
    with pytest.raises(FetchError, match="not on"):
        ucdp.fetch_ucdp(tmp_path, "Mali", "26.1", http=fast(), environ=env, progress=False)


def test_an_unknown_country_for_ucdp_is_a_clear_error(tmp_path, env):
    with pytest.raises(ValueError, match="unknown country 'Atlantis'"):
        ucdp.fetch_ucdp(tmp_path, "Atlantis", "26.1", environ=env, progress=False)


def test_credentials_are_read_from_acledrs_variable_names():
    creds = acled.credentials({"ACLED_API_EMAIL": "a@b.org", "ACLED_API_PASSWORD": "pw"})
    assert creds.email == "a@b.org" and "pw" not in repr(creds)
    with pytest.raises(CredentialsError, match="ACLED_API_EMAIL and ACLED_API_PASSWORD"):
        acled.credentials({})


if os.name == "nt":  # pragma: no cover
    pytestmark = pytest.mark.skip("file modes")


def test_dates_are_asked_as_a_between_range_and_an_open_end_is_today(tmp_path, env, server):
    serve_acled(server, acled_api_rows(800, seed=12))
    outcome = fetch(tmp_path / "a", env, start=dt.date(2020, 1, 1), end=dt.date(2022, 12, 31))
    (asked,) = server.requests_to("/api/acled/read")
    assert (asked["event_date"], asked["event_date_where"]) == (["2020-01-01|2022-12-31"], ["BETWEEN"])
    expected = [r for r in server.acled_rows.values() if "2020-01-01" <= r["event_date"] <= "2022-12-31"]
    assert 0 < outcome.rows == len(expected) < 800
    server.log.clear()
    fetch(tmp_path / "b", env, start=dt.date(2020, 1, 1))
    assert server.requests_to("/api/acled/read")[0]["event_date"] == [f"2020-01-01|{dt.date.today().isoformat()}"]


def test_a_stable_version_asked_as_candidate_is_refused(tmp_path, env):
    with pytest.raises(ValueError, match=r"25\.1 is a stable GED release"):
        ucdp.fetch_ucdp(tmp_path, "Mali", "25.1", candidate=True, environ=env, progress=False)


def test_a_server_that_caps_the_page_size_below_ours_is_caught_by_its_total(tmp_path, env, server):
    serve_acled(server, acled_api_rows(900, seed=13))
    server.max_limit = 400  # asked 500 a page, given 400: the first page looks like the last
    with pytest.raises(FetchError, match="ACLED said 900 rows match, 400 arrived"):
        fetch(tmp_path / "out", env)
    assert not (tmp_path / "out" / "acled_mali.csv").exists()
    assert server.requests_to("/api/acled/read")[0]["with_total"] == ["true"]


def test_ucdp_pages_that_end_before_total_count_are_refused(tmp_path, env, server):
    server.ucdp_versions["26.1"] = ucdp_api_rows(2500, seed=6)
    server.ucdp_last_page = 1
    with pytest.raises(FetchError, match="TotalCount is 2,500 but 2,000 events arrived"):
        ucdp.fetch_ucdp(tmp_path, "Mali", "26.1", http=fast(), environ=env, progress=False)
    assert not list(tmp_path.glob("*.csv"))


def test_a_half_written_file_left_by_a_killed_run_is_removed_by_the_next(tmp_path, env, server):
    serve_acled(server, acled_api_rows(20, seed=14))
    (tmp_path / "out").mkdir()
    leftover = tmp_path / "out" / "tmpab12cd.fetch-partial"
    leftover.write_text("event_id_cnty,event_date\nMLI1,")
    fetch(tmp_path / "out", env)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["acled_mali.csv", "fetch.json"]
