"""moto's Query without sorting the whole table first: a Query of a table reads the one partition
it names; a Query of an index looks at every item, unsorted, and sorts only those it keeps.

moto answers every Query by sorting all the items of the table (``all_items``), then keeping
the partition's (and, for an index, sorting those again by the index's keys): time grows with
everything stored, not with what is read. The leads table holds, beside each tenant's leads,
their counts per filter value and per hour, day and month (up to 64 shards each), and a list
reads several of those key ranges and an index: for a test tenant of 100 leads spread over
three years, a Query took ~130 ms on this machine. Here a table Query gets its partition's
items in sort key order (what moto keeps of the sorted table), and an index Query every item
in no order (moto sorts what it keeps by the index's keys itself): the same answers.

``install()`` patches the process's moto once, as ``moto_transactions`` does; the embedded
DynamoDB and the tests' in-process moto both call it.
"""

import threading
from typing import Any

from moto.dynamodb.models.table import Table

_installed = threading.Lock()
# The table and partition key of the Query running in this thread, if it reads one partition.
_scope = threading.local()
# Where Table.query takes index_name among its positional arguments, after hash_key.
_INDEX_NAME_POSITION = 6


def install() -> None:
    with _installed:
        if getattr(Table.query, "reads_one_partition", False):
            return
        original_query = Table.query
        original_all_items = Table.all_items

        def query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
            positional = args[_INDEX_NAME_POSITION] if len(args) > _INDEX_NAME_POSITION else None
            index_name = kwargs.get("index_name", positional)
            if index_name is None and (hash_key is None or not self.range_key_attr):
                return original_query(self, hash_key, *args, **kwargs)
            _scope.table, _scope.hash_key = self, None if index_name else hash_key
            try:
                return original_query(self, hash_key, *args, **kwargs)
            finally:
                _scope.table = None

        def all_items(self: Table) -> list[Any]:
            if getattr(_scope, "table", None) is not self:
                return original_all_items(self)
            if _scope.hash_key is None:
                if not self.range_key_attr:
                    return list(self.items.values())
                return [item for partition in self.items.values() for item in partition.values()]
            items = list((self.items.get(_scope.hash_key) or {}).values())
            if all(item.range_key.type == "S" for item in items):
                # Strings in code point order: DynamoDB's order (of their UTF-8 bytes), without
                # moto's comparisons, which cast each value again.
                return sorted(items, key=lambda item: item.range_key.value)
            return sorted(items, key=lambda item: item.range_key)

        query.reads_one_partition = True  # type: ignore[attr-defined]
        Table.query = query  # type: ignore[method-assign]
        Table.all_items = all_items  # type: ignore[method-assign]
