"""`genai-cost pricing refresh`: a new dated snapshot from the AWS Price List.

Prices come from the Price List Query API (boto3 `pricing.get_products`, paginated with
`NextToken`, retried with exponential backoff when throttled) or, for air-gapped use, from
Price List Bulk API offer files on disk. The client is pinned to `us-east-1`: the Query API
answers only there, in eu-central-1 and in ap-south-1, and every endpoint serves the same
global catalogue, filtered here by `regionCode`.

Rows the Price List does not carry (provisioned throughput, which AWS does not publish there
for most models; throughput benchmarks; prices of models or instances the refresh did not
find) are carried over from the previous snapshot with their original source, and marked
"carried over from snapshot <id>". The new snapshot is assembled in a temporary folder beside
the target, validated by loading it, and only then renamed into place: a refresh that fails
part-way leaves every existing snapshot untouched and says what failed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genai_cost.catalog.pricelist import (
    BEDROCK_SERVICES,
    EC2_FILTERS,
    ParseReport,
    bedrock_rows,
    instance_rows,
)
from genai_cost.catalog.snapshot import (
    OPTIONAL_TABLES,
    TABLE_FILES,
    Catalog,
    load_catalog,
    recover_replaced,
    replaced_path,
)
from genai_cost.catalog.writer import table_text, write_snapshot
from genai_cost.errors import GenaiCostError, OfferFileError, RefreshError
from genai_cost.output import remove_stale, temp_prefix

PRICING_REGION = "us-east-1"
RETRYABLE = {
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "Throttling",
    "InternalErrorException",
    "ServiceUnavailableException",
}
API_SOURCE = "aws-price-list-api"
BULK_SOURCE = "aws-price-list-bulk"
READ_ONLY_ACTIONS = (
    "pricing:GetProducts",
    "pricing:DescribeServices",
    "pricing:GetAttributeValues",
)


Request = tuple[str, dict[str, str]]
"""(service code, TERM_MATCH filters) of one paginated get_products query."""


def default_regions(previous: Catalog) -> list[str]:
    """Regions the previous snapshot prices by name (plus us-east-1)."""
    named = {r.region for rows in previous.on_demand.values() for r in rows}
    named |= {key[2] for key in previous.instance_prices}
    return sorted((named - {"*"}) | {"us-east-1"})


def plan_requests(previous: Catalog, regions: list[str]) -> list[Request]:
    """Every query a refresh makes, in order: Bedrock per service and region, then each
    instance type of the previous snapshot on EC2 and SageMaker per region."""
    plan: list[Request] = []
    for region in regions:
        for service in BEDROCK_SERVICES:
            plan.append((service, {"regionCode": region}))
    for region in regions:
        for instance_type in sorted(previous.instance_types):
            plan.append(
                ("AmazonEC2", {"regionCode": region, "instanceType": instance_type, **EC2_FILTERS})
            )
            plan.append(
                ("AmazonSageMaker", {"regionCode": region, "instanceName": f"ml.{instance_type}"})
            )
    return plan


class PriceListApi:
    """`get_products`, paginated and retried. `client` is a boto3 `pricing` client."""

    def __init__(
        self,
        client: Any = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = 6,
        base_delay_seconds: float = 0.5,
        max_delay_seconds: float = 20.0,
    ) -> None:
        self.client = client if client is not None else make_client()
        self.sleep = sleep
        self.max_attempts = max_attempts
        self.base_delay = base_delay_seconds
        self.max_delay = max_delay_seconds
        self.publication_dates: set[str] = set()
        self.calls = 0

    def products(self, service: str, filters: dict[str, str]) -> Iterator[dict[str, Any]]:
        token: str | None = None
        page = 0
        while True:
            page += 1
            kwargs: dict[str, Any] = {
                "ServiceCode": service,
                "Filters": [
                    {"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in filters.items()
                ],
                "FormatVersion": "aws_v1",
                "MaxResults": 100,
            }
            if token:
                kwargs["NextToken"] = token
            response = self._call(kwargs, service, filters, page)
            for text in response.get("PriceList", []):
                item = json.loads(text) if isinstance(text, str) else text
                if item.get("publicationDate"):
                    self.publication_dates.add(item["publicationDate"])
                yield item
            token = response.get("NextToken")
            if not token:
                return

    def _call(
        self, kwargs: dict[str, Any], service: str, filters: dict[str, str], page: int
    ) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        where = f"{service} {' '.join(f'{k}={v}' for k, v in filters.items())}, page {page}"
        for attempt in range(1, self.max_attempts + 1):
            try:
                self.calls += 1
                response: dict[str, Any] = self.client.get_products(**kwargs)
                return response
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                message = exc.response.get("Error", {}).get("Message", "")
                if code in RETRYABLE and attempt < self.max_attempts:
                    delay = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
                    self.sleep(delay * random.uniform(0.5, 1.0))
                    continue
                suffix = f" after {attempt} attempts" if code in RETRYABLE else ""
                hint = (
                    f"; the credentials need {', '.join(READ_ONLY_ACTIONS)}"
                    if code in ("AccessDeniedException", "UnrecognizedClientException")
                    else ""
                )
                raise RefreshError(
                    f"Price List query failed ({where}): {code}: {message}{suffix}{hint}"
                ) from None
            except BotoCoreError as exc:
                raise RefreshError(f"Price List query failed ({where}): {exc}") from None
        raise AssertionError("unreachable")


def make_client() -> Any:
    """A boto3 `pricing` client in us-east-1 from the standard credential chain."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "pricing",
        region_name=PRICING_REGION,
        config=Config(
            retries={"max_attempts": 1, "mode": "standard"}, user_agent_extra="genai-cost"
        ),
    )


# --- offer files -------------------------------------------------------------------------


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


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _sku_terms(terms: dict[str, Any], kind: str, sku: str) -> Any:
    table = terms.get(kind)
    return table.get(sku, {}) if isinstance(table, dict) else {}


def offer_items(path: Path, regions: set[str] | None = None) -> Iterator[dict[str, Any]]:
    """Products of a Bulk API offer file, shaped like Query API items (terms joined by SKU),
    optionally only those of `regions`. The file's shape is checked as it is read: an offer
    file is data from outside, and a wrong shape is an error naming the file, not a crash."""
    from genai_cost.catalog.pricelist import attributes_of
    from genai_cost.yamlsource import decode_utf8, read_file_bytes

    raw = read_file_bytes(path, error=OfferFileError, limit=_offer_limit())
    text = decode_utf8(raw, str(path), error=OfferFileError)
    try:
        offer = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise OfferFileError.at(
            str(path), f"not a Price List offer file: {exc.msg}", exc.lineno, exc.colno
        ) from None
    except ValueError as exc:
        raise OfferFileError.at(str(path), f"not a Price List offer file: {exc}") from None
    except RecursionError:
        raise OfferFileError.at(str(path), "JSON nested too deeply for an offer file") from None
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


# --- the refresh ---------------------------------------------------------------------------


@dataclass
class RefreshResult:
    snapshot_id: str
    path: Path
    refreshed: dict[str, int]
    carried_over: dict[str, int]
    report: ParseReport
    calls: int = 0
    sources: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "snapshot_id": self.snapshot_id,
            "path": str(self.path),
            "refreshed_rows": self.refreshed,
            "carried_over_rows": self.carried_over,
            "api_calls": self.calls,
            **self.report.as_dict(),
        }


def _carry(row: Any, previous: Catalog) -> Any:
    note = f"carried over from snapshot {previous.snapshot_id}"
    notes = f"{note}; {row.notes}" if row.notes and note not in row.notes else (row.notes or note)
    return dataclasses.replace(row, notes=notes)


def _merge(
    new_rows: list[Any],
    old_rows: Iterable[Any],
    key: Callable[[Any], tuple[Any, ...]],
    previous: Catalog,
) -> tuple[list[Any], int]:
    """New rows, plus the old rows they do not supersede (marked carried over).

    An old row at a location the new rows price (same key) is superseded, unless it is
    history: it ended before the earliest new row there starts (e.g. a past promotion).
    """
    starts: dict[tuple[Any, ...], dt.date] = {}
    for row in new_rows:
        start = row.effective_from or dt.date.min
        starts[key(row)] = min(start, starts.get(key(row), dt.date.max))
    carried = []
    for row in old_rows:
        start = starts.get(key(row))
        if start is None or (row.effective_until is not None and row.effective_until < start):
            carried.append(_carry(row, previous))
    return new_rows + carried, len(carried)


def refresh_snapshot(
    previous: Catalog,
    target: Path,
    *,
    items: Iterable[dict[str, Any]],
    source_key: str,
    source_reference: str,
    day: dt.date,
    snapshot_id: str | None = None,
    force: bool = False,
    publication_dates: Callable[[], set[str]] | None = None,
    strict: bool = False,
) -> RefreshResult:
    """Build, validate and atomically place a new snapshot at `target`.

    With `strict`, a price the Price List lists but that cannot be read (a bad number, an
    unknown unit, two prices for one cell) stops the refresh before anything is written;
    otherwise the previous price is carried over and the problem listed.
    """
    target = _checked_target(target)
    recover_replaced(target)  # a --force run killed between its two renames
    remove_stale(target.parent, temp_prefix(target), STAGING_SUFFIX)
    if target.exists() and not force:
        raise RefreshError(f"{target} exists; choose another --output or pass --force")
    report = ParseReport()
    collected = list(items)  # fetch everything before writing anything
    bedrock = [i for i in collected if (i.get("serviceCode") or "") in BEDROCK_SERVICES]
    instances = [
        i for i in collected if (i.get("serviceCode") or "") in ("AmazonEC2", "AmazonSageMaker")
    ]
    on_demand = bedrock_rows(bedrock, previous, source_key, day, report)
    prices = instance_rows(instances, previous, source_key, day, report)
    if strict and report.problems:
        raise RefreshError(
            "--strict: the Price List has prices that cannot be read; nothing was written:\n"
            + "\n".join(report.problems)
        )

    on_demand_all, carried_od = _merge(
        on_demand,
        (r for rows in previous.on_demand.values() for r in rows),
        lambda r: (r.model_id, r.scope, r.geography, r.region),
        previous,
    )
    prices_all, carried_ip = _merge(
        prices,
        (r for rows in previous.instance_prices.values() for r in rows),
        lambda r: (r.platform, r.instance_type, r.region, r.purchase),
        previous,
    )
    provisioned = [_carry(r, previous) for rows in previous.provisioned.values() for r in rows]
    throughput = [_carry(r, previous) for rows in previous.throughput.values() for r in rows]

    manifest = _manifest(
        previous,
        snapshot_id or day.isoformat(),
        day,
        source_key,
        source_reference,
        publication_dates() if publication_dates else set(),
    )
    tables = {
        "bedrock_models": table_text("bedrock_models", list(previous.models.values())),
        "bedrock_on_demand": table_text("bedrock_on_demand", on_demand_all),
        "bedrock_provisioned": table_text("bedrock_provisioned", provisioned),
        "instance_types": table_text("instance_types", list(previous.instance_types.values())),
        "instance_prices": table_text("instance_prices", prices_all),
        "self_hosted_throughput": table_text("self_hosted_throughput", throughput),
        "regions": (previous.path / TABLE_FILES["regions"]).read_text(encoding="utf-8"),
    }
    for table in OPTIONAL_TABLES:  # not in the Price List: copied as they are
        path = previous.path / TABLE_FILES[table]
        if path.exists():
            tables[table] = path.read_text(encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(
        tempfile.mkdtemp(
            prefix=f"{temp_prefix(target)}{os.getpid()}.", suffix=STAGING_SUFFIX, dir=target.parent
        )
    )
    try:
        shutil.rmtree(staging)
        write_snapshot(staging, manifest, tables)
        load_catalog(staging)  # a snapshot that does not load never lands
        _place(staging, target)
    except GenaiCostError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise RefreshError(
            f"the refreshed snapshot is invalid, nothing was written: {exc}"
        ) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return RefreshResult(
        snapshot_id=manifest["snapshot_id"],
        path=target,
        refreshed={"bedrock_on_demand": len(on_demand), "instance_prices": len(prices)},
        carried_over={
            "bedrock_on_demand": carried_od,
            "instance_prices": carried_ip,
            "bedrock_provisioned": len(provisioned),
            "self_hosted_throughput": len(throughput),
        },
        report=report,
    )


STAGING_SUFFIX = ".staging"


def _checked_target(target: Path) -> Path:
    """An absolute target that is a folder or does not exist; a symbolic link is refused (it
    is not followed: `--force` must never replace the folder a link points to)."""
    target = Path(os.path.abspath(target))
    if target.is_symlink():
        raise RefreshError(f"{target}: is a symbolic link; give the folder it points to instead")
    if target.exists() and not target.is_dir():
        raise RefreshError(f"{target}: exists and is not a snapshot folder")
    return target


def _place(staging: Path, target: Path) -> None:
    """Rename the finished snapshot into place; an existing one (--force) is swapped out.

    The swap is two renames: target → `.NAME.replaced`, then staging → target. A process
    killed between them leaves only the backup; `recover_replaced` (run by the next refresh
    and by any command that loads that snapshot) puts it back, so the old snapshot is never
    lost.
    """
    if not target.exists():
        staging.rename(target)
        return
    backup = replaced_path(target)
    shutil.rmtree(backup, ignore_errors=True)
    target.rename(backup)
    try:
        staging.rename(target)
    except BaseException:
        backup.rename(target)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def _manifest(
    previous: Catalog,
    snapshot_id: str,
    day: dt.date,
    source_key: str,
    reference: str,
    publication_dates: set[str],
) -> dict[str, Any]:
    path = previous.path / "manifest.yaml"
    import yaml

    old = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources = dict(old.get("sources", {}))
    latest = max(publication_dates) if publication_dates else ""
    sources[source_key] = {
        "title": (
            "AWS Price List Query API (pricing.get_products, us-east-1 endpoint)"
            if source_key == API_SOURCE
            else "AWS Price List Bulk API offer files"
        ),
        "reference": reference + (f"; latest publicationDate {latest}" if latest else ""),
        "as_of": day.isoformat(),
    }
    return {
        "snapshot_id": snapshot_id,
        "as_of": day.isoformat(),
        "currency": "USD",
        "description": (
            f"Refreshed on {day.isoformat()} from the AWS Price List "
            f"({source_key}); rows it lacks carried over from snapshot "
            f"{previous.snapshot_id}."
        ),
        "refreshed_from": previous.snapshot_id,
        "tables": old.get("tables", {}),
        "sources": sources,
    }
