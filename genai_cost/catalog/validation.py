"""A scenario against the catalog: model ids, regions, profiles and instance types exist.

Problems point at the scenario file's line and field, with a did-you-mean for near misses; all
of a file's problems are reported together.
"""

from __future__ import annotations

from typing import Any

from genai_cost.catalog.snapshot import Catalog
from genai_cost.errors import Problem, ScenarioError
from genai_cost.modelfile import loc_text, suggest
from genai_cost.scenario.load import LoadedScenario
from genai_cost.scenario.models import Scenario, Workload, split_model_id
from genai_cost.scenario.table import WorkloadTable


def check_against_catalog(loaded: LoadedScenario, catalog: Catalog) -> None:
    """Model ids, regions and instance types must exist in the catalog; near misses suggested.
    Raises a ScenarioError with every problem found."""
    problems = scenario_problems(loaded, catalog)
    if problems:
        raise ScenarioError(problems)


def scenario_problems(loaded: LoadedScenario, catalog: Catalog) -> list[Problem]:
    """The problems `check_against_catalog` would raise (none when the scenario fits)."""
    scenario, doc = loaded.scenario, loaded.document
    problems: list[Problem] = []

    def add(loc: tuple[str | int, ...], message: str, hint: str) -> None:
        line, col = doc.position(loc)
        problems.append(
            Problem(
                message, path=doc.path, line=line, column=col, field_path=loc_text(loc), hint=hint
            )
        )

    if scenario.region not in catalog.regions:
        add(
            ("region",),
            f"unknown region {scenario.region!r}",
            suggest(scenario.region, catalog.regions),
        )
    table = loaded.table
    for i, workload in enumerate(scenario.workloads[: loaded.yaml_workloads]):
        for loc, message, hint in workload_problems(
            workload, scenario.workload_region(workload), catalog
        ):
            add(("workloads", i, *loc), message, hint)
    if table is not None:
        problems += table_problems(table, scenario.region, catalog)
    _check_extras(scenario, catalog, add)
    return problems


CONTEXT_FIELDS = ("tokens_per_request",)
"""Where `workload_problems` reports a request longer than the model's context window."""


def context_window_problem(catalog: Catalog, model: str, whole_input: float) -> tuple[str, str]:
    """The message and hint for requests of `whole_input` tokens (cached included) that
    exceed `model`'s context window."""
    window = catalog.models[model]
    return (
        f"{whole_input:,.0f} input tokens per request (cached ones included) exceed the "
        f"context window of {model}, {window.max_input_tokens:,.0f} tokens "
        f"({window.max_input_tokens_source})",
        "check tokens_per_request, or choose a model with a longer context",
    )


def workload_problems(
    workload: Workload, region: str, catalog: Catalog
) -> list[tuple[tuple[str | int, ...], str, str]]:
    """(field path within the workload, message, hint) of each way one workload does not fit
    the catalog: its model, region, profile, context window, scope and instance type."""
    found: list[tuple[tuple[str | int, ...], str, str]] = []

    def add(loc: tuple[str | int, ...], message: str, hint: str) -> None:
        found.append((loc, message, hint))

    base: tuple[str | int, ...] = ()
    if workload.base_model not in catalog.models:
        known = list(catalog.models)
        hint = suggest(workload.base_model, known) or (
            "run `genai-cost models` to list the catalog's model ids"
        )
        add((*base, "model"), f"unknown model id {workload.base_model!r}", hint)
    known_model = catalog.models.get(workload.base_model)
    if known_model is not None:
        mismatch = kind_problem(workload.kind, known_model.kind, workload.base_model)
        if mismatch is not None:
            add((*base, "kind" if "kind" in workload.model_fields_set else "model"), *mismatch)
    if workload.region is not None and workload.region not in catalog.regions:
        add(
            (*base, "region"),
            f"unknown region {workload.region!r}",
            suggest(workload.region, catalog.regions),
        )
    window = catalog.models.get(workload.base_model)
    if window is not None and window.max_input_tokens is not None:
        t = workload.tokens_per_request
        cached = t.cache_read + t.cache_write + t.cache_write_1h
        longest = max(t.input, t.long_requests.input if t.long_requests else 0.0)
        if longest + cached > window.max_input_tokens:
            field = "long_requests" if t.long_requests and longest > t.input else "input"
            message, hint = context_window_problem(catalog, workload.base_model, longest + cached)
            add((*base, "tokens_per_request", field), message, hint)
    prefix = split_model_id(workload.model)[0]
    if workload.endpoint_scope is not None and prefix is not None:
        implied = "global" if prefix == "global" else "geo"
        if workload.endpoint_scope != implied:
            add(
                (*base, "endpoint_scope"),
                f"endpoint_scope {workload.endpoint_scope!r} contradicts the model id "
                f"prefix {prefix + '.'!r} (which means {implied!r})",
                "drop one of the two",
            )
    if workload.endpoint_scope == "geo" and prefix is None:
        add(
            (*base, "endpoint_scope"),
            "a geo endpoint needs a geographic profile prefix on the model id",
            "write e.g. 'us.' + the model id",
        )
    region_info = catalog.regions.get(region)
    geo = workload.geo_profile
    if geo and region_info is not None and geo not in region_info.geo_profiles:
        allowed = ", ".join(p + "." for p in region_info.geo_profiles) or "none"
        add(
            (*base, "model"),
            f"the {geo}. cross-region profile cannot be called from {region}",
            f"profiles available there: {allowed}",
        )
    hosted = workload.self_hosted
    instance_type = hosted.instance_type
    if instance_type is not None:
        name = instance_type.removeprefix("ml.")
        own = hosted.usd_per_hour is not None and (
            hosted.output_tokens_per_second_per_instance is not None
        )
        if name not in catalog.instance_types and not own:
            add(
                (*base, "self_hosted", "instance_type"),
                f"unknown instance type {instance_type!r}",
                _or_own(
                    suggest(name, catalog.instance_types),
                    "its price (self_hosted.usd_per_hour with self_hosted.purchase) and its "
                    "throughput (self_hosted.output_tokens_per_second_per_instance)",
                ),
            )
    return found


UNIT_MODEL_KINDS = ("image_generation", "image_edit", "rerank")


def kind_problem(kind: str, model_kind: str, model: str) -> tuple[str, str] | None:
    """(message, hint) when a workload's kind does not match what its model is billed for:
    an image or rerank model needs its own kind; a text workload a text or embedding model."""
    if model_kind in UNIT_MODEL_KINDS and kind != model_kind:
        return (
            f"{model} is an {model_kind} model, billed per "
            f"{'query' if model_kind == 'rerank' else 'image'}; the workload's kind is {kind}",
            f"set kind: {model_kind}",
        )
    if kind in UNIT_MODEL_KINDS and model_kind not in UNIT_MODEL_KINDS and kind != model_kind:
        return (
            f"kind {kind} needs a model billed per "
            f"{'query' if kind == 'rerank' else 'image'}; {model} is a {model_kind} model",
            "run `genai-cost models` to list the catalog's models and their kinds",
        )
    return None


def _or_own(suggestion: str, needs: str) -> str:
    """A near miss first, then how to use an instance type the snapshot lacks."""
    own = f"to use an instance type the snapshot lacks, give {needs}"
    return f"{suggestion} To{own[2:]}" if suggestion else own


def _check_extras(scenario: Scenario, catalog: Catalog, add: Any) -> None:
    """References in training jobs, shared endpoints and customization paths."""

    def instance(loc: tuple[str | int, ...], name: str, own: bool, needs: str) -> None:
        """An instance type the snapshot lacks is fine when the scenario gives what pricing
        it needs (`own`); otherwise a near miss is suggested, or what to supply."""
        bare = name.removeprefix("ml.")
        if bare not in catalog.instance_types and not own:
            add(
                loc,
                f"unknown instance type {name!r}",
                _or_own(suggest(bare, catalog.instance_types), needs),
            )

    def region(loc: tuple[str | int, ...], name: str | None) -> None:
        if name is not None and name not in catalog.regions:
            add(loc, f"unknown region {name!r}", suggest(name, catalog.regions))

    def model(loc: tuple[str | int, ...], name: str | None) -> None:
        if name is not None and split_model_id(name)[1] not in catalog.models:
            add(
                loc,
                f"unknown model id {split_model_id(name)[1]!r}",
                suggest(split_model_id(name)[1], catalog.models),
            )

    for i, job in enumerate(scenario.training_jobs):
        instance(
            ("training_jobs", i, "instance_type"),
            job.instance_type,
            job.usd_per_hour is not None or job.purchase == "spot",
            "its on-demand price (usd_per_hour)",
        )
        region(("training_jobs", i, "region"), job.region)
    for i, endpoint in enumerate(scenario.shared_endpoints):
        instance(
            ("shared_endpoints", i, "instance_type"),
            endpoint.instance_type,
            endpoint.usd_per_hour is not None and endpoint.accelerator_memory_gib is not None,
            "its price (usd_per_hour) and its accelerator memory (accelerator_memory_gib)",
        )
        region(("shared_endpoints", i, "region"), endpoint.region)
    custom = scenario.customization
    if custom is not None:
        for i, path in enumerate(custom.paths):
            for field_name in ("embedding_model", "teacher_model", "student_model"):
                model(("customization", "paths", i, field_name), getattr(path, field_name))


def table_problems(table: WorkloadTable, region: str, catalog: Catalog) -> list[Problem]:
    """Model ids, regions and profiles against the catalog, checked once per distinct model
    and region by the same `catalog/validation.workload_problems` a YAML workload gets (named
    by the first row with each), and context windows compared as arrays, row by row."""
    import numpy as np

    from genai_cost.scenario.table import Found, model_probe

    found = Found(table)
    models, regions = table.text["model"], table.text["region"]
    pairs: dict[tuple[str, str], int] = {}
    for i, pair in enumerate(zip(models.tolist(), regions.tolist(), strict=True)):
        pairs.setdefault(pair, i)
    n = table.numbers
    whole_input = n["input_tokens"] + sum(
        (
            np.nan_to_num(n[c])
            for c in ("cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens")
        ),
        start=np.zeros(table.size),
    )
    for (model, own_region), first in pairs.items():
        probe = model_probe(model, table.text["name"][first], own_region or None)
        for loc, message, hint in workload_problems(probe, own_region or region, catalog):
            if loc[0] not in CONTEXT_FIELDS:
                if hint.startswith("set kind:"):  # a table's rows are text workloads
                    hint = (
                        "a workloads table holds text workloads; write this one in the "
                        f"scenario's workloads with {hint.removeprefix('set ')}"
                    )
                found.add(table.problem(first, str(loc[0]), message, hint))
        window = catalog.models.get(probe.base_model)
        if window is None or window.max_input_tokens is None:
            continue
        over = (models == model) & (regions == own_region) & (whole_input > window.max_input_tokens)
        found.rows(
            over,
            "input_tokens",
            lambda r, base=probe.base_model: context_window_problem(
                catalog, base, float(whole_input[r])
            )[0],
        )
    return found.all()
