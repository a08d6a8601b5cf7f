"""Civilian harm in Mali: tidy incident tables, validation, aggregation and reports."""

from .data.dataset import Dataset, check_dataset, load_dataset
from .data.problems import DataValidationError, Problem

__all__ = ["DataValidationError", "Dataset", "Problem", "check_dataset", "load_dataset"]
