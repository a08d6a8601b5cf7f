"""The README and docs/ say true things about the repository: every path they name exists, every link between
them leads somewhere, the module table of docs/architecture.md lists every module, and the README stays short."""

from __future__ import annotations

import re

import pytest

from analysis import config

ROOT = config.PROJECT_ROOT
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: A path of the repository written in backticks: `src/...`, `docs/...` (not ../shared, not globs or placeholders).
PATH = re.compile(r"`((?:src|docs|tests|benchmarks|examples|config|notebooks)/[^`*<> :]+)(?:::[^`]*)?`")
LINK = re.compile(r"\]\(([^)#]+)(?:#[^)]*)?\)")
#: Lines of the README's generated mapping reference, which issue 22 moves to a page of its own.
MAPPING_REFERENCE = re.compile(r"<!-- mapping-reference:start -->.*?<!-- mapping-reference:end -->", re.S)


def test_the_pages_exist():
    names = {page.name for page in PAGES}
    assert {"architecture.md", "performance.md", "curation.md", "data_dictionary.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_path_a_page_names_exists(page):
    missing = [p for p in PATH.findall(page.read_text(encoding="utf-8")) if not (ROOT / p.rstrip("/.,")).exists()]
    assert missing == [], f"{page.name} names paths that do not exist"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_leads_to_a_file(page):
    links = [link for link in LINK.findall(page.read_text(encoding="utf-8")) if "://" not in link]
    broken = [link for link in links if not (page.parent / link).exists()]
    assert broken == [], f"{page.name} links to files that do not exist"


def test_the_architecture_page_names_every_module_of_the_package():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "src" / "analysis"
    modules = {p.name for p in package.rglob("*.py") if p.name not in ("__init__.py", "__main__.py")}
    modules.discard("build.py")  # report/geo/build.py: a script that rebuilds the shipped boundaries
    assert sorted(m for m in modules if f"`{m}`" not in text) == []


def test_the_readme_is_for_users_short():
    text = MAPPING_REFERENCE.sub("", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(text.splitlines()) < 250
