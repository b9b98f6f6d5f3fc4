"""Costs that are not purchase options say their own parts of the bill (engine/costs/): the
bill maps a part to a line of its family, with no arithmetic of its own. Figures by hand."""

from __future__ import annotations

from typing import Any

from genai_cost.engine.costs.packing import endpoint_parts
from genai_cost.engine.costs.parts import Part, tiered_parts
from genai_cost.engine.costs.training import training_parts


def _run(wall: float | None, price: float | None, reason: str | None = None) -> Any:
    return {
        "wall_hours": wall,
        "usd_per_instance_hour": price,
        "usd_per_run": None,
        "monthly_cost_usd": None,
        "reason": reason,
        "sources": ["aws"] if price else [],
    }


def _job(chosen: Any, spot: Any = None) -> Any:
    return {
        "name": "tune",
        "platform": "sagemaker",
        "instance_type": "p4d.24xlarge",
        "instance_count": 2,
        "region": "us-east-1",
        "work_hours": 10.0,
        "runs_per_month": 3.0,
        "checkpoint_storage": {
            "name": "checkpoint_storage",
            "quantity": 150.0,
            "unit": "GB-month",
            "usd": 3.45,
            "reason": None,
            "sources": ["s3"],
            "tiers": [
                {
                    "name": "",
                    "quantity": 150.0,
                    "unit": "GB-month",
                    "usd_per_unit": 0.023,
                    "usd": 3.45,
                }
            ],
        },
        "on_demand": _run(10.0, 4.0),
        "spot": spot,
        "chosen": chosen,
    }


def test_a_training_job_says_its_instance_hours_and_its_storage() -> None:
    # 2 instances × 10 h × 3 runs = 60 instance-hours at $4; 150 GB-months at $0.023
    [hours, storage] = training_parts(_job("on_demand"), None)
    assert hours == Part(
        "instance_hours",
        60.0,
        "instance-hours",
        4.0,
        ("aws",),
        "2 × sagemaker p4d.24xlarge on-demand, 3 run(s) a month of 10.00 h",
    )
    assert storage.quantity == 150.0 and storage.usd_per_unit == 0.023
    # spot: 12.5 wall hours with the interruptions, at $1.2
    [spot, _] = training_parts(_job("spot", _run(12.5, 1.2) | {"interruptions": 1}), "spot")
    assert (spot.name, spot.quantity, spot.usd_per_unit) == ("spot_instance_hours", 75.0, 1.2)


def test_an_unpriced_training_job_is_a_part_without_a_price() -> None:
    record = _job(None) | {"on_demand": _run(10.0, None, "no price for p4d.24xlarge")}
    [part] = training_parts(record, "on_demand")
    assert part.reason == "no price for p4d.24xlarge" and part.usd_per_unit is None


def test_a_shared_endpoint_and_a_tiered_line() -> None:
    record: Any = {
        "name": "pool",
        "platform": "sagemaker",
        "instance_type": "g6e.xlarge",
        "purchase": "on_demand",
        "reason": None,
        "usd_per_hour": 1.861,
        "sources": ["aws"],
        "shared": {"instances": 3, "monthly_cost_usd": 4075.59},
    }
    [part] = endpoint_parts(record, models=4, hours=730)
    # 3 instances × 730 h at $1.861
    assert (part.quantity, part.usd_per_unit) == (2190, 1.861)
    assert part.detail == "3 × sagemaker g6e.xlarge on_demand, shared by 4 models"
    unpacked = record | {"shared": {"instances": None, "monthly_cost_usd": None}, "reason": "x"}
    assert endpoint_parts(unpacked, 4, 730)[0].reason == "x"
    beyond: Any = {
        "name": "egress",
        "quantity": 200.0,
        "unit": "GB",
        "usd": None,
        "reason": "no public price beyond 100 GB",
        "sources": ["aws"],
        "tiers": [
            {
                "name": "first 100 GB",
                "quantity": 100.0,
                "unit": "GB",
                "usd_per_unit": 0.09,
                "usd": 9.0,
            }
        ],
    }
    first, rest = tiered_parts(beyond)
    assert (first.quantity, first.usd_per_unit, first.detail) == (100.0, 0.09, "first 100 GB")
    assert rest.reason == "no public price beyond 100 GB" and rest.usd_per_unit is None


def test_a_fine_tuning_path_says_its_parts_by_hand(fixture_snapshot: Any) -> None:
    """Two workloads on a model fine-tuned and served on demand at your prices: 1,000,000
    requests of 800 + 200 cached input and 100 output tokens, 500,000 of 300 input and 50
    output; the path adds 50 input tokens and saves 400. Input: 1 M × max(0, 1,000 + 50 −
    400) + 0.5 M × max(0, 300 + 50 − 400) = 650 M + 0 tokens; output 100 M + 25 M = 125 M.
    Training 20 M tokens × 3 epochs = 60 M at $8, retrained every 4 months over 12: months
    0, 4, 8."""
    from genai_cost.catalog.selection import PricingOptions
    from genai_cost.engine.costs.customization import training_months, training_path_parts
    from genai_cost.scenario.models import CustomizationPath, Workload

    def workload(name: str, volume: int, tokens: dict[str, float]) -> Workload:
        return Workload.model_validate(
            {
                "name": name,
                "model": "acme.open-8b-v1:0",
                "tokens_per_request": tokens,
                "traffic": {"requests_per_month": volume},
            }
        )

    path = CustomizationPath.model_validate(
        {
            "name": "tuned",
            "kind": "fine_tuning",
            "training_tokens": 20_000_000,
            "epochs": 3,
            "retrain_every_months": 4,
            "extra_input_tokens": 50,
            "input_tokens_saved": 400,
            "usd_per_1m_training_tokens": 8,
            "storage_usd_per_month": 1.95,
            "inference": {
                "option": "on_demand",
                "usd_per_1m_input_tokens": 0.3,
                "usd_per_1m_output_tokens": 0.6,
            },
        }
    )
    affected = [
        workload("a", 1_000_000, {"input": 800, "cache_read": 200, "output": 100}),
        workload("b", 500_000, {"input": 300, "output": 50}),
    ]
    catalog = PricingOptions(snapshot=str(fixture_snapshot)).catalog()
    import datetime as dt

    assert training_months(path, 12) == (0, 4, 8)
    parts = {
        p.name: p
        for p in training_path_parts(
            path, catalog, "us-east-1", dt.date(2026, 1, 1), affected, 12, 730
        )
    }
    assert parts["training"].quantity == 60 and parts["training"].paid_in_months == (0, 4, 8)
    assert parts["custom_model_storage"].usd_per_unit == 1.95
    assert parts["custom_model_input_tokens"].quantity == 650
    assert parts["custom_model_output_tokens"].quantity == 125
    assert parts["custom_model_input_tokens"].serving
    assert parts["custom_model_output_tokens"].scales_with_requests
