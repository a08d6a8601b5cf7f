"""Reports are safe to open: markup, Markdown and formulas in the data show as text, and the PDF renders."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from analysis import config
from analysis.report.render import render

from conftest import minimal_tables, write_tables

#: Every test here runs notebooks in real kernels: end to end, deselected by `make test-fast`.
pytestmark = pytest.mark.slow

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://evil.example","click")'
LINK = "[click](javascript:alert(1)) ![pixel](http://evil.example/p.png)"


def hostile_tables() -> dict[str, list[dict]]:
    t = minimal_tables()
    t["actors"][0]["aliases"] += f"|{SCRIPT}"
    t["actors"].append(
        {
            "actor": f"Militia {IMG} $x$",
            "actor_type": "militia",
            "family": "militias",
            "acled_inter": "4",
            "description": SCRIPT,
        }
    )
    t["regions"].append(
        {
            "region": FORMULA,
            "region_scheme": "pre_2016",
            "capital": IMG,
            "centroid_latitude": "14.5",
            "centroid_longitude": "-4.2",
            "centroid_basis": SCRIPT,
        }
    )
    t["key_dates"][0]["label"] = f"{SCRIPT} $y$"
    inc = t["incidents"][0]
    inc.update(title=f"{SCRIPT} raid {LINK}", summary=IMG, location_name=f"{IMG} village", admin2=FORMULA)
    t["incidents"].append(
        {
            **inc,
            "incident_id": "t-2",
            "title": FORMULA,
            "admin1": FORMULA,
            "start_date": "2024-05-01",
            "end_date": "2024-05-01",
        }
    )
    t["perpetrators"][0]["actor"] = SCRIPT  # an alias of FAMa
    t["perpetrators"].append(
        {
            "incident_id": "t-2",
            "actor": f"Militia {IMG} $x$",
            "role": "primary",
            "attribution": "alleged",
            "attribution_basis": IMG,
        }
    )
    t["casualties"][0]["count_text"] = IMG
    t["casualties"].append(
        {
            "incident_id": "t-2",
            "harm": "killed",
            "victim_status": "civilian",
            "victim_group": "all",
            "count_min": "3",
            "count_text": FORMULA,
        }
    )
    t["sources"][0].update(quote=SCRIPT, title=FORMULA, url="https://example.org/a")
    t["sources"].append(
        {
            "incident_id": "t-2",
            "publisher": IMG,
            "source_type": "media",
            "stance": "reports",
            "quote": f"{SCRIPT} {LINK}",
            "document": FORMULA,
        }
    )
    return t


class Elements(HTMLParser):
    """Every start tag with its attributes, the text inside each script, and the visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in.append(tag)

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        if self._in and self._in[-1] == "script":
            self.scripts.append(data)
        elif not self._in:
            self.text.append(data)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    data = write_tables(tmp_path_factory.mktemp("hostile") / "data", hostile_tables())
    out = tmp_path_factory.mktemp("reports")
    return render(parameters={"data_dir": str(data), "title": f"{SCRIPT} {IMG} {LINK}"}, out_dir=out, slug="hostile")


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """The comparison notebook on two hostile datasets whose figures differ, under hostile labels, so that
    the hostile names reach its sentences (differences by group and by matched event) and its methodology."""
    first = write_tables(tmp_path_factory.mktemp("hostile-a") / "data", hostile_tables())
    other = hostile_tables()
    for row in other["casualties"]:
        row["count_min"] = str(int(row.get("count_min") or 0) + 4)
        row["count_best"] = row["count_max"] = ""
    second = write_tables(tmp_path_factory.mktemp("hostile-b") / "data", other)
    out = tmp_path_factory.mktemp("comparisons")
    return render(
        notebook=config.NOTEBOOKS_DIR / "dataset_comparison.ipynb",
        parameters={"data_dirs": {f"a {LINK}": str(first), f"b {IMG}": str(second)}},
        out_dir=out,
        slug="hostile-comparison",
    )


#: The payloads each report shows (the comparison shows no titles, quotes or key dates, so no <script> text).
SHOWN = {
    "rendered": (SCRIPT, IMG, FORMULA, LINK, f"Militia {IMG} $x$"),
    "compared": (IMG, FORMULA, LINK, f"Militia {IMG} $x$"),
}


@pytest.fixture(params=list(SHOWN))
def any_report(request):
    return request.getfixturevalue(request.param), SHOWN[request.param]


def test_comparison_sentences_name_the_hostile_actor(compared):
    html = compared.files["html"].read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", "".join(_visible(html)))
    assert f"civilians killed by Militia {IMG} $x$ than a {LINK}" in text  # a difference sentence, escaped
    assert f"{IMG} village" in text  # a matched event's place


def _visible(html: str) -> list[str]:
    parser = Elements()
    parser.feed(html)
    return parser.text


def test_html_shows_data_markup_as_text(any_report):
    rendered, shown = any_report
    parser = Elements()
    parser.feed(rendered.files["html"].read_text(encoding="utf-8"))
    assert not any("alert" in script for script in parser.scripts)
    for tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not (tag == "img" and attrs.get("src") in ("x", "http://evil.example/p.png")), attrs
        assert not (attrs.get("href") or "").strip().lower().startswith("javascript:"), attrs
        assert not (attrs.get("src") or "").startswith("http"), attrs  # nothing fetched from elsewhere
    text = re.sub(r"\s+", " ", "".join(parser.text))
    for payload in shown:
        assert payload in text, payload


def test_pdf_renders_with_the_text(any_report):
    rendered, shown = any_report
    text = re.sub(r"\s+", "", " ".join(page.extract_text() for page in PdfReader(rendered.files["pdf"]).pages))
    for payload in (IMG, "=HYPERLINK(", "[click](javascript:alert(1))", *shown[:1]):
        assert re.sub(r"\s+", "", payload) in text, payload


def test_report_tables_for_spreadsheets_are_formula_safe(rendered):
    folder = rendered.directory / "tables"
    names = sorted(p.name for p in folder.glob("*.csv"))
    assert "incidents.csv" in names and "killed_by_region.csv" in names
    assert {"killed_by_kind_and_actor.csv", "deadliest_incidents.csv", "worst_hit_cercles.csv"} <= set(names)
    cells = [
        cell
        for path in folder.glob("*.csv")
        for row in csv.reader(path.open(encoding="utf-8-sig", newline=""))
        for cell in row
    ]
    assert f"'{FORMULA}" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    by_region = list(csv.DictReader((folder / "killed_by_region.csv").open(encoding="utf-8-sig", newline="")))
    assert {row["region"]: int(row["count_min"]) for row in by_region}[f"'{FORMULA}"] == 3  # numbers stay numbers
