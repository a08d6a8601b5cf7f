"""python -m analysis update: config/sources.yml, then fetch -> import over the earlier import -> render-all."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fake_apis import FakeApis
from test_fetch import acled_api_rows, env, serve_acled, server  # noqa: F401  (fixtures)

from analysis import cli, config
from analysis.fetch.sources_model import SourcesError, load_sources
from analysis.update import _check_reports


def write_config(tmp_path: Path, reports: list[str], formats=("html",)) -> Path:
    jobs = {
        "defaults": {"formats": list(formats)},
        "jobs": [{"slug": "acled-test", "parameters": {"title": "Fetched", "data_dir": str(tmp_path / "imported")}}],
    }
    (tmp_path / "jobs.yml").write_text(yaml.safe_dump(jobs))
    sources = {
        "reports_file": str(tmp_path / "jobs.yml"),
        "reports_out": str(tmp_path / "reports"),
        "sources": [
            {
                "name": "acled-mali",
                "api": "acled",
                "country": "Mali",
                "download_to": str(tmp_path / "downloads"),
                "import_to": str(tmp_path / "imported"),
                "reports": reports,
            }
        ],
    }
    path = tmp_path / "sources.yml"
    path.write_text(yaml.safe_dump(sources))
    return path


@pytest.mark.slow
def test_update_fetches_reimports_renders_the_changed_job_and_says_what_changed(tmp_path, env, server, capsys):  # noqa: F811
    rows = acled_api_rows(400, seed=21)
    serve_acled(server, rows)
    # first night: fetch and import only (no job yet), so that the one render below is a re-import's
    assert cli.main(["update", "--sources", str(write_config(tmp_path, [])), "--quiet"]) == 0
    first = capsys.readouterr().out.strip().splitlines()
    assert len(first) == 1 and first[0].startswith("update: acled-mali: 400 rows downloaded; import ")
    assert first[0].endswith(" incidents (first import); 0 report(s) rendered")
    assert (tmp_path / "imported" / "incidents.csv").is_file()

    later = max(int(r["timestamp"]) for r in rows) + 100
    attacks = [r for r in rows if r["event_type"] == "Violence against civilians" and r["fatalities"] != "0"]
    revised, deleted = attacks[0]["event_id_cnty"], attacks[1]["event_id_cnty"]
    server.acled_rows[revised] |= {"fatalities": str(int(attacks[0]["fatalities"]) + 4), "timestamp": str(later)}
    del server.acled_rows[deleted]
    server.deleted = [{"event_id_cnty": deleted, "deleted_timestamp": str(later)}]
    server.acled_rows["MLI999999"] = dict(attacks[2], event_id_cnty="MLI999999", timestamp=str(later))
    config_path = write_config(tmp_path, ["acled-test"])

    assert cli.main(["update", "--sources", str(config_path), "--quiet", "--workers", "1"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("update: acled-mali: 1 new, 1 revised, 1 deleted; import +1 -1 ~1 incidents;"), line
    assert "1 report(s) rendered (acled-test)" in line
    assert (tmp_path / "reports" / "acled-test" / "report.html").is_file()
    report = (tmp_path / "imported" / "import_report.txt").read_text()
    assert "events added 1, removed 1, revised 1" in report

    assert cli.main(["update", "--sources", str(config_path), "--quiet"]) == 0  # nothing new: nothing to render
    assert capsys.readouterr().out.strip() == "update: acled-mali: no change; 0 report(s) rendered"


def test_update_after_a_network_failure_exits_1_and_leaves_download_and_import(tmp_path, env, server, capsys):  # noqa: F811
    serve_acled(server, acled_api_rows(50, seed=22))
    config_path = write_config(tmp_path, [])
    assert cli.main(["update", "--sources", str(config_path), "--quiet"]) == 0
    capsys.readouterr()
    kept = {p: p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file() and "cache" not in p.parts}
    server.fail("/api/acled/read", 500, times=None)
    assert cli.main(["update", "--sources", str(config_path), "--quiet", "--max-wait", "0"]) == 1
    captured = capsys.readouterr()
    assert "acled-mali FAILED (ACLED events (Mali), page 1: the server answered HTTP 500" in captured.out
    assert "Traceback" not in captured.err
    assert {p: p.read_bytes() for p in kept} == kept
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file() and "cache" not in p.parts) == sorted(kept)


def test_update_with_wrong_credentials_exits_2_naming_the_variable(tmp_path, env, server, monkeypatch, capsys):  # noqa: F811
    monkeypatch.setenv("ACLED_API_PASSWORD", "not-it")
    assert cli.main(["update", "--sources", str(write_config(tmp_path, [])), "--quiet"]) == 2
    captured = capsys.readouterr()
    assert "ACLED_API_PASSWORD" in captured.err and "not-it" not in captured.out + captured.err
    assert not (tmp_path / "imported").exists()


def test_a_sources_file_with_an_unknown_key_or_report_is_refused_before_anything_runs(tmp_path, capsys):
    path = tmp_path / "sources.yml"
    path.write_text(
        "sources:\n  - {name: a, api: acled, download_to: d, import_to: i, colour: red}\n"
        "  - {name: b, api: gdelt, download_to: d, import_to: j}\n"
    )
    with pytest.raises(SourcesError) as raised:
        load_sources(path)
    text = str(raised.value)
    assert "sources[0]: unknown key 'colour' (expected [" in text
    assert "sources[1].api: Input should be 'acled' or 'ucdp'" in text
    assert cli.main(["update", "--sources", str(path), "--quiet"]) == 2

    path.write_text(
        f"reports_file: {config.CONFIG_DIR / 'reports.yml'}\n"
        "sources:\n  - {name: a, api: acled, download_to: d, import_to: i, reports: [no-such-job]}\n"
    )
    assert cli.main(["update", "--sources", str(path), "--quiet"]) == 2
    assert "report 'no-such-job' is not a job of" in capsys.readouterr().err


def test_the_shipped_sources_file_is_valid_and_names_jobs_of_its_reports_file():
    sources = load_sources(config.CONFIG_DIR / "sources.yml")
    assert [s.api for s in sources.sources] == ["acled", "ucdp"]
    assert _check_reports(sources, config.PROJECT_ROOT / sources.reports_file) == []


def test_fake_apis_is_a_local_server():
    with FakeApis() as apis:
        assert apis.url.startswith("http://127.0.0.1:")


def test_the_docs_list_the_sources_file_keys_from_the_model():
    from analysis.fetch.sources_model import reference_lines

    text = (config.PROJECT_ROOT / "docs" / "scheduling.md").read_text(encoding="utf-8")
    listed = text.split("<!-- sources-reference:start -->\n")[1].split("<!-- sources-reference:end -->")[0]
    assert listed.strip().splitlines() == reference_lines()


def test_a_download_newer_than_its_import_is_imported_again(tmp_path):
    import os

    from analysis.update import _imported_after

    download, report = tmp_path / "acled_mali.csv", tmp_path / "import_report.json"
    download.write_text("x")
    assert not _imported_after(report, download)  # never imported
    report.write_text("{}")
    os.utime(download, ns=(report.stat().st_mtime_ns + 10**9,) * 2)  # the import of it failed after it was written
    assert not _imported_after(report, download)
    os.utime(report, ns=(download.stat().st_mtime_ns + 10**9,) * 2)
    assert _imported_after(report, download)


def test_an_update_while_another_runs_does_nothing_and_exits_1(tmp_path, monkeypatch, capsys):
    import fcntl

    monkeypatch.setattr(config, "CACHE_DIR", tmp_path)
    sources = tmp_path / "sources.yml"
    sources.write_text(f"sources:\n  - {{name: a, api: acled, download_to: {tmp_path}/d, import_to: {tmp_path}/i}}\n")
    with (tmp_path / "update.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert cli.main(["update", "--sources", str(sources), "--quiet"]) == 1
    assert "another update is running" in capsys.readouterr().out
    assert not (tmp_path / "d").exists()
