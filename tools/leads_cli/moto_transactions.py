"""moto's TransactWriteItems, rolled back by restoring the items it touched rather than a copy
of every table it writes.

moto deep-copies each table a transaction writes, before applying it, to put the copy back if
the transaction is cancelled. That costs about 0.14 ms per stored item for every transaction
(measured: one create took 0.18 s with 1,000 leads stored, 0.7 s with 5,000), so a local run
holding 10,000 leads took over a second per create, delete or batch, past the functions' 2 s
read timeout on a busy machine, and a 10,000-row import never finished. Here each item a
transaction names (at most 100) is copied before the transaction runs, and on any failure those
items, and the table's stream, are put back as they were: the same outcome as moto's, in time
proportional to the transaction.

``install()`` patches the process's moto once; the embedded DynamoDB and the tests' in-process
moto both call it, so every test runs on the DynamoDB the local run uses.
"""

import copy
import threading
from typing import Any, NamedTuple

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

_installed = threading.Lock()
# Set while a transaction whose items were copied runs in this thread: moto's copy of whole
# tables is then skipped.
_copied = threading.local()


class _CopyModule:
    """Stands in for the ``copy`` module inside moto's DynamoDB backend: a Table is not
    deep-copied while this thread's transaction keeps its own copies."""

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if isinstance(value, Table) and getattr(_copied, "active", False):
            return value
        return copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def install() -> None:
    with _installed:
        if getattr(DynamoDBBackend.transact_write_items, "restores_touched_items", False):
            return
        original = DynamoDBBackend.transact_write_items

        def transact_write_items(self: DynamoDBBackend, transact_items: list[Any]) -> None:
            try:
                saved = _saved_items(self, transact_items)
            except Exception:
                # Malformed: moto's own checks answer it, with its own copy.
                original(self, transact_items)
                return
            _copied.active = True
            try:
                original(self, transact_items)
            except Exception:
                _restore(saved)
                raise
            finally:
                _copied.active = False

        transact_write_items.restores_touched_items = True  # type: ignore[attr-defined]
        DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
        dynamodb_models.copy = _CopyModule()  # type: ignore[attr-defined]


class _Saved(NamedTuple):
    # (table, hash key, range key or None, a copy of the item as it was, or None)
    items: list[tuple[Table, DynamoType, DynamoType | None, Any]]
    # (a table's stream, how many records it held)
    streams: list[tuple[Any, int]]


def _saved_items(backend: DynamoDBBackend, transact_items: list[Any]) -> _Saved:
    """A copy of every item the transaction names, and of each table's stream length."""
    saved: list[tuple[Table, DynamoType, DynamoType | None, Any]] = []
    streams: dict[int, tuple[Any, int]] = {}
    for action in transact_items:
        ((kind, operation),) = action.items()
        table = backend.get_table(operation["TableName"])
        key = operation["Item"] if kind == "Put" else operation["Key"]
        hash_key = DynamoType(key[table.hash_key_attr])
        range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        before = table.get_item(hash_key, range_key)
        saved.append((table, hash_key, range_key, copy.deepcopy(before)))
        if table.stream_shard is not None:
            streams[id(table)] = (table.stream_shard, len(table.stream_shard.items))
    return _Saved(saved, list(streams.values()))


def _restore(saved: _Saved) -> None:
    for table, hash_key, range_key, before in reversed(saved.items):
        if range_key is None:
            if before is None:
                table.items.pop(hash_key, None)
            else:
                table.items[hash_key] = before
            continue
        if before is None:
            table.items.get(hash_key, {}).pop(range_key, None)
            if hash_key in table.items and not table.items[hash_key]:
                del table.items[hash_key]
        else:
            table.items[hash_key][range_key] = before
    for shard, length in saved.streams:
        del shard.items[length:]
