"""The tidy tables: their schema, reading, validation, reference lookups and the cached loaded dataset."""
