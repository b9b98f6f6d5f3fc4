"""The JSON documents every command produces, as typed dictionaries — the contract between
the code that builds a document and the renderers, CI baselines and users that read it.

One module per document family; `schema.py` generates the JSON Schema of each (published in
docs/schemas/, checked by a test). Every document carries `schema_version` (an integer bumped
on any incompatible change; fields may be added without a bump) and, except the estimate
itself, a `kind` naming it.
"""
