"""A usage file: the traffic of the resources whose cost follows usage (Lambda, API Gateway,
S3, an OpenSearch Serverless collection's storage and OCUs above the minimum), by resource
address — what Infracost's `infracost-usage.yml` is for Terraform, for the resources no
scenario describes.

    resource_usage:
      aws_lambda_function.api: {requests_per_month: 500000, average_duration_ms: 400}
      aws_apigatewayv2_api.http: {requests_per_month: 500000}
      aws_opensearchserverless_collection.kb: {storage_gb: 2}
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from genai_cost.errors import InfrastructureError, Problem
from genai_cost.modelbase import NonNegative, Strict


class ResourceUsage(Strict):
    requests_per_month: NonNegative | None = None
    """Lambda invocations, API Gateway requests."""
    gb_seconds_per_month: NonNegative | None = None
    """Lambda compute; or give `average_duration_ms` (× requests × the function's memory)."""
    average_duration_ms: NonNegative | None = None
    storage_gb: NonNegative | None = None
    """S3 Standard storage, or an OpenSearch Serverless collection's indexed data."""
    ocus: NonNegative | None = None
    """An OpenSearch Serverless collection's average OCUs (the service minimum applies)."""


class UsageFile(Strict):
    resource_usage: dict[str, ResourceUsage] = Field(default_factory=dict)


FIELDS = {
    "lambda": {"requests_per_month", "gb_seconds_per_month", "average_duration_ms"},
    "api": {"requests_per_month"},
    "s3": {"storage_gb"},
    "collection": {"storage_gb", "ocus"},
}
"""Which usage fields each kind of resource takes."""


def load_usage(path: Path, addresses: dict[str, str], kinds: dict[str, str]) -> UsageFile:
    """The usage file, checked against the definition: every address must be one of its
    resources (`addresses`: address → type), and each field one its kind takes (`kinds`:
    type → kind)."""
    from genai_cost.modelfile import suggest, validate_document
    from genai_cost.yamlsource import load_yaml_file

    doc = load_yaml_file(path, error=InfrastructureError)
    usage = validate_document(doc, UsageFile, error=InfrastructureError)
    problems = []
    for address, values in usage.resource_usage.items():
        line, column = doc.position(("resource_usage", address), key=True)
        if address not in addresses:
            hint = suggest(address, addresses)
            problems.append(
                Problem(
                    f"{address!r} is not a resource of the definition",
                    str(path),
                    line,
                    column,
                    f"resource_usage.{address}",
                    hint,
                )
            )
            continue
        kind = kinds.get(addresses[address])
        allowed = FIELDS.get(kind or "", set())
        for name in values.model_fields_set:
            if name not in allowed:
                where = doc.position(("resource_usage", address, name), key=True)
                takes = ", ".join(sorted(allowed)) or "no usage (it is not usage-priced here)"
                problems.append(
                    Problem(
                        f"{name}: not a usage of {addresses[address]} (it takes: {takes})",
                        str(path),
                        where[0],
                        where[1],
                        f"resource_usage.{address}.{name}",
                    )
                )
    if problems:
        raise InfrastructureError(problems)
    return usage
