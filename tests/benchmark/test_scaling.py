"""SCALING.md's numbers cannot drift from the code: `python -m bench.scaling` runs, and what it
prints is exactly SCALING.md's generated section. Nothing is timed: the script measures
capacity units and runs a seeded simulation, so its output is the same on every machine."""

import difflib

from bench import scaling
from leads_cli.template import PROJECT_ROOT as ROOT
from support.scripts import run_module


def run_script() -> str:
    return run_module("bench.scaling", timeout=120)


def test_scaling_md_is_what_the_script_prints() -> None:
    printed = run_script().strip("\n")
    written = scaling.section_of((ROOT / "SCALING.md").read_text())
    diff = "\n".join(
        difflib.unified_diff(
            written.splitlines(), printed.splitlines(), "SCALING.md", "bench.scaling", lineterm=""
        )
    )
    assert written == printed, (
        "SCALING.md is out of date: run .venv/bin/python -m bench.scaling --write\n" + diff
    )
    # Everything the document relies on is there.
    for title in (
        "### Headline",
        "### Where each limit bites",
        "### Measured capacity per operation",
        "### Count-shard conflicts, one tenant, simulated",
        "### Count shards",
        "### Bulk import",
        "### Write-sharded index",
        "### The index write-sharded N ways",
        "### Limits",
        "### Assumptions",
    ):
        assert title in printed, title
    # The measured create is the benchmark's: 5 write units, 2 of them on its count shard.
    (create,) = [
        line
        for line in printed.splitlines()
        if line.startswith("| create ") and "TransactWriteItems" in line
    ]
    cells = [cell.strip() for cell in create.strip("|").split("|")]
    assert cells[1:4] == ["TransactWriteItems", "0 / 5", "0 / 2"], cells


def test_the_generated_section_is_replaced_in_place() -> None:
    text = f"intro\n\n{scaling.BEGIN}\n\nold\n\n{scaling.END}\n\nafter\n"
    replaced = scaling.with_section(text, "new")
    assert replaced == f"intro\n\n{scaling.BEGIN}\n\nnew\n\n{scaling.END}\n\nafter\n"
    assert scaling.section_of(replaced) == "new"


def test_counter_simulation_follows_the_retry_policy() -> None:
    # Rare writes almost never meet: about rate x hold of the attempts conflict.
    quiet = scaling.simulate_counter(1, 0.010, transactions=2_000)
    assert quiet.conflicted_attempts < 0.03
    assert quiet.failed == 0
    # Past one transaction per hold time the counter is always busy: most writes give up
    # after leads_table's attempts, and none tries more often than that.
    saturated = scaling.simulate_counter(400, 0.010, transactions=2_000)
    assert saturated.failed > 0.5
    assert saturated.attempts <= scaling.transaction_retries.ATTEMPTS
    # Shards split the load: 4 shards at 4x the rate conflict about as often as one.
    one = scaling.simulate_counter(20, 0.010, transactions=4_000)
    four = scaling.simulate_counter(80, 0.010, shards=4, transactions=4_000)
    assert abs(one.conflicted_attempts - four.conflicted_attempts) < 0.05


def test_the_deployed_shard_count_is_the_smallest_power_of_two_past_the_index_limit() -> None:
    # leads_table.py's rule for N: the count's conflicts must not bind before the tenant's
    # index partition does (1,000 WU/s, one unit per create or delete), at the assumed hold;
    # half as many shards would, and at twice the hold N still sustains 500/s.
    from bench.scaling.limits import PARTITION_WRITE_UNITS, TRANSACTION_SECONDS, counter_shards
    from bench.scaling.simulation import sustainable_rate

    shards = counter_shards()
    assert shards & (shards - 1) == 0, shards
    assert sustainable_rate(TRANSACTION_SECONDS, shards) > PARTITION_WRITE_UNITS
    assert sustainable_rate(TRANSACTION_SECONDS, shards // 2) < PARTITION_WRITE_UNITS
    assert sustainable_rate(2 * TRANSACTION_SECONDS, shards) >= 500
