"""Fetching ACLED's and UCDP's data from their APIs into files the importers read unchanged.

- ``http``: one HTTP client with retries (429 and 5xx, honouring ``Retry-After``, a bounded total wait).
- ``acled``: ACLED's OAuth password grant, ``/api/acled/read`` page by page, incremental updates with the
  ``timestamp`` filter and ``/api/deleted/read``; writes ACLED's current per-event CSV layout.
- ``ucdp``: UCDP's ``/api/gedevents/<version>`` page by page through ``NextPageUrl``; writes UCDP's CSV layout.
- ``state``: ``fetch.json`` beside the files (what was asked, when, what changed), the token cache, atomic CSV.
- ``sources_model``: ``config/sources.yml`` declared (what ``python -m analysis update`` runs).

Nothing here imports the rest of the package: fetching sits before the importers.
"""
