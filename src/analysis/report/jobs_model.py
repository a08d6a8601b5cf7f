"""The report jobs file (``config/reports.yml``), declared: one pydantic model per level of the file.

Unknown keys are forbidden and formats come from the renderer's own list, so the shape of the file is
checked whole before any job runs; what needs the files themselves (the notebook exists, its parameters
are valid for the data) is checked afterwards by ``batch.load_jobs`` with the same code as ``render``.
``shape_problems`` turns pydantic's errors into the messages the file's author reads
("jobs[0]: unknown key 'colour' (expected [...])").
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .precheck import SLUG_PATTERN
from .render import FORMATS

DEFAULT_NOTEBOOK = "notebooks/casualty_report.ipynb"

Format = Literal[FORMATS]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Defaults(_Strict):
    """Settings every job takes unless it gives its own."""

    notebook: str = Field(DEFAULT_NOTEBOOK, description="the notebook to render, from the project root")
    formats: list[Format] = Field(
        list(FORMATS), description=f"any of {', '.join(FORMATS)} (report.ipynb is always written)"
    )


class JobEntry(_Strict):
    """One report: its folder's name, the notebook's parameters, and optionally its own notebook and formats."""

    slug: Annotated[
        str,
        Field(
            pattern=SLUG_PATTERN,
            description="the report's folder under reports/: lower-case letters, digits and dashes",
        ),
    ]
    parameters: dict[str, Any] = Field(default_factory=dict, description="the notebook's own parameters")
    notebook: str | None = Field(None, description="instead of defaults.notebook")
    formats: list[Format] | None = Field(None, description="instead of defaults.formats")

    @field_validator("slug", mode="before")
    @classmethod
    def _slug_as_text(cls, value):
        return "" if value is None else str(value)


class JobsFile(_Strict):
    defaults: Defaults = Field(default_factory=Defaults, description="what every job takes unless it gives its own")
    jobs: list[JobEntry] = Field(min_length=1, description="the reports render-all renders")

    @model_validator(mode="after")
    def _slugs_unique(self) -> JobsFile:
        seen: set[str] = set()
        twice = []
        for number, job in enumerate(self.jobs):
            if job.slug in seen:
                twice.append(f"jobs[{number}]: slug {job.slug!r} is used twice")
            seen.add(job.slug)
        if twice:
            raise ValueError("\n".join(twice))
        return self


def _keys(model: type[BaseModel]) -> list[str]:
    return sorted(model.model_fields)


#: The model that lists the keys allowed where an unknown key was found, by the depth of its location.
_KEYS_AT = {0: JobsFile, 1: Defaults, 2: JobEntry}


def _where(loc: tuple) -> str:
    """('jobs', 0, 'formats', 1) -> 'jobs[0]: formats'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    job, _, rest = text.partition("].")
    return f"{job}]: {rest}" if rest and job.startswith("jobs[") else text


def shape_problems(raw: Any) -> tuple[JobsFile | None, list[str]]:
    """The jobs file checked against the models: (the parsed file, or None, and every problem found)."""
    if not isinstance(raw, dict):
        return None, [f"expected a mapping with keys {_keys(JobsFile)}"]
    try:
        return JobsFile.model_validate(raw), []
    except ValidationError as error:
        return None, [line for item in error.errors() for line in _problem(item)]


def usable_parts(raw: Any) -> tuple[Defaults, list[tuple[int, JobEntry]]]:
    """The defaults and the numbered jobs that are right on their own, from a file whose shape is not: so that
    their parameters can be checked in the same pass and every problem named at once."""
    raw = raw if isinstance(raw, dict) else {}
    try:
        defaults = Defaults.model_validate(raw.get("defaults") or {})
    except ValidationError:
        defaults = Defaults()
    entries = raw.get("jobs") if isinstance(raw.get("jobs"), list) else []
    usable = []
    for number, entry in enumerate(entries):
        try:
            usable.append((number, JobEntry.model_validate(entry)))
        except ValidationError:
            continue  # its problems are among the shape's
    return defaults, usable


def _problem(item: dict) -> list[str]:
    loc, kind = tuple(item["loc"]), item["type"]
    if kind == "extra_forbidden":
        parent = loc[:-1]
        model = JobEntry if parent[:1] == ("jobs",) else _KEYS_AT[len(parent)]
        prefix = f"{_where(parent)}: " if parent else ""
        return [f"{prefix}unknown key '{loc[-1]}' (expected {_keys(model)})"]
    if loc in (("jobs",),) and kind in ("too_short", "missing", "list_type"):
        return ["'jobs' must be a non-empty list"]
    if loc[-1:] == ("slug",) and kind in ("string_pattern_mismatch", "missing"):
        slug = item["input"] if kind == "string_pattern_mismatch" else ""
        return [f"{_where(loc[:-1])}: slug {slug!r} must be lower-case letters, digits and dashes"]
    if kind == "literal_error":
        return [f"{_where(loc[:-2])}: format {item['input']!r} is not one of {list(FORMATS)}"]
    if kind == "value_error" and not loc:
        return str(item["msg"]).removeprefix("Value error, ").split("\n")
    if kind in ("model_type", "dict_type"):
        expected = "a mapping" if loc[-1:] == ("parameters",) else f"a mapping with keys {_keys(JobEntry)}"
        return [f"{_where(loc)}: expected {expected}"]
    return [f"{_where(loc)}: {item['msg']}; got {item.get('input')!r}"]


def reference_lines() -> list[str]:
    """The jobs file's keys as Markdown bullets, generated from the models (for docs/scheduling.md)."""
    lines = []
    for prefix, model in (("", JobsFile), ("defaults.", Defaults), ("jobs[].", JobEntry)):
        for name, info in model.model_fields.items():
            lines.append(f"- `{prefix}{name}`: {info.description or ''}".rstrip(": "))
    return lines
