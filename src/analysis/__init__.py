"""Civilian harm in Mali: tidy incident tables, validation, aggregation and reports."""

from .deferred import defer_rfc3987_syntax

defer_rfc3987_syntax()  # before anything loads jsonschema (see deferred.py)

from .data.dataset import Dataset, check_dataset, load_dataset  # noqa: E402  (after the deferral)
from .data.problems import DataValidationError, Problem  # noqa: E402

__all__ = ["DataValidationError", "Dataset", "Problem", "check_dataset", "load_dataset"]
