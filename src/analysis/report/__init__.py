"""Turning measured data into reports: text, style, figures, maps, tables, the notebook API, rendering.

The notebook calls the names re-exported here (``from analysis.report import ...``).
"""

from .changes import changes_markdown, changes_table, since_last_build
from .notebook import (
    Report,
    export_tables,
    headline_markdown,
    md,
    methodology_markdown,
    open_report,
    png,
    report_meta_html,
    table,
    what_changed_markdown,
)
from .text import date_text, esc, fmt_change, fmt_range, words

__all__ = [
    "Report",
    "changes_markdown",
    "changes_table",
    "date_text",
    "esc",
    "export_tables",
    "fmt_change",
    "fmt_range",
    "headline_markdown",
    "md",
    "methodology_markdown",
    "open_report",
    "png",
    "report_meta_html",
    "since_last_build",
    "table",
    "what_changed_markdown",
    "words",
]
