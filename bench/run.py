"""`python -m bench.run`: every measurement, printed as tables and written to bench/RESULTS.md.

python -m bench.run                 # the full run (make bench), a few minutes
python -m bench.run --quick         # a tiny run that only checks the benchmark works
python -m bench.run --only capacity warm --output /tmp/RESULTS.md
"""

import argparse
import json
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    capacity,
    cold_start,
    database,
    environment,
    filters,
    import_speed,
    package_size,
    report,
    warm,
)

RESULTS = Path(__file__).parent / "RESULTS.md"
SECTIONS = ("cold", "warm", "capacity", "size", "import", "filters")


@dataclass(frozen=True)
class Mode:
    name: str
    cold_runs: int
    warm_calls: int
    warm_warmup: int
    tenant_sizes: tuple[int, ...]
    import_rows: int


FULL = Mode(
    "full",
    cold_runs=10,
    warm_calls=1_000,
    warm_warmup=100,
    tenant_sizes=(100, 1_000, 10_000),
    import_rows=10_000,
)
QUICK = Mode(
    "quick", cold_runs=2, warm_calls=50, warm_warmup=5, tenant_sizes=(100, 1_000), import_rows=500
)


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def measure(mode: Mode, only: set[str]) -> list[report.Section]:
    sections: list[report.Section] = []
    with ExitStack() as stack:
        build = None
        if only & {"cold", "size"}:
            progress("sam build")
            build = stack.enter_context(environment.sam_build())
        db = stack.enter_context(database.local_dynamodb())
        database.seed_example_key()
        database.ensure_examples()
        if build and "cold" in only:
            progress(f"cold start ({mode.cold_runs} runs of each, without and with bytecode)")
            sections.append(
                cold_start.run(build, db.endpoint, mode.cold_runs, database.ensure_examples)
            )
        if build and "size" in only:
            # What `make deploy` ships: sam's build with bytecode (cold start compiled it).
            cold_start.compile_bytecode(build)
            progress("package size")
            sections.append(package_size.run(build))
        if "warm" in only:
            progress(f"warm requests ({mode.warm_calls} calls of each)")
            sections.append(warm.run(db, mode.warm_calls, mode.warm_warmup))
        if "capacity" in only:
            sizes = ", ".join(f"{size:,}" for size in mode.tenant_sizes)
            progress(f"DynamoDB capacity (tenants of {sizes} leads)")
            sections.append(capacity.run(db, mode.tenant_sizes))
        if "filters" in only:
            progress(f"filters (a tenant of {mode.tenant_sizes[-1]:,} leads)")
            sections.append(filters.run(db, mode.tenant_sizes[-1]))
    if "import" in only:
        progress(f"bulk import ({mode.import_rows:,} rows through leads serve)")
        sections.append(import_speed.run(mode.import_rows))
    return sorted(sections, key=lambda section: section.title)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tiny run: does it all still work")
    parser.add_argument(
        "--output",
        type=Path,
        help=f"where to write the results (default: {RESULTS} for a full run of every "
        "section, nowhere otherwise)",
    )
    parser.add_argument("--json", type=Path, help="also write the tables as JSON here")
    parser.add_argument(
        "--only", nargs="+", choices=SECTIONS, default=list(SECTIONS), help="these sections only"
    )
    parser.add_argument(
        "--cold-runs", type=int, help="cold starts of each function (default: 10, quick: 2)"
    )
    args = parser.parse_args(argv)
    mode = QUICK if args.quick else FULL
    if args.cold_runs:
        mode = replace(mode, cold_runs=args.cold_runs)
    complete = not args.quick and set(args.only) == set(SECTIONS)
    output = args.output or (RESULTS if complete else None)

    started = time.monotonic()
    machine = environment.machine_info()
    sections = measure(mode, set(args.only))
    machine["Run"] = (
        f"{mode.name}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"{time.monotonic() - started:.0f} s (`python -m bench.run"
        f"{' --quick' if args.quick else ''}`)"
    )
    text = report.document("Benchmark results", machine, sections)
    print(text)
    if output:
        output.write_text(text)
        progress(f"written to {output}")
    if args.json:
        args.json.write_text(
            json.dumps({"machine": machine, "sections": report.as_data(sections)}, indent=2)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
