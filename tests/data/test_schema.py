import csv
import re

from analysis import config
from analysis.data.schema import DTYPES, EVENT_TYPES, FIELDS, LOAD_ORDER, TABLES, data_dictionary_markdown
from analysis.data.validation import pandera_schema


def test_every_field_is_well_formed():
    for name, fld in FIELDS.items():
        assert fld.name == name
        assert fld.dtype in DTYPES, name
        assert len(fld.description) > 10, f"{name} needs a description"
        if fld.allowed:
            assert len(set(fld.allowed)) == len(fld.allowed), name
        if fld.pattern:
            re.compile(fld.pattern)
        if fld.minimum is not None and fld.maximum is not None:
            assert fld.minimum < fld.maximum, name


def test_every_field_is_used_by_a_table_and_every_column_is_declared():
    used = {c for table in TABLES.values() for c in table.columns}
    assert used == set(FIELDS), f"unused fields: {set(FIELDS) - used}"
    for table in TABLES.values():
        assert len(set(table.columns)) == len(table.columns), table.name
        assert set(table.primary_key) <= set(table.required), table.name
        assert set(table.required) <= set(table.columns), table.name
        for fk in table.foreign_keys:
            assert set(fk.columns) <= set(table.columns)
            assert set(fk.ref_columns) <= set(TABLES[fk.table].columns)


def test_load_order_covers_every_table():
    assert sorted(LOAD_ORDER) == sorted(TABLES)


def test_data_files_have_exactly_the_declared_columns():
    for table in TABLES.values():
        with (config.DATA_DIR / table.path).open(encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == list(table.columns), table.path


def test_every_declared_column_holds_data_somewhere():
    # "Used" means a value appears in the embedded data, not just a header.
    import pandas as pd

    empty = []
    for table in TABLES.values():
        frame = pd.read_csv(config.DATA_DIR / table.path, dtype=str, keep_default_na=False)
        empty += [f"{table.name}.{c}" for c in table.columns if not (frame[c] != "").any()]
    # Filled by the importers; the seeds give no coordinates, and we invent none (a cercle, admin2, is recorded
    # where the public record names it).
    # actor_description holds the identity labels ACLED attaches to an actor: the seeds give none.
    assert empty == [
        "incidents.latitude",
        "incidents.longitude",
        "incidents.external_id",
        "perpetrators.actor_description",
    ]


def test_pandera_schemas_are_generated_for_every_table():
    for name in TABLES:
        schema = pandera_schema(name)
        assert list(schema.columns) == list(TABLES[name].columns)


def test_event_types_map_to_acled():
    for key, (event_type, sub_event_type, meaning) in EVENT_TYPES.items():
        assert meaning
        if key not in ("other", "multiple"):
            assert event_type and sub_event_type, key


def test_data_dictionary_is_current():
    committed = (config.DOCS_DIR / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed == data_dictionary_markdown(), "run `make docs` and commit docs/data_dictionary.md"
