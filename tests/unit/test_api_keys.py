"""Key format: checksummed, mode-prefixed, stored only as a digest."""

import hashlib

from leads_domain import api_keys
from leads_domain.tenancy import Tenant, valid_account


def test_generated_keys_carry_their_mode_and_a_valid_checksum():
    for mode in ("test", "live"):
        key = api_keys.generate_key(mode)
        assert key.startswith(f"sk_{mode}_") and len(key) == len(f"sk_{mode}_") + 38
        assert api_keys.key_mode(key) == mode


def test_a_mistyped_key_fails_its_checksum():
    key = api_keys.generate_key("test")
    flipped = key[:-10] + ("A" if key[-10] != "A" else "B") + key[-9:]
    assert api_keys.key_mode(flipped) is None


def test_malformed_keys_are_refused():
    for key in (
        "",
        "sk_test_",
        "sk_prod_" + "a" * 38,
        "pk_test_" + "a" * 38,
        "sk_test_" + "a" * 37,
    ):
        assert api_keys.key_mode(key) is None


def test_digest_is_sha256_hex():
    assert api_keys.digest("sk_test_x") == hashlib.sha256(b"sk_test_x").hexdigest()


def test_test_and_live_data_live_in_different_partitions():
    assert Tenant("acct_1", "test").partition != Tenant("acct_1", "live").partition


def test_accounts_are_restricted_to_safe_characters():
    assert valid_account("acct_1-x")
    assert not valid_account("acct#1")
    assert not valid_account("")


def test_restricted_keys_say_so_with_their_own_prefix_and_checksum():
    for mode in ("test", "live"):
        key = api_keys.generate_key(mode, restricted=True)
        assert key.startswith(f"rk_{mode}_") and len(key) == len(f"rk_{mode}_") + 38
        assert api_keys.key_shape(key) == (True, mode)
        assert api_keys.key_shape(api_keys.generate_key(mode)) == (False, mode)


def test_a_key_relabelled_between_secret_and_restricted_fails_its_checksum():
    secret = api_keys.generate_key("live")
    restricted = api_keys.generate_key("live", restricted=True)
    assert api_keys.key_shape("rk_" + secret[3:]) is None
    assert api_keys.key_shape("sk_" + restricted[3:]) is None
