"""The webhook sender against real servers on 127.0.0.1: it connects to the address the guard
approved (never resolving the name again), sends the name as Host and TLS server name, keeps one
deadline for the whole exchange, and reads no more than a few kilobytes of the answer."""

import datetime
import http.server
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from leads_domain.webhooks.address_guard import Target
from leads_domain.webhooks.sender import MAX_RESPONSE_BYTES, post
from support.receivers import running_receiver


def target(port: int, host: str, scheme: str = "http") -> Target:
    return Target(scheme, host, port, "/hook?x=1", ("127.0.0.1",))


def test_the_connection_goes_to_the_approved_address_with_the_name_as_host(receiver):
    # A name that resolves nowhere: only the pinned address can have been used.
    outcome = post(target(receiver.port, "pinned.invalid"), b'{"a":1}', {"X-Test": "1"})

    assert outcome.delivered and outcome.status == 200
    (received,) = receiver.wait_for(1)
    assert received.headers["host"] == f"pinned.invalid:{receiver.port}"
    assert received.path == "/hook?x=1" and received.body == b'{"a":1}'
    assert received.headers["x-test"] == "1"


def test_a_slow_receiver_is_abandoned_at_the_deadline():
    with running_receiver(hang_seconds=8) as slow:
        started = time.monotonic()
        outcome = post(target(slow.port, "slow.invalid"), b"{}", {}, deadline_seconds=1)
        elapsed = time.monotonic() - started

    assert not outcome.delivered and outcome.error == "timed out"
    assert elapsed < 6  # generous: the deadline is 1 s, the receiver would take 8


def test_a_trickling_receiver_cannot_extend_the_deadline():
    """One byte every half second: every read succeeds, the exchange as a whole times out."""
    listener = socket.create_server(("127.0.0.1", 0))

    def trickle() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 60:
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.5)

    threading.Thread(target=trickle, daemon=True).start()
    started = time.monotonic()
    outcome = post(target(listener.getsockname()[1], "drip.invalid"), b"{}", {}, deadline_seconds=2)
    elapsed = time.monotonic() - started
    listener.close()

    assert not outcome.delivered and outcome.error == "timed out"
    assert elapsed < 10


def test_only_the_first_kilobytes_of_an_answer_are_read():
    sent = []

    class Huge(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            try:
                for _ in range(50 * 1024):
                    self.wfile.write(b"x" * 1024)
                    sent.append(1)
            except OSError:
                pass

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Huge)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        outcome = post(target(server.server_address[1], "huge.invalid"), b"{}", {})
    finally:
        server.shutdown()
        server.server_close()

    assert outcome.delivered
    assert len(sent) < 50 * 1024, "the sender stopped reading long before the end"
    assert MAX_RESPONSE_BYTES <= 64 * 1024


def test_nothing_listening_is_a_failed_delivery():
    unused = socket.create_server(("127.0.0.1", 0))
    port = unused.getsockname()[1]
    unused.close()
    outcome = post(target(port, "closed.invalid"), b"{}", {})
    assert not outcome.delivered and outcome.error == "could not connect"


# --- TLS: the certificate is checked against the name, at the pinned address -----------------


@contextmanager
def tls_receiver(name: str) -> Iterator[tuple[int, ssl.SSLContext, list[str]]]:
    """An HTTPS server on 127.0.0.1 with a certificate for ``name``; a client context that
    trusts it; and the server names (SNI) clients asked for."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    names: list[str] = []
    with tempfile.TemporaryDirectory() as directory:
        cert_file, key_file = Path(directory) / "cert.pem", Path(directory) / "key.pem"
        cert_file.write_bytes(pem)
        key_file.write_bytes(key_pem)
        server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_tls.load_cert_chain(cert_file, key_file)
        server_tls.sni_callback = lambda sock, server_name, context: names.append(server_name)
        with running_receiver() as plain:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), plain_handler(plain))
            server.socket = server_tls.wrap_socket(server.socket, server_side=True)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            try:
                yield (
                    server.server_address[1],
                    ssl.create_default_context(cadata=pem.decode()),
                    names,
                )
            finally:
                server.shutdown()
                server.server_close()


def plain_handler(receiver):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    return Handler


def test_https_verifies_the_certificate_of_the_name_at_the_pinned_address():
    with tls_receiver("hooks.test") as (port, trusting, names):
        outcome = post(target(port, "hooks.test", "https"), b"{}", {}, tls=trusting)
        assert outcome.delivered and outcome.status == 204
        assert names == ["hooks.test"]

        wrong = post(target(port, "other.test", "https"), b"{}", {}, tls=trusting)
        assert not wrong.delivered and "TLS" in (wrong.error or "")


def test_https_with_an_untrusted_certificate_is_refused():
    with tls_receiver("hooks.test") as (port, _trusting, _names):
        outcome = post(target(port, "hooks.test", "https"), b"{}", {})
    assert not outcome.delivered and "TLS" in (outcome.error or "")


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_a_failed_delivery(status):
    with running_receiver(statuses=[status]) as redirecting:
        outcome = post(target(redirecting.port, "r.invalid"), b"{}", {})
    assert not outcome.delivered and "redirects are not followed" in outcome.describe()
