"""From what you run to a scenario: measure workloads in Bedrock invocation logs.

The logs are read by the same readers as `allocate` (DuckDB or Spark), summed by model id,
source region, day and UTC hour, and optionally a requestMetadata key. For each group:

* requests a month = requests in the period / days in the period × 730 / 24 (the period runs
  from the first to the last UTC day any record of the logs has, inclusive);
* tokens per request = each token type's sum / requests (input excludes cached tokens, as in
  the logs; cache reads and writes are their own fields);
* hourly_profile = requests in each UTC hour of the day over the period (relative weights);
* uncertainty = the spread of the daily mean input and output tokens per request (P50 and P90
  over the days with traffic) as a lognormal, when at least three days differ;
* latency = batch_tolerant when every record's operation is a batch job, else interactive;
* options = what the logs record (on_demand, or batch for batch jobs), so `optimize` compares
  every other way of serving the workload with what is run today.

Every number goes into the YAML with a comment saying where it came from.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from genai_cost.errors import ArgumentError, LogsError
from genai_cost.report.sanitize import escaped
from genai_cost.scenario.models import split_model_id
from genai_cost.tracking.logs import BATCH_OPERATION, TOKENS, Usage
from genai_cost.tracking.profiles import ModelRef, ProfileResolver
from genai_cost.units import HOURS_PER_DAY, HOURS_PER_MONTH

MIN_DAYS_FOR_SPREAD = 3


@dataclass(frozen=True)
class GroupBy:
    """`--by model`, `--by model,metadata:KEY` or `--by model,profile-tag:KEY` (the tag of the
    application inference profile a request was made through: per tenant where the profile
    says so)."""

    metadata_key: str | None = None
    profile_tag: str | None = None

    @classmethod
    def parse(cls, text: str) -> GroupBy:
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts or parts[0] != "model" or len(parts) > 2:
            raise ArgumentError(
                f"«by» {text!r}: expected model, model,metadata:KEY or model,profile-tag:KEY"
            )
        if len(parts) == 1:
            return cls()
        kind, _, key = parts[1].partition(":")
        if kind == "metadata" and key:
            return cls(metadata_key=key)
        if kind == "profile-tag" and key:
            return cls(profile_tag=key)
        raise ArgumentError(
            f"«by» {text!r}: the second key must be metadata:KEY or profile-tag:KEY"
        )


@dataclass
class Measured:
    """One calibrated workload."""

    name: str
    model: str
    region: str
    tag: str | None
    records: int
    requests_per_month: float
    tokens: dict[str, float]
    hourly: list[int]
    latency: str
    operations: list[str]
    spread: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Token type -> (P50, P90) of the daily mean tokens per request."""
    days_with_traffic: int = 0
    images_per_request: float | None = None
    """Output images per request, for a model CloudWatch counts images of (OutputImageCount):
    such a workload is billed per image, not per token."""

    @property
    def peak_to_average(self) -> float:
        total = sum(self.hourly)
        return max(self.hourly) * HOURS_PER_DAY / total if total else 1.0


@dataclass
class Calibration:
    workloads: list[Measured]
    first_day: dt.date
    last_day: dt.date
    records: int
    problems: int
    caveats: list[str] = field(default_factory=list)
    """What the measured figures cannot say (speech models' audio tokens), for warnings."""

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def scenario_model_id(ref: ModelRef) -> str:
    """The scenario's model id for a resolved reference (system profile prefix kept)."""
    assert ref.base_model is not None
    if ref.scope == "global":
        return f"global.{ref.base_model}"
    if ref.scope == "geo" and ref.geo_profile:
        return f"{ref.geo_profile}.{ref.base_model}"
    return ref.base_model


def calibrate(usage: Usage, by: GroupBy, resolver: ProfileResolver) -> Calibration:
    """Workloads measured from `usage` (read with `by_hour=True`)."""
    c = usage.columns
    if not len(usage):
        raise LogsError.at("", "no usable invocation-log records to calibrate from")
    days = [dt.date.fromisoformat(str(d)) for d in c["day"]]
    first, last = min(days), max(days)
    span = (last - first).days + 1
    refs: dict[str, ModelRef] = {}
    unresolved: dict[str, str] = {}
    for raw in sorted({str(m) for m in c["model_raw"]}):
        ref = resolver.resolve(raw)
        if ref.base_model is None:
            unresolved[raw] = ref.reason or "not a priceable model"
        refs[raw] = ref
    if unresolved:
        listed = "; ".join(f"{k}: {v}" for k, v in list(unresolved.items())[:5])
        raise LogsError.at(
            "",
            f"{len(unresolved)} model id(s) cannot be turned into a workload ({listed}); "
            "pass «profiles» FILE for application inference profiles",
        )
    if by.metadata_key:
        tags = [None if v is None else str(v) for v in c[f"meta:{by.metadata_key}"]]
    elif by.profile_tag:
        tags = [refs[str(raw)].tags.get(by.profile_tag) for raw in c["model_raw"]]
    else:
        tags = [None] * len(usage)
    groups: dict[tuple[str, str, str | None], list[int]] = {}
    for i, (raw, region, tag) in enumerate(zip(c["model_raw"], c["region"], tags, strict=True)):
        key = (scenario_model_id(refs[str(raw)]), str(region), tag)
        groups.setdefault(key, []).append(i)
    regions_per_model: dict[tuple[str, str | None], set[str]] = {}
    profiles_per_base: dict[tuple[str, str, str | None], set[str]] = {}
    groups_per_tag: dict[str | None, int] = {}
    for model, region, tag in groups:
        regions_per_model.setdefault((model, tag), set()).add(region)
        groups_per_tag[tag] = groups_per_tag.get(tag, 0) + 1
        profiles_per_base.setdefault((_base(model), region, tag), set()).add(model)
    measured: list[Measured] = []
    names: set[str] = set()
    for (model, region, tag), rows in sorted(groups.items(), key=lambda kv: _sort_key(kv[0])):
        index = np.asarray(rows, dtype=np.int64)
        requests = int(c["requests"][index].sum())
        sums = {t: int(c[t][index].sum()) for t in TOKENS}
        hourly = [0] * HOURS_PER_DAY
        for hour, n in zip(c["hour"][index], c["requests"][index], strict=True):
            hourly[int(hour)] += int(n)
        operations = sorted({str(o) for o in c["operation"][index] if o is not None})
        batch = bool(operations) and all(BATCH_OPERATION.search(o) for o in operations)
        name = _name(
            model,
            region,
            tag,
            len(regions_per_model[(model, tag)]) > 1,
            names,
            many_profiles=len(profiles_per_base[(_base(model), region, tag)]) > 1,
            alone=tag is not None and groups_per_tag[tag] == 1,
        )
        per_day = _daily_means(c, index)
        images = int(c["images"][index].sum()) if "images" in c else 0
        measured.append(
            Measured(
                name=name,
                model=model,
                region=region,
                tag=tag,
                records=requests,
                requests_per_month=requests / span * HOURS_PER_MONTH / HOURS_PER_DAY,
                tokens={t: sums[t] / requests for t in TOKENS},
                hourly=hourly,
                latency="batch_tolerant" if batch else "interactive",
                operations=operations,
                spread={} if images else _spread(per_day),
                days_with_traffic=len(per_day["input"]),
                images_per_request=images / requests if images else None,
            )
        )
    problems = sum(p.count for p in usage.problems)
    return Calibration(measured, first, last, usage.records - problems, problems)


def _sort_key(key: tuple[str, str, str | None]) -> tuple[str, str, str]:
    model, region, tag = key
    return (tag or "", model, region)


def _daily_means(c: dict[str, np.ndarray], index: np.ndarray) -> dict[str, list[float]]:
    """Mean input and output tokens per request on each day with traffic."""
    by_day: dict[str, list[int]] = {}
    for i in index.tolist():
        day = str(c["day"][i])
        totals = by_day.setdefault(day, [0, 0, 0])
        totals[0] += int(c["requests"][i])
        totals[1] += int(c["input"][i])
        totals[2] += int(c["output"][i])
    days = sorted(by_day)
    return {
        "input": [by_day[d][1] / by_day[d][0] for d in days if by_day[d][0]],
        "output": [by_day[d][2] / by_day[d][0] for d in days if by_day[d][0]],
    }


def _spread(per_day: dict[str, list[float]]) -> dict[str, tuple[float, float]]:
    spread = {}
    for kind, values in per_day.items():
        if len(values) < MIN_DAYS_FOR_SPREAD:
            continue
        p50, p90 = (float(v) for v in np.percentile(np.asarray(values), [50, 90]))
        if p50 > 0 and p90 > p50 * (1 + 1e-9):
            spread[kind] = (p50, p90)
    return spread


def _base(model: str) -> str:
    """The model's name without its profile prefix (`global.`, `us.` …) and provider."""
    base = model.split(".", 1)[1] if model.split(".", 1)[0] in _PREFIXES else model
    return base.split(".", 1)[-1] if "." in base else base  # provider prefix


def _profile(model: str) -> str:
    """How the model was called: `global profile`, `us profile` …, or `in-region`."""
    prefix = model.split(".", 1)[0]
    return f"{prefix} profile" if prefix in _PREFIXES else "in-region"


def _name(
    model: str,
    region: str,
    tag: str | None,
    many_regions: bool,
    used: set[str],
    *,
    many_profiles: bool = False,
    alone: bool = False,
) -> str:
    """A workload's name: the tag alone when it was called one way only (one model, profile
    and region: then `variance --key metadata:KEY` matches the workload to its records by
    name); else the tag, the model, and how it was called (its inference profile) when the
    same model was also called another way, and the region when it ran in several; a
    numbered suffix only if all that still repeats a name."""
    parts = [
        p
        for p in (
            tag,
            None if alone else _base(model),
            None if alone else (_profile(model) if many_profiles else None),
            None if alone else (region if many_regions else None),
        )
        if p
    ]
    name = " ".join(parts)[:190]
    candidate, k = name, 2
    while candidate in used:
        candidate, k = f"{name} ({k})", k + 1
    used.add(candidate)
    return candidate


_PREFIXES = ("us", "eu", "apac", "jp", "au", "global")


def _number(value: float, digits: int = 6) -> str:
    """A YAML number: whole numbers without a fraction, others rounded."""
    rounded = round(value, digits)
    if math.isfinite(rounded) and rounded == int(rounded):
        return str(int(rounded))
    return repr(rounded)


def _text(value: str) -> str:
    import json

    return json.dumps(value)  # a JSON string is a valid YAML double-quoted scalar


def _comment(value: object) -> str:
    """Text from the logs inside a YAML comment: one line, every control and line-break
    character (YAML's own NEL, LS and PS included) shown as an escape, so a record cannot
    end the comment and add keys to the scenario."""
    return escaped(value)


def scenario_yaml(
    result: Calibration,
    name: str,
    sources: Sequence[str],
    engine: str,
    *,
    what: str = "Bedrock invocation logs",
    latency: dict[str, dict[str, float]] | None = None,
    notes: Sequence[str] = (),
    counted: str = "record",
    kinds: Mapping[str, str] | None = None,
    speech: Collection[str] = (),
) -> str:
    """The calibrated scenario as YAML, each figure with where it came from. Values go in as
    JSON strings (a valid YAML double-quoted scalar, every control character escaped), and
    text in comments through `_comment`: log records are written by any Bedrock caller."""
    period = f"{result.first_day} to {result.last_day} ({result.days} days, UTC)"
    shown = _comment(
        ", ".join(sources[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")
    )
    lines = [
        "# yaml-language-server: $schema=scenario.schema.json",
        f"# Calibrated by `genai-cost calibrate` ({engine}) from {what}: {shown}.",
        f"# Period {period}; {result.records:,} usable {counted}s"
        + (
            f", {result.problems:,} not usable (see the command's warnings)."
            if result.problems
            else "."
        ),
        "# requests_per_month = requests in the period / days × 730/24; tokens are means per",
        "# request; hourly_profile counts requests per UTC hour over the period.",
        *(f"# {_comment(note)}" for note in notes),
        f"name: {_text(name)}",
        f"description: {_text(f'Measured from {what}, ' + period)}",
        f"region: {_text(result.workloads[0].region)}",
        "workloads:",
    ]
    uncertain: list[str] = []
    for w in result.workloads:
        ops = _comment(
            ", ".join(w.operations) or ("none recorded" if counted == "record" else "not measured")
        )
        lines += [
            f"  # {w.records:,} {counted if w.records == 1 else counted + 's'} from "
            f"{_comment(w.model)} in {_comment(w.region)}"
            + (f", tag {_text(w.tag)}" if w.tag else "")
            + f"; {w.days_with_traffic} of {result.days} days with traffic",
            f"  - name: {_text(w.name)}",
            f"    model: {_text(w.model)}",
            f"    region: {_text(w.region)}",
            f"    latency: {w.latency}   # operations: {ops}",
        ]
        traffic = [
            "    traffic:",
            f"      requests_per_month: {_number(w.requests_per_month, 9)}"
            f"   # {w.records:,} {'request' if w.records == 1 else 'requests'} in "
            f"{result.days} days",
            f"      # peak-to-average {w.peak_to_average:.3f} (busiest hour over the mean hour)",
            f"      hourly_profile: [{', '.join(str(n) for n in w.hourly)}]",
        ]
        if w.images_per_request is not None:
            kind = (kinds or {}).get(w.model, "image_generation")
            lines += [
                f"    kind: {_text(kind)}   # billed per image: OutputImageCount was measured",
                "    images:",
                f"      images_per_request: {_number(w.images_per_request)}"
                "   # OutputImageCount / Invocations",
                *traffic,
            ]
            continue
        if w.model in speech:
            lines += [
                "    # CAUTION: this model bills speech as audio tokens at their own rates; the",
                "    # counts below mix audio and text tokens, priced here as text. Move the audio",
                "    # share to tokens_per_request.audio_input / audio_output.",
            ]
        lines += [
            f"    options: [{'batch' if w.latency == 'batch_tolerant' else 'on_demand'}]"
            "   # what was measured: Bedrock calls billed per token",
            "    tokens_per_request:",
            f"      input: {_number(w.tokens['input'])}   # mean of inputTokenCount",
            f"      output: {_number(w.tokens['output'])}   # mean of outputTokenCount",
            f"      cache_read: {_number(w.tokens['cache_read'])}"
            "   # mean of cacheReadInputTokenCount",
            f"      cache_write: {_number(w.tokens['cache_write'])}"
            "   # mean of cacheWriteInputTokenCount",
            *traffic,
        ]
        measured = (latency or {}).get(w.name)
        if measured and measured.get("p50") and measured.get("p95"):
            p99 = f", p99 {measured['p99']:.3f} s" if measured.get("p99") else ""
            lines += [
                "    measured_latency:   # CloudWatch InvocationLatency over the period"
                + p99.replace(", ", " (")
                + (")" if p99 else ""),
                f"      on_demand: {{p50_seconds: {_number(measured['p50'])}, "
                f"p95_seconds: {_number(measured['p95'])}}}",
            ]
        for kind, (p50, p90) in w.spread.items():
            uncertain += [
                f"  # daily mean {kind} tokens per request of {_text(w.name)} over "
                f"{w.days_with_traffic} days: P50 {p50:,.2f}, P90 {p90:,.2f}",
                f"  - input: tokens_per_request.{kind}",
                f"    workload: {_text(w.name)}",
                "    distribution: lognormal",
                f"    p50: {_number(p50)}",
                f"    p90: {_number(p90)}",
            ]
    if uncertain:
        lines += ["uncertainty:", *uncertain]
    return "\n".join(lines) + "\n"


def run_calibration(
    logs: Sequence[str],
    *,
    by: str = "model",
    name: str = "calibrated",
    profiles: object = None,
    bedrock_client: object = None,
    engine: str = "duckdb",
    s3_client: object = None,
    verbose: bool = False,
) -> tuple[str, Calibration]:
    """Read the logs and return the calibrated scenario's YAML (validated) and the figures."""
    import yaml

    from genai_cost.scenario.models import Scenario
    from genai_cost.tracking.profiles import load_profiles
    from genai_cost.tracking.readers import read_logs

    group = GroupBy.parse(by)
    mapping = load_profiles(Path(str(profiles))) if profiles is not None else None
    meta = [group.metadata_key] if group.metadata_key else []
    # the workload's fields only: callers (identity) and accounts would multiply the groups
    usage = read_logs(
        logs,
        meta,
        engine=engine,
        s3_client=s3_client,
        verbose=verbose,
        by_hour=True,
        keep={"model_raw", "region", "operation"},
    )
    result = calibrate(usage, group, ProfileResolver(mapping, bedrock_client))
    speech = _speech_models(result)
    text = scenario_yaml(result, name, [str(p) for p in logs], engine, speech=speech)
    Scenario.model_validate(yaml.safe_load(text))  # what we write must load
    return text, result


def run_cloudwatch_calibration(
    *,
    file: Path | None = None,
    region: str | None = None,
    profile: str | None = None,
    start: str | None = None,
    end: str | None = None,
    month: str | None = None,
    name: str = "calibrated",
    by: str = "model",
    profiles: object = None,
    bedrock_client: object = None,
    cloudwatch_client: object = None,
    today: dt.date | None = None,
) -> tuple[str, Calibration, list[str]]:
    """Calibrate from Bedrock's CloudWatch metrics (tracking/cloudwatch.py): read from the
    account (`region`, `profile`, the period) or from a saved GetMetricData response
    (`file`). Returns the scenario's YAML (validated), the figures and warnings."""
    import yaml

    from genai_cost.scenario.models import Scenario
    from genai_cost.tracking import cloudwatch as cw
    from genai_cost.tracking.profiles import load_profiles

    day = today or dt.datetime.now(dt.UTC).date()
    if file is not None:
        if region is None:
            raise ArgumentError(
                "«cloudwatch_file»: give «region», the region the metrics were read in (the "
                "requests' source region, which prices them)"
            )
        metrics = cw.read_file(file)
        first, after = (
            cw.period(start, end, month, day) if (start or end or month) else (None, None)
        )
        source = str(file)
    else:
        first, after = cw.period(start, end, month, day)
        client: Any = cloudwatch_client or cw.client(region, profile)
        region = region or client.meta.region_name
        if not region:
            raise ArgumentError("«cloudwatch»: give «region» (no default region is configured)")
        metrics = cw.fetch(client, first, after)
        source = f"CloudWatch {cw.NAMESPACE} in {region}"
    assert region is not None
    group = GroupBy.parse(by)
    if group.metadata_key:
        raise ArgumentError(
            "«by» model,metadata:KEY reads invocation logs (CloudWatch metrics carry no "
            "requestMetadata); with CloudWatch, split by an application inference profile's "
            "tag: «by» model,profile-tag:KEY"
        )
    usage, measured = cw.to_usage(metrics, region, first, after)
    mapping = load_profiles(Path(str(profiles))) if profiles is not None else None
    resolver = ProfileResolver(mapping, bedrock_client)
    result = calibrate(usage, group, resolver)
    by_model: dict[str, str] = {}
    for raw in metrics.models:
        ref = resolver.resolve(raw)
        if ref.base_model is not None:
            by_model[raw] = scenario_model_id(ref)
    latency = {
        w.name: measured.latency[raw]
        for w in result.workloads
        for raw, model in by_model.items()
        if model == w.model and raw in measured.latency
    }
    notes = [
        f"Period {measured.first:%Y-%m-%d %H}:00 to {measured.last:%Y-%m-%d %H}:59 UTC; an hour "
        "without an Invocations datapoint is an hour without requests (CloudWatch publishes "
        "none then).",
    ]
    warnings: list[str] = []
    for raw in sorted(measured.empty_hours):
        gaps = measured.gaps(raw)
        if gaps != "none":
            notes.append(f"{raw}: hours without data, counted as no requests: {gaps}.")
    for raw in metrics.models:
        if not measured.cache_metrics.get(raw, False):
            notes.append(
                f"{raw}: no CacheRead/CacheWriteInputTokenCount metrics: cache tokens are 0 "
                "here (invocation logs record them: calibrate LOGS)."
            )
        if measured.throttles.get(raw):
            warnings.append(
                f"{raw}: {measured.throttles[raw]:,.0f} throttled requests in the period (not "
                "counted as requests; a quota or provisioned throughput may be needed)"
            )
    warnings += [f"CloudWatch did not return a whole series: {p}" for p in metrics.partial]
    kinds = _image_kinds(result)
    text = scenario_yaml(
        result,
        name,
        [source],
        "CloudWatch",
        what=f"CloudWatch metrics ({cw.NAMESPACE})",
        latency=latency,
        notes=notes,
        counted="request",
        kinds=kinds,
        speech=_speech_models(result),
    )
    Scenario.model_validate(yaml.safe_load(text))  # what we write must load
    return text, result, [*warnings, *result.caveats]


def _speech_models(result: Calibration) -> set[str]:
    """The token workloads whose model bills speech as audio tokens (its on-demand price has
    audio rates): their measured token counts mix audio and text, which the written scenario
    says and `result.caveats` warns about."""
    from genai_cost.catalog.selection import PricingOptions

    catalog = PricingOptions().catalog()
    speech: set[str] = set()
    for w in result.workloads:
        if w.images_per_request is not None:
            continue
        rows = catalog.on_demand.get(split_model_id(w.model)[1], [])
        if any(r.usd_per_1m_audio_output_tokens is not None for r in rows):
            speech.add(w.model)
    for model in sorted(speech):
        result.caveats.append(
            f"{model} bills speech as audio tokens at their own rates; the measured token "
            "counts mix audio and text and are priced as text in the written scenario: move "
            "the audio share to tokens_per_request.audio_input / audio_output"
        )
    return speech


def _image_kinds(result: Calibration) -> dict[str, str]:
    """The catalog's kind (image_generation or image_edit) of each image-counting workload's
    model; a model the catalog lacks is written as image_generation (the estimate then names
    the unknown model)."""
    imaging = [w for w in result.workloads if w.images_per_request is not None]
    if not imaging:
        return {}
    from genai_cost.catalog.selection import PricingOptions

    catalog = PricingOptions().catalog()
    kinds: dict[str, str] = {}
    for w in imaging:
        known = catalog.models.get(split_model_id(w.model)[1])
        if known is not None and known.kind in ("image_generation", "image_edit"):
            kinds[w.model] = known.kind
    return kinds
