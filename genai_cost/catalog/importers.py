"""Bedrock token prices from the maintained price packages: `genai-prices` and `litellm`.

Each package ships its price data with the code: genai-prices as Python objects
(`genai_prices.data.providers`, provider `aws`), litellm as a JSON file
(`litellm/model_prices_and_context_window_backup.json`, USD per token). The installed
package's data is read as it ships — litellm's file without importing litellm — and mapped
onto snapshot rows:

- genai-prices: `global.X` → scope global; `regional.X` → in-region and geo (every region and
  profile, the model's regional price); an unprefixed id → in-region in the US (the price
  genai-prices lists for models without regional variants). Conditional prices with a start
  date become dated rows; tiered input prices (a higher rate for the whole request above a
  token count) become the long-context columns; 1-hour cache writes their own column.
- litellm: `X` → in-region in the US; `bedrock/<region>/X` → in-region in that region;
  `us.X`, `eu.X`, `apac.X`, `jp.X`, `au.X` → that geo profile; `global.X` → global;
  `*_batches`, `*_priority`, `*_flex`, `*_above_200k_tokens`,
  `cache_creation_input_token_cost_above_1hr` → batch, service tiers, long context, 1-hour
  cache writes; `bedrock/<region>/<n>-month-commitment/X` (USD per second per model unit) →
  provisioned throughput per hour, the conversion named in the row's notes.

Rows a package cannot express (GovCloud, images, rerank, guardrails, ids without a provider)
are skipped and counted with the reason. Merging into a snapshot is `merge_import`.

The module is over 900 lines because it holds both packages' readers and every key mapping
above, each rule next to the tests' worked figures it was checked against; splitting the two
readers would leave them sharing the row builders and the skip accounting across files.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import importlib.util
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from genai_cost.catalog.snapshot import Catalog
from genai_cost.catalog.tables import (
    ON_DEMAND_PRICE_COLUMNS,
    BedrockModel,
    OnDemandPrice,
    PriceConflict,
    ProvisionedPrice,
    ServicePrice,
    Source,
    UnitPrice,
)
from genai_cost.documents.pricing import PricingImport
from genai_cost.errors import ArgumentError
from genai_cost.units import TOKENS_PER_MILLION
from genai_cost.vocabulary import GEO_PREFIXES, BilledUnit, Term, UnitKind

PACKAGES = ("genai-prices", "litellm")
AGREE = 0.01
"""Two prices agree when they differ by at most 1 % (of the larger)."""
PRICE_COLUMNS = ON_DEMAND_PRICE_COLUMNS
OPEN_WEIGHT_FAMILIES = (
    "meta.llama",
    "openai.gpt-oss",
    "qwen.",
    "deepseek.",
    "google.gemma",
    "mistral.mistral-7b",
    "mistral.mixtral",
    "mistral.ministral",
    "mistral.magistral-small",
    "mistral.devstral",
    "mistral.voxtral",
    "mistral.mistral-large-3",
    "nvidia.nemotron",
    "moonshotai.kimi",
    "zai.glm",
    "minimax.",
)
"""Model families whose weights are published (so self-hosting is an option to enumerate)."""
PROVIDERS = {
    "ai21": "AI21 Labs",
    "deepseek": "DeepSeek",
    "minimax": "MiniMax",
    "mistral": "Mistral AI",
    "moonshot": "Moonshot AI",
    "moonshotai": "Moonshot AI",
    "nvidia": "NVIDIA",
    "openai": "OpenAI",
    "twelvelabs": "TwelveLabs",
    "writer": "Writer",
    "xai": "xAI",
    "zai": "Z.ai",
}
"""Providers as they name themselves (the model id's prefix, title-cased, otherwise)."""


def normalized(model_id: str) -> str:
    """A model id without its version and date suffixes (`-20251001-v1:0`, `-v1:0`, `:0`,
    `-instruct`): how the same model is named on different endpoints and in different
    sources, used only to recognise duplicates."""
    text = model_id.lower()
    for pattern in (r":\d+$", r"-v\d+$", r"-\d{8}$", r"-instruct$"):
        text = re.sub(pattern, "", text)
    return text


def family(source_key: str) -> str:
    """A source key without its version: `litellm-1.110.2` → `litellm`."""
    return re.sub(r"-\d[\w.]*$", "", source_key)


@dataclass
class ImportedRows:
    """What one package prices, as snapshot rows."""

    package: str
    version: str
    source_key: str
    source: Source
    models: dict[str, BedrockModel] = field(default_factory=dict)
    on_demand: list[OnDemandPrice] = field(default_factory=list)
    provisioned: list[ProvisionedPrice] = field(default_factory=list)
    unit_prices: list[UnitPrice] = field(default_factory=list)
    service_prices: list[ServicePrice] = field(default_factory=list)
    """Bedrock features priced per unit of use (Guardrails policies per text unit)."""
    skipped: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def skip(self, reason: str, example: str) -> None:
        self.skipped[reason].append(example)


def installed_version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        raise ArgumentError(
            f"{package} is not installed here; install it (pip install {package}) and run "
            "the import again"
        ) from None


def _million(per_token: Any) -> float | None:
    """USD per token → USD per 1M tokens, rounded to the 1e-9 the source can carry. A zero is
    how litellm marks a dimension a model is not billed by (an embedding's output, a video
    model's tokens): no price, never a free one."""
    if per_token is None or float(per_token) == 0:
        return None
    value = float(Decimal(str(per_token)) * Decimal(int(TOKENS_PER_MILLION)))
    return round(value, 9)


def _decimal(value: Any) -> float | None:
    return None if value is None else round(float(value), 9)


def _model(imported: ImportedRows, model_id: str, name: str, kind: str, as_of: dt.date) -> None:
    if model_id in imported.models:
        return
    provider = model_id.split(".")[0]
    imported.models[model_id] = BedrockModel(
        model_id=model_id,
        name=name or model_id,
        provider=PROVIDERS.get(provider, provider.title()),
        kind=kind,
        open_weights=model_id.startswith(OPEN_WEIGHT_FAMILIES),
        price_list_name=name or model_id,
        price_list_name_source=f"{imported.package} display name (not checked against the "
        "Price List)",
        source=imported.source_key,
        as_of=as_of,
    )


def _provenance(imported: ImportedRows, as_of: dt.date, notes: str) -> dict[str, Any]:
    """The provenance fields of a row the package prices (undated: in effect from always)."""
    return {
        "source": imported.source_key,
        "as_of": as_of,
        "effective_from": None,
        "effective_until": None,
        "notes": notes,
    }


def _row(imported: ImportedRows, as_of: dt.date, **values: Any) -> OnDemandPrice:
    defaults: dict[str, Any] = {
        "effective_from": None,
        "effective_until": None,
        "notes": "",
        "usd_per_1m_cache_read_input_tokens": None,
        "usd_per_1m_cache_write_input_tokens": None,
        "usd_per_1m_batch_input_tokens": None,
        "usd_per_1m_batch_output_tokens": None,
    }
    return OnDemandPrice(source=imported.source_key, as_of=as_of, **{**defaults, **values})


# --- litellm -------------------------------------------------------------------------------


def litellm_data() -> tuple[str, dict[str, Any]]:
    """The installed litellm's version and price file (read without importing litellm)."""
    version = installed_version("litellm")
    spec = importlib.util.find_spec("litellm")
    if spec is None or spec.origin is None:
        raise ArgumentError("litellm is installed but its files cannot be found")
    path = Path(spec.origin).parent / "model_prices_and_context_window_backup.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ArgumentError(f"{path}: cannot read litellm's price file ({exc})") from None
    return version, data


TOKEN_MODES = {"chat": "text", "responses": "text", "embedding": "embedding", "realtime": "text"}
"""litellm modes priced per token (`realtime`: speech-to-speech models such as Nova 2 Sonic,
with audio tokens priced apart)."""
LITELLM_COLUMNS = {
    "input_cost_per_token": "usd_per_1m_input_tokens",
    "output_cost_per_token": "usd_per_1m_output_tokens",
    "cache_read_input_token_cost": "usd_per_1m_cache_read_input_tokens",
    "cache_creation_input_token_cost": "usd_per_1m_cache_write_input_tokens",
    "cache_creation_input_token_cost_above_1hr": "usd_per_1m_cache_write_1h_input_tokens",
    "input_cost_per_audio_token": "usd_per_1m_audio_input_tokens",
    "output_cost_per_audio_token": "usd_per_1m_audio_output_tokens",
}
LITELLM_MEDIA_COLUMNS = {
    "input_cost_per_image": "usd_per_input_image",
    "input_cost_per_video_per_second": "usd_per_input_video_second",
    "input_cost_per_audio_per_second": "usd_per_input_audio_second",
}
"""Media a token-priced model bills per unit rather than per token (USD per image, per second
of video or audio), kept per unit."""
LONG_SUFFIXES = {
    "_above_200k_tokens": 200_000,
    "_above_272k_tokens": 272_000,
    "_above_100k_tokens": 100_000,
}


def _litellm_prices(entry: dict[str, Any], suffix: str) -> dict[str, float | None]:
    """The token columns of one tier (`""`, `"_priority"`, `"_flex"`) of a litellm entry."""
    prices: dict[str, float | None] = {
        column: _million(entry.get(key + suffix)) for key, column in LITELLM_COLUMNS.items()
    }
    if suffix == "":
        for key, column in LITELLM_MEDIA_COLUMNS.items():
            value = entry.get(key)  # USD per unit as it stands; 0 = not billed this way
            prices[column] = None if value is None or float(value) == 0 else _decimal(value)
        prices["usd_per_1m_batch_input_tokens"] = _million(
            entry.get("input_cost_per_token_batches")
        )
        prices["usd_per_1m_batch_output_tokens"] = _million(
            entry.get("output_cost_per_token_batches")
        )
        for long_suffix, threshold in LONG_SUFFIXES.items():
            if entry.get("input_cost_per_token" + long_suffix) is None:
                continue
            prices["long_context_threshold_tokens"] = float(threshold)
            prices["usd_per_1m_input_tokens_long"] = _million(
                entry.get("input_cost_per_token" + long_suffix)
            )
            prices["usd_per_1m_output_tokens_long"] = _million(
                entry.get("output_cost_per_token" + long_suffix)
            )
            prices["usd_per_1m_cache_read_input_tokens_long"] = _million(
                entry.get("cache_read_input_token_cost" + long_suffix)
            )
            prices["usd_per_1m_cache_write_input_tokens_long"] = _million(
                entry.get("cache_creation_input_token_cost" + long_suffix)
            )
            break
    return prices


def read_litellm(catalog: Catalog, as_of: dt.date) -> ImportedRows:
    version, data = litellm_data()
    key = f"litellm-{version}"
    imported = ImportedRows(
        "litellm",
        version,
        key,
        Source(
            key,
            "BerriAI/litellm model_prices_and_context_window.json (Bedrock entries)",
            f"PyPI litellm {version}, litellm/model_prices_and_context_window_backup.json",
            as_of,
            "USD per token (per second per model unit for provisioned throughput), "
            "converted to per 1M tokens and per hour",
        ),
    )
    bedrock_ids = {
        normalized(_scope_of(n.split("/")[-1])[2])
        for n, e in data.items()
        if isinstance(e, dict)
        and str(e.get("litellm_provider", "")) in ("bedrock", "bedrock_converse")
    }
    for name, entry in sorted(data.items()):
        if not isinstance(entry, dict):
            continue
        provider = str(entry.get("litellm_provider", ""))
        if not provider.startswith("bedrock"):
            continue
        if (
            provider == "bedrock_mantle"
            and normalized(_scope_of(name.split("/")[-1])[2]) in bedrock_ids
        ):
            imported.skip("Bedrock Mantle id of a model priced under its Bedrock id", name)
            continue
        mode = str(entry.get("mode", ""))
        if mode == "guardrail":
            _litellm_guardrails(imported, name, entry, as_of)
            continue
        parts = name.split("/")
        if parts[0] in ("bedrock", "bedrock_mantle"):
            parts = parts[1:]
        if len(parts) == 3 and parts[1].endswith("-commitment"):
            _litellm_provisioned(imported, catalog, parts, entry, as_of, name)
            continue
        if mode in UNIT_MODES:
            _litellm_unit_price(imported, name, mode, entry, as_of)
            continue
        if mode not in TOKEN_MODES:
            imported.skip(f"not a token-priced model (mode {mode or 'unknown'})", name)
            continue
        region = "*"
        if len(parts) == 2:
            region, model = parts
            if region not in catalog.regions:
                imported.skip("region not in the snapshot's regions (GovCloud, other)", name)
                continue
        elif len(parts) == 1:
            model = parts[0]
        else:
            imported.skip("key shape not understood", name)
            continue
        scope, geography, base = _scope_of(model)
        if scope == "":
            imported.skip("cross-region profile prefix not modelled", name)
            continue
        if "." not in base or "@" in base or base.startswith("claude-"):
            imported.skip("not a Bedrock model id (no provider prefix)", name)
            continue
        if region != "*":
            if scope != "in_region":
                imported.skip("profile under a region key", name)
                continue
            geography = catalog.regions[region].geography
        _model(imported, base, "", TOKEN_MODES[mode], as_of)
        for suffix, tier in (("", "standard"), ("_priority", "priority"), ("_flex", "flex")):
            prices = _litellm_prices(entry, suffix)
            if (
                prices["usd_per_1m_input_tokens"] is None
                and prices["usd_per_1m_output_tokens"] is None
            ):
                if suffix == "":
                    imported.skip("not billed per token (per image, second or query)", name)
                continue
            imported.on_demand.append(
                _row(
                    imported,
                    as_of,
                    model_id=base,
                    scope=scope,
                    geography=geography,
                    region=region,
                    tier=tier,
                    notes=f"litellm key {name}",
                    **prices,
                )
            )
    return imported


UNIT_MODES: dict[str, tuple[UnitKind, BilledUnit, str]] = {
    "image_generation": ("image_generation", "image", "output_cost_per_image"),
    "image_edit": ("image_edit", "image", "output_cost_per_image"),
    "rerank": ("rerank", "query", "input_cost_per_query"),
}
"""litellm modes priced per unit: the workload kind, the unit, and the field of its price."""
LITELLM_VARIANT = re.compile(r"^(\d+|max)-x-(\d+|max)/([\w-]+-steps)$")
"""A litellm image key's size and steps prefix (`1024-x-1024/50-steps`)."""


def _litellm_unit_price(
    imported: ImportedRows, name: str, mode: str, entry: dict[str, Any], as_of: dt.date
) -> None:
    """One per-unit price row from a litellm image or rerank entry: `[size/steps/]bedrock/`
    prefixes become the row's variant (`1024x1024/50-steps`), a profile prefix its scope."""
    kind, unit, field_name = UNIT_MODES[mode]
    parts = name.split("/")
    variant = ""
    if len(parts) >= 3 and LITELLM_VARIANT.match("/".join(parts[:2])):
        size = parts[0] if "max" in parts[0] else parts[0].replace("-x-", "x")
        variant = f"{size}/{parts[1]}"  # 1024x1024/50-steps; max-x-max/50-steps verbatim
        parts = parts[2:]
    if parts[0] in ("bedrock", "bedrock_converse"):
        parts = parts[1:]
    if len(parts) != 1:
        imported.skip("key shape not understood", name)
        return
    scope, geography, base = _scope_of(parts[0])
    if scope == "":
        imported.skip("cross-region profile prefix not modelled", name)
        return
    price = entry.get(field_name)
    if price is None or float(price) <= 0:
        imported.skip(f"no {field_name} (a per-{unit} price) in the entry", name)
        return
    _model(imported, base, "", kind, as_of)
    imported.unit_prices.append(
        UnitPrice(
            **_provenance(imported, as_of, f"litellm key {name} ({field_name})"),
            model_id=base,
            kind=kind,
            variant=variant,
            unit=unit,
            scope=scope,  # type: ignore[arg-type]
            geography=geography,
            region="*",
            usd_per_unit=round(float(price), 9),
        )
    )


GUARDRAIL_POLICIES: dict[str, tuple[str, str]] = {
    "contentPolicyUnits": ("content_filters", "text unit"),
    "contentPolicyImageUnits": ("content_filters_image", "image"),
    "topicPolicyUnits": ("denied_topics", "text unit"),
    "wordPolicyUnits": ("word_filters", "text unit"),
    "sensitiveInformationPolicyUnits": ("sensitive_information", "text unit"),
    "sensitiveInformationPolicyFreeUnits": ("sensitive_information_regex", "text unit"),
    "contextualGroundingPolicyUnits": ("contextual_grounding", "text unit"),
    "automatedReasoningPolicyUnits": ("automated_reasoning", "text unit"),
}
"""litellm's `guardrail_cost_per_unit` keys — the fields of the ApplyGuardrail response's
`usage` (GuardrailUsage, Bedrock API reference) — and the snapshot's item and unit for each."""
GUARDRAIL_SERVICE = "bedrock_guardrails"


def _litellm_guardrails(
    imported: ImportedRows, name: str, entry: dict[str, Any], as_of: dt.date
) -> None:
    """Bedrock Guardrails' price per policy unit (`bedrock/guardrails`, USD per unit): a
    service-price row per policy. A 0 here is a published price (word filters and regex
    sensitive-information filters are free), not a missing one."""
    costs = entry.get("guardrail_cost_per_unit")
    if not isinstance(costs, dict):
        imported.skip("guardrail entry without guardrail_cost_per_unit", name)
        return
    for key, value in sorted(costs.items()):
        if key not in GUARDRAIL_POLICIES or value is None:
            imported.skip(f"guardrail policy unit not modelled ({key})", name)
            continue
        item, unit = GUARDRAIL_POLICIES[key]
        imported.service_prices.append(
            ServicePrice(
                **_provenance(
                    imported, as_of, f"litellm key {name}, guardrail_cost_per_unit.{key}"
                ),
                service=GUARDRAIL_SERVICE,
                item=item,
                unit=unit,
                geography="us",
                region="*",
                from_quantity=0.0,
                to_quantity=None,
                usd_per_unit=round(float(value), 9),
            )
        )


def _scope_of(model: str) -> tuple[str, str, str]:
    """(scope, geography, base id) of a model id with its profile prefix; scope "" for a
    prefix not modelled (GovCloud and others)."""
    head, _, rest = model.partition(".")
    if head == "global" and rest:
        return "global", "*", rest
    if head in GEO_PREFIXES and rest:
        return "geo", head, rest
    if head in ("us-gov", "ca", "in") and rest:
        return "", "", rest
    return "in_region", "us", model


def _litellm_provisioned(
    imported: ImportedRows,
    catalog: Catalog,
    parts: list[str],
    entry: dict[str, Any],
    as_of: dt.date,
    name: str,
) -> None:
    region, commitment, model = parts
    term = {"1-month-commitment": "1_month", "6-month-commitment": "6_months"}.get(commitment)
    per_second = entry.get("input_cost_per_second")
    if term is None or per_second is None or (region != "*" and region not in catalog.regions):
        imported.skip("provisioned entry not understood (term, price or region)", name)
        return
    geography = "*" if region == "*" else catalog.regions[region].geography
    hourly = round(float(Decimal(str(per_second)) * 3600), 6)
    _model(imported, model, "", "text", as_of)
    imported.provisioned.append(
        ProvisionedPrice(
            **_provenance(
                imported,
                as_of,
                f"converted from ${per_second} per second × 3,600 (litellm key {name})",
            ),
            model_id=model,
            geography=geography,
            region=region,
            term=cast(Term, term),
            usd_per_model_unit_hour=hourly,
        )
    )


# --- genai-prices --------------------------------------------------------------------------

GP_COLUMNS = {
    "input_mtok": "usd_per_1m_input_tokens",
    "output_mtok": "usd_per_1m_output_tokens",
    "cache_read_mtok": "usd_per_1m_cache_read_input_tokens",
    "cache_write_mtok": "usd_per_1m_cache_write_input_tokens",
    "cache_write_1h_mtok": "usd_per_1m_cache_write_1h_input_tokens",
    "input_audio_mtok": "usd_per_1m_audio_input_tokens",
    "output_audio_mtok": "usd_per_1m_audio_output_tokens",
}
GP_LONG = {
    "input_mtok": "usd_per_1m_input_tokens_long",
    "output_mtok": "usd_per_1m_output_tokens_long",
    "cache_read_mtok": "usd_per_1m_cache_read_input_tokens_long",
    "cache_write_mtok": "usd_per_1m_cache_write_input_tokens_long",
}


def _gp_prices(price: Any) -> tuple[dict[str, float | None], str]:
    """Token columns of a genai-prices ModelPrice, and a note when something was left out."""
    prices: dict[str, float | None] = {}
    notes = []
    thresholds = set()
    for attr, column in GP_COLUMNS.items():
        value = getattr(price, attr, None)
        if value is None:
            prices[column] = None
            continue
        if hasattr(value, "tiers"):  # TieredPrices: the whole request at the tier's rate
            prices[column] = _decimal(value.base)
            if value.tiers:
                if len(value.tiers) > 1:
                    notes.append(f"{attr}: only the first of {len(value.tiers)} tiers kept")
                thresholds.add(value.tiers[0].start)
                if attr in GP_LONG:
                    prices[GP_LONG[attr]] = _decimal(value.tiers[0].price)
        else:
            prices[column] = _decimal(value)
    if len(thresholds) > 1:
        notes.append("tiers start at different token counts; the lowest is used")
    if thresholds:
        prices["long_context_threshold_tokens"] = float(min(thresholds))
    ignored = [
        k
        for k, v in vars(price).items()
        if v is not None and k not in GP_COLUMNS and not k.startswith("_")
    ]
    if ignored:
        notes.append("not modelled: " + ", ".join(sorted(ignored)))
    return prices, "; ".join(notes)


def read_genai_prices(catalog: Catalog, as_of: dt.date) -> ImportedRows:
    version = installed_version("genai-prices")
    from genai_prices.data import providers  # the package's own data module

    key = f"genai-prices-{version}"
    imported = ImportedRows(
        "genai-prices",
        version,
        key,
        Source(
            key,
            "pydantic/genai-prices AWS Bedrock prices",
            f"PyPI genai-prices {version}, genai_prices/data.py (provider aws)",
            as_of,
            "USD per 1M tokens; `global.` entries are global cross-region prices, `regional.` "
            "entries the in-region and geo-profile prices",
        ),
    )
    aws = next((p for p in providers if p.id == "aws"), None)
    if aws is None:
        raise ArgumentError(f"genai-prices {version} has no AWS provider data")
    candidates = sorted(set(catalog.models))
    for info in aws.models:
        prefix, _, rest = info.id.partition(".")
        if prefix == "global" and rest:
            scopes = [("global", "*", "*")]
            ident = rest
        elif prefix == "regional" and rest:
            scopes = [("in_region", "*", "*"), ("geo", "*", "*")]
            ident = rest
        else:
            scopes = [("in_region", "us", "*")]
            ident = info.id
        model_id = _canonical(ident, info, candidates)
        kind = "embedding" if "embed" in model_id else "text"
        _model(imported, model_id, info.name or "", kind, as_of)
        conditional = info.prices if isinstance(info.prices, list) else None
        versions: list[tuple[dt.date | None, Any]] = (
            [(getattr(c.constraint, "start_date", None), c.prices) for c in conditional]
            if conditional
            else [(None, info.prices)]
        )
        if conditional and any(
            c.constraint is not None and not hasattr(c.constraint, "start_date")
            for c in conditional
        ):
            imported.skip("time-of-day prices not modelled", info.id)
            continue
        versions.sort(key=lambda v: v[0] or dt.date.min)
        for k, (start, price) in enumerate(versions):
            following = versions[k + 1][0] if k + 1 < len(versions) else None
            end = following - dt.timedelta(days=1) if following is not None else None
            prices, note = _gp_prices(price)
            if (
                prices["usd_per_1m_input_tokens"] is None
                and prices["usd_per_1m_output_tokens"] is None
            ):
                imported.skip("no token prices", info.id)
                continue
            for scope, geography, region in scopes:
                imported.on_demand.append(
                    _row(
                        imported,
                        as_of,
                        model_id=model_id,
                        scope=scope,
                        geography=geography,
                        region=region,
                        tier="standard",
                        effective_from=start,
                        effective_until=end,
                        notes=f"genai-prices id {info.id}" + (f"; {note}" if note else ""),
                        **prices,
                    )
                )
    return imported


def _canonical(ident: str, info: Any, candidates: list[str]) -> str:
    """The snapshot's id for a genai-prices model: its own id when the snapshot has it, else
    the one snapshot id with the same name without version suffixes, else the one its match
    rule accepts, else its own id."""
    if ident in candidates:
        return ident
    same = [c for c in candidates if normalized(c) == normalized(ident)]
    if len(same) == 1:
        return same[0]
    matched = [c for c in candidates if info.is_match(c)]
    return matched[0] if len(matched) == 1 else ident


def read_package(package: str, catalog: Catalog, as_of: dt.date) -> ImportedRows:
    if package == "litellm":
        return read_litellm(catalog, as_of)
    if package == "genai-prices":
        return read_genai_prices(catalog, as_of)
    raise ArgumentError(f"unknown price package {package!r}; use one of: {', '.join(PACKAGES)}")


# --- merging -------------------------------------------------------------------------------


@dataclass
class MergeOutcome:
    """The candidate tables, and what the import did to each row."""

    models: list[BedrockModel]
    on_demand: list[OnDemandPrice]
    provisioned: list[ProvisionedPrice]
    unit_prices: list[UnitPrice] = field(default_factory=list)
    service_prices: list[ServicePrice] | None = None
    """The snapshot's service prices with the package's merged in (None: the package prices
    no service, and the table is left as it is)."""
    decisions: Counter[str] = field(default_factory=Counter)
    disagreements: list[str] = field(default_factory=list)
    """Prices the import disagrees with but did not apply (resolve them in price_conflicts)."""


def _agree(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return True
    return abs(a - b) <= AGREE * max(abs(a), abs(b))


def _differences(old: Any, new: Any, columns: Iterable[str]) -> list[str]:
    return [
        c
        for c in columns
        if getattr(old, c) is not None
        and getattr(new, c) is not None
        and not _agree(getattr(old, c), getattr(new, c))
    ]


def resolved_conflict(
    conflicts: list[PriceConflict], table: str, row: Any, rejected: str
) -> PriceConflict | None:
    """The recorded decision that rejects `rejected`'s prices at `row`'s location."""
    for c in conflicts:
        if (
            c.table == table
            and c.model_id == row.model_id
            and c.geography == row.geography
            and c.region == row.region
            and c.rejected_family == rejected
            and getattr(row, "scope", c.scope) == c.scope
            and getattr(row, "tier", c.tier) == c.tier
        ):
            return c
    return None


def _od_key(r: OnDemandPrice) -> tuple[Any, ...]:
    return (r.model_id, r.scope, r.geography, r.region, r.tier, r.effective_from)


def _dated(row: OnDemandPrice) -> bool:
    return row.effective_from is not None or row.effective_until is not None


def _covers(row: OnDemandPrice, other: OnDemandPrice) -> bool:
    """Whether `row`'s location includes `other`'s (same model, scope and tier)."""
    return (
        row.model_id == other.model_id
        and row.scope == other.scope
        and row.tier == other.tier
        and (row.region == other.region or row.region == "*")
        and (row.geography == other.geography or row.geography == "*")
        and _overlap(row, other)
    )


def _overlap(a: Any, b: Any) -> bool:
    lo, hi = dt.date.min, dt.date.max
    return (a.effective_from or lo) <= (b.effective_until or hi) and (b.effective_from or lo) <= (
        a.effective_until or hi
    )


def merge_import(catalog: Catalog, imported: ImportedRows) -> MergeOutcome:
    """The snapshot's rows with the package's merged in.

    A resolved conflict (price_conflicts.csv) names a location (model, scope, geography,
    region, tier) where a source family's prices are rejected: such a price is neither
    imported there nor kept there when another source's row covers it. Otherwise, for each
    imported row: a row with the same key from the same family (an older release) is
    replaced; one from another source is replaced when the import is newer and kept (with
    the disagreement reported) when older; a row for a new location is added when it is an
    explicit regional price or nothing covers it, skipped when the rows covering it agree
    within 1 %, and not applied (reported) when one disagrees. An undated price is never put
    in place of a dated series, and an undated row of another source inside a dated series'
    location that agrees with the series today is removed (it would otherwise price the
    series' past at today's price). Rows of the same family the package no longer lists are
    removed.
    """
    mine = family(imported.source_key)
    conflicts = catalog.conflicts
    current = [r for rows in catalog.on_demand.values() for r in rows]
    by_key = {_od_key(r): r for r in current}
    locations: dict[tuple[Any, ...], list[OnDemandPrice]] = defaultdict(list)
    for r in current:
        locations[_od_key(r)[:5]].append(r)
    out = MergeOutcome(models=[*catalog.models.values()], on_demand=[], provisioned=[])
    replaced: dict[tuple[Any, ...], OnDemandPrice] = {}
    dropped: set[tuple[Any, ...]] = set()
    added: list[OnDemandPrice] = []
    seen = set()
    when = imported.source.as_of

    def note(row: OnDemandPrice, other: OnDemandPrice, text: str) -> None:
        columns = _differences(other, row, PRICE_COLUMNS)
        out.disagreements.append(
            f"{row.model_id} {row.scope} {row.geography}/{row.region} {row.tier}: "
            f"{imported.package} "
            + ", ".join(f"{c} {getattr(row, c):g}" for c in columns)
            + f" vs {other.source} ({other.scope} {other.geography}/{other.region}) "
            + ", ".join(f"{getattr(other, c):g}" for c in columns)
            + f" — {text}"
        )

    for row in imported.on_demand:
        key = _od_key(row)
        if key in seen:
            out.decisions["duplicate in the package (first kept)"] += 1
            continue
        seen.add(key)
        if resolved_conflict(conflicts, "bedrock_on_demand", row, mine):
            out.decisions["skipped: a resolved conflict rejects the package's price here"] += 1
            continue
        if _dated(row) and row.effective_on(when):
            for s in current:  # undated rows of another source inside the series' location
                if (
                    _covers(row, s)
                    and _od_key(s)[:5] != key[:5]
                    and not _dated(s)
                    and family(s.source) != mine
                    and not _differences(s, row, PRICE_COLUMNS)
                    and _od_key(s) not in dropped
                ):
                    dropped.add(_od_key(s))
                    out.decisions[
                        "removed: an undated row inside a dated series that agrees with it today"
                    ] += 1
        existing = by_key.get(key)
        series = [r for r in locations.get(key[:5], []) if family(r.source) != mine]
        if (
            row.effective_from is None
            and row.effective_until is None
            and any(r.effective_from is not None or r.effective_until is not None for r in series)
        ):
            now = [r for r in series if r.effective_on(when)]
            differs = [c for c in now if _differences(c, row, PRICE_COLUMNS)]
            if differs:
                out.decisions["not applied: disagrees with the dated price in effect"] += 1
                note(row, differs[0], "not applied (the snapshot's prices are dated)")
            else:
                out.decisions["skipped: agrees with the dated price in effect"] += 1
            continue
        if existing is not None:
            decision, replace = _replace_decision(conflicts, existing, row, mine)
            out.decisions[decision] += 1
            if replace:
                replaced[key] = row
            elif decision.startswith("kept: the snapshot's source"):
                note(row, existing, "kept (the row's source is newer than the package)")
            continue
        for s in current:  # more specific rows it covers that disagree with it
            if not (_covers(row, s) and _od_key(s) != key and _differences(s, row, PRICE_COLUMNS)):
                continue
            if resolved_conflict(conflicts, "bedrock_on_demand", s, family(s.source)):
                dropped.add(_od_key(s))
                out.decisions["removed: a resolved conflict rejects it where this covers"] += 1
            elif row.effective_on(when) and not resolved_conflict(
                conflicts, "bedrock_on_demand", s, mine
            ):
                out.decisions["kept: a more specific row that disagrees"] += 1
                note(row, s, "the more specific row is kept; record which is right")
        covering = [c for c in current if _covers(c, row) and c.effective_on(when)]
        disagree = [c for c in covering if _differences(c, row, PRICE_COLUMNS)]
        if row.region != "*" or not covering:
            added.append(row)
            out.decisions["added"] += 1
        elif not disagree:
            out.decisions["skipped: agrees with the row covering its location"] += 1
        elif all(
            resolved_conflict(conflicts, "bedrock_on_demand", row, family(c.source))
            for c in disagree
        ):
            added.append(row)
            out.decisions["added: a resolved conflict rejects the covering row here"] += 1
        else:
            out.decisions["not applied: disagrees with the row covering its location"] += 1
            note(row, disagree[0], "not applied")
    listed = {_od_key(r) for r in imported.on_demand}
    for r in current:
        key = _od_key(r)
        if key in replaced:
            out.on_demand.append(replaced[key])
        elif key in dropped:
            continue
        elif family(r.source) == mine and key not in listed:
            out.decisions["removed: no longer in the package"] += 1
        else:
            out.on_demand.append(r)
    out.on_demand += added
    out.provisioned = _merge_provisioned(catalog, imported, mine, out)
    out.unit_prices = _merge_unit_prices(catalog, imported, mine, out)
    out.service_prices = _merge_service_prices(catalog, imported, mine, out)
    known = {m.model_id for m in out.models}
    used = (
        {r.model_id for r in out.on_demand}
        | {r.model_id for r in out.provisioned}
        | {r.model_id for r in out.unit_prices}
    )
    out.models += [
        m for m in imported.models.values() if m.model_id not in known and m.model_id in used
    ]
    return out


def _replace_decision(
    conflicts: list[PriceConflict], existing: OnDemandPrice, row: OnDemandPrice, mine: str
) -> tuple[str, bool]:
    """What to do with an imported row whose key the snapshot has: (decision, replace?)."""
    differences = _differences(existing, row, PRICE_COLUMNS)
    fills = [
        c for c in PRICE_COLUMNS if getattr(existing, c) is None and getattr(row, c) is not None
    ]
    if family(existing.source) == mine:
        if differences or fills:
            return "updated (same source, newer release)", True
        return "unchanged", True
    if not differences:
        if fills:
            return "replaced: agrees, and prices what the row lacked", True
        return "skipped: agrees with the snapshot", False
    if resolved_conflict(conflicts, "bedrock_on_demand", existing, family(existing.source)):
        return "replaced: a resolved conflict rejects the row's source here", True
    if row.as_of > existing.as_of:
        return "replaced: the package is newer than the row's source", True
    return "kept: the snapshot's source is newer than the package", False


def _merge_provisioned(
    catalog: Catalog, imported: ImportedRows, mine: str, out: MergeOutcome
) -> list[ProvisionedPrice]:
    """Provisioned rows: an hourly figure published as such is kept against a per-second
    conversion that agrees with it within 0.1 % (rounding); otherwise as on-demand rows."""
    current = [r for rows in catalog.provisioned.values() for r in rows]

    def key(r: ProvisionedPrice) -> tuple[Any, ...]:
        return (r.model_id, r.geography, r.region, r.term, r.effective_from)

    by_key = {key(r): r for r in current}
    result = {key(r): r for r in current}
    for row in imported.provisioned:
        existing = by_key.get(key(row))
        if existing is None:
            covering = [
                c
                for c in current
                if c.model_id == row.model_id
                and c.term == row.term
                and c.region == "*"
                and c.geography in (row.geography, "*")
            ]
            if covering and all(
                abs(c.usd_per_model_unit_hour - row.usd_per_model_unit_hour)
                <= 0.001 * c.usd_per_model_unit_hour
                for c in covering
            ):
                out.decisions["provisioned skipped: agrees with the row covering it"] += 1
                continue
            result[key(row)] = row
            out.decisions["provisioned added"] += 1
            continue
        close = (
            abs(existing.usd_per_model_unit_hour - row.usd_per_model_unit_hour)
            <= 0.001 * existing.usd_per_model_unit_hour
        )
        if close and family(existing.source) != mine:
            out.decisions["provisioned kept: hourly figure as published"] += 1
            continue
        if resolved_conflict(catalog.conflicts, "bedrock_provisioned", row, mine):
            out.decisions["provisioned kept: a resolved conflict keeps it"] += 1
            continue
        result[key(row)] = row
        out.decisions["provisioned unchanged" if close else "provisioned updated"] += 1
    listed = {key(r) for r in imported.provisioned}
    for k, r in list(result.items()):
        if family(r.source) == mine and k not in listed:
            del result[k]
            out.decisions["provisioned removed: no longer in the package"] += 1
    return list(result.values())


def _unit_key(r: UnitPrice) -> tuple[Any, ...]:
    return (r.model_id, r.variant, r.scope, r.geography, r.region, r.effective_from)


def _merge_unit_prices(
    catalog: Catalog, imported: ImportedRows, mine: str, out: MergeOutcome
) -> list[UnitPrice]:
    """Per-unit prices (images, rerank queries): the package's rows replace its own family's
    (an older release; rows it no longer lists are removed); another source's row at the same
    key is kept, and a disagreement beyond 1 % reported; rows for new keys are added."""
    incoming = {_unit_key(r): r for r in imported.unit_prices}
    merged: list[UnitPrice] = []
    for row in (r for rows in catalog.unit_prices.values() for r in rows):
        key = _unit_key(row)
        if family(row.source) == mine:
            if key in incoming:
                new = incoming.pop(key)
                same = _agree(row.usd_per_unit, new.usd_per_unit)
                out.decisions[
                    "unchanged (unit price)" if same else "updated (unit price, newer release)"
                ] += 1
                merged.append(new)
            else:
                out.decisions["removed (unit price): no longer in the package"] += 1
            continue
        if key in incoming:
            new = incoming.pop(key)
            out.decisions["kept (unit price): another source prices the same key"] += 1
            if not _agree(row.usd_per_unit, new.usd_per_unit):
                out.disagreements.append(
                    f"bedrock_unit_prices {row.model_id} {row.variant or '(one price)'} "
                    f"{row.scope} {row.region if row.region != '*' else row.geography}: "
                    f"{imported.source_key} says {new.usd_per_unit:g} per {new.unit}, the "
                    f"snapshot keeps {row.usd_per_unit:g} ({row.source})"
                )
        merged.append(row)
    if incoming:
        out.decisions["added (unit price)"] += len(incoming)
    return [*merged, *incoming.values()]


def _merge_service_prices(
    catalog: Catalog, imported: ImportedRows, mine: str, out: MergeOutcome
) -> list[ServicePrice] | None:
    """Service prices the package carries (Guardrails): its rows replace its own family's for
    the same service; another source's row for the same service, item and location is kept
    (a disagreement beyond 1 % reported) and the package's not added there."""
    if not imported.service_prices:
        return None
    services = {r.service for r in imported.service_prices}
    current = [r for rows in catalog.service_prices.values() for r in rows]
    kept: list[ServicePrice] = []
    others: dict[tuple[str, str, str, str], ServicePrice] = {}
    for row in current:
        if row.service in services and family(row.source) == mine:
            continue  # replaced by the package's rows below
        kept.append(row)
        if row.service in services:
            others[(row.service, row.item, row.geography, row.region)] = row
    before = {
        (r.service, r.item, r.geography, r.region, r.from_quantity): r.usd_per_unit
        for r in current
        if r.service in services and family(r.source) == mine
    }
    for row in imported.service_prices:
        other = others.get((row.service, row.item, row.geography, row.region))
        if other is not None:
            out.decisions["kept (service price): another source prices the same item"] += 1
            if not _agree(other.usd_per_unit, row.usd_per_unit):
                out.disagreements.append(
                    f"service_prices {row.service} {row.item} {row.region}: "
                    f"{imported.source_key} says {row.usd_per_unit:g} per {row.unit}, the "
                    f"snapshot keeps {other.usd_per_unit:g} ({other.source})"
                )
            continue
        old = before.get((row.service, row.item, row.geography, row.region, row.from_quantity))
        if old is None:
            out.decisions["added (service price)"] += 1
        elif _agree(old, row.usd_per_unit):
            out.decisions["unchanged (service price)"] += 1
        else:
            out.decisions["updated (service price, newer release)"] += 1
        kept.append(row)
    return kept


def as_tables(outcome: MergeOutcome) -> dict[str, list[Any]]:
    return {
        "bedrock_models": sorted(outcome.models, key=lambda m: m.model_id),
        "bedrock_on_demand": sorted(outcome.on_demand, key=_sort_key),
        "bedrock_provisioned": sorted(
            outcome.provisioned,
            key=lambda r: (r.model_id, r.region, r.term, r.effective_from or dt.date.min),
        ),
        **(
            {}
            if outcome.service_prices is None
            else {"service_prices": outcome.service_prices}  # in the snapshot's own order
        ),
        "bedrock_unit_prices": sorted(
            outcome.unit_prices,
            key=lambda r: (
                r.model_id,
                r.variant,
                {"in_region": 0, "geo": 1, "global": 2}.get(r.scope, 3),
                r.geography,
                r.region,
                r.effective_from or dt.date.min,
            ),
        ),
    }


def _sort_key(r: OnDemandPrice) -> tuple[Any, ...]:
    scope_order = {"in_region": 0, "geo": 1, "global": 2}
    return (
        r.model_id,
        r.tier,
        scope_order.get(r.scope, 3),
        r.geography,
        r.region,
        r.effective_from or dt.date.min,
    )


def import_prices(
    previous: Catalog,
    package: str,
    *,
    as_of: dt.date,
    snapshot_id: str,
    target: Path,
    write: bool,
    force: bool = False,
) -> PricingImport:
    """Build the candidate snapshot (validated by loading it), diff it against `previous`,
    and place it at `target` only when `write`."""
    import shutil
    import tempfile

    from genai_cost.catalog.compare import diff_snapshots
    from genai_cost.catalog.snapshot import TABLE_FILES, load_catalog
    from genai_cost.catalog.writer import prepare_target, publish, stage, table_text

    imported = read_package(package, previous, as_of)
    outcome = merge_import(previous, imported)
    tables = {name: table_text(name, rows) for name, rows in as_tables(outcome).items()}
    for name, file in TABLE_FILES.items():
        path = previous.path / file
        if name not in tables and path.exists():
            tables[name] = path.read_text(encoding="utf-8")
    manifest = _manifest(previous, imported, snapshot_id, as_of)
    if write:
        target = prepare_target(target, force=force, error=ArgumentError)
        publish(target, manifest, tables, error=ArgumentError, what="the imported snapshot")
        candidate = load_catalog(target)
        written: str | None = str(target)
    else:
        scratch = Path(tempfile.mkdtemp(prefix="genai-cost-import."))
        try:
            staging = stage(scratch / "candidate", manifest, tables)
            candidate = load_catalog(staging)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        written = None
    return {
        "schema_version": 1,
        "kind": "genai-cost pricing import",
        "package": imported.package,
        "version": imported.version,
        "source_key": imported.source_key,
        "as_of": as_of.isoformat(),
        "base_snapshot": previous.snapshot_id,
        "written": written,
        "decisions": [
            {"decision": what, "rows": count} for what, count in sorted(outcome.decisions.items())
        ],
        "skipped": {
            reason: {"count": len(examples), "examples": examples[:5]}
            for reason, examples in sorted(imported.skipped.items())
        },
        "disagreements": outcome.disagreements,
        "diff": diff_snapshots(previous, candidate),
    }


UNIT_TABLE_ENTRY = {
    "file": "bedrock_unit_prices.csv",
    "description": "Bedrock on-demand prices per unit other than tokens: USD per image "
    "generated or edited (by size and steps where the source distinguishes them) and per "
    "rerank query.",
}


def _manifest(
    previous: Catalog, imported: ImportedRows, snapshot_id: str, as_of: dt.date
) -> dict[str, Any]:
    import yaml

    old = yaml.safe_load((previous.path / "manifest.yaml").read_text(encoding="utf-8"))
    sources = dict(old.get("sources", {}))
    src = imported.source
    sources[src.key] = {
        "title": src.title,
        "reference": src.reference,
        "as_of": src.as_of.isoformat(),
        "notes": src.notes,
    }
    tables = dict(old.get("tables", {}))
    tables.setdefault("bedrock_unit_prices", UNIT_TABLE_ENTRY)
    return {
        **old,
        "tables": tables,
        "snapshot_id": snapshot_id,
        "as_of": max(as_of, previous.as_of).isoformat(),
        "description": (
            f"{str(old.get('description', '')).strip()} Token prices imported from "
            f"{imported.package} {imported.version} on {as_of.isoformat()} into snapshot "
            f"{previous.snapshot_id}."
        ).strip(),
        "sources": sources,
    }
