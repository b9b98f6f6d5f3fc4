"""Terraform plans (`terraform show -json`) and CloudFormation templates (YAML or JSON, as
`cdk synth` writes them) read into resources: outside data, checked like a scenario.

A plan gives each resource's state before and after the change (`resource_changes[].change`
with `actions`, `before`, `after` and `after_unknown`); a template gives one state, its
intrinsic functions resolved where they are static (`Ref` to a parameter or a pseudo
parameter, `Fn::Sub` of those); a value that cannot be known is marked unknown, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from genai_cost.errors import InfrastructureError
from genai_cost.yamlsource import MAX_NODES, parse_json, read_text_file

MAX_DEFINITION_BYTES = 50 * 1024 * 1024
"""Largest plan or template read (a plan of thousands of resources is a few MB)."""
PLAN_MAJOR = "1"
"""The JSON plan format versions read: 1.x (Terraform 0.12 and later write 1.0 to 1.2)."""


class Unknown:
    """A value not known from the definition (computed at apply, or an intrinsic function
    that needs the deployed stack)."""

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"Unknown({self.why!r})"


@dataclass
class Resource:
    address: str
    """`aws_sagemaker_endpoint_configuration.main` (Terraform) or the logical id (CFN)."""
    type: str
    """`aws_…` (Terraform) or `AWS::…` (CloudFormation)."""
    actions: tuple[str, ...]
    """Terraform's `change.actions` (`create`, `update`, `delete`, `no-op`, `read`);
    CloudFormation: `("create",)`."""
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    deferred: str | None = None
    """Why Terraform deferred the resource's change (a plan's `deferred_changes`: its count,
    for_each or configuration known only after apply); its cost is then unknown."""


DEFERRED = {
    "instance_count_unknown": "its count or for_each is known only after apply",
    "resource_config_unknown": "its configuration is known only after apply",
    "provider_config_unknown": "its provider's configuration is known only after apply",
    "absent_prereq": "it depends on a resource that does not exist yet",
    "deferred_prereq": "it depends on a resource Terraform also deferred",
}
"""Terraform's reasons for a deferred change (`deferred_changes[].reason`, Terraform 1.9+
with deferred actions), as said to the user."""


@dataclass
class Infrastructure:
    path: str
    kind: str
    """`terraform-plan` or `cloudformation`."""
    region: str | None
    """The region the definition names (the AWS provider's, or the template's parameter)."""
    resources: list[Resource] = field(default_factory=list)


def read_definition(path: Path, parameters: dict[str, str] | None = None) -> Infrastructure:
    """A plan or a template, told apart by content: a JSON object with `format_version` and
    `resource_changes` (or `planned_values`) is a plan; one with `Resources` a template."""
    text = read_text_file(path, error=InfrastructureError, limit=MAX_DEFINITION_BYTES)
    return parse_definition(text, str(path), parameters)


def parse_definition(
    text: str, path: str, parameters: dict[str, str] | None = None
) -> Infrastructure:
    """`read_definition` of text already read (`path` names it in messages)."""
    stripped = text.lstrip()
    data: Any = None
    if stripped.startswith("{"):
        data = parse_json(text, path, error=InfrastructureError, what="a plan or template")
    if isinstance(data, dict) and "format_version" in data:
        return read_plan(data, path)
    if data is None:
        data = _load_template_yaml(text, path)
    if isinstance(data, dict) and isinstance(data.get("Resources"), dict):
        return read_template(data, path, parameters or {})
    raise InfrastructureError.at(
        path,
        "neither a Terraform plan (terraform show -json: format_version, resource_changes) "
        "nor a CloudFormation template (Resources)",
    )


def read_plan(data: dict[str, Any], path: str) -> Infrastructure:
    version = str(data.get("format_version", ""))
    if version.split(".")[0] != PLAN_MAJOR:
        raise InfrastructureError.at(
            path,
            f"plan format_version {version!r}: this version of genai-cost reads 1.x "
            "(`terraform show -json plan.out` of Terraform 0.12 or later)",
        )
    changes = data.get("resource_changes")
    if changes is None:
        changes = _planned_as_changes(data)
    if not isinstance(changes, list):
        raise InfrastructureError.at(path, "resource_changes: expected a list")
    deferred = data.get("deferred_changes") or []
    if not isinstance(deferred, list):
        raise InfrastructureError.at(path, "deferred_changes: expected a list")
    reasons: list[str | None] = [None] * len(changes)
    for n, entry in enumerate(deferred):
        if not isinstance(entry, dict) or not isinstance(entry.get("resource_change"), dict):
            raise InfrastructureError.at(path, f"deferred_changes[{n}]: no resource_change")
        reason = entry.get("reason")
        changes = [*changes, entry["resource_change"]]
        reasons.append(
            DEFERRED.get(reason, f"Terraform deferred it ({reason})")
            if isinstance(reason, str)
            else "Terraform deferred it"
        )
    resources = []
    for n, change in enumerate(changes):
        if not isinstance(change, dict) or change.get("mode", "managed") != "managed":
            continue
        body = change.get("change") or {}
        actions = tuple(str(a) for a in body.get("actions") or ["no-op"])
        after = body.get("after")
        unknown = body.get("after_unknown") or {}
        if isinstance(after, dict):
            after = _mark_unknown(after, unknown)
        before = body.get("before")
        address = change.get("address")
        if not isinstance(address, str) or not isinstance(change.get("type"), str):
            raise InfrastructureError.at(path, f"resource_changes[{n}]: no address or type")
        resources.append(
            Resource(
                address,
                change["type"],
                actions,
                before if isinstance(before, dict) else None,
                after if isinstance(after, dict) else None,
                reasons[n],
            )
        )
    return Infrastructure(path, "terraform-plan", _plan_region(data), resources)


def _planned_as_changes(data: dict[str, Any]) -> list[dict[str, Any]]:
    """A state (`terraform show -json` without a plan): every resource as it is, unchanged."""
    module = (data.get("values") or data.get("planned_values") or {}).get("root_module") or {}
    found: list[dict[str, Any]] = []
    stack = [module]
    while stack:
        current = stack.pop()
        for r in current.get("resources") or []:
            values = r.get("values") or {}
            found.append(
                {
                    "address": r.get("address"),
                    "type": r.get("type"),
                    "mode": r.get("mode", "managed"),
                    "change": {"actions": ["no-op"], "before": values, "after": values},
                }
            )
        stack.extend(current.get("child_modules") or [])
    return found


def _mark_unknown(after: Any, unknown: Any) -> Any:
    """`after` with the values Terraform will know only at apply (`after_unknown: true`)
    replaced by Unknown."""
    if unknown is True:
        return Unknown("known only after apply")
    if isinstance(after, dict) and isinstance(unknown, dict):
        out = dict(after)
        for key, flag in unknown.items():
            out[key] = _mark_unknown(after.get(key), flag)
        return out
    if isinstance(after, list) and isinstance(unknown, list):
        return [
            _mark_unknown(a, unknown[k] if k < len(unknown) else False) for k, a in enumerate(after)
        ]
    return after


def _plan_region(data: dict[str, Any]) -> str | None:
    providers = ((data.get("configuration") or {}).get("provider_config")) or {}
    for name, provider in providers.items():
        if name == "aws" or name.startswith("aws."):
            region = ((provider.get("expressions") or {}).get("region") or {}).get("constant_value")
            if isinstance(region, str):
                return region
    return None


# --- CloudFormation ----------------------------------------------------------------------------


class _TemplateLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short forms (`!Ref x`, `!Sub "…"`, `!GetAtt a.b`) read as
    the long forms (`{"Ref": x}`, `{"Fn::Sub": …}`); anything else is safe YAML."""


def _short_form(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_TemplateLoader.add_multi_constructor("!", _short_form)


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many values `node` stands for with its aliases expanded (each shared node counted
    wherever it is used, computed once per node); a node that contains itself is too large."""
    known = sizes.get(id(node))
    if known is not None:
        if known < 0:
            return MAX_NODES + 1  # an alias to a node that contains it
        return known
    sizes[id(node)] = -1
    total = 1
    if isinstance(node, yaml.SequenceNode):
        total += sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        total += sum(
            _expanded_size(key, sizes) + _expanded_size(value, sizes) for key, value in node.value
        )
    sizes[id(node)] = min(total, MAX_NODES + 1)
    return sizes[id(node)]


def _load_template_yaml(text: str, path: str) -> Any:
    loader = _TemplateLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, {}) > MAX_NODES:
            raise InfrastructureError.at(
                path, f"template too large: more than {MAX_NODES:,} values (aliases expanded)"
            )
        return loader.construct_document(node)
    except RecursionError:
        raise InfrastructureError.at(path, "YAML nested too deeply for a template") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InfrastructureError.at(
            path,
            f"not valid YAML or JSON: {getattr(exc, 'problem', None) or exc}",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        ) from None
    finally:
        loader.dispose()


def read_template(data: dict[str, Any], path: str, parameters: dict[str, str]) -> Infrastructure:
    declared = data.get("Parameters") or {}
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        if name in parameters:
            values[name] = parameters[name]
        elif isinstance(spec, dict) and "Default" in spec:
            values[name] = spec["Default"]
    unknown_parameters = sorted(set(parameters) - set(declared))
    if unknown_parameters:
        raise InfrastructureError.at(
            path,
            f"parameters not in the template: {', '.join(unknown_parameters)}",
            hint=f"its parameters: {', '.join(declared) or 'none'}",
        )
    region = values.get("AWS::Region") if isinstance(values.get("AWS::Region"), str) else None
    declared_resources = data.get("Resources") or {}
    for logical, body in declared_resources.items():
        if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
            raise InfrastructureError.at(path, f"Resources.{logical}: no Type")
    names = _names(declared_resources, values)
    resources = []
    for logical, body in declared_resources.items():
        properties = _resolve(body.get("Properties") or {}, values, names)
        key = NAMED.get(body["Type"])
        if key is not None and isinstance(properties, dict):
            properties[key] = names[f"{logical}.{key}"]
        resources.append(Resource(str(logical), body["Type"], ("create",), None, properties))
    return Infrastructure(path, "cloudformation", region, resources)


NAMED = {
    "AWS::SageMaker::Endpoint": "EndpointName",
    "AWS::SageMaker::EndpointConfig": "EndpointConfigName",
}
"""Resources other resources name (a scalable target its endpoint, an endpoint its
configuration), and the attribute `Fn::GetAtt` reads their name from."""


def _names(resources: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    """`LOGICAL.Attribute` → the name of each resource in NAMED: the template's own name
    where it gives one, otherwise a stand-in `<LOGICAL>` for the name CloudFormation will
    generate — enough to link resources within the template, never shown as a price."""
    names: dict[str, Any] = {}
    for logical, body in resources.items():
        key = NAMED.get(body["Type"])
        if key is None:
            continue
        given = _resolve((body.get("Properties") or {}).get(key), parameters, {})
        names[f"{logical}.{key}"] = given if given is not None else f"<{logical}>"
    return names


_SUB = re.compile(r"\$\{([A-Za-z0-9:._]+)\}")


def _resolve(value: Any, parameters: dict[str, Any], names: dict[str, Any]) -> Any:
    """Intrinsic functions resolved where the template alone decides them: `Ref` to a
    parameter, `Fn::Sub` and `Fn::Join` of known parts, and `Fn::GetAtt` of a name the
    template links resources by (`names`)."""
    if isinstance(value, list):
        return [_resolve(v, parameters, names) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        [(name, argument)] = value.items()
        if name == "Ref":
            if isinstance(argument, str) and argument in parameters:
                return parameters[argument]
            return Unknown(f"Ref {argument} (a resource or a parameter without a value)")
        if name == "Fn::GetAtt":
            attribute = ".".join(argument) if isinstance(argument, list) else str(argument)
            if attribute in names and isinstance(names[attribute], str):
                return names[attribute]
            return Unknown(f"Fn::GetAtt {attribute} (needs the deployed stack)")
        if name == "Fn::Sub" and isinstance(argument, str):
            known = {**parameters, **names}
            found = _SUB.findall(argument)
            if all(n in known and isinstance(known[n], str | int | float) for n in found):
                return _SUB.sub(lambda m: str(known[m.group(1)]), argument)
            return Unknown(f"Fn::Sub {argument!r}")
        if name == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
            separator, parts = argument[0], _resolve(argument[1], parameters, names)
            if (
                isinstance(separator, str)
                and isinstance(parts, list)
                and all(isinstance(p, str | int | float) for p in parts)
            ):
                return separator.join(str(p) for p in parts)
            return Unknown("Fn::Join of a value the template leaves open")
        if name.startswith("Fn::") or name == "Condition":
            return Unknown(f"{name} (needs the deployed stack)")
    return {k: _resolve(v, parameters, names) for k, v in value.items()}


MAX_PARAMETER_FILE_BYTES = 1_000_000


def read_parameter_file(path: Path) -> dict[str, str]:
    """A CloudFormation parameter file, in either form AWS tools write: the list
    `aws cloudformation create-stack --parameters file://params.json` reads
    (`[{"ParameterKey": K, "ParameterValue": V}]`), or a template configuration
    (`{"Parameters": {K: V}}`, as CodePipeline and `aws cloudformation deploy` take)."""
    text = read_text_file(path, error=InfrastructureError, limit=MAX_PARAMETER_FILE_BYTES)
    where = str(path)
    data = parse_json(text, where, error=InfrastructureError, what="a parameter file")
    found: dict[str, str] = {}
    if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
        for key, value in data["Parameters"].items():
            found[key] = _parameter_value(value, where, f"Parameters.{key}")
        return found
    if isinstance(data, list):
        for number, entry in enumerate(data):
            field = f"[{number}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("ParameterKey"), str):
                raise InfrastructureError.at(
                    where, f"{field}: expected an object with ParameterKey and ParameterValue"
                )
            if entry.get("UsePreviousValue") is True:
                raise InfrastructureError.at(
                    where,
                    f"{field}.UsePreviousValue: the deployed stack's value is not known here; "
                    "give ParameterValue",
                )
            found[entry["ParameterKey"]] = _parameter_value(
                entry.get("ParameterValue"), where, f"{field}.ParameterValue"
            )
        return found
    raise InfrastructureError.at(
        where,
        'expected a CloudFormation parameter file: [{"ParameterKey": …, "ParameterValue": …}] '
        'or {"Parameters": {NAME: VALUE}}',
    )


def _parameter_value(value: Any, path: str, field: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InfrastructureError.at(path, f"{field}: expected a string or a number")
    return str(value)


def parse_parameters(texts: list[str]) -> dict[str, str]:
    """`--parameter NAME=VALUE` values (repeatable)."""
    found = {}
    for text in texts:
        name, sep, value = text.partition("=")
        if not sep or not name:
            raise InfrastructureError.at("", f"«parameter» {text!r}: expected NAME=VALUE")
        found[name] = value
    return found


def tag_value(state: dict[str, Any], key: str) -> str | None:
    """A resource's tag value: Terraform's `tags` mapping, CloudFormation's `Tags` list."""
    tags = state.get("tags") or state.get("Tags")
    if isinstance(tags, dict):
        value = tags.get(key)
        return value if isinstance(value, str) else None
    if isinstance(tags, list):
        for tag in tags:
            if (
                isinstance(tag, dict)
                and tag.get("Key") == key
                and isinstance(tag.get("Value"), str)
            ):
                return str(tag["Value"])
    return None
