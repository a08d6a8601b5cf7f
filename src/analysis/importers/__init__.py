"""Bringing other people's data into the tidy tables: ACLED and UCDP exports, and an analyst's own table.

Every importer reads a file into text columns (``reading``), maps it to incidents, perpetrators,
casualties and sources (one module per source), and hands the result to ``output``, which
validates it and publishes it atomically with a report that accounts for every row read.
"""
