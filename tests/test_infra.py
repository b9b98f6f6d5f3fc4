"""Infrastructure priced (issue 33): a Terraform plan and a CloudFormation template in their
real formats, every priced resource checked against a hand computation from the bundled
snapshot's prices, and the bad inputs a CI user meets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

PLAN = str(ROOT / "tests/fixtures/infra/plan.json")
TEMPLATE = str(ROOT / "tests/fixtures/infra/template.yaml")


def _document(cli: Any, *args: str) -> dict[str, Any]:
    result = cli("infra", *args, "-f", "json")
    assert result.code == 0, result
    document: dict[str, Any] = json.loads(result.out)
    return document


def test_a_plan_prices_each_resource_before_and_after(cli: Any) -> None:
    """SageMaker hosting ml.g5.2xlarge $1.515 / h, ml.g6e.xlarge $2.61 / h; Claude v2.1
    provisioned, 6 months, $34.992 per model unit-hour; OpenSearch Serverless without standby
    replicas, 2 OCUs × $0.24; EC2 g6e.xlarge $1.861 / h; 730 hours."""
    document = _document(cli, PLAN)
    by = {r["address"]: r for r in document["resources"]}
    config = by["aws_sagemaker_endpoint_configuration.llm"]
    assert config["before_monthly_usd"] == pytest.approx(1 * 730 * 1.515)  # 1,105.95
    assert config["after_monthly_usd"] == pytest.approx(2 * 730 * 2.61)  # 3,810.60
    assert config["changed"] == [
        "AllTraffic.instance_type ml.g5.2xlarge → ml.g6e.xlarge",
        "AllTraffic.instance_count 1 → 2",
    ]
    claude = by["aws_bedrock_provisioned_model_throughput.claude"]
    assert (claude["change"], claude["before_monthly_usd"]) == ("create", None)
    assert claude["after_monthly_usd"] == pytest.approx(2 * 730 * 34.992)  # 51,088.32
    assert by["aws_opensearchserverless_collection.kb"]["after_monthly_usd"] == pytest.approx(
        2 * 730 * 0.24
    )
    assert by["aws_instance.gpu"]["after_monthly_usd"] == pytest.approx(730 * 1.861)
    total = document["total"]
    assert total["before_monthly_usd"] == pytest.approx(1105.95 + 350.40)
    assert total["after_monthly_usd"] == pytest.approx(3810.60 + 51088.32 + 350.40 + 1358.53)
    assert total["complete"]
    statuses = {a: r["status"] for a, r in by.items()}
    assert statuses["aws_lambda_function.api"] == "usage"
    assert statuses["aws_dynamodb_table.sessions"] == "not-priced"
    assert statuses["aws_instance.bastion"] == "not-priced"
    assert statuses["aws_sagemaker_endpoint.llm"] == "included"
    assert set(total["not_priced"]) == {
        "aws_instance.bastion",
        "aws_lambda_function.api",
        "aws_apigatewayv2_api.http",
        "aws_bedrockagent_knowledge_base.docs",
        "aws_dynamodb_table.sessions",
    }


def test_a_template_with_parameters(cli: Any) -> None:
    """2 × ml.g5.2xlarge × 730 h × $1.515 = $2,211.90; standby replicas: 4 OCUs × 730 ×
    $0.24 = $700.80."""
    document = _document(cli, TEMPLATE, "--parameter", "InstanceCount=2")
    by = {r["address"]: r for r in document["resources"]}
    assert by["LlmConfig"]["after_monthly_usd"] == pytest.approx(2 * 730 * 1.515)
    assert by["Vectors"]["after_monthly_usd"] == pytest.approx(4 * 730 * 0.24)
    assert document["total"]["after_monthly_usd"] == pytest.approx(2211.90 + 700.80)
    assert document["region"] == "us-east-1"  # the template's AWS::Region parameter
    other = _document(cli, TEMPLATE, "--parameter", "InstanceType=ml.g6e.xlarge")
    assert {r["address"]: r for r in other["resources"]}["LlmConfig"][
        "after_monthly_usd"
    ] == pytest.approx(730 * 2.61)


def test_a_parameter_file_in_both_aws_forms(cli: Any, tmp_path: Path) -> None:
    """create-stack's list and a template configuration's mapping give the same values; a
    --parameter wins over the file. 3 × 730 h × $1.515 = $3,317.85."""
    listed = tmp_path / "params.json"
    listed.write_text(
        '[{"ParameterKey": "InstanceCount", "ParameterValue": "3"},'
        ' {"ParameterKey": "InstanceType", "ParameterValue": "ml.g5.2xlarge"}]'
    )
    mapped = tmp_path / "config.json"
    mapped.write_text('{"Parameters": {"InstanceCount": 3}, "Tags": {"team": "ml"}}')
    for path in (listed, mapped):
        document = _document(cli, TEMPLATE, "--parameters-file", str(path))
        by = {r["address"]: r for r in document["resources"]}
        assert by["LlmConfig"]["after_monthly_usd"] == pytest.approx(3 * 730 * 1.515)
    document = _document(
        cli, TEMPLATE, "--parameters-file", str(listed), "--parameter", "InstanceCount=1"
    )
    by = {r["address"]: r for r in document["resources"]}
    assert by["LlmConfig"]["after_monthly_usd"] == pytest.approx(730 * 1.515)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"ParameterValue": "3"}]', "[0]: expected an object with ParameterKey"),
        ('[{"ParameterKey": "InstanceCount", "UsePreviousValue": true}]', "UsePreviousValue"),
        ('{"Parameters": {"InstanceCount": [3]}}', "Parameters.InstanceCount: expected a string"),
        ('"InstanceCount=3"', "expected a CloudFormation parameter file"),
        ("[{", "not valid JSON"),
    ],
)
def test_a_bad_parameter_file(cli: Any, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "params.json"
    path.write_text(text)
    result = cli("infra", TEMPLATE, "--parameters-file", str(path))
    assert result.code == 2 and message in result.err and str(path) in result.err
    assert "Traceback" not in result.err


def test_a_calendar_month(cli: Any) -> None:
    document = _document(cli, TEMPLATE, "--month", "2026-02")
    by = {r["address"]: r for r in document["resources"]}
    assert by["LlmConfig"]["after_monthly_usd"] == pytest.approx(672 * 1.515)


def test_values_known_only_at_apply_make_the_total_a_lower_bound(cli: Any, tmp_path: Path) -> None:
    plan = json.loads(Path(PLAN).read_text())
    change = plan["resource_changes"][0]["change"]
    change["after"]["production_variants"][0]["initial_instance_count"] = None
    change["after_unknown"] = {"production_variants": [{"initial_instance_count": True}]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    document = _document(cli, str(path))
    config = document["resources"][0]
    assert config["status"] == "unknown" and "known only after apply" in config["reason"]
    assert not document["total"]["complete"]
    markdown = cli("infra", str(path), "-f", "markdown").out
    assert "incomplete: at least that" in markdown
    assert document["total"]["after_monthly_usd"] == pytest.approx(51088.32 + 350.40 + 1358.53)


def test_a_count_unknown_at_plan_time_is_named_and_the_rest_priced(
    cli: Any, tmp_path: Path
) -> None:
    """Terraform 1.9+ with deferred actions moves a resource whose count or for_each it
    cannot know yet to `deferred_changes` (`reason: instance_count_unknown`): that resource
    is unknown, named with why, and the total is a lower bound of the rest."""
    plan = json.loads(Path(PLAN).read_text())
    gpu = {
        "address": "aws_instance.gpu[*]",
        "mode": "managed",
        "type": "aws_instance",
        "name": "gpu",
        "change": {"actions": ["create"], "before": None,
                   "after": {"instance_type": "g5.xlarge"}, "after_unknown": {}},
    }  # fmt: skip
    plan["deferred_changes"] = [{"reason": "instance_count_unknown", "resource_change": gpu}]
    plan["complete"] = False
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    document = _document(cli, str(path))
    by = {r["address"]: r for r in document["resources"]}
    assert by["aws_instance.gpu[*]"]["status"] == "unknown"
    assert by["aws_instance.gpu[*]"]["after_monthly_usd"] is None
    assert "count or for_each is known only after apply" in by["aws_instance.gpu[*]"]["reason"]
    assert not document["total"]["complete"]
    whole = _document(cli, PLAN)
    assert document["total"]["after_monthly_usd"] == pytest.approx(
        whole["total"]["after_monthly_usd"]
    )
    plan["deferred_changes"] = {"reason": "x"}
    path.write_text(json.dumps(plan))
    bad = cli("infra", str(path))
    assert bad.code == 2 and "deferred_changes: expected a list" in bad.err


@pytest.mark.parametrize("value", ["-3", "2.5", "true", "1e400", '"two"'])
def test_counts_out_of_range_are_named_not_priced(cli: Any, tmp_path: Path, value: str) -> None:
    """A definition's counts are checked as scenario numbers are: a negative, fractional,
    boolean or infinite instance count or model-unit count leaves the resource unknown (the
    total incomplete), never a negative or fractional price."""
    plan = json.loads(Path(PLAN).read_text())
    after = plan["resource_changes"][0]["change"]["after"]
    after["production_variants"][0]["initial_instance_count"] = "@"
    plan["resource_changes"][2]["change"]["after"]["model_units"] = "@"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan).replace('"@"', value))
    document = _document(cli, str(path))
    by = {r["address"]: r for r in document["resources"]}
    config = by["aws_sagemaker_endpoint_configuration.llm"]
    assert config["status"] == "unknown" and "is not a whole number" in config["reason"]
    units = by["aws_bedrock_provisioned_model_throughput.claude"]
    assert units["status"] == "unknown" and "model_units" in units["reason"]
    assert not document["total"]["complete"]
    assert document["total"]["after_monthly_usd"] == pytest.approx(350.40 + 1358.53)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format_version": "1.2", "resource_changes": [], "x": NaN}', "NaN is not a number"),
        ('{"format_version": "1.2", "resource_changes": ' + "[" * 100_000, "nested too deeply"),
        ("Resources:\n  A: " + "[" * 100_000, "nested too deeply"),
        (  # a billion laughs: nine levels of ten aliases each
            "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n"
            "      l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"      l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 9)
            ),
            "template too large",
        ),
        ("Resources:\n  A: &a\n    Type: AWS::S3::Bucket\n    Properties: {x: *a}\n", "too large"),
    ],
)
def test_hostile_json_and_yaml_are_clear_errors(
    cli: Any, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(text)
    result = cli("infra", str(path), "--region", "us-east-1")
    assert result.code == 2 and message in result.err and "Traceback" not in result.err


def test_a_lambdas_memory_from_a_template_parameter(cli: Any, tmp_path: Path) -> None:
    """CloudFormation parameters are text: MemorySize "1024" is 1 GB, not the 128 MB default.
    2M requests × 400 ms × 1 GB = 800,000 GB-s × $0.0000166667 = $13.33, and 2M requests ×
    $0.20 = $0.40 (x86, us-east-1; the free tier is the account's, not a function's)."""
    template = tmp_path / "t.yaml"
    template.write_text(
        "Parameters:\n  Memory: {Type: Number, Default: 1024}\n"
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
        "    Properties: {MemorySize: !Ref Memory}\n"
    )
    usage = tmp_path / "usage.yml"
    usage.write_text(
        "resource_usage:\n  Fn: {requests_per_month: 2000000, average_duration_ms: 400}\n"
    )
    document = _document(cli, str(template), "--region", "us-east-1", "--usage", str(usage))
    function = document["resources"][0]
    assert "memory_size 1024 MB" in function["changed"]
    assert function["after_monthly_usd"] == pytest.approx(800_000 * 0.0000166667 + 0.40, abs=0.01)
    too_small = _document(
        cli, str(template), "--region", "us-east-1", "--usage", str(usage),
        "--parameter", "Memory=64",
    )  # fmt: skip
    assert too_small["resources"][0]["status"] == "unknown"
    assert (
        "memory_size '64' is not a whole number of at least 128"
        in too_small["resources"][0]["reason"]
    )


def test_a_price_the_snapshot_lacks_is_named(cli: Any, tmp_path: Path) -> None:
    plan = json.loads(Path(PLAN).read_text())
    plan["configuration"]["provider_config"]["aws"]["expressions"]["region"] = {
        "constant_value": "eu-central-1"
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    document = _document(cli, str(path))
    config = document["resources"][0]
    assert config["status"] == "missing"
    assert (
        "no public on_demand price for sagemaker ml.g6e.xlarge in eu-central-1"
        in (config["reason"])
    )
    assert not document["total"]["complete"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format_version": "2.0", "resource_changes": []}', "plan format_version '2.0'"),
        ('{"format_version": "1.2", "resource_changes": {}}', "resource_changes: expected a list"),
        ("{not json", "not valid JSON"),
        ("Resources: [1, 2]\n", "neither a Terraform plan"),
        (
            "Resources:\n  X: !!python/object/apply:os.system ['echo hi']\n",
            "not valid YAML or JSON",
        ),
        ("Resources:\n  X: {Properties: {}}\n", "Resources.X: no Type"),
    ],
)
def test_bad_definitions_are_clear_errors(
    cli: Any, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "definition.json"
    path.write_text(content)
    result = cli("infra", str(path), "--region", "us-east-1")
    assert result.code == 2, result
    assert message in result.err and "Traceback" not in result.err


def test_no_region_and_unknown_parameters(cli: Any, tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(
        "Resources:\n  Box:\n    Type: AWS::EC2::Instance\n"
        "    Properties: {InstanceType: g6e.xlarge}\n"
    )
    result = cli("infra", str(template))
    assert result.code == 2 and "give --region" in result.err
    assert _document(cli, str(template), "--region", "us-east-1")["total"][
        "after_monthly_usd"
    ] == pytest.approx(730 * 1.861)
    wrong = cli("infra", TEMPLATE, "--parameter", "InstanceKind=ml.g5.xlarge")
    assert wrong.code == 2 and "parameters not in the template: InstanceKind" in wrong.err


def test_the_python_api(tmp_path: Path) -> None:
    from genai_cost import api

    document = api.infrastructure(PLAN)
    rows = api.frame(document, "resource")
    assert list(rows["address"])[:2] == [
        "aws_sagemaker_endpoint_configuration.llm",
        "aws_bedrock_provisioned_model_throughput.claude",
    ]


USAGE = str(ROOT / "tests/fixtures/infra/usage.yml")


def test_a_usage_file_prices_the_usage_priced_resources(cli: Any) -> None:
    """Lambda (arm, 1,024 MB): 500,000 requests × 0.4 s × 1 GB = 200,000 GB-s × $0.0000133334
    + 0.5M requests × $0.20 = $2.77; API Gateway HTTP 0.5M × $1.00 = $0.50; the collection's
    10 GB × $0.024 = $0.24 beside its minimum OCUs."""
    document = _document(cli, PLAN, "--usage", USAGE)
    by = {r["address"]: r for r in document["resources"]}
    assert by["aws_lambda_function.api"]["after_monthly_usd"] == pytest.approx(
        200_000 * 0.0000133334 + 0.5 * 0.20, abs=1e-9
    )
    assert by["aws_apigatewayv2_api.http"]["after_monthly_usd"] == pytest.approx(0.5 * 1.00)
    assert by["aws_opensearchserverless_collection.kb"]["after_monthly_usd"] == pytest.approx(
        2 * 730 * 0.24 + 10 * 0.024
    )
    assert "aws_lambda_function.api" not in document["total"]["not_priced"]
    assert "aws_bedrockagent_knowledge_base.docs" in document["total"]["not_priced"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "resource_usage:\n  aws_lambda_function.apii: {requests_per_month: 1}\n",
            "usage.yml:2:3: resource_usage.aws_lambda_function.apii: "
            "'aws_lambda_function.apii' is not a resource of the definition "
            "(did you mean 'aws_lambda_function.api'?)",
        ),
        (
            "resource_usage:\n  aws_lambda_function.api: {storage_gb: 1}\n",
            "storage_gb: not a usage of aws_lambda_function",
        ),
        (
            "resource_usage:\n  aws_lambda_function.api: {requests_per_month: -1}\n",
            "requests_per_month",
        ),
    ],
)
def test_a_bad_usage_file(cli: Any, tmp_path: Path, content: str, message: str) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text(content)
    result = cli("infra", PLAN, "--usage", str(usage))
    assert result.code == 2, result
    assert message in result.err


def _base_of(tmp_path: Path) -> Path:
    """The plan's own "before" as a plan of its own: every resource unchanged."""
    plan = json.loads(Path(PLAN).read_text())
    kept = []
    for change in plan["resource_changes"]:
        before = change["change"]["before"]
        if before is not None:
            change["change"] = {"actions": ["no-op"], "before": before, "after": before}
            kept.append(change)
    plan["resource_changes"] = kept
    path = tmp_path / "base.json"
    path.write_text(json.dumps(plan))
    return path


def test_two_plans_say_what_one_plan_says(cli: Any, tmp_path: Path) -> None:
    """`diff --base-plan B --head-plan H` (the base branch's plan against the pull
    request's) prices each resource as the plan of the change does."""
    base = _base_of(tmp_path)
    one = _document(cli, PLAN)
    two = json.loads(cli("diff", "--base-plan", str(base), "--head-plan", PLAN, "-f", "json").out)
    assert two["base"] == str(base)
    for key in ("before_monthly_usd", "after_monthly_usd", "change_usd"):
        assert two["total"][key] == pytest.approx(one["total"][key])
    by = {r["address"]: r for r in two["resources"]}
    assert by["aws_sagemaker_endpoint_configuration.llm"]["change"] == "update"
    assert by["aws_bedrock_provisioned_model_throughput.claude"]["change"] == "create"
    assert by["aws_opensearchserverless_collection.kb"]["change"] == "no-op"
    assert (
        by["aws_sagemaker_endpoint_configuration.llm"]["changed"]
        == (one["resources"][0]["changed"])
    )


def test_thresholds_on_infrastructure(cli: Any, tmp_path: Path) -> None:
    base = str(_base_of(tmp_path))
    failed = cli("infra", PLAN, "--base", base, "--fail-on-increase", "10%")
    assert failed.code == 1 and "--fail-on-increase 10% (total)" in failed.err
    within = cli("infra", PLAN, "--fail-above", "60000", "-f", "json")
    assert within.code == 0 and json.loads(within.out)["verdict"] == "pass"
    each = json.loads(cli("infra", PLAN, "--warn-on-increase", "line:2000", "-f", "json").out)
    assert each["verdict"] == "warn"
    assert sorted(each["breached"]) == [
        "--warn-on-increase line:2000 (aws_bedrock_provisioned_model_throughput.claude)",
        "--warn-on-increase line:2000 (aws_sagemaker_endpoint_configuration.llm)",
    ]
    wrong = cli("infra", PLAN, "--fail-on-increase", "workload:10%")
    assert wrong.code == 2 and "infrastructure has no workloads" in wrong.err
    alone = cli("diff", "--base-plan", base)
    assert alone.code == 2 and "--base-plan and --head-plan go together" in alone.err


def test_a_template_against_its_base_revision(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CloudFormation template kept in the repository: `--base-ref` reads it as it was
    (git, in memory) and prices both. One ml.g5.2xlarge became two: +730 × $1.515."""
    import subprocess

    repo = tmp_path / "repo"
    repo.mkdir()
    template = repo / "stack.yaml"
    template.write_text(Path(TEMPLATE).read_text())

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".")
    git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base")
    template.write_text(Path(TEMPLATE).read_text().replace("Default: 1\n", "Default: 2\n"))
    monkeypatch.chdir(repo)
    document = _document(cli, "stack.yaml", "--base-ref", "main")
    by = {r["address"]: r for r in document["resources"]}
    assert document["base"] == "main:stack.yaml"
    assert by["LlmConfig"]["change"] == "update"
    assert by["LlmConfig"]["changed"] == ["AllTraffic.instance_count 1 → 2"]
    assert document["total"]["change_usd"] == pytest.approx(730 * 1.515)
    assert by["Vectors"]["change"] == "no-op"
    unknown = cli("infra", "stack.yaml", "--base-ref", "nope")
    assert unknown.code == 2 and "--base-ref 'nope': no such revision" in unknown.err


SCENARIO = str(ROOT / "tests/fixtures/infra/scenario.yaml")


def test_a_scenario_runs_on_its_infrastructure(cli: Any, tmp_path: Path) -> None:
    """The plan's capacity and the workload's traffic in one bill: inference (Nova Lite,
    300M input × $0.06 + 125M output × $0.24 = $48.00) plus the plan's resources after the
    change, the Lambda and API Gateway at the workload's 500,000 requests ($2.77 and $0.50),
    the collection's 10 GB ($0.24): whole when every resource is priced."""
    document = json.loads(cli("estimate", SCENARIO, "-f", "json").out)
    bill = document["scenarios"][0]["bill"]
    missing = {m["item"]: m["reason"] for m in bill["missing"]}
    assert set(missing) == {
        "aws_instance.bastion",
        "aws_bedrockagent_knowledge_base.docs",
        "aws_dynamodb_table.sessions",
    }
    assert "not a GPU or accelerator instance type" in missing["aws_instance.bastion"]
    # the same infrastructure without what cannot be priced: a whole bill
    plan = json.loads(Path(PLAN).read_text())
    unpriceable = {"aws_instance.bastion", "aws_bedrockagent_knowledge_base.docs",
                   "aws_dynamodb_table.sessions"}  # fmt: skip
    plan["resource_changes"] = [
        r for r in plan["resource_changes"] if r["address"] not in unpriceable
    ]
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    (tmp_path / "scenario.yaml").write_text(Path(SCENARIO).read_text())
    whole = json.loads(cli("estimate", str(tmp_path / "scenario.yaml"), "-f", "json").out)
    bill = whole["scenarios"][0]["bill"]
    assert bill["complete"], bill["missing"]
    infra = sum(c["usd"] for c in bill["components"] if c["family"] == "infrastructure")
    expected = 3810.60 + 51088.32 + 350.40 + 0.24 + 1358.53 + 200_000 * 0.0000133334 + 0.10 + 0.50
    assert infra == pytest.approx(expected, abs=0.01)
    assert bill["total_monthly_cost_usd"] == pytest.approx(48.00 + expected, abs=0.01)
    lambda_lines = [c for c in bill["components"] if c["item"] == "aws_lambda_function.api"]
    assert lambda_lines and all(c["workloads"] == ["answers"] for c in lambda_lines)
    assert all(c["scales_with_requests"] for c in lambda_lines)


def _scaled_plan(floor: int) -> dict[str, Any]:
    """An endpoint on one ml.g5.2xlarge whose auto-scaling keeps at least `floor` instances."""

    def change(address: str, after: dict[str, Any]) -> dict[str, Any]:
        kind, name = address.split(".")
        return {"address": address, "mode": "managed", "type": kind, "name": name,
                "change": {"actions": ["create"], "before": None, "after": after,
                           "after_unknown": {}}}  # fmt: skip

    config = {
        "name": "chat-config",
        "production_variants": [
            {"variant_name": "AllTraffic", "instance_type": "ml.g5.2xlarge",
             "initial_instance_count": 1}
        ],
    }  # fmt: skip
    target = {
        "service_namespace": "sagemaker",
        "resource_id": "endpoint/chat/variant/AllTraffic",
        "scalable_dimension": "sagemaker:variant:DesiredInstanceCount",
        "min_capacity": floor,
        "max_capacity": 6,
    }
    region = {"region": {"constant_value": "us-east-1"}}
    return {
        "format_version": "1.2",
        "configuration": {"provider_config": {"aws": {"expressions": region}}},
        "resource_changes": [
            change("aws_sagemaker_endpoint_configuration.chat", config),
            change(
                "aws_sagemaker_endpoint.chat",
                {"name": "chat", "endpoint_config_name": "chat-config"},
            ),
            change("aws_appautoscaling_target.chat", target),
        ],
    }


def test_an_autoscaling_floor_above_the_configuration(cli: Any, tmp_path: Path) -> None:
    """min_capacity 3 on a variant configured with 1 ml.g5.2xlarge: 2 more instances run all
    month, 2 × 730 h × $1.515 = $2,211.90, on top of the configuration's 730 × $1.515 =
    $1,105.95. A floor at or below the configured count adds nothing; lowering it from 3 to
    1 in a pull request saves the $2,211.90, shown as min_capacity 3 → 1."""
    head, base = tmp_path / "head.json", tmp_path / "base.json"
    head.write_text(json.dumps(_scaled_plan(3)))
    document = _document(cli, str(head))
    by = {r["address"]: r for r in document["resources"]}
    assert by["aws_appautoscaling_target.chat"]["after_monthly_usd"] == pytest.approx(2211.90)
    assert by["aws_sagemaker_endpoint_configuration.chat"]["after_monthly_usd"] == (
        pytest.approx(1105.95)
    )
    assert document["total"]["after_monthly_usd"] == pytest.approx(3317.85)
    base.write_text(json.dumps(_scaled_plan(3)))
    head.write_text(json.dumps(_scaled_plan(1)))
    compared = _document(cli, str(head), "--base", str(base))
    target = {r["address"]: r for r in compared["resources"]}["aws_appautoscaling_target.chat"]
    assert target["status"] == "included" and target["after_monthly_usd"] is None
    assert target["change_usd"] == pytest.approx(-2211.90)
    assert target["changed"] == ["min_capacity 3 → 1"]
    assert compared["total"]["change_usd"] == pytest.approx(-2211.90)
    # a scenario on the same plan bills the floor too
    head.write_text(json.dumps(_scaled_plan(3)))
    (tmp_path / "scenario.yaml").write_text(
        "name: scaled\nregion: us-east-1\nworkloads:\n  - name: chat\n"
        "    model: amazon.nova-lite-v1:0\n    tokens_per_request: {input: 600, output: 250}\n"
        "    traffic: {requests_per_month: 500000}\n    options: [on_demand]\n"
        "infrastructure: {definition: head.json}\n"
    )
    bill = json.loads(cli("estimate", str(tmp_path / "scenario.yaml"), "-f", "json").out)[
        "scenarios"
    ][0]["bill"]
    assert bill["complete"], bill["missing"]
    infra = sum(c["usd"] for c in bill["components"] if c["family"] == "infrastructure")
    assert infra == pytest.approx(3317.85)


def test_a_cdk_templates_floor_is_linked_through_its_intrinsics(cli: Any, tmp_path: Path) -> None:
    """As `cdk synth` writes it: names generated by CloudFormation, linked by Fn::GetAtt and
    the target's ResourceId built with Fn::Join. MinCapacity 2 over 1 configured ml.g5.2xlarge
    adds 1 × 730 h × $1.515 = $1,105.95; the same with !Sub in YAML."""
    template = {
        "Resources": {
            "Config": {
                "Type": "AWS::SageMaker::EndpointConfig",
                "Properties": {
                    "ProductionVariants": [
                        {
                            "VariantName": "AllTraffic",
                            "InstanceType": "ml.g5.2xlarge",
                            "InitialInstanceCount": 1,
                            "ModelName": "m",
                        }
                    ]
                },
            },
            "Endpoint": {
                "Type": "AWS::SageMaker::Endpoint",
                "Properties": {
                    "EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]}
                },
            },
            "Target": {
                "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
                "Properties": {
                    "ServiceNamespace": "sagemaker",
                    "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
                    "MinCapacity": 2,
                    "MaxCapacity": 4,
                    "ResourceId": {
                        "Fn::Join": [
                            "",
                            [
                                "endpoint/",
                                {"Fn::GetAtt": ["Endpoint", "EndpointName"]},
                                "/variant/AllTraffic",
                            ],
                        ]
                    },
                },
            },
        }
    }
    path = tmp_path / "Stack.template.json"
    path.write_text(json.dumps(template))
    document = _document(cli, str(path), "--region", "us-east-1")
    by = {r["address"]: r for r in document["resources"]}
    assert by["Target"]["status"] == "priced"
    assert by["Target"]["after_monthly_usd"] == pytest.approx(1105.95)
    assert document["total"]["after_monthly_usd"] == pytest.approx(2 * 1105.95)
    assert document["total"]["complete"]
    target = template["Resources"]["Target"]["Properties"]
    target["ResourceId"] = {"Fn::Sub": "endpoint/${Endpoint.EndpointName}/variant/AllTraffic"}
    yaml_path = tmp_path / "template.yaml"
    yaml_path.write_text(yaml.safe_dump(template))
    sub = _document(cli, str(yaml_path), "--region", "us-east-1")
    assert {r["address"]: r for r in sub["resources"]}["Target"]["after_monthly_usd"] == (
        pytest.approx(1105.95)
    )


def test_a_floor_the_definition_does_not_link_is_said(cli: Any, tmp_path: Path) -> None:
    plan = _scaled_plan(3)
    plan["resource_changes"][2]["change"]["after"]["resource_id"] = "endpoint/other/variant/A"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    target = {r["address"]: r for r in _document(cli, str(path))["resources"]}[
        "aws_appautoscaling_target.chat"
    ]
    assert target["status"] == "included"
    assert "not in the definition by name" in target["reason"]
    assert "a min_capacity above it is not counted" in target["reason"]


def test_a_scenarios_infrastructure_path_stays_in_its_folder(cli: Any, tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        Path(SCENARIO).read_text().replace("definition: plan.json", "definition: ../plan.json")
    )
    result = cli("estimate", str(scenario))
    assert result.code == 2
    assert (
        "infrastructure.definition" in result.err and "inside the scenario's folder" in result.err
    )
    wrong = tmp_path / "w.yaml"
    wrong.write_text(Path(SCENARIO).read_text().replace("{workload: answers}", "{workload: x}"))
    result = cli("estimate", str(wrong))
    assert result.code == 2 and "no workload named 'x'" in result.err


def test_every_listed_resource_type(cli: Any, tmp_path: Path) -> None:
    """The rest of the resource types, in the real formats: an asynchronous endpoint's
    instance (730 h × ml.g5.xlarge $1.4084 = $1,028.13), a serverless one (usage-priced), an
    autoscaling target and policy (the configuration's count is priced), a Bedrock agent and
    guardrail and CloudFormation's knowledge base (usage-priced, no snapshot prices yet),
    REST and HTTP APIs (priced from a usage file: 1M × $3.50 and 0.5M × $1.00), a GPU
    instance (730 × g5.xlarge $1.006 = $734.38) and one whose type an intrinsic decides at
    deploy time (unknown: the total is a lower bound)."""
    plan = _document(cli, str(ROOT / "tests/fixtures/infra/plan-more.json"))
    status = {r["address"]: (r["status"], r["after_monthly_usd"]) for r in plan["resources"]}
    assert status["aws_sagemaker_endpoint_configuration.async"] == (
        "priced",
        pytest.approx(730 * 1.4084),
    )
    assert status["aws_sagemaker_endpoint_configuration.serverless"] == ("usage", None)
    assert status["aws_appautoscaling_target.llm"][0] == "included"
    assert status["aws_appautoscaling_policy.llm"][0] == "included"
    assert status["aws_bedrockagent_agent.helper"] == ("usage", None)
    assert status["aws_bedrock_guardrail.screen"] == ("usage", None)
    usage = tmp_path / "usage.yml"
    usage.write_text(
        "resource_usage:\n  aws_api_gateway_rest_api.legacy: {requests_per_month: 1000000}\n"
    )
    with_usage = _document(
        cli, str(ROOT / "tests/fixtures/infra/plan-more.json"), "--usage", str(usage)
    )
    rest = {r["address"]: r for r in with_usage["resources"]}["aws_api_gateway_rest_api.legacy"]
    assert rest["after_monthly_usd"] == pytest.approx(1 * 3.50)
    template = str(ROOT / "tests/fixtures/infra/template-more.yaml")
    stack = _document(cli, template, "--region", "us-east-1")
    by = {r["address"]: r for r in stack["resources"]}
    assert by["Box"]["after_monthly_usd"] == pytest.approx(730 * 1.006)
    assert by["Picked"]["status"] == "unknown" and "Fn::If" in by["Picked"]["reason"]
    assert not stack["total"]["complete"]
    assert {by[k]["status"] for k in ("Docs", "Helper", "Screen", "Http", "Rest")} == {"usage"}
    usage.write_text("resource_usage:\n  Http: {requests_per_month: 500000}\n")
    priced = _document(cli, template, "--region", "us-east-1", "--usage", str(usage))
    http = {r["address"]: r for r in priced["resources"]}["Http"]
    assert http["after_monthly_usd"] == pytest.approx(0.5 * 1.00)


def test_a_lambda_without_its_duration_is_not_priced_as_free(cli: Any, tmp_path: Path) -> None:
    usage = tmp_path / "usage.yml"
    usage.write_text("resource_usage:\n  aws_lambda_function.api: {requests_per_month: 500000}\n")
    document = _document(cli, PLAN, "--usage", str(usage))
    lam = {r["address"]: r for r in document["resources"]}["aws_lambda_function.api"]
    assert lam["status"] == "missing" and "give average_duration_ms" in lam["reason"]
    assert not document["total"]["complete"]


def test_resources_serve_workloads_by_tag(cli: Any, tmp_path: Path) -> None:
    """`workload_tag: team` — the endpoint configuration's lines are charged to the workload
    its tag names (`team: assist`), as if `resources` named it."""
    plan = json.loads(Path(PLAN).read_text())
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        Path(SCENARIO)
        .read_text()
        .replace("name: answers", "name: assist")
        .replace("{workload: answers", "{workload: assist")
        .replace("  definition: plan.json", "  definition: plan.json\n  workload_tag: team")
    )
    bill = json.loads(cli("estimate", str(scenario), "-f", "json").out)["scenarios"][0]["bill"]
    config = [
        c for c in bill["components"] if c["item"] == "aws_sagemaker_endpoint_configuration.llm"
    ]
    assert config and all(c["workloads"] == ["assist"] for c in config)


def test_a_state_and_a_json_template(cli: Any, tmp_path: Path) -> None:
    """`terraform show -json` without a plan (the state: `values.root_module`) and a
    template as `cdk synth --json` writes it."""
    state = {
        "format_version": "1.0",
        "values": {
            "root_module": {
                "resources": [],
                "child_modules": [
                    {
                        "resources": [
                            {
                                "address": "module.ml.aws_instance.gpu",
                                "mode": "managed",
                                "type": "aws_instance",
                                "values": {"instance_type": "g6e.xlarge"},
                            }
                        ]
                    }
                ],
            }
        },
    }
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state))
    document = _document(cli, str(path), "--region", "us-east-1")
    [gpu] = document["resources"]
    assert (gpu["address"], gpu["change"]) == ("module.ml.aws_instance.gpu", "no-op")
    assert gpu["before_monthly_usd"] == gpu["after_monthly_usd"] == pytest.approx(730 * 1.861)
    template = tmp_path / "AppStack.template.json"
    template.write_text(
        json.dumps(
            {
                "Resources": {
                    "Gpu": {
                        "Type": "AWS::EC2::Instance",
                        "Properties": {"InstanceType": "g6e.xlarge"},
                    }
                }
            }
        )
    )
    cdk = _document(cli, str(template), "--region", "us-east-1")
    assert cdk["source"] == "cloudformation"
    assert cdk["total"]["after_monthly_usd"] == pytest.approx(730 * 1.861)
