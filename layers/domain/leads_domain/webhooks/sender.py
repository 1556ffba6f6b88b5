"""One webhook delivery: an HTTP POST to an address the guard approved, within a deadline.

The connection goes to the approved IP address itself; the URL's host is sent as the Host
header and as the TLS server name (SNI), and the certificate is verified against that name.
No redirect is followed (a 3xx is a failed delivery), the whole exchange has one deadline
(enforced by closing the socket, so a receiver that trickles bytes cannot hold it longer), and
at most a few kilobytes of the answer are read.
"""

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from leads_domain.container import once_per_container
from leads_domain.webhooks.address_guard import Target

DEADLINE_SECONDS = 10.0
# What is read of a receiver's answer at most: its status is what counts.
MAX_RESPONSE_BYTES = 4096
USER_AGENT = "Leads-Webhooks/1.0"


@dataclass(frozen=True, slots=True)
class Outcome:
    """A delivery's result: ``status`` when the receiver answered, else ``error``."""

    status: int | None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def describe(self) -> str:
        if self.status is None:
            return self.error or "no answer"
        if 300 <= self.status < 400:
            return f"answered {self.status} (redirects are not followed)"
        return f"answered {self.status}"


@once_per_container
def default_tls() -> ssl.SSLContext:
    # The system's trusted roots; hostname checking on (the default context's).
    return ssl.create_default_context()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to one given address; ``host`` is used for the Host header only."""

    def __init__(self, target: Target, address: str, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """HTTPS to one given address, the TLS server name and certificate check on ``host``."""

    def __init__(self, target: Target, address: str, timeout: float, tls: ssl.SSLContext):
        super().__init__(target, address, timeout)
        self._tls = tls

    def connect(self) -> None:
        super().connect()
        self.sock = self._tls.wrap_socket(self.sock, server_hostname=self.host)


def post(
    target: Target,
    body: bytes,
    headers: dict[str, str],
    *,
    deadline_seconds: float = DEADLINE_SECONDS,
    tls: ssl.SSLContext | None = None,
) -> Outcome:
    """POST ``body`` to ``target``, trying its approved addresses in order until one takes
    the connection; the whole attempt ends at ``deadline_seconds``."""
    deadline = time.monotonic() + deadline_seconds
    last_error = "no address to connect to"
    for address in target.addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Outcome(None, "timed out")
        if target.scheme == "https":
            connection: _PinnedHTTPConnection = _PinnedHTTPSConnection(
                target, address, remaining, tls or default_tls()
            )
        else:
            connection = _PinnedHTTPConnection(target, address, remaining)
        try:
            connection.connect()
        except ssl.SSLError:
            connection.close()
            return Outcome(None, "TLS handshake failed (certificate or protocol)")
        except OSError:
            connection.close()
            last_error = "could not connect"
            continue
        return _exchange(connection, target, body, headers, deadline)
    return Outcome(None, last_error)


def _exchange(
    connection: _PinnedHTTPConnection,
    target: Target,
    body: bytes,
    headers: dict[str, str],
    deadline: float,
) -> Outcome:
    # A watchdog closes the socket at the deadline, whatever read or write is blocked on it.
    expired = threading.Event()

    def abort() -> None:
        expired.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={"User-Agent": USER_AGENT, "Connection": "close", **headers},
        )
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return Outcome(response.status)
    except (OSError, http.client.HTTPException) as error:
        # The socket's own timeout and the watchdog both mark the same deadline.
        timed_out = expired.is_set() or isinstance(error, TimeoutError)
        return Outcome(None, "timed out" if timed_out else "the connection failed")
    finally:
        watchdog.cancel()
        connection.close()
