"""Cost and Usage Report files for tests, in AWS's real column layout.

CUR 2.0 (AWS Data Exports, table COST_AND_USAGE_REPORT): the 131 columns of its fixed schema
with their Athena types, from AWS's data dictionary (docs.aws.amazon.com/cur/latest/userguide/
table-dictionary-cur2.html and the per-group pages linked from it). A test writes line items
as dictionaries; every column the test does not set is NULL, as in a real export that has
nothing to say there. Parquet is written with DuckDB (no pyarrow needed).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

CUR2_COLUMNS: tuple[tuple[str, str], ...] = (
    ("bill_bill_type", "VARCHAR"),
    ("bill_billing_entity", "VARCHAR"),
    ("bill_billing_period_end_date", "TIMESTAMP"),
    ("bill_billing_period_start_date", "TIMESTAMP"),
    ("bill_invoice_id", "VARCHAR"),
    ("bill_invoicing_entity", "VARCHAR"),
    ("bill_payer_account_id", "VARCHAR"),
    ("bill_payer_account_name", "VARCHAR"),
    ("capacity_reservation_capacity_reservation_arn", "VARCHAR"),
    ("capacity_reservation_capacity_reservation_status", "VARCHAR"),
    ("capacity_reservation_capacity_reservation_type", "VARCHAR"),
    ("cost_category", "MAP(VARCHAR, VARCHAR)"),
    ("discount", "MAP(VARCHAR, VARCHAR)"),
    ("discount_bundled_discount", "DOUBLE"),
    ("discount_total_discount", "DOUBLE"),
    ("identity_line_item_id", "VARCHAR"),
    ("identity_time_interval", "VARCHAR"),
    ("line_item_availability_zone", "VARCHAR"),
    ("line_item_blended_cost", "DOUBLE"),
    ("line_item_blended_rate", "VARCHAR"),
    ("line_item_currency_code", "VARCHAR"),
    ("line_item_iam_principal", "VARCHAR"),
    ("line_item_legal_entity", "VARCHAR"),
    ("line_item_line_item_description", "VARCHAR"),
    ("line_item_line_item_type", "VARCHAR"),
    ("line_item_net_unblended_cost", "DOUBLE"),
    ("line_item_net_unblended_rate", "VARCHAR"),
    ("line_item_normalization_factor", "DOUBLE"),
    ("line_item_normalized_usage_amount", "DOUBLE"),
    ("line_item_operation", "VARCHAR"),
    ("line_item_product_code", "VARCHAR"),
    ("line_item_resource_id", "VARCHAR"),
    ("line_item_tax_type", "VARCHAR"),
    ("line_item_unblended_cost", "DOUBLE"),
    ("line_item_unblended_rate", "VARCHAR"),
    ("line_item_usage_account_id", "VARCHAR"),
    ("line_item_usage_account_name", "VARCHAR"),
    ("line_item_usage_amount", "DOUBLE"),
    ("line_item_usage_end_date", "TIMESTAMP"),
    ("line_item_usage_start_date", "TIMESTAMP"),
    ("line_item_usage_type", "VARCHAR"),
    ("line_item_user_identifier", "VARCHAR"),
    ("pricing_currency", "VARCHAR"),
    ("pricing_lease_contract_length", "VARCHAR"),
    ("pricing_offering_class", "VARCHAR"),
    ("pricing_public_on_demand_cost", "DOUBLE"),
    ("pricing_public_on_demand_rate", "VARCHAR"),
    ("pricing_purchase_option", "VARCHAR"),
    ("pricing_rate_code", "VARCHAR"),
    ("pricing_rate_id", "VARCHAR"),
    ("pricing_term", "VARCHAR"),
    ("pricing_unit", "VARCHAR"),
    ("product", "MAP(VARCHAR, VARCHAR)"),
    ("product_comment", "VARCHAR"),
    ("product_fee_code", "VARCHAR"),
    ("product_fee_description", "VARCHAR"),
    ("product_from_location", "VARCHAR"),
    ("product_from_location_type", "VARCHAR"),
    ("product_from_region_code", "VARCHAR"),
    ("product_instance_family", "VARCHAR"),
    ("product_instance_type", "VARCHAR"),
    ("product_instancesku", "VARCHAR"),
    ("product_location", "VARCHAR"),
    ("product_location_type", "VARCHAR"),
    ("product_operation", "VARCHAR"),
    ("product_pricing_unit", "VARCHAR"),
    ("product_product_family", "VARCHAR"),
    ("product_region_code", "VARCHAR"),
    ("product_servicecode", "VARCHAR"),
    ("product_sku", "VARCHAR"),
    ("product_to_location", "VARCHAR"),
    ("product_to_location_type", "VARCHAR"),
    ("product_to_region_code", "VARCHAR"),
    ("product_usagetype", "VARCHAR"),
    ("reservation_amortized_upfront_cost_for_usage", "DOUBLE"),
    ("reservation_amortized_upfront_fee_for_billing_period", "DOUBLE"),
    ("reservation_availability_zone", "VARCHAR"),
    ("reservation_effective_cost", "DOUBLE"),
    ("reservation_end_time", "VARCHAR"),
    ("reservation_modification_status", "VARCHAR"),
    ("reservation_net_amortized_upfront_cost_for_usage", "DOUBLE"),
    ("reservation_net_amortized_upfront_fee_for_billing_period", "DOUBLE"),
    ("reservation_net_effective_cost", "DOUBLE"),
    ("reservation_net_recurring_fee_for_usage", "DOUBLE"),
    ("reservation_net_unused_amortized_upfront_fee_for_billing_period", "DOUBLE"),
    ("reservation_net_unused_recurring_fee", "DOUBLE"),
    ("reservation_net_upfront_value", "DOUBLE"),
    ("reservation_normalized_units_per_reservation", "VARCHAR"),
    ("reservation_number_of_reservations", "VARCHAR"),
    ("reservation_recurring_fee_for_usage", "DOUBLE"),
    ("reservation_reservation_a_r_n", "VARCHAR"),
    ("reservation_start_time", "VARCHAR"),
    ("reservation_subscription_id", "VARCHAR"),
    ("reservation_total_reserved_normalized_units", "VARCHAR"),
    ("reservation_total_reserved_units", "VARCHAR"),
    ("reservation_units_per_reservation", "VARCHAR"),
    ("reservation_unused_amortized_upfront_fee_for_billing_period", "DOUBLE"),
    ("reservation_unused_normalized_unit_quantity", "DOUBLE"),
    ("reservation_unused_quantity", "DOUBLE"),
    ("reservation_unused_recurring_fee", "DOUBLE"),
    ("reservation_upfront_value", "DOUBLE"),
    ("resource_tags", "MAP(VARCHAR, VARCHAR)"),
    ("savings_plan_amortized_upfront_commitment_for_billing_period", "DOUBLE"),
    ("savings_plan_end_time", "VARCHAR"),
    ("savings_plan_instance_type_family", "VARCHAR"),
    ("savings_plan_net_amortized_upfront_commitment_for_billing_period", "DOUBLE"),
    ("savings_plan_net_recurring_commitment_for_billing_period", "DOUBLE"),
    ("savings_plan_net_savings_plan_effective_cost", "DOUBLE"),
    ("savings_plan_offering_type", "VARCHAR"),
    ("savings_plan_payment_option", "VARCHAR"),
    ("savings_plan_purchase_term", "VARCHAR"),
    ("savings_plan_recurring_commitment_for_billing_period", "DOUBLE"),
    ("savings_plan_region", "VARCHAR"),
    ("savings_plan_savings_plan_a_r_n", "VARCHAR"),
    ("savings_plan_savings_plan_effective_cost", "DOUBLE"),
    ("savings_plan_savings_plan_rate", "DOUBLE"),
    ("savings_plan_start_time", "VARCHAR"),
    ("savings_plan_total_commitment_to_date", "DOUBLE"),
    ("savings_plan_used_commitment", "DOUBLE"),
    ("split_line_item_actual_usage", "DOUBLE"),
    ("split_line_item_net_split_cost", "DOUBLE"),
    ("split_line_item_net_unused_cost", "DOUBLE"),
    ("split_line_item_parent_resource_id", "VARCHAR"),
    ("split_line_item_public_on_demand_split_cost", "DOUBLE"),
    ("split_line_item_public_on_demand_unused_cost", "DOUBLE"),
    ("split_line_item_reserved_usage", "DOUBLE"),
    ("split_line_item_split_cost", "DOUBLE"),
    ("split_line_item_split_usage", "DOUBLE"),
    ("split_line_item_split_usage_ratio", "DOUBLE"),
    ("split_line_item_unused_cost", "DOUBLE"),
    ("tags", "MAP(VARCHAR, VARCHAR)"),
)
MAP_COLUMNS = tuple(name for name, kind in CUR2_COLUMNS if kind.startswith("MAP"))


def write_cur2_parquet(path: Path, items: Iterable[Mapping[str, Any]]) -> Path:
    """`items` as one CUR 2.0 Parquet file with all 131 columns (path's folders created)."""
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    rows = list(items)
    staging = path.with_suffix(".staging.jsonl")
    with staging.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps({k: _plain(v) for k, v in row.items()}) + "\n")
    columns = {name: "VARCHAR" if kind.startswith("MAP") else kind for name, kind in CUR2_COLUMNS}
    casts = ", ".join(_cast(name, kind) for name, kind in CUR2_COLUMNS)
    spec = "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"
    connection = duckdb.connect()
    try:
        source = (
            f"read_json('{staging}', format = 'newline_delimited', columns = {spec})"
            if rows
            else "(SELECT "
            + ", ".join(f"NULL::{v} AS {k}" for k, v in columns.items())
            + " LIMIT 0)"
        )
        connection.execute(
            f"COPY (SELECT {casts} FROM {source}) TO '{path}' (FORMAT parquet, COMPRESSION snappy)"
        )
    finally:
        connection.close()
        staging.unlink()
    return path


def _cast(name: str, kind: str) -> str:
    if kind.startswith("MAP"):
        # a JSON object text -> MAP(VARCHAR, VARCHAR); NULL stays NULL
        return f"CAST(json({name}) AS MAP(VARCHAR, VARCHAR)) AS {name}"
    return f"CAST({name} AS {kind}) AS {name}"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return json.dumps(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return value


def write_cur2_csv(path: Path, items: Iterable[Mapping[str, Any]]) -> Path:
    """The same line items as a CUR 2.0 CSV export (gzip'd when the name ends .gz): every
    column in the schema's order, maps as JSON objects."""
    path.parent.mkdir(parents=True, exist_ok=True)
    names = [name for name, _ in CUR2_COLUMNS]
    opener: Any = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for row in items:
            writer.writerow(["" if row.get(n) is None else _plain(row.get(n)) for n in names])
    return path


LEGACY_HEADERS = {
    "identity_line_item_id": "identity/LineItemId",
    "identity_time_interval": "identity/TimeInterval",
    "bill_payer_account_id": "bill/PayerAccountId",
    "bill_billing_entity": "bill/BillingEntity",
    "line_item_usage_account_id": "lineItem/UsageAccountId",
    "line_item_line_item_type": "lineItem/LineItemType",
    "line_item_usage_start_date": "lineItem/UsageStartDate",
    "line_item_usage_end_date": "lineItem/UsageEndDate",
    "line_item_product_code": "lineItem/ProductCode",
    "line_item_usage_type": "lineItem/UsageType",
    "line_item_operation": "lineItem/Operation",
    "line_item_resource_id": "lineItem/ResourceId",
    "line_item_usage_amount": "lineItem/UsageAmount",
    "line_item_currency_code": "lineItem/CurrencyCode",
    "line_item_unblended_rate": "lineItem/UnblendedRate",
    "line_item_unblended_cost": "lineItem/UnblendedCost",
    "line_item_line_item_description": "lineItem/LineItemDescription",
    "product_region_code": "product/regionCode",
    "product_instance_type": "product/instanceType",
    "product_servicecode": "product/servicecode",
    "pricing_unit": "pricing/unit",
    "pricing_public_on_demand_cost": "pricing/publicOnDemandCost",
}
"""The legacy CUR's CSV headers (`category/Name`) for the columns tests set; one
`resourceTags/user:<key>` column per activated tag is added from each item's tags."""


def write_legacy_csv(path: Path, items: Iterable[Mapping[str, Any]]) -> Path:
    """The line items as a legacy CUR CSV (gzip'd when the name ends .gz)."""
    rows = list(items)
    tags = sorted({k for r in rows for k in (r.get("resource_tags") or {})})
    headers = [*LEGACY_HEADERS.values(), "product/ProductName"]
    headers += [f"resourceTags/{k.replace('user_', 'user:', 1)}" for k in tags]
    path.parent.mkdir(parents=True, exist_ok=True)
    opener: Any = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for r in rows:
            values = ["" if r.get(c) is None else _plain(r.get(c)) for c in LEGACY_HEADERS]
            values.append((r.get("product") or {}).get("product_name", ""))
            values += [(r.get("resource_tags") or {}).get(k, "") for k in tags]
            writer.writerow(values)
    return path


def line_item(
    *,
    day: str,
    account: str = "111122223333",
    product_code: str = "AmazonBedrock",
    usage_type: str,
    usage_amount: float,
    unit: str,
    cost: float,
    operation: str = "InvokeModel",
    line_item_type: str = "Usage",
    region: str = "us-east-1",
    resource_id: str | None = None,
    principal: str | None = None,
    resource_tags: Mapping[str, str] | None = None,
    tags: Mapping[str, str] | None = None,
    product: Mapping[str, str] | None = None,
    instance_type: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One CUR 2.0 line item (a day's usage of one usage type)."""
    start = dt.datetime.fromisoformat(day)
    end = start + dt.timedelta(days=1)
    return {
        "bill_billing_entity": "AWS Marketplace" if product_code not in AWS_CODES else "AWS",
        "bill_payer_account_id": account,
        "bill_billing_period_start_date": start.replace(day=1),
        "identity_line_item_id": f"{usage_type}-{day}-{resource_id or principal or ''}",
        "identity_time_interval": f"{start:%Y-%m-%dT%H:%M:%SZ}/{end:%Y-%m-%dT%H:%M:%SZ}",
        "line_item_usage_account_id": account,
        "line_item_line_item_type": line_item_type,
        "line_item_usage_start_date": start,
        "line_item_usage_end_date": end,
        "line_item_product_code": product_code,
        "line_item_usage_type": usage_type,
        "line_item_operation": operation,
        "line_item_resource_id": resource_id,
        "line_item_iam_principal": principal,
        "line_item_usage_amount": usage_amount,
        "line_item_currency_code": "USD",
        "line_item_unblended_rate": str(cost / usage_amount) if usage_amount else "0",
        "line_item_unblended_cost": cost,
        "line_item_net_unblended_cost": cost,
        "pricing_unit": unit,
        "pricing_public_on_demand_cost": cost,
        "product_region_code": region,
        "product_instance_type": instance_type,
        "product_servicecode": product_code,
        "resource_tags": dict(resource_tags) if resource_tags else None,
        "tags": dict(tags) if tags else None,
        "product": dict(product) if product else None,
        **extra,
    }


AWS_CODES = ("AmazonBedrock", "AmazonSageMaker", "AmazonEC2", "AmazonS3", "AWSLambda")


FIXTURE = Path("tests/fixtures/cur/genai-export/data/BILLING_PERIOD=2026-11")
APP = "arn:aws:sts::111122223333:assumed-role/App/s"


def fixture_items() -> list[dict[str, Any]]:
    """The bill of tests/fixtures/logs/invocations.jsonl's usage (role App, 2026-11-02/03) at
    the public Bedrock rates (Nova Lite $0.06 / $0.24, Nova Micro $0.035 / $0.14 per 1M
    tokens in us-east-1; the role tagged project=ChatBackend), plus a tagged SageMaker
    endpoint, an untagged p5 instance and an instance that is not generative AI."""
    rows = []
    for day, name, kind, tokens, per_million in (
        ("2026-11-02", "NovaLite", "input", 2100, 0.06),
        ("2026-11-02", "NovaLite", "output", 430, 0.24),
        ("2026-11-03", "NovaLite", "input", 1000, 0.06),
        ("2026-11-03", "NovaLite", "output", 200, 0.24),
        ("2026-11-03", "NovaMicro", "input", 5000, 0.035),
        ("2026-11-03", "NovaMicro", "output", 500, 0.14),
    ):
        rows.append(
            line_item(
                day=day,
                usage_type=f"USE1-{name}-{kind}-tokens",
                usage_amount=tokens / 1000,
                unit="1K tokens",
                cost=tokens * per_million / 1e6,
                principal=APP,
                resource_tags={"user_team": "search" if name == "NovaLite" else "ads"},
                # the App role's own IAM tag (the AWS ML blog's sample rows carry these)
                tags={"iamPrincipal/project": "ChatBackend"},
            )
        )
    rows.append(
        line_item(
            day="2026-11-02",
            product_code="AmazonSageMaker",
            usage_type="USE1-Host:ml.g5.xlarge",
            usage_amount=24,
            unit="Hrs",
            cost=33.792,
            operation="RunInstance",
            resource_tags={"user_team": "ml"},
            resource_id="arn:aws:sagemaker:us-east-1:111122223333:endpoint/ranker",
        )
    )
    rows.append(
        line_item(
            day="2026-11-03",
            product_code="AmazonEC2",
            usage_type="BoxUsage:p5.48xlarge",
            usage_amount=2,
            unit="Hrs",
            cost=110.0,
            operation="RunInstances",
            instance_type="p5.48xlarge",
        )
    )
    rows.append(
        line_item(
            day="2026-11-03",
            product_code="AmazonEC2",
            usage_type="BoxUsage:m5.large",
            usage_amount=24,
            unit="Hrs",
            cost=2.304,
            operation="RunInstances",
            instance_type="m5.large",
        )
    )
    return rows


if __name__ == "__main__":  # python -m tests.curgen: rewrite the CUR fixture
    print(write_cur2_csv(FIXTURE / "genai-export-00001.csv", fixture_items()))
