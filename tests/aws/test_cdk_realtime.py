"""Realtime's CloudFormation: the WebSocket API, the websocket, changes and poster functions, the
tables, the schedule, the endpoints the VPC needs, and who may do what.

With the database created, the websocket and changes functions sit in its VPC, which cannot reach
the WebSocket management API: the poster function, outside any VPC, posts for them and is the
only one that may manage connections. With an existing database nothing is in a VPC, and the
poster posts all the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match

from polarbase_cdk import PINNED_LOGICAL_IDS
from tests.aws.cdk_templates import (
    REGION,
    Templates,
    as_list,
    function_of,
    import_of,
    only,
    role_of,
    statements,
)

REST, WEBSOCKET, CHANGES, POSTER, FILES = (
    "polarbase-rest",
    "polarbase-realtime",
    "polarbase-changes",
    "polarbase-poster",
    "polarbase-files",
)
REST_ONLY = {"POLARBASE_FILES_BUCKET", "POLARBASE_CORS_ORIGINS", "POLARBASE_AUDIT_TABLE"}
"""The REST function's own variables (attachments, CORS, the audit log it reads), which
realtime's functions do without."""
TABLES = {
    "connections": PINNED_LOGICAL_IDS["realtime_connections"],
    "events": PINNED_LOGICAL_IDS["realtime_events"],
}
READS = {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan"}
WRITES = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
}


def websocket_api(templates: Templates) -> str:
    (api_id,) = templates.api.find_resources(
        "AWS::ApiGatewayV2::Api", {"Properties": {"ProtocolType": "WEBSOCKET"}}
    )
    return api_id


def stage_url(templates: Templates, scheme: str) -> dict[str, Any]:
    """``{scheme}://{api id}.execute-api.{region}.amazonaws.com/live``, as CloudFormation has it."""
    return {
        "Fn::Join": [
            "",
            [
                f"{scheme}://",
                {"Ref": websocket_api(templates)},
                f".execute-api.{REGION}.",
                {"Ref": "AWS::URLSuffix"},
                "/live",
            ],
        ]
    }


def table_arn(templates: Templates, table: str) -> dict[str, str]:
    return import_of(templates.stateful, {"Fn::GetAtt": [TABLES[table], "Arn"]})


def table_name(templates: Templates, table: str) -> dict[str, str]:
    return import_of(templates.stateful, {"Ref": TABLES[table]})


def dynamodb_actions(templates: Templates, service: str) -> dict[str, set[str]]:
    """What the function of ``service`` may do to each realtime table, by table (and to no
    other table than the audit log's, whose grants test_cdk_mcp.py checks)."""
    arns = {str(table_arn(templates, table)): table for table in TABLES}
    allowed: dict[str, set[str]] = {}
    for statement in statements(templates.api, role_of(templates.api, service)):
        actions = {a for a in as_list(statement["Action"]) if a.startswith("dynamodb:")}
        if not actions:
            continue
        for resource in as_list(statement["Resource"]):
            if "AuditTable" in str(resource):
                continue
            assert str(resource) in arns, f"{service} may use DynamoDB on {resource}"
            allowed.setdefault(arns[str(resource)], set()).update(actions)
    return allowed


def allowed_resources(templates: Templates, service: str, action: str) -> list[Any]:
    return [
        resource
        for statement in statements(templates.api, role_of(templates.api, service))
        if action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    ]


def function_arn(templates: Templates, service: str) -> list[Any]:
    """How a grant on the function of ``service`` names it: the function and its versions."""
    function_id, _ = function_of(templates.api, service)
    arn = {"Fn::GetAtt": [function_id, "Arn"]}
    return [arn, {"Fn::Join": ["", [arn, ":*"]]}]


# --- the WebSocket API ---------------------------------------------------------------------------


def test_websocket_api_routes_connect_disconnect_and_default_to_the_websocket_function(
    created: Templates,
) -> None:
    api_id = websocket_api(created)
    function_id, _ = function_of(created.api, WEBSOCKET)
    created.api.has_resource_properties(
        "AWS::ApiGatewayV2::Api",
        {"ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.type"},
    )
    routes = created.api.find_resources(
        "AWS::ApiGatewayV2::Route", {"Properties": {"ApiId": {"Ref": api_id}}}
    )
    assert sorted(route["Properties"]["RouteKey"] for route in routes.values()) == [
        "$connect",
        "$default",
        "$disconnect",
    ]
    integrations = created.api.find_resources(
        "AWS::ApiGatewayV2::Integration", {"Properties": {"ApiId": {"Ref": api_id}}}
    )
    for route in routes.values():
        (integration_id,) = [
            logical_id
            for logical_id in integrations
            if route["Properties"]["Target"]
            == {"Fn::Join": ["", ["integrations/", {"Ref": logical_id}]]}
        ]
        integration = integrations[integration_id]["Properties"]
        assert integration["IntegrationType"] == "AWS_PROXY"
        assert {"Fn::GetAtt": [function_id, "Arn"]} in integration["IntegrationUri"]["Fn::Join"][1]


def test_default_route_answers_each_message_with_what_the_function_returns(
    created: Templates,
) -> None:
    api_id = websocket_api(created)
    (default_route_id,) = created.api.find_resources(
        "AWS::ApiGatewayV2::Route",
        {"Properties": {"ApiId": {"Ref": api_id}, "RouteKey": "$default"}},
    )
    created.api.has_resource_properties(
        "AWS::ApiGatewayV2::RouteResponse",
        {"ApiId": {"Ref": api_id}, "RouteId": {"Ref": default_route_id}},
    )
    created.api.resource_count_is("AWS::ApiGatewayV2::RouteResponse", 1)


def test_websocket_stage_is_live_and_deploys_itself(created: Templates) -> None:
    created.api.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {"ApiId": {"Ref": websocket_api(created)}, "StageName": "live", "AutoDeploy": True},
    )


def test_api_gateway_may_invoke_the_websocket_function(created: Templates) -> None:
    function_id, _ = function_of(created.api, WEBSOCKET)
    created.api.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [function_id, "Arn"]},
            "Principal": "apigateway.amazonaws.com",
        },
    )


def test_api_stack_outputs_the_websocket_url(created: Templates) -> None:
    created.api.has_output("WebSocketUrl", {"Value": stage_url(created, "wss")})


# --- the functions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "timeout"), [(WEBSOCKET, 29), (CHANGES, 60), (POSTER, 30), (REST, 29)]
)
def test_function_runs_handler_on_python_313_and_both_layers(
    created: Templates, service: str, timeout: int
) -> None:
    _, function = function_of(created.api, service)
    properties = function["Properties"]
    assert properties["Handler"] == "handler.handler"
    assert properties["Runtime"] == "python3.13"
    assert properties["Architectures"] == ["x86_64"]
    assert properties["Timeout"] == timeout
    layers = created.api.find_resources("AWS::Lambda::LayerVersion")
    assert sorted(layer["Ref"] for layer in properties["Layers"]) == sorted(layers)


@pytest.mark.parametrize("templates", ["created", "existing"])
@pytest.mark.parametrize("service", [WEBSOCKET, CHANGES])
def test_realtime_function_environment_names_the_tables_the_poster_and_the_management_api(
    templates: str, service: str, request: pytest.FixtureRequest
) -> None:
    chosen = request.getfixturevalue(templates)
    _, function = function_of(chosen.api, service)
    poster_id, _ = function_of(chosen.api, POSTER)
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["POLARBASE_MODE"] == "aws"
    assert variables["POLARBASE_REALTIME_CONNECTIONS_TABLE"] == table_name(chosen, "connections")
    assert variables["POLARBASE_REALTIME_EVENTS_TABLE"] == table_name(chosen, "events")
    assert variables["POLARBASE_REALTIME_WEBSOCKET_ENDPOINT"] == stage_url(chosen, "https")
    assert variables["POLARBASE_REALTIME_POSTER_FUNCTION"] == {"Ref": poster_id}
    # As the REST function's: the metadata, the secrets, the region.
    _, rest = function_of(chosen.api, REST)
    for name, value in rest["Properties"]["Environment"]["Variables"].items():
        if name in REST_ONLY:
            assert name not in variables, name
        elif name.startswith("POLARBASE_") and not name.startswith("POLARBASE_REALTIME_"):
            assert variables[name] == value, name


def test_poster_knows_the_region_and_the_management_api_only(created: Templates) -> None:
    _, poster = function_of(created.api, POSTER)
    assert poster["Properties"]["Environment"]["Variables"] == {
        "POLARBASE_AWS_REGION": REGION,
        "POLARBASE_REALTIME_WEBSOCKET_ENDPOINT": stage_url(created, "https"),
        "POWERTOOLS_SERVICE_NAME": POSTER,
        "POWERTOOLS_METRICS_NAMESPACE": "PolarBase",
    }


def test_rest_function_is_told_which_function_drains_the_changes(created: Templates) -> None:
    _, rest = function_of(created.api, REST)
    changes_id, _ = function_of(created.api, CHANGES)
    variables = rest["Properties"]["Environment"]["Variables"]
    assert variables["POLARBASE_REALTIME_CHANGES_FUNCTION"] == {"Ref": changes_id}


def test_websocket_and_changes_functions_join_the_vpc_and_the_poster_stays_out(
    created: Templates,
) -> None:
    _, rest = function_of(created.api, REST)
    for service in (WEBSOCKET, CHANGES):
        _, function = function_of(created.api, service)
        assert function["Properties"]["VpcConfig"] == rest["Properties"]["VpcConfig"]
    _, poster = function_of(created.api, POSTER)
    assert "VpcConfig" not in poster["Properties"]


@pytest.mark.parametrize("templates", ["created", "existing"])
def test_the_api_stack_has_the_rest_websocket_changes_poster_and_files_functions(
    templates: str, request: pytest.FixtureRequest
) -> None:
    functions = request.getfixturevalue(templates).api.find_resources("AWS::Lambda::Function")
    services = sorted(
        f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
        for f in functions.values()
    )
    assert services == sorted([REST, WEBSOCKET, CHANGES, POSTER, FILES, "polarbase-mcp"])


def test_with_an_existing_database_no_function_is_in_a_vpc(existing: Templates) -> None:
    for function in existing.api.find_resources("AWS::Lambda::Function").values():
        assert "VpcConfig" not in function["Properties"]


# --- the schedule --------------------------------------------------------------------------------


def test_changes_function_runs_every_minute(created: Templates) -> None:
    changes_id, _ = function_of(created.api, CHANGES)
    (rule,) = [
        rule
        for rule in created.api.find_resources("AWS::Events::Rule").values()
        if {"Fn::GetAtt": [changes_id, "Arn"]} in [t["Arn"] for t in rule["Properties"]["Targets"]]
    ]
    assert rule["Properties"]["ScheduleExpression"] == "rate(1 minute)"
    assert rule["Properties"]["State"] == "ENABLED"
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [changes_id, "Arn"]}
    created.api.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [changes_id, "Arn"]},
            "Principal": "events.amazonaws.com",
        },
    )


def test_changes_function_drops_failed_and_stale_starts(created: Templates) -> None:
    changes_id, _ = function_of(created.api, CHANGES)
    created.api.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig",
        {
            "FunctionName": {"Ref": changes_id},
            "MaximumRetryAttempts": 0,
            "MaximumEventAgeInSeconds": 60,
        },
    )


# --- the tables ----------------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["connections", "events"])
def test_table_is_on_demand_keyed_pk_sk_and_expires_items(created: Templates, table: str) -> None:
    resource = created.stateful.to_json()["Resources"][TABLES[table]]
    assert resource["Type"] == "AWS::DynamoDB::Table"
    properties = resource["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert sorted(properties["AttributeDefinitions"], key=str) == [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
    ]
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": False}
    # Transient state: deleted with the stack.
    assert resource["DeletionPolicy"] == "Delete"


@pytest.mark.parametrize("templates", ["created", "existing"])
def test_tables_live_in_the_stateful_stack_under_pinned_ids(
    templates: str, request: pytest.FixtureRequest
) -> None:
    # Spelled out, not read from PINNED_LOGICAL_IDS: a changed ID replaces the table.
    resources = request.getfixturevalue(templates).stateful.to_json()["Resources"]
    assert resources["RealtimeConnectionsTable"]["Type"] == "AWS::DynamoDB::Table"
    assert resources["RealtimeEventsTable"]["Type"] == "AWS::DynamoDB::Table"
    request.getfixturevalue(templates).api.resource_count_is("AWS::DynamoDB::Table", 0)


# --- least privilege -----------------------------------------------------------------------------


@pytest.mark.parametrize("templates", ["created", "existing"])
def test_websocket_function_reads_and_writes_connections_and_only_reads_events(
    templates: str, request: pytest.FixtureRequest
) -> None:
    allowed = dynamodb_actions(request.getfixturevalue(templates), WEBSOCKET)
    assert allowed["connections"] >= READS | WRITES
    assert allowed["events"] >= {"dynamodb:GetItem", "dynamodb:Query"}
    assert not allowed["events"] & WRITES


@pytest.mark.parametrize("templates", ["created", "existing"])
def test_changes_function_reads_and_deletes_connections_and_only_writes_events(
    templates: str, request: pytest.FixtureRequest
) -> None:
    allowed = dynamodb_actions(request.getfixturevalue(templates), CHANGES)
    # BatchWriteItem: a gone connection's items are deleted 25 at a time.
    deletes = {"dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
    assert allowed["connections"] >= READS | deletes
    assert not allowed["connections"] & (WRITES - deletes)
    assert allowed["events"] >= {"dynamodb:PutItem", "dynamodb:BatchWriteItem"}
    assert not allowed["events"] & READS


@pytest.mark.parametrize("service", [REST, POSTER])
def test_rest_and_poster_functions_may_not_touch_the_tables(
    created: Templates, service: str
) -> None:
    assert dynamodb_actions(created, service) == {}


@pytest.mark.parametrize("templates", ["created", "existing"])
def test_only_the_poster_may_manage_connections_and_only_those_of_the_stage(
    templates: str, request: pytest.FixtureRequest
) -> None:
    chosen = request.getfixturevalue(templates)
    connections = {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                f":execute-api:{REGION}:123456789012:",
                {"Ref": websocket_api(chosen)},
                "/live/*/@connections/*",
            ],
        ]
    }
    for service in (REST, WEBSOCKET, CHANGES, POSTER):
        expected = [connections] if service == POSTER else []
        assert allowed_resources(chosen, service, "execute-api:ManageConnections") == expected


@pytest.mark.parametrize("templates", ["created", "existing"])
def test_rest_function_may_start_the_changes_function_and_nothing_else(
    templates: str, request: pytest.FixtureRequest
) -> None:
    chosen = request.getfixturevalue(templates)
    assert allowed_resources(chosen, REST, "lambda:InvokeFunction") == function_arn(chosen, CHANGES)


@pytest.mark.parametrize("templates", ["created", "existing"])
def test_websocket_and_changes_functions_may_invoke_the_poster_only(
    templates: str, request: pytest.FixtureRequest
) -> None:
    chosen = request.getfixturevalue(templates)
    for service in (WEBSOCKET, CHANGES):
        assert allowed_resources(chosen, service, "lambda:InvokeFunction") == function_arn(
            chosen, POSTER
        )
    assert allowed_resources(chosen, POSTER, "lambda:InvokeFunction") == []


def test_poster_reads_no_secret_no_bucket_and_no_table(created: Templates) -> None:
    actions = {
        action
        for statement in statements(created.api, role_of(created.api, POSTER))
        for action in as_list(statement["Action"])
    }
    assert actions == {"execute-api:ManageConnections"}


@pytest.mark.parametrize("service", [WEBSOCKET, CHANGES])
def test_realtime_functions_read_the_metadata_object_and_both_secrets(
    created: Templates, service: str
) -> None:
    bucket_arn = import_of(
        created.stateful, {"Fn::GetAtt": [PINNED_LOGICAL_IDS["metadata_bucket"], "Arn"]}
    )
    metadata_object = {"Fn::Join": ["", [bucket_arn, "/polarbase/metadata.sqlite3"]]}
    assert metadata_object in allowed_resources(created, service, "s3:GetObject*")
    assert allowed_resources(created, service, "s3:PutObject") == []
    attachment_id, _ = only(created.stateful, "AWS::SecretsManager::SecretTargetAttachment")
    assert sorted(
        map(str, allowed_resources(created, service, "secretsmanager:GetSecretValue"))
    ) == sorted(
        map(
            str,
            [
                import_of(created.stateful, {"Ref": attachment_id}),
                import_of(created.stateful, {"Ref": PINNED_LOGICAL_IDS["super_admin_key"]}),
            ],
        )
    )


# --- the network ---------------------------------------------------------------------------------


def test_vpc_reaches_dynamodb_and_lambda_through_endpoints_and_has_no_nat(
    created: Templates,
) -> None:
    created.stateful.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {
            "VpcEndpointType": "Gateway",
            "ServiceName": {
                "Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".dynamodb"]]
            },
            "RouteTableIds": Match.any_value(),
        },
    )
    created.stateful.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {
            "VpcEndpointType": "Interface",
            "ServiceName": f"com.amazonaws.{REGION}.lambda",
            "PrivateDnsEnabled": True,
        },
    )
    created.stateful.resource_count_is("AWS::EC2::NatGateway", 0)
    created.stateful.resource_count_is("AWS::EC2::InternetGateway", 0)
    # An execute-api endpoint would not reach the management API, and its private DNS would
    # turn every call to a public API from the VPC into a 403.
    endpoints = created.stateful.find_resources("AWS::EC2::VPCEndpoint")
    assert not [e for e in endpoints.values() if "execute-api" in str(e["Properties"])]


def test_lambda_endpoint_admits_https_from_the_vpc_only(created: Templates) -> None:
    (endpoint,) = created.stateful.find_resources(
        "AWS::EC2::VPCEndpoint",
        {"Properties": {"ServiceName": f"com.amazonaws.{REGION}.lambda"}},
    ).values()
    (group_ref,) = endpoint["Properties"]["SecurityGroupIds"]
    group = created.stateful.to_json()["Resources"][group_ref["Fn::GetAtt"][0]]
    (ingress,) = group["Properties"]["SecurityGroupIngress"]
    assert ingress["FromPort"] == ingress["ToPort"] == 443
    assert ingress["CidrIp"] == {"Fn::GetAtt": [PINNED_LOGICAL_IDS["vpc"], "CidrBlock"]}


def test_existing_database_has_no_vpc_endpoints(existing: Templates) -> None:
    existing.stateful.resource_count_is("AWS::EC2::VPCEndpoint", 0)
