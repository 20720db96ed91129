"""The address policy for webhook targets: pure, no resolver, no network."""

from __future__ import annotations

import socket
from ipaddress import ip_address

import pytest

from services.core.settings import Settings, SettingsError
from services.core.webhook_targets import Policy, TargetRefused, addresses, networks, parse

DEFAULT = Policy()


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.1.2", "loopback"),
        ("::1", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("239.1.2.3", "multicast"),
        ("ff02::1", "multicast"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.0.1", "private"),
        ("fd00::1", "private"),
        ("100.64.0.1", "non-public"),
        ("240.0.0.1", "reserved"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped: the socket reaches 127.0.0.1
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("::127.0.0.1", "loopback"),  # IPv4-compatible
    ],
)
def test_addresses_that_are_not_public_are_refused_by_default(address: str, kind: str) -> None:
    reason = DEFAULT.refusal(ip_address(address))
    assert reason is not None and kind in reason


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_are_delivered_to(address: str) -> None:
    assert DEFAULT.refusal(ip_address(address)) is None


def test_an_allowed_network_lifts_the_refusal_for_it_only() -> None:
    allowing = Policy(allowed=networks(["10.20.0.0/16", "127.0.0.1"]))
    assert allowing.refusal(ip_address("10.20.3.4")) is None
    assert allowing.refusal(ip_address("::ffff:10.20.3.4")) is None
    assert allowing.refusal(ip_address("127.0.0.1")) is None
    assert allowing.refusal(ip_address("127.0.0.2")) is not None
    assert allowing.refusal(ip_address("10.21.0.1")) is not None


def test_only_networks_limit_every_delivery_even_to_public_and_allowed_addresses() -> None:
    loopback = networks(["127.0.0.0/8", "::1/128"])
    only = Policy(allowed=loopback, only=loopback)
    assert only.refusal(ip_address("127.0.0.1")) is None
    assert only.refusal(ip_address("::ffff:127.0.0.1")) is None
    assert only.refusal(ip_address("::1")) is None
    for public in ("93.184.215.14", "2606:4700::1111"):
        assert only.refusal(ip_address(public)) == "outside the networks deliveries are limited to"
    # Carrying an allowed address is not being it: the socket would go to a 6to4 relay.
    for carrier in ("2002:7f00:1::", "64:ff9b::7f00:1"):
        assert only.refusal(ip_address(carrier)) is not None, carrier


def test_a_host_is_refused_if_any_address_it_resolves_to_is() -> None:
    public, private = ip_address("93.184.215.14"), ip_address("10.0.0.1")
    DEFAULT.check("news.example", [public])
    with pytest.raises(TargetRefused, match="news.example resolves to 10.0.0.1, a private address"):
        DEFAULT.check("news.example", [public, private])
    with pytest.raises(TargetRefused, match="does not resolve"):
        DEFAULT.check("news.example", [])


def test_the_resolvers_forms_of_an_address_are_read_as_the_address() -> None:
    """`getaddrinfo` takes what inet_aton takes; the policy sees what it answers. Literals
    only: nothing is looked up."""
    for written in ("2130706433", "0x7f.1", "017700000001", "127.1"):
        infos = socket.getaddrinfo(written, 80, type=socket.SOCK_STREAM)
        assert addresses(infos) == [ip_address("127.0.0.1")], written
    assert addresses(socket.getaddrinfo("::ffff:127.0.0.1", 80, type=socket.SOCK_STREAM)) == [
        ip_address("::ffff:127.0.0.1")
    ]


@pytest.mark.parametrize(
    ("url", "host", "port", "path"),
    [
        ("https://News.Example/hooks?a=1", "news.example", 443, "/hooks?a=1"),
        ("http://[::1]:8080", "::1", 8080, "/"),
        ("http://bücher.example/ä b", "xn--bcher-kva.example", 80, "/%C3%A4%20b"),
    ],
)
def test_a_url_is_parsed_into_what_the_connection_needs(
    url: str, host: str, port: int, path: str
) -> None:
    target = parse(url)
    assert (target.host, target.port, target.path) == (host, port, path)


@pytest.mark.parametrize(
    "url", ["ftp://x.example/", "http:///x", "http://x:99999/", "http://[::1/"]
)
def test_a_url_without_an_http_host_and_port_is_refused(url: str) -> None:
    with pytest.raises(TargetRefused):
        parse(url)


def test_a_network_setting_that_is_not_a_network_stops_the_process() -> None:
    with pytest.raises(SettingsError, match="COMMENTS_WEBHOOK_ALLOW_NETWORKS"):
        Settings.from_env({"COMMENTS_SECRET": "s", "COMMENTS_WEBHOOK_ALLOW_NETWORKS": "10.0.0/8x"})
    settings = Settings.from_env(
        {"COMMENTS_SECRET": "s", "COMMENTS_WEBHOOK_ONLY_NETWORKS": "127.0.0.0/8, ::1/128"}
    )
    assert settings.webhook_only_networks == ("127.0.0.0/8", "::1/128")
