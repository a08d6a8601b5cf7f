"""Turning measured data into reports: text, style, figures, maps, tables, the notebook API, rendering.

The notebook calls the names re-exported here (``from analysis.report import ...``). They are loaded on
first use (PEP 562), so that importing a submodule such as ``report.precheck`` or ``report.render`` (what
the command line does before a kernel starts) does not import matplotlib and the figure code with it.
"""

from importlib import import_module

_EXPORTS = {
    "changes": ("changes_markdown", "changes_table", "since_last_build"),
    "notebook": (
        "Report",
        "deadliest_episodes_markdown",
        "export_tables",
        "headline_markdown",
        "md",
        "methodology_markdown",
        "open_report",
        "png",
        "report_meta_html",
        "table",
        "what_changed_markdown",
    ),
    "text": ("date_text", "esc", "fmt_change", "fmt_range", "words"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
