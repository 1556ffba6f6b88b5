"""Who owns data: an account in one mode, so that test and live data never mix."""

import re
from dataclasses import dataclass

MODES = ("test", "live")
# No '#': it separates account and mode in the partition key.
ACCOUNT_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True, slots=True)
class Tenant:
    """An account in one mode: every lead is stored, read and counted under one tenant."""

    account: str
    mode: str

    @property
    def partition(self) -> str:
        # Accounts cannot contain '#', so the partition key is unambiguous.
        return f"{self.account}#{self.mode}"


def valid_account(account: str) -> bool:
    return bool(ACCOUNT_PATTERN.match(account))


def tenant_of_partition(partition: str) -> Tenant:
    """The tenant whose partition key this is (the inverse of ``Tenant.partition``)."""
    account, _, mode = partition.rpartition("#")
    return Tenant(account, mode)
