"""DynamoDB's published capacity rules, as functions of the items actually stored.

Sources (see README.md for the table and the quotes):
- Item sizes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
- Read and write units per operation:
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
- Transactions (two underlying reads or writes per item):
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html
- Global secondary indexes (index entry size, index reads and writes):
  https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html
"""

import math
from dataclasses import dataclass, field
from typing import Any

from leads_cli.template import Template

READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024
# Every index entry carries 100 bytes of overhead on top of its attributes (AWS documents it
# for an index item's size); reads of index entries are metered on that size here.
INDEX_ENTRY_OVERHEAD = 100
TRANSACTION_FACTOR = 2

Item = dict[str, Any]


def number_size(text: str) -> int:
    """About one byte per two significant digits, plus one; leading and trailing zeroes (and
    the sign, point and exponent) do not count."""
    mantissa = text.lower().split("e", 1)[0].lstrip("+-").replace(".", "")
    digits = mantissa.strip("0")
    return math.ceil(len(digits) / 2) + 1


def value_size(value: dict[str, Any]) -> int:
    ((kind, content),) = value.items()
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        return number_size(content)
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(member.encode()) for member in content)
    if kind == "NS":
        return sum(number_size(member) for member in content)
    if kind == "BS":
        return sum(len(member) for member in content)
    if kind == "L":
        return 3 + sum(value_size(member) + 1 for member in content)
    if kind == "M":
        return 3 + sum(len(name.encode()) + value_size(v) + 1 for name, v in content.items())
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: Item | None) -> int:
    """The sum of the attribute names' and values' sizes; 0 for no item."""
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


def read_units(size: int, consistent: bool) -> float:
    """Sizes round up to 4 KB, and even a missing item costs a unit; eventually consistent
    reads cost half."""
    whole = max(1, math.ceil(size / READ_UNIT_BYTES))
    return float(whole) if consistent else whole / 2


def write_units(size: int) -> int:
    """Sizes round up to 1 KB, and every write costs at least one unit."""
    return max(1, math.ceil(size / WRITE_UNIT_BYTES))


@dataclass(frozen=True)
class IndexSchema:
    name: str
    key_attributes: tuple[str, ...]  # the index's keys
    table_key_attributes: tuple[str, ...]
    projection: str  # KEYS_ONLY, INCLUDE or ALL
    non_key_attributes: tuple[str, ...] = ()

    def key(self, item: Item) -> tuple[Any, ...]:
        return tuple(repr(item[name]) for name in self.key_attributes)

    def entry(self, item: Item | None) -> Item | None:
        """The item's entry in this index, or None when it lacks an index key (sparse)."""
        if not item or any(name not in item for name in self.key_attributes):
            return None
        if self.projection == "ALL":
            return dict(item)
        kept = set(self.key_attributes) | set(self.table_key_attributes)
        if self.projection == "INCLUDE":
            kept |= set(self.non_key_attributes)
        return {name: value for name, value in item.items() if name in kept}

    def entry_size(self, entry: Item) -> int:
        return item_size(entry) + INDEX_ENTRY_OVERHEAD


@dataclass(frozen=True)
class TableSchema:
    name: str
    key_attributes: tuple[str, ...]
    indexes: dict[str, IndexSchema] = field(default_factory=dict)

    def key(self, item: Item) -> Item:
        return {name: item[name] for name in self.key_attributes}


def schemas(template: Template) -> dict[str, TableSchema]:
    """Every table of the template, named as the local run names them (by logical id)."""
    found = {}
    for table_name, properties in template.tables.items():
        table_keys = tuple(key["AttributeName"] for key in properties["KeySchema"])
        indexes = {}
        for index in properties.get("GlobalSecondaryIndexes", []):
            projection = index["Projection"]
            indexes[index["IndexName"]] = IndexSchema(
                name=index["IndexName"],
                key_attributes=tuple(key["AttributeName"] for key in index["KeySchema"]),
                table_key_attributes=table_keys,
                projection=projection.get("ProjectionType", "ALL"),
                non_key_attributes=tuple(projection.get("NonKeyAttributes", ())),
            )
        found[table_name] = TableSchema(table_name, table_keys, indexes)
    return found


def index_write_units(table: TableSchema, before: Item | None, after: Item | None) -> int:
    """What a table write costs in its indexes: one write to add, change the projection of,
    or remove an entry; two (a delete and a put) when the entry's key changes; none when the
    item is in the index neither before nor after, or its entry is unchanged."""
    total = 0
    for index in table.indexes.values():
        old, new = index.entry(before), index.entry(after)
        if old is None and new is None:
            continue
        if old is None or new is None:
            total += write_units(index.entry_size(old or new or {}))
        elif index.key(old) != index.key(new):
            total += write_units(index.entry_size(old)) + write_units(index.entry_size(new))
        elif old != new:
            total += write_units(index.entry_size(new))
    return total


def item_write_units(before: Item | None, after: Item | None) -> int:
    """A put, update or delete of one item, without its indexes: the larger of the item
    before and after."""
    return write_units(max(item_size(before), item_size(after)))
