"""How an option row is named in every report and decision (one function, no dependencies)."""

from __future__ import annotations


def option_label(option: str, variant: str, platform: str, instance_type: str) -> str:
    """`self_hosted ec2 p5.4xlarge reserved_1y`, `provisioned 1_month`, `on_demand`."""
    return " ".join(p for p in (option, platform, instance_type, variant) if p)
