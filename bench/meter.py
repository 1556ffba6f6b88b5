"""A capacity meter on a botocore DynamoDB client: every request the client makes is charged
by capacity_model's rules, on the items as stored before and after it (looked up with a client
of our own, which is not metered). moto's ConsumedCapacity is a constant, so it is not used."""

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from bench.capacity_model import (
    TRANSACTION_FACTOR,
    Item,
    TableSchema,
    index_write_units,
    item_size,
    item_write_units,
    read_units,
)

_WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")
_READS = ("GetItem", "BatchGetItem", "Query", "TransactGetItems")


@dataclass
class Charge:
    operation: str
    read_units: float = 0.0
    write_units: float = 0.0


@dataclass
class Bill:
    """What the requests made while metering cost."""

    charges: list[Charge] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def read_units(self) -> float:
        return sum(charge.read_units for charge in self.charges)

    @property
    def write_units(self) -> float:
        return sum(charge.write_units for charge in self.charges)

    @property
    def requests(self) -> str:
        """e.g. 'GetItem + Query + BatchGetItem', in the order they were made."""
        return " + ".join(charge.operation for charge in self.charges)


@dataclass(frozen=True)
class _Write:
    """One item a write touches: its table and key, and the item as the request puts it."""

    table: TableSchema
    key: Item
    put: Item | None = None


class CapacityMeter:
    def __init__(self, client: Any, raw: Any, tables: dict[str, TableSchema]) -> None:
        self._raw = raw
        self._tables = tables
        self._bill: Bill | None = None
        client.meta.events.register("before-parameter-build.dynamodb", self._before)
        client.meta.events.register("after-call.dynamodb", self._after)

    @contextmanager
    def metering(self) -> Iterator[Bill]:
        self._bill = Bill()
        try:
            yield self._bill
        finally:
            self._bill = None

    def measure(self, call: Callable[[], Any]) -> tuple[Any, Bill]:
        with self.metering() as bill:
            result = call()
        return result, bill

    # Looking items up as stored.

    def _lookup(self, table: TableSchema, key: Item) -> Item | None:
        response = self._raw.get_item(TableName=table.name, Key=key, ConsistentRead=True)
        return response.get("Item")

    def _writes(self, operation: str, params: dict[str, Any]) -> list[tuple[_Write, bool]]:
        """The items a write request touches, each with whether it is transactional."""
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            return [(self._write(operation.removesuffix("Item"), params), False)]
        if operation == "TransactWriteItems":
            found = []
            for action in params["TransactItems"]:
                ((kind, request),) = action.items()
                if kind == "ConditionCheck":
                    raise _Unsupported("TransactWriteItems ConditionCheck")
                found.append((self._write(kind, request), True))
            return found
        found = []
        for table, requests in params["RequestItems"].items():
            for request in requests:
                if "PutRequest" in request:
                    write = self._write("Put", {"TableName": table, **request["PutRequest"]})
                else:
                    write = self._write("Delete", {"TableName": table, **request["DeleteRequest"]})
                found.append((write, False))
        return found

    def _write(self, kind: str, request: dict[str, Any]) -> _Write:
        table = self._tables[request["TableName"]]
        if kind == "Put":
            return _Write(table, table.key(request["Item"]), request["Item"])
        return _Write(table, request["Key"])

    # botocore event handlers.

    def _before(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any):
        if self._bill is None:
            return
        context["bench_params"] = copy.deepcopy(params)
        if model.name not in _WRITES:
            return
        try:
            writes = self._writes(model.name, params)
        except _Unsupported as unsupported:
            self._bill.problems.append(f"not metered: {unsupported}")
            return
        context["bench_writes"] = [
            (write, transactional, self._lookup(write.table, write.key))
            for write, transactional in writes
        ]

    def _after(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any):
        if self._bill is None or "bench_params" not in context:
            return
        operation = model.name
        if "Error" in parsed:
            self._bill.problems.append(f"{operation} failed: {parsed['Error'].get('Code')}")
            return
        try:
            if operation in _WRITES:
                charge = self._charge_writes(operation, context.get("bench_writes", []))
            elif operation in _READS:
                charge = self._charge_reads(operation, context["bench_params"], parsed)
            else:
                raise _Unsupported(operation)
        except _Unsupported as unsupported:
            self._bill.problems.append(f"not metered: {unsupported}")
            return
        self._bill.charges.append(charge)

    # Charges.

    def _charge_writes(self, operation: str, writes: list[tuple[_Write, bool, Item | None]]):
        charge = Charge(operation)
        for write, transactional, before in writes:
            after = write.put if write.put is not None else self._lookup(write.table, write.key)
            factor = TRANSACTION_FACTOR if transactional else 1
            charge.write_units += factor * item_write_units(before, after)
            # Index entries are maintained by the table, outside the transaction.
            charge.write_units += index_write_units(write.table, before, after)
        return charge

    def _charge_reads(self, operation: str, params: dict[str, Any], parsed: dict[str, Any]):
        charge = Charge(operation)
        if operation == "GetItem":
            table = self._tables[params["TableName"]]
            stored = self._lookup(table, params["Key"])
            charge.read_units = read_units(item_size(stored), params.get("ConsistentRead", False))
        elif operation == "TransactGetItems":
            for action in params["TransactItems"]:
                request = action["Get"]
                stored = self._lookup(self._tables[request["TableName"]], request["Key"])
                charge.read_units += TRANSACTION_FACTOR * read_units(item_size(stored), True)
        elif operation == "BatchGetItem":
            unprocessed = parsed.get("UnprocessedKeys") or {}
            for table_name, request in params["RequestItems"].items():
                table = self._tables[table_name]
                skipped = unprocessed.get(table_name, {}).get("Keys", [])
                consistent = request.get("ConsistentRead", False)
                for key in request["Keys"]:
                    if key in skipped:
                        continue
                    # Each item is rounded up on its own, as a GetItem would be.
                    stored = self._lookup(table, key)
                    charge.read_units += read_units(item_size(stored), consistent)
        else:
            charge.read_units = self._query_units(params, parsed)
        return charge

    def _query_units(self, params: dict[str, Any], parsed: dict[str, Any]) -> float:
        """A Query is rounded up once, over everything it read."""
        for unsupported in ("FilterExpression", "ProjectionExpression", "AttributesToGet"):
            if unsupported in params:
                # What it read is then more than what it returned.
                raise _Unsupported(f"Query with {unsupported}")
        select = params.get("Select")
        if select not in (None, "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "COUNT"):
            raise _Unsupported(f"Query with Select={select}")
        table = self._tables[params["TableName"]]
        items = parsed.get("Items", [])
        if select == "COUNT":
            # A count is billed as the entries it read: the same Query, unmetered, shows them.
            unselected = {name: value for name, value in params.items() if name != "Select"}
            items = self._raw.query(**unselected).get("Items", [])
        if "IndexName" in params:
            index = table.indexes[params["IndexName"]]
            size = sum(index.entry_size(index.entry(item) or item) for item in items)
        else:
            size = sum(item_size(item) for item in items)
        return read_units(size, params.get("ConsistentRead", False))


class _Unsupported(Exception):
    """A request the meter cannot charge from what it sees; reported, never guessed."""
