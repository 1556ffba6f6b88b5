"""The `leads` command: `leads serve` (the local run), `leads keys ...` (API keys), `leads
accounts ...` (usage plans), `leads import FILE` (bulk import), `leads listen` (a deployed or
local stack's events, forwarded to a local URL) and `leads backfill` (filing the leads stored
before filtered lists)."""

import argparse
import os
import shlex
import sys
import threading
from pathlib import Path
from typing import Any

from leads_cli import (
    accounts_command,
    backfill,
    keys_command,
    lead_import,
    outputs_command,
    scan,
)
from leads_cli import template as template_module

LOCAL_ACCOUNT = "acct_local"
# The local run's own parameter defaults (--parameter overrides them): quiet function logs,
# webhook retries scaled down so they can be watched (the first within 2 seconds, none more
# than a minute apart, given up after 15 minutes), and test-mode endpoints on loopback (here
# it is the developer's machine).
LOCAL_PARAMETERS = {
    "LogLevel": "WARNING",
    "WebhookRetryFirstSeconds": "2",
    "WebhookRetryMaxSeconds": "60",
    "WebhookRetryWindowSeconds": "900",
    "WebhookLoopback": "test-mode",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="leads", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the API locally, with an embedded DynamoDB")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument(
        "--dynamodb-port",
        type=int,
        help="the embedded DynamoDB's port (default: --port + 1, so that a saved endpoint "
        "keeps working; a free one with --port 0)",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--template", type=Path, default=template_module.TEMPLATE_PATH)
    serve.add_argument(
        "--dynamodb-endpoint",
        help="use this DynamoDB (its tables are created if missing) instead of an embedded one",
    )
    serve.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a template parameter, e.g. --parameter AuthorizerCacheTtl=0",
    )
    serve.add_argument("--account", default=LOCAL_ACCOUNT, help="account of the printed test key")
    serve.set_defaults(run=_serve)

    from leads_cli import listen

    listen.register(commands)

    openapi = commands.add_parser("openapi", help="print the API's OpenAPI 3.1 document")
    openapi.add_argument(
        "--write", action="store_true", help="write it to openapi.json instead of printing it"
    )
    openapi.set_defaults(run=_openapi)

    build = commands.add_parser(
        "build", help="sam build, plus bytecode for the runtime's Python (what make deploy ships)"
    )
    build.add_argument("--build-dir", type=Path, default=Path(".aws-sam/build"))
    build.set_defaults(run=_build)

    examples = commands.add_parser(
        "examples", help="create the tables and seed the key and lead the events/ files use"
    )
    examples.add_argument("--endpoint-url", required=True, help="a local DynamoDB endpoint")
    examples.set_defaults(run=_examples)

    keys_command.register(commands)
    accounts_command.register(commands)
    lead_import.register(commands)
    backfill.register(commands)
    outputs_command.register(commands)
    scan.register(commands)

    args = parser.parse_args(argv)
    from leads_cli import failures

    return failures.run(args.run, args)


def local_parameters(overrides: dict[str, str], dynamodb: str, services: str) -> dict[str, str]:
    """The template parameters of the local run: its own defaults, what --parameter says, and
    the endpoints it runs."""
    return {
        **LOCAL_PARAMETERS,
        **overrides,
        "DynamoDbEndpointUrl": dynamodb,
        "LocalServicesEndpointUrl": services,
    }


def _serve(args: argparse.Namespace) -> int:
    from leads_cli.gateway import Gateway
    from leads_cli.gateway_target import local
    from leads_cli.keys import create_key
    from leads_cli.local_dynamodb import Endpoints, client, create_tables, use_local_credentials
    from leads_cli.local_event_sources import start_event_sources
    from leads_cli.local_messaging import create_queues_and_buses
    from leads_cli.local_server import LocalApiServer

    overrides = []
    for item in args.parameter:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--parameter wants NAME=VALUE, not {item!r}")
        overrides.append((name, value))
    # moto's server: DynamoDB (unless another is given), its streams, SQS and EventBridge.
    embedded = _start_embedded_dynamodb(args)
    endpoints = Endpoints(args.dynamodb_endpoint or embedded.endpoint, embedded.endpoint)
    use_local_credentials()
    parameters = local_parameters(dict(overrides), endpoints.dynamodb, endpoints.services)
    template = template_module.load(args.template.resolve(), tuple(sorted(parameters.items())))
    # No X-Ray daemon and no CloudWatch here: tracing and metrics stay off locally.
    os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    create_tables(client(endpoints.dynamodb), template)
    create_queues_and_buses(
        client(endpoints.services, "sqs"), client(endpoints.services, "events"), template
    )

    gateway = Gateway(template)
    try:
        server = LocalApiServer(gateway, args.host, args.port)
    except OSError as error:
        embedded.stop()
        raise _port_taken("--port", args.port, error) from None
    base_url = f"http://{args.host}:{server.server_port}"
    serving = threading.Thread(target=server.serve_forever, name="leads serve", daemon=True)
    serving.start()
    # The printed key is made as an operator makes one: its tenant's usage plan key goes to this
    # local API Gateway through its management calls.
    key_id, key = create_key(args.account, "test", name="leads serve", gateway=local(base_url))
    from leads_cli import docs_page, openapi

    gateway.local_pages = docs_page.pages(openapi.document(), base_url)
    event_sources = start_event_sources(
        template, gateway.functions, endpoints, gateway.log, embedded.wakeups
    )
    embedded_note = "" if args.dynamodb_endpoint else " (embedded, in memory)"
    schedule = [
        template.parameters[f"WebhookRetry{part}Seconds"] for part in ("First", "Max", "Window")
    ]
    print(
        f"Leads API running at {base_url}  (stage '{template.stage}', Ctrl-C stops it)\n"
        f"  DynamoDB:  {endpoints.dynamodb}{embedded_note}\n"
        f"  Test key:  {key}  (account {args.account}, {key_id})\n"
        f'  Try:       curl {base_url}/api/crm/lead -H "Authorization: Bearer {key}"\n'
        f"  Docs:      {base_url}/docs  (OpenAPI: {base_url}/openapi.json)\n"
        f"  Events:    the stream, publisher, webhook queue and deliveries run here; retries "
        f"after {schedule[0]} s, doubling to {schedule[1]} s, for {schedule[2]} s\n"
        f"  More keys: {_leads_command()} keys create --account ACCOUNT --endpoint-url "
        f"{endpoints.dynamodb} --gateway-url {base_url}",
        flush=True,
    )
    from leads_cli import local_run

    recorded = local_run.record(base_url, key)
    try:
        while serving.is_alive():
            serving.join(timeout=1)
    except KeyboardInterrupt:
        pass
    finally:
        local_run.forget(recorded)
        server.shutdown()
        server.server_close()
        for source in event_sources:
            source.stop()
        embedded.stop()
    return 0


def _start_embedded_dynamodb(args: argparse.Namespace) -> Any:
    """The embedded DynamoDB on --dynamodb-port, else the API's port + 1 (a free port when the
    API's is 0), so that the endpoint a user saved works from one run to the next."""
    from leads_cli.local_dynamodb import EmbeddedDynamoDB

    port = args.dynamodb_port
    if port is None:
        port = args.port + 1 if args.port else 0
    try:
        return EmbeddedDynamoDB(port).start()
    except OSError as error:
        raise _port_taken("--dynamodb-port", port, error) from None


def _port_taken(option: str, port: int, error: OSError) -> Exception:
    from leads_cli.failures import CommandError

    return CommandError(f"cannot listen on port {port} ({error.strerror}): pass {option} PORT")


def _leads_command() -> str:
    """The `leads` command as a shell runs it from anywhere: this installation's own script
    (`leads` is not on PATH after `make run`), else its module."""
    script = Path(sys.executable).with_name("leads")
    if script.exists():
        return shlex.quote(str(script.absolute()))
    return f"{shlex.quote(sys.executable)} -m leads_cli.main"


def _build(args: argparse.Namespace) -> int:
    from leads_cli.build import BuildError, build

    try:
        build(args.build_dir.resolve())
    except BuildError as error:
        print(f"leads: {error}", file=sys.stderr)
        return 1
    print(f"built {args.build_dir} (with bytecode); next: sam deploy")
    return 0


def _examples(args: argparse.Namespace) -> int:
    from leads_cli.examples import (
        EXAMPLE_ENDPOINT_ID,
        EXAMPLE_EVENT_ID,
        EXAMPLE_KEY_ID,
        EXAMPLE_LEAD_ID,
        seed_examples,
        use_example_environment,
    )
    from leads_cli.keys import use_tables
    from leads_cli.local_dynamodb import client, create_tables
    from leads_cli.local_messaging import create_queues_and_buses

    template = template_module.load()
    use_example_environment(template)
    use_tables(endpoint_url=args.endpoint_url, stack=None, region=None)
    create_tables(client(args.endpoint_url), template)
    create_queues_and_buses(
        client(args.endpoint_url, "sqs"), client(args.endpoint_url, "events"), template
    )
    seed_examples()
    print(
        f"seeded {EXAMPLE_KEY_ID}, {EXAMPLE_LEAD_ID}, {EXAMPLE_EVENT_ID} and "
        f"{EXAMPLE_ENDPOINT_ID} at {args.endpoint_url}"
    )
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from leads_cli.openapi import OPENAPI_PATH, render

    if args.write:
        OPENAPI_PATH.write_text(render())
        print(f"wrote {OPENAPI_PATH}")
    else:
        sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
