import json

from analysis import config
from analysis.hygiene import find_notebooks, notebook_problems


def test_committed_notebooks_have_no_outputs():
    problems = [p for nb in find_notebooks([config.NOTEBOOKS_DIR]) for p in notebook_problems(nb)]
    assert problems == []


def test_a_notebook_with_outputs_is_flagged(tmp_path):
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 3,
                "outputs": [{"output_type": "stream", "text": "x"}],
                "source": "1",
                "metadata": {},
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(notebook))
    assert notebook_problems(path) == [
        f"{path}: cell 1 has outputs (clear them before committing)",
        f"{path}: cell 1 has an execution count (clear outputs before committing)",
    ]
