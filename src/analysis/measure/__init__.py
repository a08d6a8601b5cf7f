"""Counting: selections, aggregation by actor, period and region, and comparison of datasets."""
