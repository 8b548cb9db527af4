"""The join link and QR code phones can open (issue 17: they used localhost, which on a phone
is the phone itself)."""

from __future__ import annotations

from workshop.services.sharing import PUBLIC_URL_ENV, join_link, network_address, share


def test_a_published_address_wins_and_keeps_its_path():
    got = share("http://localhost:8501/process", "ABC234", env={PUBLIC_URL_ENV: "https://kk.example.org/room/"}, address=lambda: "10.0.0.5")
    assert got.link == "https://kk.example.org/room/?join=ABC234" and not got.local_only


def test_the_address_the_browser_used_when_it_is_not_loopback():
    got = share("http://192.168.1.20:8501/process?t=x", "ABC234", env={}, address=lambda: "10.0.0.5")
    assert got.link == "http://192.168.1.20:8501/?join=ABC234" and not got.local_only


def test_localhost_becomes_this_machines_network_address_with_its_port():
    for seen in ("http://localhost:8501/", "http://127.0.0.1:8501/facilitate", "http://[::1]:8501/"):
        got = share(seen, "ABC234", env={}, address=lambda: "10.0.0.5")
        assert got.link == "http://10.0.0.5:8501/?join=ABC234" and not got.local_only


def test_only_localhost_known_is_said_so():
    got = share("http://localhost:8501/", "ABC234", env={}, address=lambda: None)
    assert got.link == "http://localhost:8501/?join=ABC234" and got.local_only


def test_the_network_address_is_never_loopback():
    found = network_address()
    assert found is None or not found.startswith("127.")


def test_join_link_as_before():
    assert join_link("http://h:1/x/y?z=1", "C") == "http://h:1/?join=C"
