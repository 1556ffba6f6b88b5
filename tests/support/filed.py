"""What the counts per filter value and per hour, and the filter index attributes, must hold,
derived from a tenant's lead items read raw, without the code under test: tests compare that
with the count items stored beside the leads.

The layout, written out here independently (README, "Storage"): a filed lead (``filed`` = 1)
has ``status_key`` / ``owner_key`` / ``email_key`` = ``<tenant>#<percent-encoded value>`` (an
email stripped and case folded first, left out if blank), and is counted by ``COUNTER``'s
``filed_count``, by ``COUNT#<field>#<encoded value>`` (``lead_count``), and, for the total,
each status and each owner, by the time buckets ``<prefix>@D#<date>`` (``hHH``),
``<prefix>@M#<month>`` (``dDD``) and ``<prefix>@Y#<year>`` (``mMM``); any of them in shards
``#<k>``.
"""

import hashlib
import json
import re
from collections import Counter
from typing import Any
from urllib.parse import quote

from leads_domain.tenancy import Tenant

LEAD = "LEAD#"
FIELDS = {"status": "status_key", "lead_owner": "owner_key", "email_id": "email_key"}
_SHARD = re.compile(r"#\d+$")


def _encoded(value: str) -> str:
    text = quote(value, safe="")
    return text if len(text) <= 200 else "%%" + hashlib.sha256(value.encode()).hexdigest()


def _filed_value(field: str, value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    if field == "email_id":
        value = value.strip().casefold()
        return value or None
    return value


def expected_counts(items: list[dict[str, Any]]) -> Counter[tuple[str, ...]]:
    """(count prefix[, level, period, bucket]) -> what it must hold, for the filed leads."""
    counts: Counter[tuple[str, ...]] = Counter()
    for item in items:
        if not item["sk"]["S"].startswith(LEAD) or "filed" not in item:
            continue
        created_at = item["created_at"]["S"]
        prefixes = [("COUNTER", True)]
        for field in FIELDS:
            value = _filed_value(field, item.get(field, {}).get("S"))
            if value is not None:
                prefixes.append((f"COUNT#{field}#{_encoded(value)}", field != "email_id"))
        for prefix, bucketed in prefixes:
            counts[(prefix,)] += 1
            if bucketed:
                counts[(prefix, "D", created_at[:10], "h" + created_at[11:13])] += 1
                counts[(prefix, "M", created_at[:7], "d" + created_at[8:10])] += 1
                counts[(prefix, "Y", created_at[:4], "m" + created_at[5:7])] += 1
    return counts


def stored_counts(items: list[dict[str, Any]]) -> Counter[tuple[str, ...]]:
    """The same, as the count items hold it (shards summed; COUNTER's filed_count)."""
    counts: Counter[tuple[str, ...]] = Counter()
    for item in items:
        sort_key = item["sk"]["S"]
        if sort_key.startswith(LEAD):
            continue
        if "@" in sort_key:
            prefix, rest = sort_key.split("@", 1)
            level, period = rest.split("#")[:2]
            for name, value in item.items():
                if re.fullmatch(r"[hdm]\d\d", name):
                    counts[(prefix, level, period, name)] += int(value["N"])
            continue
        prefix = _SHARD.sub("", sort_key) if sort_key.startswith("COUNT") else sort_key
        if prefix.startswith("COUNTER"):
            counts[("COUNTER",)] += int(item.get("filed_count", {}).get("N", 0))
        else:
            counts[(prefix,)] += int(item["lead_count"]["N"])
    return counts


def filing_problems(tenant: Tenant, items: list[dict[str, Any]]) -> list[str]:
    """Everything wrong with the tenant's filter counts and index attributes ([] if none)."""
    expected = +expected_counts(items)
    stored = +stored_counts(items)
    problems = [
        f"{key}: stored {stored[key]}, expected {expected[key]}"
        for key in sorted(set(expected) | set(stored))
        if expected[key] != stored[key]
    ]
    for item in items:
        if not item["sk"]["S"].startswith(LEAD):
            continue
        for field, attribute in FIELDS.items():
            value = _filed_value(field, item.get(field, {}).get("S"))
            want = None
            if "filed" in item and value is not None:
                want = f"{tenant.partition}#{_encoded(value)}"
            if item.get(attribute, {}).get("S") != want:
                problems.append(f"{item['sk']['S']} {attribute}: {item.get(attribute)} != {want}")
    return problems


def items_of(partition: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    """A Stored's raw partition, as items."""
    return [json.loads(item) for _, item in partition]
