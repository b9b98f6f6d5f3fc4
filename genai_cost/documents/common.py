"""Pieces several documents share."""

from __future__ import annotations

from typing_extensions import TypedDict


class SnapshotRef(TypedDict):
    """Which pricing snapshot priced a document."""

    id: str
    as_of: str


class SourceInfo(TypedDict):
    """Where a price came from (a key of a snapshot's `sources`)."""

    title: str
    reference: str
    as_of: str
