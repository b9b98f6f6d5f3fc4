"""The commented starter scenario `genai-cost init` writes."""

from __future__ import annotations

STARTER = """\
# A genai-cost scenario: one workload to start from. Every field is described in
# docs/scenario-reference.md; editors complete and check it with the schema below
# (`genai-cost schema -o scenario.schema.json`).
# yaml-language-server: $schema=scenario.schema.json
name: {name}
description: What this scenario prices.
region: {region}                      # default AWS region of the workloads
horizon_months: 12                     # planning horizon for ROI and commitments
# budget: {{monthly_usd: 5000, alert_at_percent: [80, 100]}}   # for `genai-cost check`
workloads:
  - name: assistant
    model: {model}    # a Bedrock model id; us./eu./apac./global. prefixes pick a profile
    latency: interactive               # or batch_tolerant (batch and spot qualify)
    tokens_per_request:
      input: {input}                        # prompt tokens, excluding cached ones
      output: {output}                       # generated tokens
      # cache_read: 0                  # prompt-cache reads per request
    traffic:
      requests_per_month: {requests}
      # hourly_profile: [24 relative weights, one per hour] sizes capacity for the peak
    # options: [on_demand, batch, provisioned, self_hosted, autoscaled]   # all when omitted
"""


def starter_text(name: str, model: str, region: str, requests_per_month: float) -> str:
    """The starter scenario with its values filled in (a volume written whole: `2000000`,
    never `2e+06`)."""
    requests = (
        f"{requests_per_month:.0f}"
        if float(requests_per_month).is_integer()
        else f"{requests_per_month:f}".rstrip("0")
    )
    return STARTER.format(
        name=name, model=model, region=region, input=500, output=200, requests=requests
    )
