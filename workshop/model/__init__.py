"""The buying map as a domain model: its kinds of element, their defaults and rules.

Pure Python: no streamlit, duckdb or pyvis here (a test enforces it). The map document (a
JSON object following ``map.schema.json``) is the model's currency; :mod:`.reader` is the only
way in from untrusted bytes, and :mod:`.elements` maps the document to the flat elements the
store and the pages work with.
"""
