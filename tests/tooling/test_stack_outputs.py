"""`leads outputs --stack`: a deployed stack's outputs, e.g. the base URL `make test-deployed`
sends its requests to (CloudFormation played by moto)."""

import json

import boto3

from leads_cli.main import main

STACK = "leads-api-outputs"
TEMPLATE = {
    "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
    "Outputs": {
        "ApiBaseUrl": {"Value": "https://abc123.execute-api.us-east-1.amazonaws.com/dev"},
        "LeadsTableName": {"Value": "leads-api-outputs-LeadsTable-1"},
    },
}


def test_outputs_prints_every_output_or_the_one_named(dynamodb, capsys):
    # Given a deployed stack (moto's CloudFormation, in the same mock as the `dynamodb` fixture)
    boto3.client("cloudformation").create_stack(StackName=STACK, TemplateBody=json.dumps(TEMPLATE))
    # When its outputs are asked for, Then each is printed by name
    assert main(["outputs", "--stack", STACK]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "ApiBaseUrl: https://abc123.execute-api.us-east-1.amazonaws.com/dev",
        "LeadsTableName: leads-api-outputs-LeadsTable-1",
    ]
    # And one named output is printed alone, for scripts
    assert main(["outputs", "--stack", STACK, "--name", "ApiBaseUrl"]) == 0
    assert capsys.readouterr().out == "https://abc123.execute-api.us-east-1.amazonaws.com/dev\n"
    # And an output the stack does not have is an error
    assert main(["outputs", "--stack", STACK, "--name", "DashboardUrl"]) == 1
    assert "has no DashboardUrl output" in capsys.readouterr().err
