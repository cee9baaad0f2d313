from __future__ import annotations

import pytest

from server.push.sender import AddressRefused, GuardedResolver, literal_refused


async def test_a_name_that_resolves_only_to_loopback_is_refused_before_connecting() -> None:
    resolver = GuardedResolver(allow_loopback=False)

    with pytest.raises(AddressRefused):
        await resolver.resolve("localhost", 443)
    await resolver.close()


async def test_loopback_names_resolve_when_tests_allow_them() -> None:
    resolver = GuardedResolver(allow_loopback=True)

    found = await resolver.resolve("localhost", 443)
    await resolver.close()

    assert found and all(r["host"] in ("127.0.0.1", "::1") for r in found)


def test_a_private_ip_literal_in_an_endpoint_is_refused() -> None:
    assert literal_refused("https://10.0.0.7/push/1", allow_loopback=True) == "10.0.0.7"
