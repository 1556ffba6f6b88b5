"""`python -m bench.scaling`: where the Leads API's limits bite as traffic grows, for one tenant
and for many, and how a sharded counter and a write-sharded index would move them.
SCALING.md quotes the tables this prints.

python -m bench.scaling            # print the tables (SCALING.md's generated section)
python -m bench.scaling --write    # rewrite that section of SCALING.md
python -m bench.scaling --check    # exit 1 if SCALING.md's section is not what this prints

Every number is computed from one of four things, and nothing is timed:
- LIMITS: AWS's documented limits, each with its source, and the template's own settings;
- ASSUMPTIONS: what AWS does not publish (request latencies, how long a transaction holds
  the counter), each with its reason;
- the capacity each operation uses, measured by the benchmark's meter (bench/meter.py, by
  bench/capacity_model.py's rules) while the real handlers run against the embedded DynamoDB,
  and attributed to where DynamoDB serves it: the tenant's counter item, its lead items, its
  index partition;
- a seeded simulation of concurrent creates and deletes colliding on the counter, with the
  retry policy of leads_domain/data/transactions.py.
"""

# The modules, each using only those before it: limits (the givens), metering (each operation's
# capacity by place), simulation (counter conflicts), analysis (loads, ceilings, bites), tables
# and sharded_tables, document (the section in SCALING.md), __main__ (the command line).

# What the tests use, where they have always found it.
from bench.scaling.document import BEGIN, END, section_of, with_section
from bench.scaling.simulation import simulate_counter
from leads_domain.data import transactions as transaction_retries  # the retry policy simulated

__all__ = [
    "BEGIN",
    "END",
    "section_of",
    "simulate_counter",
    "transaction_retries",
    "with_section",
]
