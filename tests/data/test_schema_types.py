"""Each field's type and unit are declared once, in data/schema.py, and everything else reads them from there."""

from __future__ import annotations

from analysis.data import validation
from analysis.data.schema import DTYPES, FIELDS, PANDAS_DTYPES, data_dictionary_markdown


def test_every_declared_type_has_its_pandas_type_beside_it():
    assert set(PANDAS_DTYPES) == set(DTYPES)
    assert {f.dtype for f in FIELDS.values()} <= set(PANDAS_DTYPES)


def test_validation_parses_into_the_schemas_pandas_types():
    assert not hasattr(validation, "_PANDAS_DTYPES")  # no second table of types
    schema = validation.pandera_schema("casualties")
    assert str(schema.columns["count_min"].dtype) == PANDAS_DTYPES["int"] == "Int64"
    assert schema.columns["count_text"].dtype is None  # text stays text (object), as PANDAS_DTYPES declares


def test_counts_are_people_and_coordinates_degrees_in_the_data_dictionary():
    assert {name for name, f in FIELDS.items() if f.unit == "people"} == {"count_min", "count_best", "count_max"}
    assert FIELDS["latitude"].unit == FIELDS["centroid_longitude"].unit == "decimal degrees (WGS 84)"
    text = data_dictionary_markdown()
    assert "| `count_best` | whole number (empty = unknown, never 0); unit: people |" in text
    assert "| `latitude` | decimal number; unit: decimal degrees (WGS 84) |" in text
