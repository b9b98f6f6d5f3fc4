"""The scenario file as pydantic models: what each field means, its unit and default.

Meanings pinned here and in docs/scenario-reference.md:

* token counts are per request and averages; ``input`` excludes cached tokens (as in AWS's
  invocation logs); ``cache_read`` and ``cache_write`` are the cached share, priced separately;
* ``requests_per_second`` is an average over the month; peaks come from
  ``peak_to_average_ratio`` or a 24-value ``hourly_profile`` of relative weights;
* shares between 0 and 1 end in ``_fraction``.

Attribute docstrings become the JSON Schema's descriptions (scenario/schema.py). This module
is long because it is one schema: the models of one file kind, read top to bottom.
"""

# No `from __future__ import annotations` here: with it, pydantic evaluates every field's
# annotation from its text (`eval`) as it builds the classes, a third of this module's import
# time; without it, the interpreter evaluates them from bytecode. Methods returning their own
# class say `Self`.
import datetime as dt
import functools
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Any, Literal, Self, get_args

from pydantic import AfterValidator, Field, field_serializer, field_validator, model_validator

from genai_cost.modelbase import Fraction, NonNegative, Number, Positive, Strict, Whole
from genai_cost.scenario.budget import Budget
from genai_cost.units import (
    HOURS_PER_DAY,
    HOURS_PER_MONTH,
    MONTH_PATTERN,
    SECONDS_PER_HOUR,
    month_hours,
)
from genai_cost.vocabulary import (
    GEO_PREFIXES,
    GuardrailPolicy,
    Platform,
    Purchase,
    Scope,
    SteadyPurchase,
    Term,
    Tier,
    UnitKind,
)

SCHEMA_URL_HINT = "# yaml-language-server: $schema=<path>/scenario.schema.json"


def _no_items() -> list[Any]:
    """An empty list, the default of list fields. Not `default_factory=list`: pydantic reads
    a factory's signature, and `list`'s is text that `inspect` tokenizes (compiling tokenize's
    patterns, about 5 ms of start-up)."""
    return []


class Option(StrEnum):
    on_demand = "on_demand"
    batch = "batch"
    provisioned = "provisioned"
    self_hosted = "self_hosted"
    autoscaled = "autoscaled"
    serverless = "serverless"
    async_inference = "async_inference"
    batch_transform = "batch_transform"
    per_unit = "per_unit"
    """Bedrock on-demand billed per image or per rerank query (the workload kinds that are
    not billed per token)."""


class Latency(StrEnum):
    interactive = "interactive"
    batch_tolerant = "batch_tolerant"


ServiceTier = Tier


class LongRequests(Strict):
    """A share of requests with a much longer prompt than the typical one."""

    share: Fraction
    """Fraction of requests (0-1] with this input."""
    input: NonNegative
    """Their input tokens (excluding cached ones), instead of tokens_per_request.input; output
    and cache tokens are as for the other requests."""


class TokensPerRequest(Strict):
    """Average tokens per request, by kind."""

    input: NonNegative
    """Input tokens per request, excluding cached tokens (AWS logs' inputTokenCount)."""
    output: NonNegative
    """Output tokens per request."""
    cache_read: NonNegative = 0.0
    """Input tokens per request read from the prompt cache (cacheReadInputTokenCount)."""
    cache_write: NonNegative = 0.0
    """Input tokens per request written to the prompt cache (cacheWriteInputTokenCount), with
    the default 5-minute lifetime."""
    cache_write_1h: NonNegative = 0.0
    """Input tokens per request written to the prompt cache with a 1-hour lifetime (billed at
    the model's 1-hour cache-write rate)."""
    audio_input: NonNegative = 0.0
    """Speech (audio) input tokens per request, for a model that bills them apart from text
    (Nova Sonic); priced on demand only."""
    audio_output: NonNegative = 0.0
    """Speech (audio) output tokens per request."""
    long_requests: LongRequests | None = None
    """A share of requests with a long prompt (priced at long-context rates when it exceeds
    the model's threshold); `input` is then the other requests' input."""

    @property
    def mean_input(self) -> float:
        """Uncached input tokens of the average request (long requests included)."""
        if self.long_requests is None:
            return self.input
        share = self.long_requests.share
        return (1 - share) * self.input + share * self.long_requests.input

    retrieved_context: NonNegative = 0.0
    """Of `input`, the tokens of retrieved context (RAG passages) each request already
    carries. A rag customization path adds its retrieved_context_tokens only to workloads
    where this is 0, so retrieved context is never counted twice."""

    @property
    def all_input(self) -> float:
        """Input tokens per request including cached ones (read and written)."""
        return self.mean_input + self.cache_read + self.cache_write + self.cache_write_1h

    @model_validator(mode="after")
    def _context_within_input(self) -> Self:
        if self.retrieved_context > self.input:
            raise ValueError(
                "retrieved_context is part of input, so it cannot exceed it "
                f"({self.retrieved_context:g} > {self.input:g})"
            )
        return self


WorkloadKind = Literal["text", UnitKind]
"""What a workload's requests are: text tokens (the default), or a kind Bedrock bills per
unit (vocabulary.UnitKind)."""

NO_TOKENS = TokensPerRequest.model_construct(input=0.0, output=0.0)
"""The tokens of a workload billed per unit rather than per token."""


class ImageUsage(Strict):
    """What each request of an image_generation or image_edit workload produces."""

    images_per_request: Positive = 1.0
    """Output images per request (Bedrock bills each image generated or edited)."""
    variant: Annotated[str, Field(min_length=1)] | None = None
    """The priced size and steps (or quality), as the snapshot names them (e.g.
    `1024x1024/50-steps`; `genai-cost pricing show MODEL` lists them). Needed when the
    snapshot prices the model by variant; omitted, the model's one price is used."""


class RerankUsage(Strict):
    """The documents each rerank request sends."""

    documents_per_query: Annotated[Whole, Field(ge=1)]
    """Document chunks per Rerank call. AWS counts up to 100 chunks as one billed query and
    more as further queries (Bedrock User Guide, "Pricing and search units")."""


class GuardrailDirection(Strict):
    """What a guardrail evaluates in one direction (the prompt, or the response)."""

    text_units: NonNegative
    """Text units per request in this direction, as the ApplyGuardrail response's `usage`
    counts them (one policy's units; every listed policy evaluates the same text)."""
    policies: Annotated[list[GuardrailPolicy], Field(min_length=1)]
    """The policies enabled in this direction; each is billed per text unit it evaluates."""

    @field_validator("policies")
    @classmethod
    def _once(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("policies lists a policy twice")
        return value


class Guardrails(Strict):
    """Bedrock Guardrails on the workload's requests: billed per text unit each enabled policy
    evaluates, per direction, and per image the image content filter screens."""

    input: GuardrailDirection | None = None
    output: GuardrailDirection | None = None
    images_per_request: NonNegative = 0.0
    """Images per request screened by the content filters (billed per image)."""

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.input is None and self.output is None and self.images_per_request == 0:
            raise ValueError("guardrails needs input, output or images_per_request")
        return self


class MediaInputs(Strict):
    """Media each request sends to a model that bills it per unit rather than per token
    (multimodal embeddings per image, video understanding per second); priced on demand."""

    images: NonNegative = 0.0
    """Input images per request."""
    video_seconds: NonNegative = 0.0
    """Seconds of input video per request."""
    audio_seconds: NonNegative = 0.0
    """Seconds of input audio per request."""


class Backfill(Strict):
    """Requests run once besides the monthly traffic (embedding an existing corpus before the
    monthly updates): priced as offline work at the cheapest pay-per-use option."""

    requests: Positive
    """Requests run once (documents to embed, images to process)."""
    month: Annotated[Whole, Field(ge=0)] = 0
    """The month of the horizon it is paid in (0: the first)."""


class Traffic(Strict):
    """Request volume and its daily shape. Give exactly one of the two volume fields."""

    requests_per_second: NonNegative | None = None
    """Average requests per second over the month."""
    requests_per_month: NonNegative | None = None
    """Requests a month (the billing month's, when the scenario names one)."""
    peak_to_average_ratio: Annotated[Number, Field(ge=1)] | None = None
    """Peak request rate divided by the average (>= 1). Exclusive with hourly_profile."""
    hourly_profile: list[NonNegative] | None = None
    """24 relative weights, one per hour of the day; only their ratios matter."""

    @model_validator(mode="after")
    def _one_of_each(self) -> Self:
        if (self.requests_per_second is None) == (self.requests_per_month is None):
            raise ValueError("give exactly one of requests_per_second or requests_per_month")
        if self.peak_to_average_ratio is not None and self.hourly_profile is not None:
            raise ValueError("give peak_to_average_ratio or hourly_profile, not both")
        return self

    @field_validator("hourly_profile")
    @classmethod
    def _profile_shape(cls, value: list[float] | None) -> list[float] | None:
        if value is None:
            return value
        if len(value) != HOURS_PER_DAY:
            raise ValueError(f"hourly_profile needs {HOURS_PER_DAY} values, got {len(value)}")
        if max(value) <= 0:
            raise ValueError("hourly_profile weights must not all be zero")
        return value

    @property
    def profile_fractions(self) -> list[float] | None:
        """The hourly profile scaled so its largest weight is 1 (scaled before anything is
        summed, so weights near the float limits neither overflow nor vanish)."""
        if self.hourly_profile is None:
            return None
        top = max(self.hourly_profile)
        return [w / top for w in self.hourly_profile]

    @property
    def monthly_requests(self) -> float:
        """Requests in a 730-hour month."""
        return self.requests_in(HOURS_PER_MONTH)

    def requests_in(self, hours: float) -> float:
        """Requests in a month of `hours` hours. `requests_per_month` is a rate per 730-hour
        (average) month, so a calendar month of H hours holds requests_per_month × H / 730,
        exactly as `requests_per_second` holds rate × H × 3,600 — one definition of a month
        for both, for estimates, billing months and `calibrate` → `variance` alike."""
        if self.requests_per_month is not None:
            if hours == HOURS_PER_MONTH:
                return self.requests_per_month
            return self.requests_per_month * hours / HOURS_PER_MONTH
        assert self.requests_per_second is not None
        return self.requests_per_second * hours * SECONDS_PER_HOUR

    @property
    def peak_factor(self) -> float:
        """Peak rate / average rate: from the ratio, the profile, or 1 (flat) when neither."""
        if self.peak_to_average_ratio is not None:
            return self.peak_to_average_ratio
        fractions = self.profile_fractions
        if fractions is not None:
            return len(fractions) / sum(fractions)
        return 1.0

    @property
    def has_peak_information(self) -> bool:
        return self.peak_to_average_ratio is not None or self.hourly_profile is not None


ProvisionedTerm = Term


class ProvisionedSettings(Strict):
    """Bedrock provisioned throughput (model units) for this workload."""

    term: ProvisionedTerm | None = None
    """Commitment term to evaluate; all three when omitted."""
    usd_per_model_unit_hour: Positive | None = None
    """Your negotiated price per model unit per hour for `term` (beats the snapshot)."""
    input_tokens_per_minute_per_model_unit: Positive | None = None
    """Input tokens per minute one model unit serves (from your AWS account team; not public)."""
    output_tokens_per_minute_per_model_unit: Positive | None = None
    """Output tokens per minute one model unit serves (from your AWS account team; not public)."""

    @model_validator(mode="after")
    def _price_needs_term(self) -> Self:
        if self.usd_per_model_unit_hour is not None and self.term is None:
            raise ValueError(
                "usd_per_model_unit_hour needs a term (no_commitment, 1_month or "
                "6_months) saying which commitment the price is for"
            )
        return self


class SelfHostedSettings(Strict):
    """Self-hosting an open-weights model on GPU/accelerator instances."""

    platform: Literal["ec2", "sagemaker"] | None = None
    """ec2 or sagemaker; both are evaluated when omitted."""
    instance_type: str | None = None
    """Instance type without the `ml.` prefix (e.g. p5.4xlarge); when omitted, every instance
    type with a published benchmark for the model is evaluated."""
    purchase: Purchase | None = None
    """Purchase model to evaluate; all are enumerated when omitted."""
    usd_per_hour: Positive | None = None
    """Your price per instance-hour for `purchase` (beats the snapshot)."""
    output_tokens_per_second_per_instance: Positive | None = None
    """Measured output tokens/s one instance sustains for this workload; defaults to the nearest
    published benchmark for the model and instance type."""
    target_utilization_fraction: Fraction = 1.0
    """Share of the benchmarked throughput to plan for at peak (0-1]; 1 sizes with no headroom."""
    endpoint_name: Annotated[str, Field(min_length=1)] | None = None
    """The SageMaker endpoint serving this workload today, `NAME` or `NAME/VARIANT`: `optimize
    --endpoint-metrics` sizes the workload by what CloudWatch measured on it."""

    @model_validator(mode="after")
    def _price_needs_purchase(self) -> Self:
        if self.usd_per_hour is not None and self.purchase is None:
            raise ValueError(
                "usd_per_hour needs a purchase (on_demand, reserved_1y, spot, ...) "
                "saying which purchase model the price is for"
            )
        if self.output_tokens_per_second_per_instance is not None and self.instance_type is None:
            raise ValueError("output_tokens_per_second_per_instance needs an instance_type")
        return self


class AutoscalingSettings(Strict):
    """Self-hosted capacity that follows the hourly profile (EC2 Auto Scaling or SageMaker
    endpoint autoscaling); instance type, price and throughput come from `self_hosted`."""

    min_instances: Annotated[Whole, Field(ge=0)] = 1
    """Instances kept running in the quietest hour (a real-time endpoint keeps at least one;
    0 needs a step-scaling policy that scales out from zero)."""
    max_instances: Annotated[Whole, Field(ge=1)] | None = None
    """Most instances the policy may add; an hour needing more makes the row infeasible."""
    target_utilization_fraction: Fraction | None = None
    """Share of an instance's throughput the policy tracks (0-1]; defaults to
    self_hosted.target_utilization_fraction."""
    scale_out_lead_seconds: NonNegative = 0.0
    """How long before an hour's rise new instances must be started (launch and model load),
    billed in the hour before; 0 assumes capacity is ready when the hour starts."""
    scale_in_cooldown_seconds: NonNegative = 300.0
    """How long surplus instances keep running after demand falls; 300 s is Application Auto
    Scaling's default scale-in cooldown for SageMaker endpoint variants."""

    @model_validator(mode="after")
    def _bounds(self) -> Self:
        if self.max_instances is not None and self.max_instances < self.min_instances:
            raise ValueError(
                f"max_instances ({self.max_instances}) is below min_instances "
                f"({self.min_instances})"
            )
        for name in ("scale_out_lead_seconds", "scale_in_cooldown_seconds"):
            if getattr(self, name) > SECONDS_PER_HOUR:
                raise ValueError(f"{name} is at most one hour ({SECONDS_PER_HOUR} s)")
        return self


class AsyncInferenceSettings(Strict):
    """SageMaker asynchronous inference: requests queue (payloads in S3) and the endpoint's
    instances follow the queue, down to zero when it is empty. Instance type, price and
    throughput come from `self_hosted`; scaling timings from `autoscaling`."""

    min_instances: Annotated[Whole, Field(ge=0)] = 0
    """Instances kept running when the queue is empty (0: scale to zero)."""
    max_instances: Annotated[Whole, Field(ge=1)] | None = None
    """Most instances; an hour needing more makes the row infeasible."""


ServerlessMemory = Literal[1024, 2048, 3072, 4096, 5120, 6144]


class ServerlessSettings(Strict):
    """SageMaker serverless inference: billed per second of compute at the memory size, plus
    the data processed. No GPUs; 6 GB of memory at most."""

    memory_mb: ServerlessMemory | None = None
    """Memory size of the endpoint (1024-6144 MB in 1 GB steps; AWS requires it)."""
    max_concurrency: Annotated[Whole, Field(ge=1, le=200)] | None = None
    """Concurrent invocations the endpoint may run (1-200; AWS requires it)."""
    seconds_per_request: Positive | None = None
    """Measured compute time of one warm request on this memory size."""
    p95_seconds: Positive | None = None
    """Measured 95th-percentile response time, when known (else derived from the above)."""
    cold_start_fraction: Annotated[Number, Field(ge=0, le=1)] = 0.0
    """Share of requests that start a cold container."""
    cold_start_seconds: NonNegative = 0.0
    """Extra time of a cold start (billed as compute here, a conservative assumption)."""
    payload_kb_per_request: NonNegative | None = None
    """Request plus response size (KB), for the data-processed charge."""
    usd_per_gb_second: Positive | None = None
    """Your compute price per GB-second (beats the snapshot)."""
    usd_per_gb_processed: Positive | None = None
    """Your price per GB of data processed (in and out); no public source gives it."""


class BatchTransformSettings(Strict):
    """SageMaker batch transform: instances run only while a job processes the month's
    requests, at the instance's offline throughput. Batch-tolerant workloads only."""

    instance_type: str | None = None
    """Instance type without `ml.`; defaults to self_hosted.instance_type, else every
    benchmarked type."""
    usd_per_hour: Positive | None = None
    """Your batch-transform price per instance-hour (beats the snapshot)."""
    output_tokens_per_second_per_instance: Positive | None = None
    """Measured offline throughput; defaults to self_hosted's, else the nearest benchmark."""
    jobs_per_month: Annotated[Whole, Field(ge=1)] = 1
    """Jobs the month's requests are split into (each pays its start-up time)."""
    instances_per_job: Annotated[Whole, Field(ge=1)] = 1
    """Instances each job runs on (they all pay the start-up time)."""
    startup_minutes_per_job: NonNegative = 0.0
    """Billed minutes before a job's instances process data (image pull, model load)."""


class OptimizeHints(Strict):
    """What `genai-cost optimize` may change in this workload. It never assumes a model is good
    enough, nor that a prompt can be cached: you say so here."""

    candidate_models: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=_no_items)
    """Models you judge acceptable for this workload, priced as replacements."""
    candidate_regions: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=_no_items)
    """Regions the workload could move to (data residency and latency are yours to judge)."""
    cacheable_input_fraction: Fraction | None = None
    """Share (0-1] of the uncached input that is a repeated prefix (system prompt, documents)
    and could be read from the prompt cache."""
    cache_hit_fraction: Fraction | None = None
    """Share (0-1] of requests that would find that prefix cached; the others write it."""
    one_off_usd: dict[
        Literal[
            "option", "batch", "caching", "model", "profile", "region", "base_load", "right_size"
        ],
        NonNegative,
    ] = Field(default_factory=dict)
    """What a change of each lever kind would cost you once (migration, evaluation,
    engineering), for the payback column; 0 when not given."""

    @model_validator(mode="after")
    def _caching_pair(self) -> Self:
        if (self.cacheable_input_fraction is None) != (self.cache_hit_fraction is None):
            raise ValueError("give cacheable_input_fraction and cache_hit_fraction together")
        return self


class LatencyTarget(Strict):
    """Response time the workload must meet, in seconds."""

    p50_seconds: Positive | None = None
    p95_seconds: Positive | None = None

    @model_validator(mode="after")
    def _one(self) -> Self:
        if self.p50_seconds is None and self.p95_seconds is None:
            raise ValueError("give p50_seconds, p95_seconds or both")
        if (
            self.p50_seconds is not None
            and self.p95_seconds is not None
            and self.p95_seconds < self.p50_seconds
        ):
            raise ValueError("p95_seconds cannot be below p50_seconds")
        return self


class MeasuredLatency(Strict):
    """Response time measured for one option, in seconds."""

    p50_seconds: Positive | None = None
    p95_seconds: Positive | None = None


BASE_OPTIONS = ("provisioned", "self_hosted", "autoscaled", "async_inference")
"""Options that can carry a base load (capacity: step or day-following)."""
OVERFLOW_OPTIONS = ("on_demand", "serverless", "batch", "batch_transform")
"""Options that can take the overflow (pay-per-use, linear)."""


class BaseLoad(Strict):
    """Capacity for the base load and a pay-per-use option for the rest, billed by `estimate`
    and `check` as `genai-cost mix` finds it: the workload is priced as two, NAME-base on the
    capacity (what its units serve, hour by hour) and NAME on the pay-per-use option (the
    overflow). Needs an `hourly_profile`, a capacity option and a pay-per-use option among
    the workload's options."""

    capacity: Literal["provisioned", "self_hosted", "autoscaled", "async_inference"] | None = None
    """The capacity option carrying the base load (autoscaled and asynchronous capacity are
    capped at `units` instances); default: whichever (with its variants) gives the cheapest
    mix."""
    units: Annotated[int, Field(strict=True, ge=0)] | Literal["auto"] = "auto"
    """Units of capacity to keep: a count, or auto (the mix's cheapest count)."""
    overflow: Literal["on_demand", "serverless", "batch", "batch_transform"] | None = None
    """The pay-per-use option taking what the base does not serve; default: the cheapest
    that can take it (serverless only within its concurrency)."""


class Redundancy(Strict):
    """Serving from more than one region for availability.

    Fixed capacity (model units, instances) is duplicated: active_active buys `regions` full
    copies, warm_standby adds `standby_fraction` of the primary's capacity. Pay-per-token
    options (on_demand, batch) are not duplicated: every request is billed once, in whichever
    region serves it, so a standby region costs only the traffic it takes. The extra capacity
    is priced at the workload's region's rates.
    """

    mode: Literal["single", "active_active", "warm_standby"] = "single"
    regions: Annotated[Whole, Field(ge=1, le=10)] = 2
    """active_active: regions each sized for the full peak, so any one can take all traffic."""
    standby_fraction: Fraction = 0.5
    """warm_standby: share of the primary's capacity kept running in the standby region."""
    replication_gb_per_month: NonNegative = 0.0
    """Data copied to the other region(s) each month (state, indexes, model artifacts),
    priced as inter-region data transfer out of the workload's region."""

    @model_validator(mode="after")
    def _replication_needs_mode(self) -> Self:
        if self.mode == "single" and self.replication_gb_per_month > 0:
            raise ValueError(
                "replication_gb_per_month needs a second region: set mode to active_active "
                "or warm_standby"
            )
        return self


UNIT_KIND_IGNORES = frozenset(
    {
        "tokens_per_request",
        "service_tier",
        "provisioned",
        "self_hosted",
        "autoscaling",
        "async_inference",
        "serverless",
        "batch_transform",
        "base_load",
        "latency_target",
        "measured_latency",
        "media_per_request",
    }
)
"""Workload fields about tokens or about other purchase options, which a workload billed
per unit cannot use."""
RERANK_DOCUMENTS_PER_QUERY = 100
"""Document chunks one billed rerank query holds (Amazon Bedrock User Guide, "Pricing and
search units": "a single call to the reranker model that can contain up to 100 document
chunks")."""


class Workload(Strict):
    """One model serving one use case."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    """Unique name within the scenario."""
    model: Annotated[str, Field(min_length=1)]
    """Bedrock base model id (e.g. amazon.nova-lite-v1:0); a us./eu./apac./jp./au./global.
    prefix selects a cross-region inference profile."""
    region: str | None = None
    """AWS region the requests are made from; defaults to the scenario's region."""
    endpoint_scope: Scope | None = None
    """in_region, geo or global; implied by the model id prefix when omitted."""
    latency: Latency = Latency.interactive
    """interactive, or batch_tolerant (hours of latency are fine: batch and spot qualify)."""
    service_tier: ServiceTier | None = None
    """Bedrock on-demand service tier: standard, priority, flex or latency_optimized. When
    omitted, standard and every other tier the snapshot prices for the model are compared
    (flex only for batch_tolerant workloads)."""
    kind: WorkloadKind = "text"
    """text (billed per token), or image_generation, image_edit (per output image) or rerank
    (per query): these are priced by the per_unit option alone."""
    tokens_per_request: TokensPerRequest = NO_TOKENS
    """Tokens of the average request (required for a text workload)."""
    images: ImageUsage | None = None
    """Images per request and their priced variant (image_generation, image_edit)."""
    rerank: RerankUsage | None = None
    """Document chunks per query (rerank; required)."""
    backfill: Backfill | None = None
    """A one-off run of the same requests (e.g. embedding the existing corpus), paid once and
    spread over the horizon; priced as offline work (batch where the model has it)."""
    media_per_request: MediaInputs | None = None
    """Images, video or audio seconds per request that the model bills per unit (text
    workloads; priced on demand only)."""
    traffic: Traffic
    options: list[Option] | None = None
    """Purchase options to compare; all eight when omitted. Options listed here must be
    priceable, or the estimate fails with the reason."""
    # Defaults built with model_construct (the same instance as `X()`: every field at its
    # default, no validators to run): calling `X()` here would build each model's validator
    # at import, ~20 ms of every command's start-up.
    provisioned: ProvisionedSettings = ProvisionedSettings.model_construct()
    self_hosted: SelfHostedSettings = SelfHostedSettings.model_construct()
    autoscaling: AutoscalingSettings = AutoscalingSettings.model_construct()
    async_inference: AsyncInferenceSettings = AsyncInferenceSettings.model_construct()
    serverless: ServerlessSettings = ServerlessSettings.model_construct()
    batch_transform: BatchTransformSettings = BatchTransformSettings.model_construct()
    latency_target: LatencyTarget | None = None
    """Response time every option must meet; options whose measured or documented latency
    misses it are infeasible."""
    measured_latency: dict[Option, MeasuredLatency] = Field(default_factory=dict)
    """Response times you measured, by option (e.g. on_demand: {p95_seconds: 2.1})."""
    optimize: OptimizeHints = Field(default_factory=OptimizeHints)
    """Candidate models and regions, and the cacheable share of the prompt, for
    `genai-cost optimize`."""
    budget: Budget | None = None
    """Monthly budget of this workload (its share of the whole bill), checked by
    `genai-cost check`."""
    redundancy: Redundancy = Redundancy.model_construct()
    guardrails: Guardrails | None = None
    """Bedrock Guardrails on every request: text units and policies per direction (a line
    per policy in the bill's services family)."""
    base_load: BaseLoad | None = None
    """Pin the capacity + on-demand mix (`genai-cost mix`) so the bill is the mix's."""
    tags: dict[Annotated[str, Field(min_length=1)], str] = Field(default_factory=dict)
    """Labels carried into reports (team, cost centre, tenant tier); a workloads table's
    `tags` columns fill them. They do not change any price."""

    @field_validator("options")
    @classmethod
    def _unique_options(cls, value: list[Option] | None) -> list[Option] | None:
        if value is not None:
            if not value:
                raise ValueError("options must list at least one option (or be omitted)")
            if len(set(value)) != len(value):
                raise ValueError("options lists an option twice")
        return value

    @model_validator(mode="after")
    def _kind_fields(self) -> Self:
        given = self.model_fields_set
        if self.kind == "text":
            if "tokens_per_request" not in given:
                raise ValueError(
                    "tokens_per_request is required for a text workload (or set kind: "
                    "image_generation, image_edit or rerank for a model billed per unit)"
                )
            for block in ("images", "rerank"):
                if block in given:
                    raise ValueError(f"{block} is for a kind other than text; set kind")
            if self.options is not None and Option.per_unit in self.options:
                raise ValueError(
                    "per_unit prices images and rerank queries; a text workload is billed "
                    "per token (set kind for an image or rerank model)"
                )
            if (
                self.on_demand_only
                and self.options is not None
                and self.options != [Option.on_demand]
            ):
                raise ValueError(
                    "speech (audio) tokens and media inputs are priced on demand only (the "
                    "sources publish no batch, provisioned or self-hosted price for them): list "
                    "just on_demand, or omit options"
                )
            return self
        unit = "query" if self.kind == "rerank" else "image"
        ignored = sorted(given & UNIT_KIND_IGNORES)
        if ignored:
            raise ValueError(
                f"a {self.kind} workload is billed per {unit}: {', '.join(ignored)} "
                f"{'does' if len(ignored) == 1 else 'do'} not apply"
            )
        if self.options is not None and self.options != [Option.per_unit]:
            raise ValueError(
                f"a {self.kind} workload is priced by the per_unit option only (Bedrock "
                f"on-demand per {unit}); remove options or list just per_unit"
            )
        if self.kind == "rerank":
            if self.rerank is None:
                raise ValueError(
                    "a rerank workload needs rerank.documents_per_query (document chunks per "
                    "call: AWS bills each 100 as a query)"
                )
            if "images" in given:
                raise ValueError("images is for image_generation and image_edit workloads")
        elif "rerank" in given:
            raise ValueError("rerank is for rerank workloads")
        return self

    @model_validator(mode="after")
    def _base_load_needs_a_day_and_on_demand(self) -> Self:
        if self.base_load is None:
            return self
        if self.traffic.hourly_profile is None:
            raise ValueError(
                "base_load splits the day into base load and peaks: it needs traffic.hourly_profile"
            )
        if self.budget is not None:
            raise ValueError(
                "base_load prices the workload as two (NAME-base and NAME), so a workload "
                "budget would cover only part of it: set the budget on the scenario"
            )
        asked = self.requested_options
        overflow = self.base_load.overflow
        pay_per_use = [o for o in asked if o.value in OVERFLOW_OPTIONS]
        if (overflow is not None and Option(overflow) not in asked) or not pay_per_use:
            raise ValueError(
                f"base_load sends the peaks to {overflow or 'a pay-per-use option'}: list "
                f"{overflow or 'on_demand (or serverless, batch, batch_transform)'} in options"
            )
        wanted = self.base_load.capacity
        capacity = [o for o in asked if o.value in BASE_OPTIONS]
        if (wanted is not None and Option(wanted) not in asked) or not capacity:
            raise ValueError(
                f"base_load needs its capacity option "
                f"({wanted or 'provisioned, self_hosted, autoscaled or async_inference'}) "
                "in options"
            )
        return self

    @property
    def base_model(self) -> str:
        return split_model_id(self.model)[1]

    @property
    def geo_profile(self) -> str | None:
        prefix = split_model_id(self.model)[0]
        return prefix if prefix in GEO_PREFIXES else None

    @property
    def scope(self) -> Scope:
        prefix = split_model_id(self.model)[0]
        if prefix == "global":
            return "global"
        if prefix in GEO_PREFIXES:
            return "geo"
        return self.endpoint_scope or "in_region"

    @property
    def requested_options(self) -> list[Option]:
        if self.options is not None:
            return list(self.options)
        if self.on_demand_only:
            return [Option.on_demand]
        if self.kind != "text":
            return [Option.per_unit]
        return [o for o in Option if o is not Option.per_unit]

    def priced_by(self, option: Option) -> bool:
        """Whether `option` can price this kind of workload: per_unit the kinds billed per
        unit, every other option text tokens — and only on_demand speech (audio) tokens, the
        one purchase the sources price them for."""
        if self.on_demand_only:
            return option is Option.on_demand
        return (option is Option.per_unit) == (self.kind != "text")

    @property
    def on_demand_only(self) -> bool:
        """Speech tokens or media inputs: what only on-demand prices."""
        t = self.tokens_per_request
        media = self.media_per_request
        return (
            t.audio_input > 0
            or t.audio_output > 0
            or (
                media is not None
                and (media.images > 0 or media.video_seconds > 0 or media.audio_seconds > 0)
            )
        )

    @property
    def units_per_request(self) -> float:
        """Billed units of one request: output images, or rerank queries (each 100 document
        chunks, or part of 100, is a query); 0 for a text workload."""
        if self.kind == "rerank" and self.rerank is not None:
            return float(-(-self.rerank.documents_per_query // RERANK_DOCUMENTS_PER_QUERY))
        if self.kind in ("image_generation", "image_edit"):
            return self.images.images_per_request if self.images is not None else 1.0
        return 0.0


class SpotSettings(Strict):
    """Running a training job on spot capacity, which can be interrupted."""

    usd_per_hour: Positive
    """Spot price per instance-hour (no current public figure: supply the one you see)."""
    interruptions_per_hour: NonNegative
    """Expected interruptions per hour of the whole job (e.g. 0.05 = one per 20 h)."""
    checkpoint_hours: NonNegative = 0.0
    """Time to write one checkpoint (δ), in hours."""
    restart_hours: NonNegative = 0.0
    """Time lost to each restart before work resumes (R), in hours."""
    checkpoint_interval_hours: Positive | None = None
    """Hours of work between checkpoints (τ); default: Daly's optimum for δ and the rate."""


class TrainingJob(Strict):
    """A training or fine-tuning job on SageMaker or EC2 GPU instances."""

    name: Annotated[str, Field(min_length=1)]
    platform: Literal["ec2", "sagemaker"] = "sagemaker"
    instance_type: str
    """Instance type without the `ml.` prefix, e.g. p4d.24xlarge."""
    instance_count: Annotated[Whole, Field(ge=1)] = 1
    region: str | None = None
    work_hours: Positive
    """Hours the job takes without interruptions."""
    runs_per_month: NonNegative = 1.0
    """How often it runs (e.g. 0.25 for a quarterly retraining)."""
    usd_per_hour: Positive | None = None
    """Your on-demand price per instance-hour (beats the snapshot)."""
    spot: SpotSettings | None = None
    purchase: Literal["on_demand", "spot"] | None = None
    """How the bill counts the job: on_demand, spot (needs `spot`), or, when omitted, the
    cheaper of the two that can be priced."""
    checkpoint_size_gb: NonNegative = 0.0
    """Size of the checkpoints kept in S3."""
    checkpoint_retention_months: NonNegative = 1.0
    workloads: list[str] | None = None
    """Workloads whose bill shares this job's cost (default: all of the scenario's)."""

    @model_validator(mode="after")
    def _spot_purchase_needs_spot(self) -> Self:
        if self.purchase == "spot" and self.spot is None:
            raise ValueError("purchase spot needs a `spot:` section (its price and interruptions)")
        return self


class VectorStore(Strict):
    """Where RAG embeddings live."""

    kind: Literal["opensearch_serverless", "custom"] = "opensearch_serverless"
    ocus: NonNegative = 0.0
    """Average OpenSearch Compute Units used; the service minimum applies below it."""
    redundant: bool = True
    """Standby replicas (production) or not (half-OCU dev/test collections)."""
    storage_gb: NonNegative = 0.0
    usd_per_month: Positive | None = None
    """kind custom: the store's monthly price."""

    @model_validator(mode="after")
    def _custom_needs_price(self) -> Self:
        if self.kind == "custom" and self.usd_per_month is None:
            raise ValueError("a custom vector store needs usd_per_month")
        return self


class CustomInference(Strict):
    """How a customized model is served."""

    option: Literal["provisioned", "on_demand"] = "provisioned"
    term: Term = "no_commitment"
    model_units: Annotated[Whole, Field(ge=1)] = 1
    usd_per_model_unit_hour: Positive | None = None
    """Your price; default the snapshot's custom-model price for the base model (no commitment)."""
    usd_per_1m_input_tokens: NonNegative | None = None
    """option on_demand: the custom model's token prices (required: not in public sources)."""
    usd_per_1m_output_tokens: NonNegative | None = None


class CustomizationPath(Strict):
    """One way to reach the quality the use case needs."""

    name: Annotated[str, Field(min_length=1)]
    kind: Literal["prompting", "rag", "fine_tuning", "continued_pretraining", "distillation"]
    quality: Number | None = None
    """The quality this path reaches (e.g. an evaluation score), compared with the target."""
    extra_input_tokens: NonNegative = 0.0
    """Input tokens the path adds to every request (longer prompts, few-shot examples)."""
    input_tokens_saved: NonNegative = 0.0
    """Input tokens a customized model no longer needs per request."""
    embedding_model: str | None = None
    """rag: the Bedrock embedding model."""
    corpus_tokens: NonNegative = 0.0
    corpus_refresh_fraction_per_month: Annotated[Number, Field(ge=0, le=1)] = 0.0
    query_embedding_tokens: NonNegative = 0.0
    retrieved_context_tokens: NonNegative = 0.0
    vector_store: VectorStore | None = None
    training_tokens: NonNegative = 0.0
    """Tokens in the training data set (each epoch processes them once)."""
    epochs: Positive = 1.0
    retrain_every_months: Annotated[Whole, Field(ge=1)] | None = None
    usd_per_1m_training_tokens: Positive | None = None
    storage_usd_per_month: NonNegative | None = None
    teacher_model: str | None = None
    """distillation: the model that writes the training data."""
    teacher_requests: NonNegative = 0.0
    teacher_input_tokens: NonNegative = 0.0
    teacher_output_tokens: NonNegative = 0.0
    student_model: str | None = None
    """distillation: the model trained (default the workload's model)."""
    inference: CustomInference | None = None


class Customization(Strict):
    """Customization paths compared over the scenario's horizon."""

    workloads: list[str] | None = None
    """Workloads the paths change (default: all)."""
    target_quality: Number | None = None
    """The cheapest path whose quality reaches this is chosen."""
    use: str | None = None
    """The path the bill counts, by name (default: the cheapest over the horizon among those
    that reach target_quality)."""
    paths: Annotated[list[CustomizationPath], Field(min_length=1)]

    @model_validator(mode="after")
    def _use_names_a_path(self) -> Self:
        names = [p.name for p in self.paths]
        if len(set(names)) != len(names):
            raise ValueError("two customization paths have the same name")
        if self.use is not None and self.use not in names:
            raise ValueError(
                f"use names no path: {self.use!r} (paths: {', '.join(map(repr, names))})"
            )
        return self


class EndpointModel(Strict):
    name: Annotated[str, Field(min_length=1)]
    memory_gib: Positive
    """Accelerator memory the model needs (weights, KV cache) on one instance."""
    peak_output_tokens_per_second: NonNegative
    output_tokens_per_second_per_instance: Positive
    """What one instance sustains for this model alone."""


class ImportedModel(Strict):
    """A model brought to Bedrock with Custom Model Import, billed per Custom Model Unit (CMU)
    per minute in 5-minute windows while copies of it run."""

    name: Annotated[str, Field(min_length=1)]
    custom_model_units_per_copy: Annotated[Whole, Field(ge=1)]
    """CMUs one copy needs (GetImportedModel's customModelUnitsPerModelCopy)."""
    usd_per_cmu_minute: Positive
    """Your rate per CMU per minute for the model's CMU version (the Custom Model Import
    section of the Bedrock pricing page; no public machine-readable source has it)."""
    copies: Positive = 1.0
    """Model copies running while it is active (CloudWatch's ModelCopy metric; an average
    may be fractional)."""
    active_minutes_per_month: NonNegative | None = None
    """Minutes a month copies run (billing starts at the first successful invocation);
    rounded up to whole 5-minute windows. Default: the whole billing month."""
    workloads: list[str] | None = None
    """Workloads whose bill shares this model's cost (default: all of the scenario's)."""


class CandidateInstance(Strict):
    """An instance type the shared endpoint's models could be packed on instead."""

    instance_type: Annotated[str, Field(min_length=1)]
    platform: Literal["ec2", "sagemaker"] | None = None
    """Default: the endpoint's platform."""
    usd_per_hour: Positive | None = None
    """Your price per instance-hour (default: the snapshot's, for the endpoint's purchase)."""
    accelerator_memory_gib: Positive | None = None
    """Accelerator memory of one instance (default: the snapshot's)."""
    output_tokens_per_second_per_instance: Positive | dict[str, Positive]
    """What one instance of this type sustains for each model alone: one figure for every
    model, or one per model name. Required: throughput never carries over between instance
    types by itself."""


class SharedEndpointHints(Strict):
    """What `genai-cost optimize` may change in a shared endpoint."""

    candidate_instances: list[CandidateInstance] = Field(default_factory=_no_items)
    """Instance types to re-pack the models on (multi-model endpoints on larger instances)."""
    one_off_usd: NonNegative = 0.0
    """What re-packing would cost you once (migration, testing), for the payback column."""


class SharedEndpoint(Strict):
    """Low-traffic models consolidated on shared instances, against one endpoint each."""

    name: Annotated[str, Field(min_length=1)]
    platform: Platform = "sagemaker"
    instance_type: str
    region: str | None = None
    purchase: SteadyPurchase = "on_demand"
    usd_per_hour: Positive | None = None
    accelerator_memory_gib: Positive | None = None
    """Accelerator memory of one instance (beats the snapshot's; needed for an instance type
    the snapshot lacks, with usd_per_hour)."""
    target_utilization_fraction: Fraction = 1.0
    models: Annotated[list[EndpointModel], Field(min_length=1)]
    workloads: list[str] | None = None
    """Workloads whose bill shares this endpoint's cost (default: all of the scenario's)."""
    optimize: SharedEndpointHints = Field(default_factory=SharedEndpointHints)
    """Candidate instance types for `genai-cost optimize`'s packing lever."""


class LambdaUsage(Strict):
    requests_per_month: NonNegative = 0.0
    gb_seconds_per_month: NonNegative = 0.0
    architecture: Literal["x86", "arm"] = "x86"


class ApiGatewayUsage(Strict):
    kind: Literal["http", "rest"] = "http"
    requests_per_month: NonNegative = 0.0


class InfrastructureResource(Strict):
    """How a usage-priced resource of the infrastructure is used: the workload whose requests
    it serves (one request each: a Lambda invocation, an API Gateway request), and what each
    request or the resource itself adds."""

    workload: str | None = None
    """The workload whose monthly requests are the resource's (its lines are charged to it)."""
    average_duration_ms: NonNegative | None = None
    """Lambda: time per invocation (× the function's memory: GB-seconds)."""
    storage_gb: NonNegative | None = None
    """S3 Standard storage, or an OpenSearch Serverless collection's indexed data."""
    ocus: NonNegative | None = None
    """An OpenSearch Serverless collection's average OCUs (the service minimum applies)."""
    usd_per_month: NonNegative | None = None
    """What the resource costs a month, where genai-cost cannot price it (a DynamoDB table,
    a knowledge base): counted as given, with the scenario as its source."""


def _inside_folder(value: str) -> str:
    from genai_cost.paths import plain_relative

    if plain_relative(value) is None:
        raise ValueError("a relative path inside the scenario's folder (no '..', not absolute)")
    return value


InsideFolder = Annotated[str, Field(min_length=1), AfterValidator(_inside_folder)]
"""A file named by a scenario, relative to the scenario file's folder and inside it."""


class WorkloadsTable(Strict):
    """A CSV or Parquet file of workloads, one a row (docs/workloads-table.md): its columns
    are `name`, `model`, `region`, `input_tokens`, `output_tokens`, the cache columns,
    `requests_per_month` or `requests_per_second`, `peak_to_average_ratio`, `latency`,
    `service_tier` and `options`; each fills the workload field of the same meaning, under the
    same rules."""

    path: InsideFolder
    """The file, relative to the scenario file's folder (and inside it)."""
    columns: dict[str, Annotated[str, Field(min_length=1)]] = Field(default_factory=dict)
    """The file's own name for a column (`name: tenant_id`)."""
    tags: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=_no_items)
    """Columns of the file carried into each workload's `tags`."""

    @model_validator(mode="before")
    @classmethod
    def _path_alone(cls, value: object) -> object:
        return {"path": value} if isinstance(value, str) else value


class Infrastructure(Strict):
    """The infrastructure code this scenario runs on: its resources' fixed capacity priced
    from the definition, its usage-priced resources from the workloads' traffic — the
    `infrastructure` family of the bill."""

    definition: InsideFolder
    """A Terraform plan or state (`terraform show -json`) or a CloudFormation template,
    relative to the scenario file's folder (and inside it)."""
    parameters: dict[str, str] = Field(default_factory=dict)
    """CloudFormation parameter values (defaults are used otherwise)."""
    resources: dict[str, InfrastructureResource] = Field(default_factory=dict)
    """Usage of resources by address (Terraform) or logical id (CloudFormation)."""
    workload_tag: str | None = None
    """A tag key whose value names the workload a resource serves (`workload: answers`):
    such a resource takes that workload's requests, as if `resources` named it."""


class SupportingServices(Strict):
    """The serving layer and data around the models, priced in the scenario's region."""

    s3_storage_gb: NonNegative = 0.0
    data_transfer_out_gb: NonNegative = 0.0
    """To the internet, per month."""
    inter_region_transfer_gb: NonNegative = 0.0
    """Between regions (replication, cross-region calls), per month."""
    lambda_: LambdaUsage | None = Field(default=None, alias="lambda")
    api_gateway: ApiGatewayUsage | None = None
    workloads: list[str] | None = None
    """Workloads whose bill shares these costs (default: all of the scenario's)."""


class DevelopmentCost(Strict):
    """A development cost: one-off at `month`, or recurring `usd_per_month`."""

    name: Annotated[str, Field(min_length=1)]
    usd: NonNegative = 0.0
    """One-off amount, spent at `month` (0 = before launch)."""
    month: Annotated[Whole, Field(ge=0)] = 0
    usd_per_month: NonNegative = 0.0
    """Recurring amount, from `start_month` to `end_month` (default: the horizon)."""
    start_month: Annotated[Whole, Field(ge=1)] = 1
    end_month: Annotated[Whole, Field(ge=1)] | None = None


class Benefit(Strict):
    """A benefit: a fixed amount a month, and/or an amount per request (grows with traffic)."""

    name: Annotated[str, Field(min_length=1)]
    usd_per_month: NonNegative = 0.0
    usd_per_request: NonNegative = 0.0
    hours_saved_per_request: NonNegative = 0.0
    usd_per_hour: NonNegative = 0.0
    """Loaded hourly rate of the time saved."""
    workloads: list[str] | None = None
    """Workloads whose requests count (default: all)."""


class Roi(Strict):
    """Return on investment over the scenario's horizon."""

    annual_discount_rate_percent: Annotated[Number, Field(ge=0, le=100)] = 0.0
    monthly_traffic_growth_percent: Annotated[Number, Field(gt=-100, le=1000)] = 0.0
    development: list[DevelopmentCost] = Field(default_factory=_no_items)
    benefits: list[Benefit] = Field(default_factory=_no_items)


UncertainInput = Literal[
    "tokens_per_request.input",
    "tokens_per_request.output",
    "tokens_per_request.cache_read",
    "tokens_per_request.cache_write",
    "traffic.requests_per_month",
    "traffic.peak_to_average_ratio",
    "roi.monthly_traffic_growth_percent",
]
UNCERTAIN_INPUTS: tuple[str, ...] = get_args(UncertainInput)


class Uncertain(Strict):
    """An input known only as a range or distribution.

    Families: `pert` (low, mode, high: a Beta between low and high, weighted to the mode),
    `triangular` (low, mode, high), `uniform` (low, high), `lognormal` (p50 and p90).
    """

    input: UncertainInput
    workload: str | None = None
    """The workload it applies to (default: every workload; not used for roi inputs)."""
    distribution: Literal["pert", "triangular", "uniform", "lognormal"]
    low: Number | None = None
    mode: Number | None = None
    high: Number | None = None
    p50: Positive | None = None
    p90: Positive | None = None

    @model_validator(mode="after")
    def _parameters(self) -> Self:
        needs = {
            "pert": ("low", "mode", "high"),
            "triangular": ("low", "mode", "high"),
            "uniform": ("low", "high"),
            "lognormal": ("p50", "p90"),
        }[self.distribution]
        missing = [n for n in needs if getattr(self, n) is None]
        if missing:
            raise ValueError(
                f"{self.distribution} needs {', '.join(needs)} (missing: {', '.join(missing)})"
            )
        if self.distribution == "lognormal":
            assert self.p50 is not None and self.p90 is not None
            if self.p90 <= self.p50:
                raise ValueError("lognormal needs p90 > p50")
        else:
            low, high = self.low, self.high
            assert low is not None and high is not None
            mode = self.mode if self.mode is not None else low
            if not low <= mode <= high or low == high:
                raise ValueError("need low <= mode <= high and low < high")
        return self


class Scenario(Strict):
    """A set of workloads priced together."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    """Scenario name shown in reports."""
    description: str = ""
    region: str = "us-east-1"
    """Default AWS region of the workloads."""
    horizon_months: Annotated[Whole, Field(ge=1, le=120)] = 12
    """Planning horizon in months (used by ROI and commitment comparisons)."""
    pricing_date: dt.date | None = None
    """Price at the rates in effect on this day (YYYY-MM-DD); `--as-of` overrides it."""
    billing_month: Annotated[str, Field(pattern=MONTH_PATTERN)] | None = None
    """Price one calendar month (YYYY-MM): fixed capacity for its real hours (744 in a 31-day
    month) and requests_per_second over its real seconds; `--month` overrides it. Default: the
    730-hour month."""
    # Loaded with a `workloads_table`, `workloads` is a `scenario.table.TableWorkloads` (a
    # sequence: the table's rows made as workloads when something asks for them), dumped as
    # the list it stands for (`_workloads_as_list`).
    workloads: list[Workload] = Field(default_factory=_no_items)
    """The models serving requests; a scenario may have none when it describes only training
    jobs, shared endpoints or supporting services."""
    workloads_table: WorkloadsTable | None = None
    """More workloads, from a CSV or Parquet file (one a row), priced with `workloads`."""
    budget: Budget | None = None
    """Monthly budget of the whole scenario (its whole bill), for `genai-cost check`."""
    customization: Customization | None = None
    training_jobs: list[TrainingJob] = Field(default_factory=_no_items)
    shared_endpoints: list[SharedEndpoint] = Field(default_factory=_no_items)
    imported_models: list[ImportedModel] = Field(default_factory=_no_items)
    """Custom Model Import models, billed per CMU-minute."""
    supporting_services: SupportingServices | None = None
    infrastructure: Infrastructure | None = None
    roi: Roi | None = None
    uncertainty: list[Uncertain] = Field(default_factory=_no_items)

    @property
    def hours(self) -> float:
        """Hours of the billing month (730 unless `billing_month` names a calendar month)."""
        return month_hours(self.billing_month)

    @field_serializer("workloads", mode="wrap")
    def _workloads_as_list(self, value: Sequence[Workload], handler: Any) -> Any:
        return handler(value if isinstance(value, list) else list(value))

    @field_validator("workloads")
    @classmethod
    def _unique_names(cls, value: list[Workload]) -> list[Workload]:
        seen: set[str] = set()
        for workload in value:
            if workload.name in seen:
                raise ValueError(f"workload name {workload.name!r} is used twice")
            seen.add(workload.name)
        return value

    @model_validator(mode="after")
    def _something_to_price(self) -> Self:
        if not (
            self.workloads
            or self.workloads_table is not None
            or self.training_jobs
            or self.shared_endpoints
            or self.imported_models
            or self.supporting_services is not None
            or self.infrastructure is not None
        ):
            raise ValueError(
                "nothing to price: give workloads (or a workloads_table), training_jobs, "
                "shared_endpoints, "
                "imported_models, supporting_services or infrastructure"
            )
        if self.customization is not None and not self.workloads and not self.workloads_table:
            raise ValueError("customization changes workloads, and the scenario has none")
        for w in self.workloads:
            if w.backfill is not None and w.backfill.month >= self.horizon_months:
                raise ValueError(
                    f"workload {w.name!r}: backfill.month {w.backfill.month} is not within the "
                    f"horizon (months 0 to {self.horizon_months - 1})"
                )
        return self

    def workload_region(self, workload: Workload) -> str:
        return workload.region or self.region


@functools.lru_cache(maxsize=4096)
def split_model_id(model: str) -> tuple[str | None, str]:
    """`us.anthropic.claude-x` -> ("us", "anthropic.claude-x"); no prefix -> (None, model).
    Cached: a scenario names few models and asks this of every workload many times."""
    head, _, rest = model.partition(".")
    if rest and head in (*GEO_PREFIXES, "global"):
        return head, rest
    return None, model
