"""Every path the project uses, defined once from the project root.

Environment variables override them, so that a scheduled job or a test can point the
tool at other data without editing code: MALI_DATA_DIR, MALI_REPORTS_DIR, MALI_SHARED_DIR,
MALI_CACHE_DIR.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser().resolve() if value else default


DATA_DIR = _path("MALI_DATA_DIR", PROJECT_ROOT / "data")
REFERENCE_DIR = DATA_DIR / "reference"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = _path("MALI_REPORTS_DIR", PROJECT_ROOT / "reports")
#: Validated datasets, keyed on their input files (see dataset.load_dataset); safe to delete.
CACHE_DIR = _path("MALI_CACHE_DIR", PROJECT_ROOT / ".cache")
CONFIG_DIR = PROJECT_ROOT / "config"
DOCS_DIR = PROJECT_ROOT / "docs"
#: Read-only material beside the project (seed reports, samples, boundaries); may be absent.
SHARED_DIR = _path("MALI_SHARED_DIR", PROJECT_ROOT.parent / "shared")
SEEDS_DIR = SHARED_DIR / "seeds"
