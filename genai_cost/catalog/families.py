"""Accelerated EC2 instance families: which instance types are GPU or ML-accelerator capacity.

The table (`accelerated_families.csv` beside this module, one row a family with its
accelerator) is what the bill's chargeback selects EC2 spend by, together with the bill's own
`product_instance_family` ("GPU instance", "Machine Learning ASIC Instances"); a regular
expression over instance names missed `gr6` and would miss the next new family. A test holds
it against every family in every bundled snapshot.

Sources (`source` column):
- `ec2instances-gpu-data`: the `GPU_DATA` map of vantage-sh/ec2instances.info
  (`scraper/aws/ec2/gpu_data.go` at 4ef36cd2c9867c1076206dcb691412ae2de7e8dd, 2026-07-20).
- `vantage-2026-01-21`: instances.vantage.sh's instance list as published by tsaol/aws-gpu
  (`data/all_gpu_instances.js` at 77fcd9fe1d0652fd07b830e5ed030d61da87923e), for Inferentia,
  Trainium and Qualcomm families, which the GPU map does not list (its `family` field is the
  Price List's instance family, "Machine Learning ASIC Instances"); it names the g6f/gr6f
  accelerator "NVIDIA L40" where ec2instances.info has a fractional L4 (kept).
- `aws-dl1-page`: aws.amazon.com/ec2/instance-types/dl1/ (Habana Gaudi), as quoted in public
  deployment code; weak provenance.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

ACCELERATED_INSTANCE_FAMILIES = ("GPU instance", "Machine Learning ASIC Instances")
"""The AWS Price List's `instanceFamily` values (CUR: `product_instance_family`) of GPU and
ML-accelerator instances."""


@cache
def accelerated_families() -> dict[str, str]:
    """Family (the instance type before its '.') → accelerator."""
    text = resources.files(__package__).joinpath("accelerated_families.csv").read_text("utf-8")
    return {row["family"]: row["accelerator"] for row in csv.DictReader(text.splitlines())}


def family_of(instance_type: str) -> str:
    """`p5.48xlarge` → `p5`; `ml.g6e.xlarge` → `g6e` (SageMaker's prefix dropped)."""
    return instance_type.removeprefix("ml.").split(".", 1)[0]
