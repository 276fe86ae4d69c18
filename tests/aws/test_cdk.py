"""The CDK app's CloudFormation: every resource issue 3 asks for, its settings and its grants.

The ``created`` and ``existing`` fixtures (``conftest.py``) synthesize the app once per database
mode for the run; realtime's resources are checked in ``test_cdk_realtime.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match

from polarbase_cdk import PINNED_LOGICAL_IDS, PYTHON_VERSION
from polarbase_cdk.constructs import Database, Layers
from tests.aws.cdk_templates import (
    AUDIT_KEY,
    EXISTING_SECRET_ARN,
    METADATA_KEY,
    ROOT,
    Templates,
    as_list,
    function_of,
    import_of,
    only,
    role_of,
    statements,
)


def http_api(templates: Templates) -> tuple[str, Mapping[str, Any]]:
    (found,) = templates.api.find_resources(
        "AWS::ApiGatewayV2::Api", {"Properties": {"ProtocolType": "HTTP"}}
    ).items()
    return found


# --- resources -----------------------------------------------------------------------------------


def test_api_stack_has_the_rest_function_its_two_layers_and_an_http_api(
    created: Templates,
) -> None:
    function_of(created.api, "polarbase-rest")
    created.api.resource_count_is("AWS::Lambda::LayerVersion", 2)
    created.api.resource_properties_count_is("AWS::ApiGatewayV2::Api", {"ProtocolType": "HTTP"}, 1)


def test_stateful_stack_has_the_buckets_and_a_created_database_and_no_function(
    created: Templates,
) -> None:
    # The metadata bucket and the attachments bucket.
    created.stateful.resource_count_is("AWS::S3::Bucket", 2)
    created.stateful.resource_count_is("AWS::RDS::DBInstance", 1)
    # The database's secret and the super admin key.
    created.stateful.resource_count_is("AWS::SecretsManager::Secret", 2)
    created.stateful.resource_count_is("AWS::EC2::VPC", 1)
    created.stateful.resource_count_is("AWS::Lambda::Function", 0)
    created.stateful.resource_count_is("AWS::EC2::NatGateway", 0)


def test_existing_database_creates_no_database_no_vpc_and_no_database_secret(
    existing: Templates,
) -> None:
    existing.stateful.resource_count_is("AWS::S3::Bucket", 2)
    existing.stateful.resource_count_is("AWS::RDS::DBInstance", 0)
    existing.stateful.resource_count_is("AWS::EC2::VPC", 0)
    # Only the super admin key's.
    existing.stateful.resource_count_is("AWS::SecretsManager::Secret", 1)
    function_of(existing.api, "polarbase-rest")
    existing.api.resource_properties_count_is("AWS::ApiGatewayV2::Api", {"ProtocolType": "HTTP"}, 1)


def test_every_route_but_mcp_goes_to_the_rest_function_with_payload_v2(
    created: Templates,
) -> None:
    function_id, _ = function_of(created.api, "polarbase-rest")
    http_api_id, _ = http_api(created)
    (integration_id,) = created.api.find_resources(
        "AWS::ApiGatewayV2::Integration",
        {
            "Properties": {
                "ApiId": {"Ref": http_api_id},
                "IntegrationUri": {"Fn::GetAtt": [function_id, "Arn"]},
            }
        },
    )
    created.api.has_resource_properties(
        "AWS::ApiGatewayV2::Integration",
        {
            "IntegrationType": "AWS_PROXY",
            "PayloadFormatVersion": "2.0",
            "IntegrationUri": {"Fn::GetAtt": [function_id, "Arn"]},
        },
    )
    created.api.has_resource_properties(
        "AWS::ApiGatewayV2::Route",
        {
            "ApiId": {"Ref": http_api_id},
            "RouteKey": "$default",
            "Target": {"Fn::Join": ["", ["integrations/", {"Ref": integration_id}]]},
        },
    )
    # $default, and POST, GET and DELETE /mcp/database (to the MCP function: test_cdk_mcp.py)
    created.api.resource_properties_count_is(
        "AWS::ApiGatewayV2::Route", {"ApiId": {"Ref": http_api_id}}, 4
    )
    created.api.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {"ApiId": {"Ref": http_api_id}, "StageName": "$default", "AutoDeploy": True},
    )
    created.api.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Fn::GetAtt": [function_id, "Arn"]},
            "Principal": "apigateway.amazonaws.com",
        },
    )


# --- the function --------------------------------------------------------------------------------


def test_function_runs_python_313_on_x86_64_with_the_dependencies_and_core_layers(
    created: Templates,
) -> None:
    _, function = function_of(created.api, "polarbase-rest")
    layers = created.api.find_resources("AWS::Lambda::LayerVersion")
    properties = function["Properties"]
    assert properties["Runtime"] == "python3.13"
    assert properties["Architectures"] == ["x86_64"]
    assert properties["Handler"] == "handler.handler"
    assert sorted(layer["Ref"] for layer in properties["Layers"]) == sorted(layers)
    for layer in layers.values():
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["x86_64"]


def test_function_environment_names_the_mode_the_bucket_the_key_and_the_secret(
    created: Templates,
) -> None:
    bucket = import_of(created.stateful, {"Ref": PINNED_LOGICAL_IDS["metadata_bucket"]})
    attachment_id, _ = only(created.stateful, "AWS::SecretsManager::SecretTargetAttachment")
    secret = import_of(created.stateful, {"Ref": attachment_id})
    created.api.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {
                "Variables": Match.object_like(
                    {
                        "POLARBASE_MODE": "aws",
                        "POLARBASE_METADATA_BUCKET": bucket,
                        "POLARBASE_METADATA_KEY": METADATA_KEY,
                        "POLARBASE_DATABASE_SECRET_ARN": secret,
                        "POLARBASE_SUPER_ADMIN_KEY_SECRET_ARN": import_of(
                            created.stateful, {"Ref": "SuperAdminKeySecret"}
                        ),
                        "POLARBASE_AWS_REGION": "eu-west-1",
                        "POWERTOOLS_SERVICE_NAME": "polarbase-rest",
                        "POWERTOOLS_METRICS_NAMESPACE": "PolarBase",
                    }
                )
            }
        },
    )


def test_function_with_an_existing_database_reads_that_secret_outside_any_vpc(
    existing: Templates,
) -> None:
    existing.api.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {
                "Variables": Match.object_like(
                    {"POLARBASE_MODE": "aws", "POLARBASE_DATABASE_SECRET_ARN": EXISTING_SECRET_ARN}
                )
            },
            "VpcConfig": Match.absent(),
        },
    )


def test_each_function_logs_to_its_own_group_kept_one_month(created: Templates) -> None:
    log_groups = created.api.find_resources("AWS::Logs::LogGroup")
    assert {group["Properties"]["RetentionInDays"] for group in log_groups.values()} == {30}
    functions = created.api.find_resources("AWS::Lambda::Function")
    used = sorted(
        function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        for function in functions.values()
    )
    assert used == sorted(log_groups)


def test_function_joins_the_vpc_in_the_database_client_group_which_alone_reaches_port_5432(
    created: Templates,
) -> None:
    client_group_id = next(
        logical_id
        for logical_id, group in created.stateful.find_resources("AWS::EC2::SecurityGroup").items()
        if "functions" in group["Properties"]["GroupDescription"]
    )
    client_group = import_of(created.stateful, {"Fn::GetAtt": [client_group_id, "GroupId"]})
    subnets = [
        import_of(created.stateful, {"Ref": subnet_id})
        for subnet_id in created.stateful.find_resources("AWS::EC2::Subnet")
    ]
    _, function = function_of(created.api, "polarbase-rest")
    vpc_config = function["Properties"]["VpcConfig"]
    assert vpc_config["SecurityGroupIds"] == [client_group]
    assert sorted(map(str, vpc_config["SubnetIds"])) == sorted(map(str, subnets))
    created.stateful.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {
            "IpProtocol": "tcp",
            "FromPort": 5432,
            "ToPort": 5432,
            "SourceSecurityGroupId": {"Fn::GetAtt": [client_group_id, "GroupId"]},
        },
    )
    created.api.has_resource_properties(
        "AWS::IAM::Role",
        {
            "ManagedPolicyArns": Match.array_with(
                [
                    {
                        "Fn::Join": [
                            "",
                            Match.array_with(
                                [":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]
                            ),
                        ]
                    }
                ]
            )
        },
    )


# --- least privilege -----------------------------------------------------------------------------


def test_function_may_get_and_put_the_metadata_object_and_read_the_secret(
    created: Templates,
) -> None:
    bucket_arn = import_of(
        created.stateful, {"Fn::GetAtt": [PINNED_LOGICAL_IDS["metadata_bucket"], "Arn"]}
    )
    metadata_object = {"Fn::Join": ["", [bucket_arn, f"/{METADATA_KEY}"]]}
    attachment_id, _ = only(created.stateful, "AWS::SecretsManager::SecretTargetAttachment")
    created.api.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Allow",
                                "Action": Match.array_with(["s3:GetObject*"]),
                                "Resource": Match.array_with([metadata_object]),
                            }
                        ),
                        Match.object_like(
                            {
                                "Effect": "Allow",
                                "Action": Match.array_with(["s3:PutObject"]),
                                "Resource": metadata_object,
                            }
                        ),
                        Match.object_like(
                            {
                                "Effect": "Allow",
                                "Action": Match.array_with(["secretsmanager:GetSecretValue"]),
                                "Resource": import_of(created.stateful, {"Ref": attachment_id}),
                            }
                        ),
                    ]
                )
            }
        },
    )


def test_functions_may_touch_no_other_metadata_object_and_delete_none(created: Templates) -> None:
    bucket_arn = import_of(
        created.stateful, {"Fn::GetAtt": [PINNED_LOGICAL_IDS["metadata_bucket"], "Arn"]}
    )
    metadata = [
        bucket_arn,
        {"Fn::Join": ["", [bucket_arn, f"/{METADATA_KEY}"]]},
        {"Fn::Join": ["", [bucket_arn, f"/{AUDIT_KEY}"]]},
    ]
    # The attachments' own statements are checked in test_cdk_files.py.
    attachments_arn = import_of(
        created.stateful, {"Fn::GetAtt": [PINNED_LOGICAL_IDS["attachments_bucket"], "Arn"]}
    )
    attachments = [attachments_arn, {"Fn::Join": ["", [attachments_arn, "/user-uploads/*"]]}]
    s3_statements = [
        statement
        for statement in statements(created.api)
        if any(action.startswith("s3:") for action in as_list(statement["Action"]))
    ]
    metadata_statements = [
        statement
        for statement in s3_statements
        if any(resource in metadata for resource in as_list(statement["Resource"]))
    ]
    assert metadata_statements
    for statement in metadata_statements:
        assert not any(action.startswith("s3:Delete") for action in as_list(statement["Action"]))
        assert all(resource in metadata for resource in as_list(statement["Resource"]))
    for statement in s3_statements:
        assert all(
            resource in metadata + attachments for resource in as_list(statement["Resource"])
        )
    assert not any(
        action == "*" for s in statements(created.api) for action in as_list(s["Action"])
    )


def test_function_with_an_existing_database_may_read_exactly_that_secret(
    existing: Templates,
) -> None:
    existing.api.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": Match.array_with(["secretsmanager:GetSecretValue"]),
                                "Resource": EXISTING_SECRET_ARN,
                            }
                        )
                    ]
                )
            }
        },
    )


# --- the metadata bucket -------------------------------------------------------------------------


def test_metadata_bucket_is_versioned_encrypted_private_and_retained(created: Templates) -> None:
    created.stateful.has_resource(
        "AWS::S3::Bucket",
        {
            "Properties": Match.object_like(
                {
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                        ]
                    },
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                }
            ),
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )


def test_metadata_bucket_refuses_requests_without_tls(created: Templates) -> None:
    created.stateful.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": {"Ref": PINNED_LOGICAL_IDS["metadata_bucket"]},
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Action": "s3:*",
                                "Principal": {"AWS": "*"},
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            },
        },
    )


def test_metadata_bucket_expires_old_versions_but_keeps_the_newest(created: Templates) -> None:
    created.stateful.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "LifecycleConfiguration": {
                "Rules": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Status": "Enabled",
                                "NoncurrentVersionExpiration": {
                                    "NoncurrentDays": 30,
                                    "NewerNoncurrentVersions": 20,
                                },
                            }
                        )
                    ]
                )
            }
        },
    )


# --- the database --------------------------------------------------------------------------------


def test_created_database_is_private_encrypted_postgres_with_logical_replication(
    created: Templates,
) -> None:
    parameters_id, _ = only(created.stateful, "AWS::RDS::DBParameterGroup")
    created.stateful.has_resource_properties(
        "AWS::RDS::DBParameterGroup",
        {
            "Family": Match.string_like_regexp(r"^postgres1[67]$"),
            "Parameters": {"rds.logical_replication": "1"},
        },
    )
    created.stateful.has_resource(
        "AWS::RDS::DBInstance",
        {
            "Properties": Match.object_like(
                {
                    "Engine": "postgres",
                    "EngineVersion": Match.string_like_regexp(r"^1[67]"),
                    "DBParameterGroupName": {"Ref": parameters_id},
                    "DBSubnetGroupName": {"Ref": PINNED_LOGICAL_IDS["database_subnet_group"]},
                    "StorageEncrypted": True,
                    "PubliclyAccessible": False,
                    "DeletionProtection": True,
                    "MasterUserPassword": Match.object_like(
                        {
                            "Fn::Join": Match.array_with(
                                [Match.array_with([{"Ref": PINNED_LOGICAL_IDS["database_secret"]}])]
                            )
                        }
                    ),
                }
            ),
            "DeletionPolicy": "Snapshot",
        },
    )


def test_vpc_has_isolated_subnets_in_zones_chosen_at_deploy_time(created: Templates) -> None:
    subnets = created.stateful.find_resources("AWS::EC2::Subnet")
    assert len(subnets) == 2
    zones = sorted(str(subnet["Properties"]["AvailabilityZone"]) for subnet in subnets.values())
    assert zones == sorted(str({"Fn::Select": [index, {"Fn::GetAZs": ""}]}) for index in range(2))
    for subnet in subnets.values():
        assert subnet["Properties"]["MapPublicIpOnLaunch"] is False
    created.stateful.resource_count_is("AWS::EC2::InternetGateway", 0)
    created.stateful.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {
            "VpcEndpointType": "Gateway",
            "ServiceName": Match.object_like({"Fn::Join": Match.any_value()}),
        },
    )
    created.stateful.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {"VpcEndpointType": "Interface", "ServiceName": "com.amazonaws.eu-west-1.secretsmanager"},
    )


# --- stable identities and outputs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("logical_id", "resource_type"),
    [
        ("MetadataBucket", "AWS::S3::Bucket"),
        ("AttachmentsBucket", "AWS::S3::Bucket"),
        ("Vpc", "AWS::EC2::VPC"),
        ("DatabaseSubnetGroup", "AWS::RDS::DBSubnetGroup"),
        ("DatabaseSecret", "AWS::SecretsManager::Secret"),
        ("DatabaseInstance", "AWS::RDS::DBInstance"),
        ("SuperAdminKeySecret", "AWS::SecretsManager::Secret"),
    ],
)
def test_stateful_resources_keep_their_pinned_logical_ids(
    created: Templates, logical_id: str, resource_type: str
) -> None:
    # Spelled out, not read from PINNED_LOGICAL_IDS: a changed ID replaces the resource in every
    # deployed stack and loses its data.
    assert created.stateful.to_json()["Resources"][logical_id]["Type"] == resource_type


def test_metadata_bucket_keeps_its_logical_id_with_an_existing_database(
    existing: Templates,
) -> None:
    assert existing.stateful.to_json()["Resources"]["MetadataBucket"]["Type"] == "AWS::S3::Bucket"


def test_super_admin_key_is_generated_at_deploy_time_and_readable_by_the_key_checkers_only(
    created: Templates,
) -> None:
    # GIVEN the generated secret: no value in the template, letters and digits only
    created.stateful.has_resource_properties(
        "AWS::SecretsManager::Secret",
        {
            "GenerateSecretString": Match.object_like(
                {"PasswordLength": 64, "ExcludePunctuation": True}
            ),
            "SecretString": Match.absent(),
        },
    )
    assert created.stateful.to_json()["Resources"]["SuperAdminKeySecret"]["DeletionPolicy"] == (
        "Retain"
    )
    secret = import_of(created.stateful, {"Ref": "SuperAdminKeySecret"})
    # THEN the functions that check keys may read exactly it (the poster checks none), and the
    # stack says where it is
    readers = [
        service
        for service in (
            "polarbase-rest",
            "polarbase-realtime",
            "polarbase-changes",
            "polarbase-poster",
        )
        for statement in statements(created.api, role_of(created.api, service))
        if "secretsmanager:GetSecretValue" in as_list(statement["Action"])
        and statement["Resource"] == secret
    ]
    assert readers == ["polarbase-rest", "polarbase-realtime", "polarbase-changes"]
    created.api.has_output("SuperAdminKeySecretArn", {"Value": secret})


def test_api_stack_outputs_the_rest_api_url(created: Templates) -> None:
    api_id, _ = http_api(created)
    created.api.has_output(
        "RestApiUrl",
        {
            "Value": {
                "Fn::Join": [
                    "",
                    Match.array_with(["https://", {"Ref": api_id}, ".execute-api.eu-west-1."]),
                ]
            }
        },
    )


# --- construct contracts -------------------------------------------------------------------------


def test_database_needs_exactly_one_of_a_vpc_and_an_existing_secret() -> None:
    stack = cdk.Stack(cdk.App(), "Scratch")
    with pytest.raises(ValueError, match="exactly one"):
        Database(stack, "Neither")


def test_layers_without_a_built_dependencies_folder_say_how_to_build_it(tmp_path: Path) -> None:
    stack = cdk.Stack(cdk.App(), "Scratch")
    with pytest.raises(FileNotFoundError, match=r"scripts/build_layers\.sh"):
        Layers(stack, "Layers", core_path=ROOT / "layers" / "core", deps_path=tmp_path)


def test_layers_ship_bytecode_of_the_target_python_only(tmp_path: Path) -> None:
    # GIVEN a built core layer with the target's bytecode, another version's and a build stamp
    target = "cpython-" + PYTHON_VERSION.replace(".", "")
    package = tmp_path / "core" / "python" / "polarbase"
    (package / "__pycache__").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__pycache__" / f"__init__.{target}.pyc").write_bytes(b"target")
    (package / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"other")
    (tmp_path / "core" / ".stamp").write_text("hash")
    (tmp_path / "deps" / "python").mkdir(parents=True)
    # WHEN the layers are synthesized
    app = cdk.App()
    Layers(
        cdk.Stack(app, "Scratch"),
        "Layers",
        core_path=tmp_path / "core",
        deps_path=tmp_path / "deps",
    )
    assembly = Path(app.synth().directory)
    # THEN the core layer's asset holds the source and the target's bytecode, nothing else
    (core,) = [
        folder for folder in assembly.glob("asset.*") if (folder / "python" / "polarbase").is_dir()
    ]
    shipped = sorted(str(file.relative_to(core)) for file in core.rglob("*") if file.is_file())
    assert shipped == [
        "python/polarbase/__init__.py",
        f"python/polarbase/__pycache__/__init__.{target}.pyc",
    ]
