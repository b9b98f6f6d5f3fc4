"""What a log record's `modelId` means: base model, endpoint scope, and application-profile tags.

`modelId` is whatever the caller passed (AWS-FORMATS §3.2): a base id, a system inference-profile
id (`us.`/`eu.`/`apac.`/`global.` prefix), a system profile ARN, a foundation-model ARN, or an
application inference profile ARN, whose model can only be learned from a mapping file or from
`bedrock.get_inference_profile` (tags from `bedrock.list_tags_for_resource`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from genai_cost.errors import ProfilesError
from genai_cost.modelbase import Strict
from genai_cost.scenario.models import split_model_id

APPLICATION = ":application-inference-profile/"


@dataclass(frozen=True)
class ModelRef:
    """A priceable model reference, or why there is none."""

    base_model: str | None
    scope: str = "in_region"
    geo_profile: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    reason: str | None = None


def from_model_id(model_id: str) -> ModelRef:
    """A base id or system-profile id (with or without its ARN)."""
    if model_id.startswith("arn:"):
        resource = model_id.split(":", 5)[-1]
        kind, _, name = resource.partition("/")
        if kind not in ("inference-profile", "foundation-model"):
            return ModelRef(None, reason=f"{kind} ARNs are not priced per token ({model_id})")
        model_id = name
    prefix, base = split_model_id(model_id)
    if prefix is None:
        return ModelRef(base)
    if prefix == "global":
        return ModelRef(base, scope="global")
    return ModelRef(base, scope="geo", geo_profile=prefix)


class ProfileResolver:
    """Resolves application inference-profile ARNs from a mapping file and/or the Bedrock API."""

    def __init__(self, mapping: dict[str, ModelRef] | None = None, client: object = None) -> None:
        """`client`: a Bedrock client, or `"auto"` for one per profile region (boto3's
        credential chain), or None to use the mapping only."""
        self.mapping = dict(mapping or {})
        self.client = client
        self._clients: dict[str, object] = {}

    def _client_for(self, arn: str) -> Any:
        if self.client != "auto":
            return self.client
        import boto3

        region = arn.split(":")[3]
        if region not in self._clients:
            self._clients[region] = boto3.client("bedrock", region_name=region)
        return self._clients[region]

    def resolve(self, model_id: str) -> ModelRef:
        if APPLICATION not in model_id:
            return from_model_id(model_id)
        if model_id not in self.mapping:
            self.mapping[model_id] = self._ask_bedrock(model_id)
        return self.mapping[model_id]

    def _ask_bedrock(self, arn: str) -> ModelRef:
        if self.client is None:
            return ModelRef(
                None,
                reason=f"application inference profile {arn} is not in the profiles file "
                "(add it, or pass --resolve-profiles to ask the Bedrock API)",
            )
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            client = self._client_for(arn)
            profile = client.get_inference_profile(inferenceProfileIdentifier=arn)
            tags = client.list_tags_for_resource(resourceARN=arn).get("tags", [])
        except (ClientError, BotoCoreError) as exc:
            return ModelRef(None, reason=f"cannot resolve {arn} through the Bedrock API: {exc}")
        return profile_ref(profile, {t["key"]: t["value"] for t in tags})


def profile_ref(profile: dict[str, object], tags: dict[str, str]) -> ModelRef:
    """A `GetInferenceProfile` answer as a model reference.

    Each of `models[].modelArn` is `arn:aws:bedrock:<region>::foundation-model/<id>`. One model:
    an in-region copy. Several: a copy of a cross-region profile, which AWS bills at the source
    region's rate (priced like a geo request); when the regions span more than one geography
    (`us-`, `eu-`, `ap-`…) it is taken to be a global profile.
    """
    arns = [str(m["modelArn"]) for m in profile.get("models", []) or []]  # type: ignore[attr-defined]
    ids = {a.split("/", 1)[-1] for a in arns}
    if len(ids) != 1:
        return ModelRef(None, tags=tags, reason=f"profile routes to several models: {sorted(ids)}")
    base = ids.pop()
    regions = {a.split(":")[3] for a in arns}
    if len(regions) <= 1:
        return ModelRef(base, tags=tags)
    geographies = {r.split("-")[0] for r in regions}
    if len(geographies) > 1:
        return ModelRef(base, scope="global", tags=tags)
    return ModelRef(base, scope="geo", geo_profile=geographies.pop(), tags=tags)


class ProfileEntry(Strict):
    model: str
    """The base model id or system inference-profile id the application profile copies."""
    tags: dict[str, str] = Field(default_factory=dict)
    """The profile's tags (as `bedrock.list_tags_for_resource` returns them)."""


class ProfilesFile(Strict):
    """`profiles: {<application inference profile ARN>: {model: ID, tags: {key: value}}}`."""

    profiles: dict[str, ProfileEntry]

    @field_validator("profiles")
    @classmethod
    def _application_arns(cls, value: dict[str, ProfileEntry]) -> dict[str, ProfileEntry]:
        wrong = [arn for arn in value if APPLICATION not in arn]
        if wrong:
            raise ValueError(
                f"expected application inference profile ARNs "
                f"(arn:aws:bedrock:REGION:ACCOUNT:application-inference-profile/ID), got {wrong}"
            )
        return value


def load_profiles(path: Path) -> dict[str, ModelRef]:
    """Read a profiles file; errors name the file, line and field."""
    from genai_cost.modelfile import load_model_file

    document = load_model_file(path, ProfilesFile, error=ProfilesError)
    result: dict[str, ModelRef] = {}
    for arn, entry in document.profiles.items():
        ref = from_model_id(entry.model)
        result[arn] = ModelRef(
            ref.base_model, ref.scope, ref.geo_profile, dict(entry.tags), ref.reason
        )
    return result
