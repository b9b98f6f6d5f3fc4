"""The AWS Price List Query API: which queries a refresh makes, and a paginated, retried client.

The client is pinned to `us-east-1`: the Query API answers only there, in eu-central-1 and in
ap-south-1, and every endpoint serves the same global catalogue, filtered by `regionCode`.
`get_products` pages are followed with `NextToken` and retried with exponential backoff and
jitter when throttled.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from genai_cost.catalog.pricelist import BEDROCK_SERVICES, EC2_FILTERS
from genai_cost.catalog.snapshot import Catalog
from genai_cost.errors import RefreshError

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
