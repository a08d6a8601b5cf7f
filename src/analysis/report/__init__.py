"""Turning measured data into reports: text, style, figures, maps, tables, the notebook API, rendering.

The notebook calls the names re-exported here (``from analysis.report import ...``).
"""

from .notebook import Report, export_tables, md, methodology_markdown, open_report, png, table
from .text import date_text, esc, fmt_range

__all__ = [
    "Report",
    "date_text",
    "esc",
    "export_tables",
    "fmt_range",
    "md",
    "methodology_markdown",
    "open_report",
    "png",
    "table",
]
