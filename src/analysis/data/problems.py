"""A problem found in input data, said so that an analyst can find and fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None  # physical line in the file (the header is line 1)
    column: str | None
    value: str | None
    expected: str

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or "")

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        parts = [where]
        if self.column:
            parts.append(f"column '{self.column}'")
        if self.value is not None:
            shown = self.value if len(self.value) <= 80 else self.value[:77] + "..."
            parts.append(f"value {shown!r}")
        return ": ".join([", ".join(parts), f"expected {self.expected}"])


class DataValidationError(Exception):
    """Raised by ``load_dataset`` when the data break the schema; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__(f"{len(self.problems)} problem(s) in the data:\n" + "\n".join(map(str, self.problems[:50])))
