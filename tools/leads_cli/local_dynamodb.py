"""An embedded DynamoDB for the local run: moto's server on a loopback port, with every table
and index made from template.yaml's own definitions."""

import io
import json
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import botocore.session
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

from leads_cli import moto_queries, moto_transactions
from leads_cli.local_wakeup import Wakeups, is_write
from leads_cli.template import Template, create_table_requests, time_to_live

# DynamoDB remembers tokens for ten minutes; a bounded number does for a local run.
_REMEMBERED_TRANSACTIONS = 10_000

LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class Endpoints:
    """Where the local run's AWS calls go: DynamoDB (and its streams), and SQS and EventBridge
    (always the embedded server, which also serves DynamoDB unless another one is given)."""

    dynamodb: str
    services: str


class _QuietRequestHandler(MotoRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass  # the local run logs API requests, not every DynamoDB call


class EmbeddedDynamoDB:
    """moto's DynamoDB on 127.0.0.1. Requests run one at a time: each DynamoDB request is
    atomic, as it is on AWS (moto's backend is not safe for concurrent writers). A retried
    transaction is answered as DynamoDB answers it: once applied, by its ClientRequestToken."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1") -> None:
        """``host`` "0.0.0.0" serves other machines too, e.g. `sam local`'s containers."""
        self._port = port
        self._host = host
        self._server: _MotoServer | None = None
        self._lock = threading.Lock()
        # TransactWriteItems answers by ClientRequestToken: DynamoDB makes a retried
        # transaction (same token) succeed without applying it twice; moto does not.
        self._transactions: dict[str, tuple[str, list[Any], list[bytes]]] = {}
        # The local run's event source mappings wait on these for the next write.
        self.wakeups = Wakeups()

    @property
    def endpoint(self) -> str:
        assert self._server is not None, "start() first"
        host, port = self._server.get_host_and_port()
        # Bound to every interface, it is still reached here through the loopback.
        return f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}"

    def _serialised(self, app: Any) -> Any:
        def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            token = _transaction_token(environ, body)
            with self._lock:
                if token and token in self._transactions:
                    status, headers, answer = self._transactions[token]
                    start_response(status, headers)
                    return answer
                captured: list[Any] = []

                def capture(status: str, headers: list[Any], *args: Any) -> Any:
                    captured[:] = [status, headers]
                    return start_response(status, headers, *args)

                answer = list(app(environ, capture))
                if token and captured[0].startswith("200"):
                    self._transactions[token] = (captured[0], captured[1], answer)
                    if len(self._transactions) > _REMEMBERED_TRANSACTIONS:
                        # Dicts keep insertion order: forget the oldest.
                        del self._transactions[next(iter(self._transactions))]
            if is_write(environ.get("HTTP_X_AMZ_TARGET", "")):
                self.wakeups.notify()
            return answer

        return application

    def start(self) -> "EmbeddedDynamoDB":
        moto_transactions.install()
        moto_queries.install()
        self._server = _MotoServer(self._host, self._port, self._serialised)
        self._server.start()
        if self._server.startup_error:
            raise self._server.startup_error
        return self

    def stop(self) -> None:
        if self._server:
            self._server.stop()


class _MotoServer(ThreadedMotoServer):
    """moto's ThreadedMotoServer, its app wrapped in a WSGI middleware."""

    def __init__(self, host: str, port: int, middleware: Callable[[Any], Any]) -> None:
        super().__init__(ip_address=host, port=port, verbose=False)
        self._middleware = middleware
        self.startup_error: OSError | None = None

    # ThreadedMotoServer builds its app and its server in this one method, with no way to wrap
    # the app or to choose the request handler: this is moto's own, with both. It also closes
    # the socket once the server stops (moto's stop() leaves the port bound), and lets start()
    # fail when the port is taken: the socket is bound here, because werkzeug answers a taken
    # port with sys.exit in this thread, and moto's start() would wait for the server forever.
    def _server_entry(self) -> None:
        app = self._middleware(DomainDispatcherApplication(create_backend_app))
        try:
            listener = socket.create_server((self._ip_address, self._port), backlog=128)
        except OSError as error:
            self.startup_error = error
            self._server_ready_event.set()
            return
        with listener:
            server = make_server(
                self._ip_address,
                listener.getsockname()[1],
                app,
                threaded=True,
                request_handler=_QuietRequestHandler,
                fd=listener.fileno(),
            )
        self._server = server
        self._server_ready_event.set()
        try:
            server.serve_forever()
        finally:
            server.server_close()


def _transaction_token(environ: dict[str, Any], body: bytes) -> str | None:
    if not environ.get("HTTP_X_AMZ_TARGET", "").endswith(".TransactWriteItems"):
        return None
    try:
        token = json.loads(body).get("ClientRequestToken")
    except ValueError:
        return None
    return token if isinstance(token, str) else None


def use_local_credentials() -> None:
    """A local DynamoDB accepts any credentials; nobody should have to invent some."""
    for name, value in LOCAL_CREDENTIALS.items():
        os.environ.setdefault(name, value)


def client(endpoint: str, service: str = "dynamodb") -> Any:
    """A client of the embedded server (moto serves every AWS service on the one endpoint):
    DynamoDB, or e.g. dynamodbstreams, sqs or events."""
    use_local_credentials()
    return botocore.session.get_session().create_client(
        service, endpoint_url=endpoint, region_name="us-east-1"
    )


def create_tables(dynamodb: Any, template: Template) -> None:
    """Create the template's tables, leaving any that already exist."""
    existing = set(dynamodb.list_tables()["TableNames"])
    for request in create_table_requests(template):
        if request["TableName"] not in existing:
            dynamodb.create_table(**request)
    for table, attribute in time_to_live(template).items():
        dynamodb.update_time_to_live(
            TableName=table,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute},
        )
