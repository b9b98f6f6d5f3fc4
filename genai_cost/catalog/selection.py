"""Which prices to use: the snapshot, the price book over it, the pricing date, the staleness
limit — the arguments every command that prices something takes, in one object.

Precedence (docs/pricing-data.md): `--snapshot` > $GENAI_COST_SNAPSHOT > the newest bundled
snapshot; `--price-book` > $GENAI_COST_PRICE_BOOK; `--as-of` > a scenario's `pricing_date` >
today ($GENAI_COST_TODAY, else the clock).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from genai_cost.catalog.snapshot import Catalog, load_catalog
from genai_cost.errors import ArgumentError

TODAY_ENV = "GENAI_COST_TODAY"
MAX_AGE_ENV = "GENAI_COST_MAX_SNAPSHOT_AGE_DAYS"
PRICE_BOOK_ENV = "GENAI_COST_PRICE_BOOK"
DEFAULT_MAX_SNAPSHOT_AGE_DAYS = 90


def today(override: dt.date | None = None) -> dt.date:
    """The day it is: `override`, else $GENAI_COST_TODAY (YYYY-MM-DD), else the clock."""
    if override is not None:
        return override
    text = os.environ.get(TODAY_ENV)
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ArgumentError(f"${TODAY_ENV} must be a date YYYY-MM-DD, got {text!r}") from None
    return dt.date.today()


@dataclass(frozen=True)
class PricingOptions:
    """The pricing arguments of a command. Every field is optional; see the module docstring
    for what each falls back to."""

    snapshot: str | Path | None = None
    """A bundled snapshot id or a snapshot folder."""
    price_book: str | Path | None = None
    """Your prices and discounts, layered over the snapshot."""
    as_of: dt.date | None = None
    """Price at the rates in effect on this day (beats scenarios' `pricing_date`)."""
    day: dt.date | None = None
    """Today, for staleness warnings and as the default pricing date."""
    max_snapshot_age_days: int | None = None
    """Warn when the snapshot is older than this many days."""
    month: str | None = None
    """Price this calendar month, YYYY-MM (beats scenarios' `billing_month`)."""
    free_tier: bool = False
    """Apply the account-level free tiers of supporting services."""

    def catalog(self) -> Catalog:
        """The snapshot with the price book layered over it (validated against it)."""
        catalog = load_catalog(self.snapshot)
        book = self.price_book or os.environ.get(PRICE_BOOK_ENV) or None
        if book is None:
            return catalog
        from genai_cost.catalog.pricebook import apply_price_book, load_price_book

        return apply_price_book(catalog, load_price_book(book, catalog), book)

    def today(self) -> dt.date:
        return today(self.day)

    def age_limit(self) -> int:
        """Days a snapshot may be old before a warning ($GENAI_COST_MAX_SNAPSHOT_AGE_DAYS)."""
        if self.max_snapshot_age_days is not None:
            return self.max_snapshot_age_days
        raw = os.environ.get(MAX_AGE_ENV, str(DEFAULT_MAX_SNAPSHOT_AGE_DAYS))
        try:
            return int(raw)
        except ValueError:
            raise ArgumentError(
                f"${MAX_AGE_ENV} must be a whole number of days, got {raw!r}"
            ) from None
