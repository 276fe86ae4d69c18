"""The CDK app's MCP function: its route on the HTTP API, its settings and its grants."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Match

from polarbase_cdk import PINNED_LOGICAL_IDS
from tests.aws.cdk_templates import (
    AUDIT_KEY,
    METADATA_KEY,
    Templates,
    as_list,
    function_of,
    import_of,
    role_of,
    statements,
)

MCP = "polarbase-mcp"
REST = "polarbase-rest"


def _http_api_id(templates: Templates) -> str:
    (found,) = templates.api.find_resources(
        "AWS::ApiGatewayV2::Api", {"Properties": {"ProtocolType": "HTTP"}}
    )
    return found


@pytest.mark.parametrize("templates", ["created", "existing"])
def test_post_get_and_delete_mcp_database_go_to_the_mcp_function(
    templates: str, request: pytest.FixtureRequest
) -> None:
    chosen: Templates = request.getfixturevalue(templates)
    function_id, _ = function_of(chosen.api, MCP)
    api_id = _http_api_id(chosen)
    (integration_id,) = chosen.api.find_resources(
        "AWS::ApiGatewayV2::Integration",
        {
            "Properties": {
                "ApiId": {"Ref": api_id},
                "IntegrationUri": {"Fn::GetAtt": [function_id, "Arn"]},
                "PayloadFormatVersion": "2.0",
            }
        },
    )
    for method in ("POST", "GET", "DELETE"):
        chosen.api.has_resource_properties(
            "AWS::ApiGatewayV2::Route",
            {
                "ApiId": {"Ref": api_id},
                "RouteKey": f"{method} /mcp/database",
                "Target": {"Fn::Join": ["", ["integrations/", {"Ref": integration_id}]]},
            },
        )


def test_the_mcp_function_runs_its_handler_with_the_deployment_settings(
    created: Templates,
) -> None:
    _, function = function_of(created.api, MCP)
    _, rest = function_of(created.api, REST)
    properties = function["Properties"]
    assert properties["Handler"] == "handler.handler"
    assert properties["Layers"] == rest["Properties"]["Layers"]
    assert properties["Timeout"] == 29
    variables = properties["Environment"]["Variables"]
    assert variables["POLARBASE_AUDIT_KEY"] == AUDIT_KEY
    for name in (
        "POLARBASE_MODE",
        "POLARBASE_METADATA_BUCKET",
        "POLARBASE_METADATA_KEY",
        "POLARBASE_DATABASE_SECRET_ARN",
        "POLARBASE_SUPER_ADMIN_KEY_SECRET_ARN",
        "POLARBASE_REALTIME_CHANGES_FUNCTION",
    ):
        assert variables[name] == rest["Properties"]["Environment"]["Variables"][name], name
    # In the database's VPC, as the REST function.
    assert properties["VpcConfig"] == rest["Properties"]["VpcConfig"]


def test_the_mcp_function_writes_the_metadata_and_the_audit_log_and_the_rest_reads_the_log(
    created: Templates,
) -> None:
    bucket_arn = import_of(
        created.stateful, {"Fn::GetAtt": [PINNED_LOGICAL_IDS["metadata_bucket"], "Arn"]}
    )

    def object_arn(key: str) -> dict[str, object]:
        return {"Fn::Join": ["", [bucket_arn, f"/{key}"]]}

    def actions_on(service: str, resource: object) -> set[str]:
        return {
            action
            for statement in statements(created.api, role_of(created.api, service))
            if resource in as_list(statement["Resource"])
            for action in as_list(statement["Action"])
        }

    assert "s3:PutObject" in actions_on(MCP, object_arn(METADATA_KEY))
    assert any(
        action.startswith("s3:GetObject") for action in actions_on(MCP, object_arn(METADATA_KEY))
    )
    # The audit log is a DynamoDB table of the stateful stack, retained with it.
    (table_id,) = created.stateful.find_resources(
        "AWS::DynamoDB::Table", {"DeletionPolicy": "Retain"}
    )
    created.stateful.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "BillingMode": "PAY_PER_REQUEST",
            "TimeToLiveSpecification": {"AttributeName": "expiresAt", "Enabled": True},
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
        },
    )
    table_arn = import_of(created.stateful, {"Fn::GetAtt": [table_id, "Arn"]})
    written = actions_on(MCP, table_arn)
    assert {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"} <= written
    read = actions_on(REST, table_arn)
    assert {"dynamodb:GetItem", "dynamodb:Query"} <= read
    assert not {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} & read
    table_name = import_of(created.stateful, {"Ref": table_id})
    for service in (MCP, REST):
        variables = function_of(created.api, service)[1]["Properties"]["Environment"]["Variables"]
        assert variables["POLARBASE_AUDIT_TABLE"] == table_name, service
    # and no more the audit file in the bucket
    for service in (MCP, REST):
        assert not actions_on(service, object_arn(AUDIT_KEY)), service


def test_the_stack_outputs_the_mcp_url(created: Templates) -> None:
    created.api.has_output("McpUrl", {"Value": Match.object_like({"Fn::Join": Match.any_value()})})
