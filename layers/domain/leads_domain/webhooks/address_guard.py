"""Which webhook URLs may be called, and at which addresses: the SSRF guard.

A URL is checked when an endpoint is saved and again before every delivery, because what a
name resolves to can change in between (DNS rebinding). The check resolves the host once and
answers the addresses it approved; the sender connects to those addresses only (sending the
name as Host and TLS SNI), so nothing can re-resolve the name between the check and the
connection.

Live mode: ``https`` only, and every address the host resolves to must be public (no loopback,
private, link-local such as 169.254.169.254, carrier-grade NAT, unique-local, multicast,
reserved or unspecified address, also not embedded in an IPv6 address). Test mode, where the
deployment allows it, additionally accepts ``http`` or ``https`` to the host ``127.0.0.1`` or
``localhost`` (resolving to loopback only), so that a developer can receive on their own
machine.
"""

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
_DEFAULT_PORTS = {"https": 443, "http": 80}
# 64:ff9b::/96 (RFC 6052) carries an IPv4 address in its last 32 bits, which a NAT64 reaches.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UrlRefused(ValueError):
    """The URL may not be called; the message says why without repeating the URL."""


class ResolutionUnavailable(RuntimeError):
    """DNS could not answer just now (not: the name does not exist). Worth retrying."""


@dataclass(frozen=True, slots=True)
class Target:
    """A URL that passed the guard: where to connect, and what to ask for there."""

    scheme: str
    host: str  # as the URL names it: the Host header and the TLS server name
    port: int
    path: str  # path and query, never empty
    addresses: tuple[str, ...]  # approved, in the resolver's order: connect to these only


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolves ``host`` to, in its order of preference."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        if error.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None)):
            raise ResolutionUnavailable("The host could not be resolved just now.") from None
        raise UrlRefused("The URL's host does not resolve.") from None
    except UnicodeError:
        raise UrlRefused("The URL's host is not a valid name.") from None
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def is_public(address: Address) -> bool:
    """Whether connecting to ``address`` reaches the public internet, and only that."""
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = [address.ipv4_mapped, address.sixtofour]
        if address.teredo:
            embedded.extend(address.teredo)
        if address in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        return all(is_public(inner) for inner in embedded if inner is not None)
    return True


def check(url: str, *, allow_loopback: bool, resolve: Resolver | None = None) -> Target:
    """The Target for ``url`` if it may be called; UrlRefused (or ResolutionUnavailable)
    otherwise. ``allow_loopback``: test mode, in a deployment that allows it. ``resolve``:
    the system's resolver unless another is given."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UrlRefused("The URL is not a valid URL.") from None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in _DEFAULT_PORTS or not host:
        raise UrlRefused("The URL must be an absolute https URL.")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("The URL must not contain credentials.")
    loopback = allow_loopback and host in LOOPBACK_HOSTS
    if scheme != "https" and not loopback:
        raise UrlRefused("The URL must use https.")
    port = port or _DEFAULT_PORTS[scheme]
    literal = _literal_address(host)
    resolver = resolve or system_resolver
    names = [str(literal)] if literal is not None else resolver(_ascii_host(host), port)
    addresses = [ipaddress.ip_address(name.split("%", 1)[0]) for name in names]
    if not addresses:
        raise UrlRefused("The URL's host does not resolve.")
    if loopback:
        if not all(address.is_loopback for address in addresses):
            raise UrlRefused("The URL's host must resolve to this machine's loopback address.")
    elif not all(is_public(address) for address in addresses):
        raise UrlRefused(
            "The URL's host must not resolve to a loopback, private, link-local or other "
            "non-public address."
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme, host, port, path, tuple(str(address) for address in addresses))


def _literal_address(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise UrlRefused("The URL's host is not a valid name.") from None
