"""One registry of purchase options (engine/options.REGISTRY, each module's TRAITS): every
registered option appears in the scenario vocabulary and its JSON Schema, the documents and
theirs, the break-even curves, the optimizer's pins and the methodology — so adding an option
is its module, the registry line, its docs and its tests (docs/architecture.md)."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest

from genai_cost.api import estimate
from genai_cost.decisions.baseload import pin_fields
from genai_cost.decisions.breakeven import breakeven_document
from genai_cost.documents.estimate import OptionName
from genai_cost.engine import core
from genai_cost.engine.traits import OptionTraits
from genai_cost.scenario.models import Option, Workload
from tests.conftest import ROOT

REGISTERED = list(core.OPTION_NAMES)


def test_every_module_declares_its_traits() -> None:
    for module in core.OPTION_MODULES:
        assert isinstance(module.TRAITS, OptionTraits), module.__name__
        assert module.TRAITS.cost_curve in typing.get_args(
            typing.get_type_hints(OptionTraits)["cost_curve"]
        )
    # the derived lists are what the modules say, nothing more
    assert set(core.PAY_PER_USE) == {n for n, t in core.TRAITS.items() if t.pay_per_use}
    assert set(core.LINEAR) <= set(core.PAY_PER_USE)  # a linear cost buys no capacity
    assert set(core.OFFLINE_JOBS) <= set(core.NOT_FOR_CALLERS)


def test_every_registered_option_is_in_the_vocabulary_and_the_schemas() -> None:
    assert set(REGISTERED) == {o.value for o in Option}
    assert set(REGISTERED) == set(typing.get_args(OptionName))
    scenario_schema = json.loads((ROOT / "docs/scenario.schema.json").read_text())
    assert set(REGISTERED) == set(scenario_schema["$defs"]["Option"]["enum"])
    estimate_schema = json.loads((ROOT / "docs/schemas/estimate.schema.json").read_text())
    record = estimate_schema["$defs"]["OptionRecord"]["properties"]["option"]
    assert set(REGISTERED) == set(record["enum"])


@pytest.mark.parametrize("name", REGISTERED)
def test_every_registered_option_can_be_pinned_and_is_documented(name: str) -> None:
    """optimize and base_load pin an option by the fields pin_fields writes; the workload
    they make asks for exactly that option. The methodology has a section for it."""
    workload = Workload.model_validate(
        {
            "name": "w",
            "model": "meta.llama3-1-8b-instruct-v1:0",
            "tokens_per_request": {"input": 100, "output": 100},
            "traffic": {"requests_per_month": 1000},
        }
        if name != "per_unit"
        else {  # the option of the kinds billed per unit
            "name": "w",
            "kind": "image_generation",
            "model": "amazon.nova-canvas-v1:0",
            "traffic": {"requests_per_month": 1000},
        }
    )
    variant = {"provisioned": "no_commitment", "self_hosted": "on_demand"}.get(name, "")
    if name == "autoscaled":
        variant = "on_demand"
    fields = pin_fields(workload, name, variant, "ec2", "p5.4xlarge")
    pinned = Workload.model_validate({**workload.model_dump(exclude_unset=True), **fields})
    assert pinned.requested_options == [Option(name)]
    methodology = (ROOT / "docs/methodology.md").read_text(encoding="utf-8")
    assert f"(`{name}`)" in methodology, f"docs/methodology.md has no section for {name}"


def test_every_feasible_option_has_a_break_even_curve_that_matches_the_engine() -> None:
    """Each option's curve kind comes from its traits; across the bundled scenarios every
    registered option that is feasible somewhere gets a curve, and every curve equals the
    engine's own sweep (so a wrong trait would show as a difference)."""
    seen: set[str] = set()
    unpinned = ROOT / "tests/fixtures/scenarios/office-hours-unpinned.yaml"
    for path in [*sorted((ROOT / "scenarios").glob("*.yaml")), unpinned]:
        result = estimate([Path(path)])
        if not result.specs:
            continue
        for workload in breakeven_document(result)["workloads"]:
            assert workload["sweep_check_max_difference_usd"] < 1e-6
            seen |= {label.split(" ")[0] for label in workload["options"]}
    # the bundled examples exercise every kind of curve
    kinds = {core.TRAITS[name].cost_curve for name in seen}
    assert kinds == {"linear", "step", "day"}


@pytest.mark.parametrize("name", REGISTERED)
def test_every_option_module_is_one_self_describing_unit(name: str) -> None:
    """Each module declares its name, traits, variants, the workload section it reads
    (`SETTINGS`, a field of the scenario's Workload whose model documents every setting, so
    the JSON Schema does), how a row is pinned and what moving to it risks — optimize and
    the base-load split read those from the module, not from lists of their own."""
    module = core.MODULES[name]
    assert module.OPTION.value == name
    assert isinstance(module.VARIANTS, tuple)
    assert all(isinstance(v, str) for v in module.VARIANTS)
    if module.SETTINGS is not None:
        field = Workload.model_fields[module.SETTINGS]
        settings = field.annotation
        assert settings is not None and hasattr(settings, "model_fields"), module.SETTINGS
        schema = json.loads((ROOT / "docs/scenario.schema.json").read_text())
        described = schema["$defs"][settings.__name__]["properties"]
        assert all(p.get("description") for p in described.values()), settings.__name__
    workload = Workload.model_validate(
        {
            "name": "w",
            "model": "meta.llama3-1-8b-instruct-v1:0",
            "tokens_per_request": {"input": 100, "output": 100},
            "traffic": {"requests_per_month": 1000},
        }
    )
    for variant in module.VARIANTS or ("",):
        assert isinstance(module.pin(workload, variant, "ec2", "p5.4xlarge"), dict)
        assert module.risk(variant)


def test_every_option_names_the_catalog_prices_it_reads() -> None:
    """`PRICE_COLUMNS`: fields of the catalog's price rows (token prices, provisioned units,
    instance hours) or, for a service-priced option, items of its service's table (the
    bundled snapshot prices serverless compute; data processed has no public price there,
    which the option reports as a reason, tests/test_serving_options.py)."""
    import dataclasses

    from genai_cost.catalog.selection import PricingOptions
    from genai_cost.catalog.tables import (
        InstancePrice,
        OnDemandPrice,
        ProvisionedPrice,
        UnitPrice,
    )

    fields = {
        f.name
        for row in (OnDemandPrice, ProvisionedPrice, InstancePrice, UnitPrice)
        for f in dataclasses.fields(row)
    }
    bundled = PricingOptions().catalog()
    for name in REGISTERED:
        module = core.MODULES[name]
        columns = set(module.PRICE_COLUMNS)
        assert columns and all(isinstance(c, str) for c in columns), name
        service = getattr(module, "SERVICE", None)
        if service is None:
            assert columns <= fields, (name, columns - fields)
        else:
            items = {item for (svc, item) in bundled.service_prices if svc == service}
            assert columns & items, (name, service, items)
