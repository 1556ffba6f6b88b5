"""`leads serve` and `leads keys` as a newcomer meets them: hints that work when pasted, the
embedded DynamoDB on a port that stays the same, and one clear line (never a traceback) when
something is missing."""

import os
import re
import socket
import subprocess
import tempfile

import pytest
import requests

from support.local_api import LocalApi, leads_command, running_local_api, unique_account

pytestmark = pytest.mark.http


def _free_port_pair() -> int:
    """A port that is free, with the next one free too."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
        return int(port)
    raise AssertionError("no two free neighbouring ports")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].rstrip("/"))


def test_the_more_keys_hint_works_when_pasted_as_printed(local_api: LocalApi) -> None:
    # Given the "More keys" line `leads serve` printed, with a new account filled in
    hint = local_api.hint("More keys").replace("ACCOUNT", unique_account())

    # When it is pasted into a shell in another folder, with no virtualenv on PATH
    with tempfile.TemporaryDirectory() as elsewhere:
        shell_environment = {
            name: value for name, value in os.environ.items() if not name.startswith("AWS_")
        }
        shell_environment["PATH"] = "/usr/bin:/bin"
        result = subprocess.run(
            ["/bin/sh", "-c", hint],
            cwd=elsewhere,
            env=shell_environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    # Then it makes a key, and that key works against the local run
    assert result.returncode == 0, result.stderr
    key = re.search(r"^api_key: (sk_test_\w+)$", result.stdout, re.MULTILINE)
    assert key, result.stdout
    response = requests.get(
        local_api.url("/api/crm/lead"),
        headers={"Authorization": f"Bearer {key.group(1)}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text


@pytest.mark.slow
def test_the_embedded_dynamodb_listens_on_the_api_port_plus_one_or_the_one_given() -> None:
    # Given an API port whose neighbour is free
    port = _free_port_pair()

    # When `leads serve --port P` starts, Then its DynamoDB is on P + 1
    with running_local_api("--port", str(port)) as api:
        assert _port_of(api.base_url) == port
        assert api.dynamodb_endpoint == f"http://127.0.0.1:{port + 1}"
        api.new_client().create(company_name="Acme")

    # And with --dynamodb-port Q, on Q
    dynamodb_port = _free_port_pair()
    with running_local_api("--dynamodb-port", str(dynamodb_port)) as api:
        assert api.dynamodb_endpoint == f"http://127.0.0.1:{dynamodb_port}"


def test_with_port_0_the_embedded_dynamodb_takes_a_free_port(local_api: LocalApi) -> None:
    # The local_api fixture runs `leads serve --port 0`: each run gets free ports of its own
    assert _port_of(local_api.dynamodb_endpoint) not in (0, 1)
    assert _port_of(local_api.dynamodb_endpoint) != _port_of(local_api.base_url)


def test_a_taken_port_is_one_line_naming_the_option() -> None:
    # Given a port something else listens on
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        # When `leads serve` is asked for it, for the API or for its DynamoDB
        for arguments, option in (
            (("--port", str(port), "--dynamodb-port", "0"), "--port"),
            (("--port", "0", "--dynamodb-port", str(port)), "--dynamodb-port"),
        ):
            result = leads_command("serve", *arguments)

            # Then it says so in one line, naming the option to change
            _assert_one_line(result, f"port {port}", option)


def _assert_one_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("leads: "), lines
    for word in words:
        assert word in lines[0], (word, lines[0])


# Environments without a local endpoint, a region or credentials of any kind.
NOWHERE = {
    "AWS_ENDPOINT_URL_DYNAMODB": None,
    "AWS_ENDPOINT_URL": None,
    "AWS_REGION": None,
    "AWS_DEFAULT_REGION": None,
    "AWS_PROFILE": None,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    # Never ask an instance metadata service for credentials or a region.
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.mark.parametrize(
    "command",
    [
        ("keys", "create", "--account", "acct_x"),
        ("keys", "list", "--account", "acct_x"),
        ("keys", "revoke", "key_x"),
    ],
    ids=["create", "list", "revoke"],
)
def test_keys_without_an_endpoint_or_stack_says_what_to_pass(command: tuple[str, ...]) -> None:
    result = leads_command(*command, environment=NOWHERE)
    _assert_one_line(result, "--endpoint-url", "--stack")
    assert result.returncode == 2


def test_keys_for_a_stack_without_a_region_says_to_pass_one() -> None:
    result = leads_command(
        "keys", "list", "--account", "acct_x", "--stack", "leads-api-dev", environment=NOWHERE
    )
    _assert_one_line(result, "region", "--region")
    assert result.returncode == 2


def test_keys_with_an_unreachable_dynamodb_says_so() -> None:
    # Given an endpoint nothing listens on
    endpoint = f"http://127.0.0.1:{_closed_port()}"

    # When each key command is pointed at it, Then each says it cannot reach it
    for command in (
        ("keys", "create", "--account", "acct_x"),
        ("keys", "list", "--account", "acct_x"),
        ("keys", "revoke", "key_x"),
    ):
        result = leads_command(*command, "--endpoint-url", endpoint)
        _assert_one_line(result, "cannot reach", endpoint)
        assert result.returncode == 1


def test_keys_against_a_dynamodb_without_the_tables_says_so(
    module_embedded_dynamodb: str,
) -> None:
    # Given a DynamoDB that is reachable but holds none of the API's tables
    # When a key command is pointed at it, Then it says the table is not there
    result = leads_command(
        "keys", "list", "--account", "acct_x", "--endpoint-url", module_embedded_dynamodb
    )
    _assert_one_line(result, "table does not exist")
