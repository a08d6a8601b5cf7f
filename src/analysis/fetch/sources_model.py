"""``config/sources.yml``, declared: what ``python -m analysis update`` fetches, where each import goes and which
report jobs (in the jobs file it names) use it. Unknown keys are refused; every problem is listed at once.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Strict):
    """One API query: fetched into ``download_to``, imported into ``import_to``, rendered by ``reports``."""

    name: str = Field(pattern=NAME_PATTERN, description="a short name for messages: lower-case letters, digits, dashes")
    api: Literal["acled", "ucdp"] = Field(description="acled or ucdp")
    country: str = Field("Mali", description="the country asked for")
    start_date: dt.date | None = Field(None, description="first event date asked for (YYYY-MM-DD); none: all")
    end_date: dt.date | None = Field(None, description="last event date asked for (YYYY-MM-DD); none: all")
    version: str | None = Field(None, description="UCDP only: a release such as 25.1 or 25.0.11; none: the newest")
    candidate: bool = Field(False, description="UCDP only: the monthly Candidate release instead of the stable GED")
    download_to: str = Field(description="folder of the fetched CSV and fetch.json, from the project root")
    import_to: str = Field(description="the import's output folder (re-imported over), from the project root")
    reports: list[str] = Field(default_factory=list, description="slugs of the jobs in reports_file that use it")

    @model_validator(mode="after")
    def _ucdp_only(self) -> Source:
        if self.api == "acled" and (self.version or self.candidate):
            raise ValueError("version and candidate are for UCDP sources only")
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValueError(f"start_date {self.start_date} is after end_date {self.end_date}")
        return self


class SourcesFile(_Strict):
    reports_file: str = Field(
        "config/reports_fetched.yml", description="the jobs file (reports.yml's format) holding the sources' reports"
    )
    reports_out: str = Field("reports", description="where reports/<slug>/ is written")
    sources: list[Source] = Field(min_length=1, description="what update fetches and imports, in order")

    @model_validator(mode="after")
    def _unique(self) -> SourcesFile:
        names = [s.name for s in self.sources]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"source name(s) used twice: {', '.join(twice)}")
        folders = [Path(s.import_to) for s in self.sources]
        shared = sorted({str(f) for f in folders if folders.count(f) > 1})
        if shared:
            raise ValueError(f"import_to used by two sources (each import replaces the folder): {', '.join(shared)}")
        return self


class SourcesError(ValueError):
    """The sources file is wrong; the message lists every problem."""


def _where(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def problems_of(error: ValidationError) -> list[str]:
    lines = []
    for item in error.errors():
        loc, kind = tuple(item["loc"]), item["type"]
        where = _where(loc[:-1] if kind == "extra_forbidden" else loc)
        if kind == "extra_forbidden":
            model = Source if loc[:1] == ("sources",) else SourcesFile
            lines.append(
                f"{where + ': ' if where else ''}unknown key '{loc[-1]}' (expected {sorted(model.model_fields)})"
            )
        elif kind == "missing":
            lines.append(f"{where}: missing")
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
            got = "" if kind == "value_error" else f"; got {item.get('input')!r}"
            lines.append(f"{where + ': ' if where else ''}{message}{got}")
    return lines


def load_sources(path: Path) -> SourcesFile:
    """Read and check the sources file; raise SourcesError listing every problem."""
    try:
        raw: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise SourcesError(f"{path}: cannot read it as YAML ({err})") from None
    if not isinstance(raw, dict):
        raise SourcesError(f"{path}: expected a mapping with keys {sorted(SourcesFile.model_fields)}")
    try:
        return SourcesFile.model_validate(raw)
    except ValidationError as error:
        raise SourcesError("\n".join(f"{path}: {line}" for line in problems_of(error))) from None


def reference_lines() -> list[str]:
    """The file's keys as Markdown bullets, from the models (for docs/scheduling.md)."""
    lines = []
    for prefix, model in (("", SourcesFile), ("sources[].", Source)):
        for name, info in model.model_fields.items():
            lines.append(f"- `{prefix}{name}`: {info.description or ''}".rstrip(": "))
    return lines
