"""An embedded DynamoDB for the local run: moto's server on a loopback port, with every table
and index made from template.yaml's own definitions."""

import os
import threading
from typing import Any

import botocore.session
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from leads_cli.template import Template, create_table_requests, time_to_live

LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": "us-east-1",
}


class _QuietRequestHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass  # the local run logs API requests, not every DynamoDB call


class EmbeddedDynamoDB:
    """moto's DynamoDB on 127.0.0.1. Requests run one at a time: each DynamoDB request is
    atomic, as it is on AWS (moto's backend is not safe for concurrent writers)."""

    def __init__(self, port: int = 0) -> None:
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_port}"

    def _serialised(self, app: Any) -> Any:
        def application(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            with self._lock:
                return list(app(environ, start_response))

        return application

    def start(self) -> "EmbeddedDynamoDB":
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server(
            "127.0.0.1",
            self._port,
            self._serialised(app),
            threaded=True,
            request_handler=_QuietRequestHandler,
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()


def client(endpoint: str) -> Any:
    for name, value in LOCAL_CREDENTIALS.items():
        os.environ.setdefault(name, value)
    return botocore.session.get_session().create_client(
        "dynamodb", endpoint_url=endpoint, region_name="us-east-1"
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
