"""Price List Bulk API offer files on disk, read as the Query API's items (for air-gapped use)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from genai_cost.errors import OfferFileError

BULK_SOURCE = "aws-price-list-bulk"

MAX_OFFER_FILE_BYTES = 1024 * 1024 * 1024
"""Largest offer file read (1 GiB; $GENAI_COST_MAX_OFFER_FILE_BYTES raises it). Regional
offer files of Bedrock and SageMaker are a few MB; EC2's are larger: the Query API
(`pricing refresh` without offer files) asks for just the instance types it needs."""
OFFER_LIMIT_ENV = "GENAI_COST_MAX_OFFER_FILE_BYTES"


def _offer_limit() -> int:
    text = os.environ.get(OFFER_LIMIT_ENV, "")
    if not text:
        return MAX_OFFER_FILE_BYTES
    if not text.isdigit():
        raise OfferFileError.at(
            f"${OFFER_LIMIT_ENV}", f"expected a whole number of bytes, got {text!r}"
        )
    return int(text)


def _sku_terms(terms: dict[str, Any], kind: str, sku: str) -> Any:
    table = terms.get(kind)
    return table.get(sku, {}) if isinstance(table, dict) else {}


def offer_items(path: Path, regions: set[str] | None = None) -> Iterator[dict[str, Any]]:
    """Products of a Bulk API offer file, shaped like Query API items (terms joined by SKU),
    optionally only those of `regions`. The file's shape is checked as it is read: an offer
    file is data from outside, and a wrong shape is an error naming the file, not a crash."""
    from genai_cost.catalog.pricelist import attributes_of
    from genai_cost.yamlsource import decode_utf8, parse_json, read_file_bytes

    raw = read_file_bytes(path, error=OfferFileError, limit=_offer_limit())
    text = decode_utf8(raw, str(path), error=OfferFileError)
    offer = parse_json(text, str(path), error=OfferFileError, what="an offer file")
    if not isinstance(offer, dict) or "products" not in offer or "terms" not in offer:
        raise OfferFileError.at(str(path), "not a Price List offer file (no products/terms)")
    products, terms = offer["products"], offer["terms"]
    if not isinstance(products, dict) or not isinstance(terms, dict):
        raise OfferFileError.at(
            str(path), "not a Price List offer file: 'products' and 'terms' must be objects"
        )
    service = offer.get("offerCode") if isinstance(offer.get("offerCode"), str) else None
    published = offer.get("publicationDate")
    for sku, product in products.items():
        if not isinstance(product, dict):
            raise OfferFileError.at(
                str(path), f"not a Price List offer file: product {sku!r} is not an object"
            )
        item = {
            "product": product,
            "serviceCode": service,
            "terms": {kind: _sku_terms(terms, kind, sku) for kind in ("OnDemand", "Reserved")},
            "publicationDate": published if isinstance(published, str) else None,
        }
        attributes = attributes_of(item)
        item["serviceCode"] = service or attributes.get("servicecode")
        if regions is None or attributes.get("regionCode") in regions:
            yield item
