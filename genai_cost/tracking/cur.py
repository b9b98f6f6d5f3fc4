"""Chargeback from the bill: generative-AI spend read from the Cost and Usage Report.

Reads CUR 2.0 (AWS Data Exports, Parquet or gzip'd CSV, AWS's column names: `line_item_…`,
`pricing_…`, the maps `product`, `resource_tags`, `tags`, `cost_category`) and the legacy CUR
(CSV headers `lineItem/UsageType`, `resourceTags/user:team` …) with one DuckDB pass that keeps
only sums by the asked-for keys and the day (docs/methodology.md, "Chargeback from the bill").
This module writes that pass's SQL; tracking/cur_read.py opens the files and runs it.

Generative-AI spend is every line item of Amazon Bedrock (including Marketplace-billed models,
`product_name` "… (Amazon Bedrock Edition)"), Amazon SageMaker, and Amazon EC2 instance usage
of GPU and ML-accelerator families (catalog/families.py: a table of families, and the bill's own
`product_instance_family`), plus any service code given with `--service`.
Costs are unblended (Cost Explorer's view: Savings Plan negation lines dropped), net unblended,
amortized or net amortized (Savings Plans and Reserved Instances spread over the usage they
cover, AWS's formula, the same as the CUR query library's and CUDOS's), or `invoice` (every
line as billed); credit, refund and tax lines can be left out (`--exclude`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from genai_cost.catalog.families import ACCELERATED_INSTANCE_FAMILIES, accelerated_families
from genai_cost.errors import ArgumentError
from genai_cost.vocabulary import COST_BASES
from genai_cost.vocabulary import EXCLUDABLE as EXCLUDED_TYPES

__all__ = ["COST_BASES"]

EXCLUDABLE: dict[str, str] = {e: e.capitalize() for e in EXCLUDED_TYPES}
"""`--exclude` values → the `line_item_line_item_type` left out of the allocation."""
TOKEN_KINDS = ("input", "output", "cache_read", "cache_write")
CUR_PLAIN_KEYS = (
    "account",
    "service",
    "model",
    "usage-type",
    "operation",
    "region",
    "day",
    "month",
    "identity",
    "profile",
    "resource",
    "line-item-type",
)
CUR_PREFIXED_KEYS = ("tag", "principal-tag", "cost-category")
MARKETPLACE_BEDROCK = "%(Amazon Bedrock Edition)%"
BEDROCK_CODES = ("AmazonBedrock", "AmazonBedrockService")
"""The product codes AWS bills Amazon Bedrock under: `AmazonBedrockService` carries Anthropic
models sold by AWS (usage types like `USE1-Claude4.6Sonnet-input-tokens`; AWS's CUR query
library filters on both). Both are reported as the service `AmazonBedrock`."""
BEDROCK_CODES_SQL = ", ".join(f"'{c}'" for c in BEDROCK_CODES)

LEGACY = {
    "line_item_usage_start_date": "lineItem/UsageStartDate",
    "line_item_usage_account_id": "lineItem/UsageAccountId",
    "line_item_product_code": "lineItem/ProductCode",
    "line_item_usage_type": "lineItem/UsageType",
    "line_item_operation": "lineItem/Operation",
    "line_item_line_item_type": "lineItem/LineItemType",
    "line_item_usage_amount": "lineItem/UsageAmount",
    "line_item_unblended_cost": "lineItem/UnblendedCost",
    "line_item_net_unblended_cost": "lineItem/NetUnblendedCost",
    "line_item_resource_id": "lineItem/ResourceId",
    "line_item_iam_principal": "lineItem/IamPrincipal",
    "bill_billing_entity": "bill/BillingEntity",
    "pricing_unit": "pricing/unit",
    "product_region_code": "product/regionCode",
    "product_instance_type": "product/instanceType",
    "product_instance_family": "product/instanceFamily",
    "savings_plan_savings_plan_effective_cost": "savingsPlan/SavingsPlanEffectiveCost",
    "savings_plan_net_savings_plan_effective_cost": "savingsPlan/NetSavingsPlanEffectiveCost",
    "savings_plan_total_commitment_to_date": "savingsPlan/TotalCommitmentToDate",
    "savings_plan_used_commitment": "savingsPlan/UsedCommitment",
    "reservation_effective_cost": "reservation/EffectiveCost",
    "reservation_net_effective_cost": "reservation/NetEffectiveCost",
    "reservation_unused_amortized_upfront_fee_for_billing_period": (
        "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod"
    ),
    "reservation_net_unused_amortized_upfront_fee_for_billing_period": (
        "reservation/NetUnusedAmortizedUpfrontFeeForBillingPeriod"
    ),
    "reservation_unused_recurring_fee": "reservation/UnusedRecurringFee",
    "reservation_reservation_a_r_n": "reservation/ReservationARN",
    "reservation_net_unused_recurring_fee": "reservation/NetUnusedRecurringFee",
}
"""CUR 2.0 column -> the legacy CUR's CSV header (AWS's data dictionary of both)."""
REQUIRED = (
    "line_item_usage_start_date",
    "line_item_usage_account_id",
    "line_item_product_code",
    "line_item_usage_type",
    "line_item_line_item_type",
    "line_item_usage_amount",
    "line_item_unblended_cost",
)


@dataclass(frozen=True)
class CurKey:
    """A grouping key of the bill: a plain column (`account`, `usage-type` …) or a map entry
    (`tag:team`, `principal-tag:project`, `cost-category:unit`)."""

    name: str
    kind: str
    field: str = ""

    @property
    def tagged(self) -> bool:
        return self.kind in (*CUR_PREFIXED_KEYS, "identity", "profile")


def parse_cur_key(text: str, *, option: str) -> CurKey:
    kind, _, name = text.partition(":")
    if kind in CUR_PREFIXED_KEYS and name:
        return CurKey(text, kind, name)
    if text in CUR_PLAIN_KEYS:
        return CurKey(text, text)
    from genai_cost.modelfile import suggest

    choices = [*CUR_PLAIN_KEYS, "tenant", "tag:KEY", "principal-tag:KEY", "cost-category:NAME"]
    hint = suggest(text, choices)
    raise ArgumentError(
        f"{option} {text!r}: expected one of {', '.join(choices)} for a Cost and Usage Report"
        + (f" ({hint})" if hint else "")
    )


@dataclass
class Layout:
    """How one group of CUR files names its columns."""

    kind: Literal["parquet", "csv2", "legacy"]
    columns: frozenset[str]
    dialect: Literal["duckdb", "spark"] = "duckdb"

    def ident(self, name: str) -> str:
        if self.dialect == "spark":
            return "`" + name.replace("`", "``") + "`"
        return '"' + name.replace('"', '""') + '"'

    def regex(self, expr: str, pattern: str) -> str:
        """Whether `expr` contains a match of `pattern` (a portable regex: no backslashes)."""
        if self.dialect == "spark":
            return f"({expr} RLIKE {_text(pattern)})"
        return f"regexp_matches({expr}, {_text(pattern)})"

    def has(self, column: str) -> bool:
        name = LEGACY.get(column, column) if self.kind == "legacy" else column
        return name in self.columns

    def col(self, column: str) -> str:
        if self.kind == "legacy":
            return self.ident(LEGACY.get(column, column))
        return self.ident(column)

    def text(self, column: str) -> str:
        """The column as text, or NULL when this layout lacks it."""
        return f"CAST({self.col(column)} AS STRING)" if self.has(column) else NULL_TEXT

    def number(self, column: str) -> str:
        """The column as a DOUBLE: 0 when this layout lacks the column, NULL when a cell
        cannot be read as a number (empty, `abc`, `$3.00`, `2,50`); `valid` tells the two apart."""
        if not self.has(column):
            return ZERO
        return f"try_cast({self.col(column)} AS DOUBLE)"

    def map_value(self, column: str, keys: Sequence[str]) -> str:
        """The first of `keys` present in the map column (`resource_tags`, `tags`, …)."""
        if self.kind == "legacy":
            return NULL_TEXT
        if not self.has(column):
            return NULL_TEXT
        m = self.ident(column)
        if self.kind == "parquet" and self.dialect == "spark":
            parts = [f"try_element_at({m}, {_text(k)})" for k in keys]
        elif self.kind == "parquet":
            parts = [f"map_extract({m}, {_text(k)})[1]" for k in keys]
        elif self.dialect == "spark":  # CUR 2.0 CSV writes each map as a JSON object
            parts = [f"get_json_object({m}, {_text(_spark_json_key(k))})" for k in keys]
        else:
            # a cell that is not a JSON object is no tag at all (json_valid guards the cast,
            # which would otherwise stop the whole read)
            parts = [
                f"CASE WHEN json_valid({m}) THEN json_extract_string({m}, {_text(_json_key(k))}) "
                "END"
                for k in keys
            ]
        return f"nullif(coalesce({', '.join(parts)}), '')"

    def product_name(self) -> str:
        if self.kind == "legacy":
            return (
                f"coalesce({self.legacy_value(['product/ProductName', 'product/productName'])}, '')"
            )
        return f"coalesce({self.map_value('product', ['product_name'])}, '')"

    def tag(self, key: str) -> str:
        """A user tag: the `resource_tags` map (CUR 2.0), the `tags` map's `resourceTags/…`
        entries, or one column per tag (legacy CSV `resourceTags/user:key`, legacy Parquet
        `resource_tags_user_key`)."""
        if self.kind == "legacy":
            return self.legacy_value([f"resourceTags/user:{key}", f"resourceTags/{key}"])
        if not self.has("resource_tags") and not self.has("tags"):
            flats = [f"resource_tags_{cur_name(k).lower()}" for k in tag_keys(key)]
            present = [f for f in _unique(flats) if f in self.columns]
            return f"nullif(CAST({self.ident(present[0])} AS STRING), '')" if present else NULL_TEXT
        in_tags = self.map_value("tags", [f"resourceTags/user:{key}", f"resourceTags/{key}"])
        return f"coalesce({self.map_value('resource_tags', tag_keys(key))}, {in_tags})"

    def legacy_value(self, headers: Sequence[str]) -> str:
        present = [h for h in headers if h in self.columns]
        if not present:
            return NULL_TEXT
        return f"nullif(coalesce({', '.join(self.ident(h) for h in present)}), '')"


NULL_TEXT = "CAST(NULL AS STRING)"
ZERO = "CAST(0 AS DOUBLE)"
MAX_AMOUNT = 1e15
"""The largest cost or usage amount one line item may carry (a quadrillion): a larger,
infinite or NaN cell is a problem, never a figure on the bill."""
FIRST_YEAR, LAST_YEAR = 1970, 9999
"""Usage start dates outside these years are not readable dates (AWS bills start in 2006)."""


def valid(expr: str) -> str:
    """Whether a number read from the bill is usable: present, not NaN, and within
    ±MAX_AMOUNT (which rules out infinity) — in both engines' SQL."""
    return f"({expr} IS NOT NULL AND NOT isnan({expr}) AND abs({expr}) <= {MAX_AMOUNT:.0f})"


def _spark_json_key(key: str) -> str:
    return "$['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']"


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _json_key(key: str) -> str:
    return '$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cur_name(key: str) -> str:
    """A tag key as CUR 2.0 and the Athena-flavoured legacy CUR write it in a column or map
    key: every character other than a letter or digit becomes `_` (`cost-center` →
    `cost_center`, `karpenter.sh/nodepool` → `karpenter_sh_nodepool`, `aws:eks:workload-name`
    → `aws_eks_workload_name`)."""
    return re.sub(r"[^A-Za-z0-9]", "_", key)


def _unique(names: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(names))


def tag_keys(key: str) -> list[str]:
    """Where CUR 2.0 keeps a tag in `resource_tags`: user tags as `user_<key>` with the key
    rewritten by `cur_name` (`cost-center` → `user_cost_center`), in its own case or lower
    case; AWS-generated tags (`aws:…`) as `aws_…`; some documentation writes `user:<key>`. A
    key given in full (`user_cost_center`) is looked up as it is."""
    name = cur_name(key)
    spellings = [key, f"user_{name}", f"user_{name.lower()}", f"user_{key}", f"user:{key}"]
    if key.startswith("aws:"):
        spellings += [name, name.lower()]
    return _unique(spellings)


def category_keys(name: str) -> list[str]:
    """A cost category's name as it is, and as `cur_name` writes it (lower case too)."""
    return _unique([name, cur_name(name), cur_name(name).lower()])


def key_sql(key: CurKey, layout: Layout) -> str:
    """The SQL text of a grouping key in one layout (NULL when the bill lacks it)."""
    if key.kind == "tag":
        return layout.tag(key.field)
    if key.kind == "principal-tag":
        return layout.map_value("tags", [f"iamPrincipal/{key.field}"])
    if key.kind == "cost-category":
        if layout.kind == "legacy":
            return layout.legacy_value([f"costCategory/{key.field}"])
        return (
            f"coalesce({layout.map_value('cost_category', category_keys(key.field))}, "
            f"{layout.map_value('tags', [f'costCategory/{key.field}'])})"
        )
    day = (
        "CAST(CAST(try_cast(CAST("
        f"{layout.col('line_item_usage_start_date')} AS STRING) AS TIMESTAMP) AS DATE) AS STRING)"
    )
    plain = {
        "day": day,
        "month": f"left({day}, 7)",
        "account": layout.text("line_item_usage_account_id"),
        "service": service_sql(layout),
        "model": model_sql(layout),
        "usage-type": layout.text("line_item_usage_type"),
        "operation": layout.text("line_item_operation"),
        "region": layout.text("product_region_code"),
        "identity": f"nullif({layout.text('line_item_iam_principal')}, '')",
        "profile": f"CASE WHEN {layout.text('line_item_resource_id')} LIKE "
        f"'%:application-inference-profile/%' THEN {layout.text('line_item_resource_id')} END",
        "resource": f"nullif({layout.text('line_item_resource_id')}, '')",
        "line-item-type": layout.text("line_item_line_item_type"),
    }
    return plain[key.kind]


def cost_sql(layout: Layout, basis: str) -> str:
    """The cost of a line item on `basis` (docs/methodology.md, "Chargeback from the bill").

    Amortized: covered usage at its effective cost, the Savings Plan negation and up-front
    fee lines at 0, the Savings Plan recurring fee at its unused commitment, RI fees at their
    unused amortized fee and recurring fee, an RI's up-front `Fee` at 0 (it is amortized into
    the usage it covers); everything else unblended. The net variants use
    the `net_` columns (after discounts)."""
    net = basis.startswith("net-")
    unblended = layout.number("line_item_net_unblended_cost" if net else "line_item_unblended_cost")
    kind = layout.text("line_item_line_item_type")
    if basis == "invoice":
        return unblended
    if not basis.endswith("amortized"):  # Cost Explorer's view: the negation lines dropped
        return f"CASE {kind} WHEN 'SavingsPlanNegation' THEN {ZERO} ELSE {unblended} END"
    n = "net_" if net else ""
    sp_effective = layout.number(f"savings_plan_{n}savings_plan_effective_cost")
    ri_effective = layout.number(f"reservation_{n}effective_cost")
    ri_unused = (
        f"{layout.number(f'reservation_{n}unused_amortized_upfront_fee_for_billing_period')} + "
        f"{layout.number(f'reservation_{n}unused_recurring_fee')}"
    )
    sp_unused = (
        f"{layout.number('savings_plan_total_commitment_to_date')} - "
        f"{layout.number('savings_plan_used_commitment')}"
    )
    return (
        f"CASE {kind} "
        f"WHEN 'SavingsPlanCoveredUsage' THEN {sp_effective} "
        f"WHEN 'SavingsPlanRecurringFee' THEN {sp_unused} "
        f"WHEN 'SavingsPlanNegation' THEN {ZERO} "
        f"WHEN 'SavingsPlanUpfrontFee' THEN {ZERO} "
        f"WHEN 'DiscountedUsage' THEN {ri_effective} "
        f"WHEN 'RIFee' THEN {ri_unused} "
        f"WHEN 'Fee' THEN CASE WHEN coalesce({layout.text('reservation_reservation_a_r_n')}, '')"
        f" <> '' THEN {ZERO} ELSE {unblended} END "
        f"ELSE {unblended} END"
    )


def token_kind_sql(layout: Layout, usage_type: str) -> str:
    """input / output / cache_read / cache_write from a Bedrock usage type, else NULL."""
    u = f"lower({usage_type})"
    return (
        f"CASE WHEN {layout.regex(u, 'cache-read|cacheread|cache_read')} THEN 'cache_read' "
        f"WHEN {layout.regex(u, 'cache-write|cachewrite|cache_write')} THEN 'cache_write' "
        f"WHEN {layout.regex(u, 'input-tokens|inputtokencount|input_tokens')} THEN 'input' "
        f"WHEN {layout.regex(u, 'output-tokens|outputtokencount|output_tokens')} "
        "THEN 'output' END"
    )


def tokens_per_unit_sql(unit: str, usage_type: str) -> str:
    """Tokens in one unit of `pricing_unit`: 1K tokens, 1M tokens, tokens; Marketplace-billed
    models' "Units" are millions of tokens (their price is per 1M)."""
    u = f"lower(trim({unit}))"
    return (
        f"CASE WHEN {u} IN ('1k tokens', '1000 tokens') THEN CAST(1000 AS DOUBLE) "
        f"WHEN {u} IN ('1m tokens', '1000000 tokens') THEN CAST(1000000 AS DOUBLE) "
        f"WHEN {u} IN ('tokens', 'token') THEN CAST(1 AS DOUBLE) "
        f"WHEN {u} = 'units' AND {usage_type} LIKE '%-MP:%' THEN CAST(1000000 AS DOUBLE) END"
    )


def gen_ai_sql(layout: Layout, services: Sequence[str]) -> str:
    """The line items that are generative-AI spend (module docstring)."""
    code = layout.text("line_item_product_code")
    usage_type = layout.text("line_item_usage_type")
    instance = f"coalesce(nullif({layout.text('product_instance_type')}, ''), "
    instance += f"regexp_extract({usage_type}, ':([a-z0-9-]+[.][a-z0-9]+)$', 1))"
    family = f"split_part({instance}, '.', 1)"
    known = ", ".join(_text(f) for f in sorted(accelerated_families()))
    kinds = ", ".join(_text(k) for k in ACCELERATED_INSTANCE_FAMILIES)
    accelerated = f"{family} IN ({known})"
    if layout.has("product_instance_family"):  # the bill's own word, for families to come
        accelerated = f"({layout.text('product_instance_family')} IN ({kinds}) OR {accelerated})"
    parts = [
        f"{code} IN ({BEDROCK_CODES_SQL}, 'AmazonSageMaker')",
        f"{layout.product_name()} LIKE {_text(MARKETPLACE_BEDROCK)}",
        # the instance is looked at only for EC2's line items (a CASE evaluates its branch
        # for the rows that reach it)
        f"CASE WHEN {code} = 'AmazonEC2' THEN coalesce({accelerated}, false) ELSE false END",
    ]
    if services:
        parts.append(f"{code} IN ({', '.join(_text(s) for s in services)})")
    return "(" + " OR ".join(parts) + ")"


def model_sql(layout: Layout) -> str:
    """What the spend is for: a Bedrock model (the usage type without its region prefix and
    token suffix, or a Marketplace model's product name), else the instance type."""
    code = layout.text("line_item_product_code")
    usage_type = layout.text("line_item_usage_type")
    name = layout.product_name()
    bedrock = (
        f"regexp_replace(regexp_replace({usage_type}, '^[A-Z0-9]+-', ''), "
        "'-(mantle-)?(input|output|cache-read-input|cache-write-input|cache-read|cache-write)"
        "-token.*$', '')"
    )
    instance = (
        f"coalesce(nullif({layout.text('product_instance_type')}, ''), "
        f"nullif(regexp_extract({usage_type}, ':([a-z0-9.-]+)$', 1), ''), {usage_type})"
    )
    return (
        f"CASE WHEN {name} LIKE {_text(MARKETPLACE_BEDROCK)} "
        f"THEN replace({name}, ' (Amazon Bedrock Edition)', '') "
        f"WHEN {code} IN ({BEDROCK_CODES_SQL}) THEN {bedrock} ELSE {instance} END"
    )


def service_sql(layout: Layout) -> str:
    code = layout.text("line_item_product_code")
    return (
        f"CASE WHEN {layout.product_name()} LIKE {_text(MARKETPLACE_BEDROCK)} "
        f"OR {code} IN ({BEDROCK_CODES_SQL}) THEN 'AmazonBedrock' ELSE {code} END"
    )


def _source(layout: Layout, files: list[str], *, filename: bool = False) -> str:
    listed = "[" + ", ".join(_text(f) for f in files) + "]"
    named = ", filename = true" if filename else ""
    if layout.kind == "parquet":
        return f"read_parquet({listed}, union_by_name = true{named})"
    return (  # RFC 4180, as AWS writes it: commas, double quotes, a quote inside doubled
        f"read_csv({listed}, header = true, all_varchar = true, union_by_name = true, "
        f"delim = ',', quote = '\"', escape = '\"', compression = 'auto'{named})"
    )


def usage_sql(
    layout: Layout,
    source: str,
    keys: Sequence[CurKey],
    basis: str,
    services: Sequence[str],
    exclude: Sequence[str] = (),
) -> str:
    """One pass over a group of files: cost, usage and tokens summed by key, day, token kind
    and product code; line items outside generative-AI spend summed into one row per product
    code (keys NULL), and the
    generative-AI line items of an excluded type (`exclude`: credit, refund, tax) counted
    apart."""
    usage_type = layout.text("line_item_usage_type")
    types = ", ".join(_text(EXCLUDABLE[e]) for e in exclude)
    excluded = f"({layout.text('line_item_line_item_type')} IN ({types}))" if exclude else "false"
    # written twice below: a CTE carrying it with `SELECT *` cost 15 % of the pass (measured);
    # DuckDB folds `AND NOT false` away when nothing is excluded
    chosen = gen_ai_sql(layout, services)
    inner_keys = ", ".join(f"{key_sql(k, layout)} AS k{i}" for i, k in enumerate(keys))
    start = layout.col("line_item_usage_start_date")
    group = ", ".join(f"CASE WHEN gen_ai THEN k{i} END AS k{i}" for i in range(len(keys)))
    return f"""
        WITH raw AS (
          SELECT
            {chosen} AND NOT {excluded} AS gen_ai,
            {chosen} AND {excluded} AS excluded,
            try_cast(CAST({start} AS STRING) AS TIMESTAMP) AS started,
            {service_sql(layout)} AS service,
            coalesce({layout.text("line_item_product_code")}, '') AS product_code,
            {model_sql(layout)} AS model,
            CASE WHEN {service_sql(layout)} = 'AmazonBedrock'
              THEN {token_kind_sql(layout, usage_type)}
              END AS token_kind,
            {layout.number("line_item_usage_amount")} AS usage_amount,
            {tokens_per_unit_sql(layout.text("pricing_unit"), usage_type)} AS per_unit,
            {cost_sql(layout, basis)} AS cost,
            {inner_keys}
          FROM {source}
        ),
        items AS (
          SELECT *,
            CASE WHEN year(started) BETWEEN {FIRST_YEAR} AND {LAST_YEAR}
              THEN CAST(started AS DATE) END AS day,
            {valid("cost")} AS good_cost,
            {valid("usage_amount")} AS good_usage,
            usage_amount * per_unit AS tokens
          FROM raw
        )
        SELECT gen_ai, product_code, {group}, CASE WHEN gen_ai THEN day END AS day,
          CASE WHEN gen_ai THEN token_kind END AS token_kind,
          CAST(count(*) AS BIGINT) AS line_items,
          sum(CASE WHEN gen_ai AND day IS NOT NULL AND good_cost THEN cost ELSE 0 END) AS cost,
          sum(CASE WHEN gen_ai AND day IS NOT NULL AND token_kind IS NOT NULL AND good_usage
              THEN coalesce(tokens, 0) ELSE 0 END) AS tokens,
          CAST(sum(CASE WHEN gen_ai AND token_kind IS NOT NULL AND good_usage AND tokens IS NULL
            THEN 1 ELSE 0 END) AS BIGINT) AS unknown_units,
          sum(CASE WHEN NOT gen_ai AND NOT excluded AND good_cost THEN cost ELSE 0 END)
            AS other_cost,
          CAST(sum(CASE WHEN excluded THEN 1 ELSE 0 END) AS BIGINT) AS excluded_items,
          sum(CASE WHEN excluded AND good_cost THEN cost ELSE 0 END) AS excluded_cost,
          CAST(sum(CASE WHEN gen_ai AND day IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS undated,
          CAST(sum(CASE WHEN good_cost THEN 0 ELSE 1 END) AS BIGINT) AS bad_cost,
          CAST(sum(CASE WHEN gen_ai AND token_kind IS NOT NULL AND NOT good_usage
            THEN 1 ELSE 0 END) AS BIGINT) AS bad_usage
        FROM items
        GROUP BY ALL
    """
