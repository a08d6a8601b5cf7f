"""The jobs file's shape, declared in pydantic models: every problem named in the author's words, at once."""

from __future__ import annotations

import pytest
import yaml

from analysis.report.batch import ConfigError, load_jobs
from analysis.report.jobs_model import JobsFile, reference_lines, shape_problems

from conftest import ROOT


@pytest.mark.parametrize(
    "text, problems",
    [
        ("jobs: []\n", ["'jobs' must be a non-empty list"]),
        ("defaults: {formats: [html]}\n", ["'jobs' must be a non-empty list"]),
        ("- slug: a\n", ["expected a mapping with keys ['defaults', 'jobs']"]),
        (
            "defaults: {colour: red}\njobs:\n  - slug: a\n",
            ["defaults: unknown key 'colour' (expected ['formats', 'notebook'])"],
        ),
        (
            "jobs:\n  - parameters: {}\n  - slug: Year 2024\n  - just text\n",
            [
                "jobs[0]: slug '' must be lower-case letters, digits and dashes",
                "jobs[1]: slug 'Year 2024' must be lower-case letters, digits and dashes",
                "jobs[2]: expected a mapping with keys ['formats', 'notebook', 'parameters', 'slug']",
            ],
        ),
        (
            "defaults: {formats: [pdf, docx]}\njobs:\n  - slug: a\n    formats: [odt]\n    parameters: [1]\n",
            [
                "defaults: format 'docx' is not one of ['html', 'pdf']",
                "jobs[0]: parameters: expected a mapping",
                "jobs[0]: format 'odt' is not one of ['html', 'pdf']",
            ],
        ),
        ("jobs:\n  - slug: a\n  - slug: b\n  - slug: a\n", ["jobs[2]: slug 'a' is used twice"]),
    ],
)
def test_shape_problems_in_the_authors_words(text, problems):
    parsed, found = shape_problems(yaml.safe_load(text))
    assert parsed is None
    assert sorted(found) == sorted(problems)


def test_a_right_file_parses_with_its_defaults():
    parsed, problems = shape_problems(yaml.safe_load("jobs:\n  - slug: a\n  - slug: b\n    formats: [html]\n"))
    assert problems == []
    assert isinstance(parsed, JobsFile)
    assert [(j.slug, j.formats) for j in parsed.jobs] == [("a", None), ("b", ["html"])]
    assert parsed.defaults.formats == ["html", "pdf"]


def test_shape_and_parameter_problems_are_named_in_one_pass(tmp_path):
    path = tmp_path / "reports.yml"
    path.write_text(
        "jobs:\n  - slug: a\n    colour: red\n  - slug: b\n    parameters: {actors: [Martians]}\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_jobs(path)
    text = str(caught.value)
    assert f"{path}: jobs[0]: unknown key 'colour'" in text
    assert f"{path}: jobs[1]: unknown actor 'Martians'" in text


def test_the_reference_lists_every_key_of_the_models():
    listed = "\n".join(reference_lines())
    for key in ("`defaults`", "`jobs`", "`defaults.notebook`", "`defaults.formats`", "`jobs[].slug`"):
        assert key in listed
    assert "`jobs[].parameters`: the notebook's own parameters" in listed


def test_docs_jobs_reference_is_generated_from_the_models():

    readme = (ROOT / "docs" / "scheduling.md").read_text(encoding="utf-8")
    block = readme.split("<!-- jobs-reference:start -->\n")[1].split("<!-- jobs-reference:end -->")[0]
    assert block == "\n".join(reference_lines()) + "\n"
