"""The SSRF guard: which webhook URLs may be called, at which addresses. Resolution is given
to it (no DNS in unit tests): a name resolves to what each case says."""

import pytest

from leads_domain.webhooks.address_guard import (
    ResolutionUnavailable,
    UrlRefused,
    check,
)


def resolving_to(*addresses: str):
    return lambda host, port: list(addresses)


REFUSED_ANYWHERE = {
    "private-10": ("https://hooks.example/x", ["10.0.0.5"]),
    "private-172": ("https://hooks.example/x", ["172.16.3.4"]),
    "private-192": ("https://hooks.example/x", ["192.168.1.1"]),
    "metadata": ("https://hooks.example/x", ["169.254.169.254"]),
    "metadata-literal": ("https://169.254.169.254/latest/meta-data", []),
    "link-local": ("https://hooks.example/x", ["169.254.1.1"]),
    "carrier-grade-nat": ("https://hooks.example/x", ["100.64.0.1"]),
    "unique-local": ("https://hooks.example/x", ["fd00::1"]),
    "ipv6-link-local": ("https://hooks.example/x", ["fe80::1"]),
    "ipv6-loopback-literal": ("https://[::1]/x", []),
    "ipv4-mapped-loopback": ("https://[::ffff:127.0.0.1]/x", []),
    "6to4-embedding-loopback": ("https://hooks.example/x", ["2002:7f00:1::1"]),
    "nat64-embedding-private": ("https://hooks.example/x", ["64:ff9b::a00:1"]),
    "unspecified": ("https://0.0.0.0/x", []),
    "multicast": ("https://hooks.example/x", ["224.0.0.1"]),
    "one-record-private": ("https://hooks.example/x", ["93.184.215.14", "10.0.0.1"]),
    "name-resolving-to-loopback": ("https://rebound.example/x", ["127.0.0.1"]),
    "decimal-loopback": ("https://2130706433/x", ["127.0.0.1"]),
    "loopback-not-named-so": ("http://127.0.0.2/x", []),
    "localhost-with-a-dot": ("http://localhost./x", ["127.0.0.1"]),
    "credentials": ("https://user:pass@hooks.example/x", ["93.184.215.14"]),
    "not-http": ("ftp://hooks.example/x", ["93.184.215.14"]),
    "relative": ("/hooks", []),
    "http-to-a-public-host": ("http://hooks.example/x", ["93.184.215.14"]),
}


@pytest.mark.parametrize("allow_loopback", [False, True], ids=["live", "test"])
@pytest.mark.parametrize(("url", "addresses"), REFUSED_ANYWHERE.values(), ids=REFUSED_ANYWHERE)
def test_refused_in_every_mode(url, addresses, allow_loopback):
    with pytest.raises(UrlRefused) as refused:
        check(url, allow_loopback=allow_loopback, resolve=resolving_to(*addresses))
    # The message says why, never what was sent.
    assert url not in str(refused.value) and "hooks.example" not in str(refused.value)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/hook", "http://localhost:3000/h", "https://localhost/h"],
)
def test_loopback_by_name_only_where_allowed(url):
    with pytest.raises(UrlRefused):
        check(url, allow_loopback=False, resolve=resolving_to("127.0.0.1"))
    target = check(url, allow_loopback=True, resolve=resolving_to("127.0.0.1", "::1"))
    assert all(address in ("127.0.0.1", "::1") for address in target.addresses)


def test_localhost_must_resolve_to_loopback_only():
    with pytest.raises(UrlRefused):
        check("http://localhost/h", allow_loopback=True, resolve=resolving_to("10.0.0.1"))


def test_a_public_https_url_is_pinned_to_the_addresses_it_resolved_to():
    target = check(
        "https://Hooks.Example:8443/in?x=1#frag",
        allow_loopback=False,
        resolve=resolving_to("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
    )
    assert target.scheme == "https" and target.host == "hooks.example" and target.port == 8443
    assert target.path == "/in?x=1"
    assert target.addresses == ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")


def test_resolution_happens_once_per_check():
    calls = []

    def resolver(host, port):
        calls.append((host, port))
        return ["93.184.215.14"]

    check("https://hooks.example/x", allow_loopback=False, resolve=resolver)
    assert calls == [("hooks.example", 443)]


def test_dns_failures_are_told_apart(monkeypatch):
    import socket

    def fails(errno):
        def resolve(*_args, **_kwargs):
            raise socket.gaierror(errno, "x")

        return resolve

    monkeypatch.setattr(socket, "getaddrinfo", fails(socket.EAI_NONAME))
    with pytest.raises(UrlRefused):
        check("https://nowhere.example/x", allow_loopback=False)
    monkeypatch.setattr(socket, "getaddrinfo", fails(socket.EAI_AGAIN))
    with pytest.raises(ResolutionUnavailable):
        check("https://later.example/x", allow_loopback=False)
