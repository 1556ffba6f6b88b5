"""Tables, targets and the RESULTS.md document they make."""

import math
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: Any) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.title}: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append([str(cell) for cell in cells])

    def markdown(self) -> str:
        widths = [
            max(len(column), *(len(row[i]) for row in self.rows))
            for i, column in enumerate(self.columns)
        ]

        def line(cells: list[str]) -> str:
            return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

        lines = [f"### {self.title}", "", line(self.columns)]
        lines.append("| " + " | ".join("-" * w for w in widths) + " |")
        lines += [line(row) for row in self.rows]
        if self.notes:
            lines.append("")
            lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines)


@dataclass
class Target:
    """One of the issue's targets, met or not, with the number it was judged on."""

    name: str
    met: bool
    measured: str
    # What else the run measured that bears on the verdict (e.g. the CPU-time ratio beside a
    # wall-time one); said in the summary when the target is missed.
    detail: str = ""

    @property
    def verdict(self) -> str:
        return "met" if self.met else "NOT MET"


@dataclass
class Section:
    title: str
    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        parts = [f"## {self.title}"]
        if self.notes:
            parts.append("\n".join(f"- {note}" for note in self.notes))
        parts += [table.markdown() for table in self.tables]
        return "\n\n".join(parts)


def targets_table(sections: list[Section]) -> Table:
    table = Table("Targets", ["Section", "Target", "Measured", "Verdict"])
    for section in sections:
        for target in section.targets:
            table.add(section.title, target.name, target.measured, target.verdict)
    return table


def verdict(sections: list[Section]) -> str:
    """The run's verdict in words, made from its targets only (never from text kept by hand,
    which would keep the numbers of an older run)."""
    targets = [target for section in sections for target in section.targets]
    if not targets:
        return "This run judged no target (only a full run of every section judges them all)."
    missed = [target for target in targets if not target.met]
    if not missed:
        return f"Every target met in this run ({len(targets)} of {len(targets)})."
    lines = [f"{len(missed)} of {len(targets)} targets NOT MET in this run:", ""]
    for target in missed:
        detail = f"; {target.detail}" if target.detail else ""
        lines.append(f"- {target.name}: measured {target.measured}{detail}")
    return "\n".join(lines)


def document(title: str, machine: dict[str, str], sections: list[Section]) -> str:
    """RESULTS.md: every word of it made from this run's measurements. What changed between
    runs is in HISTORY.md, kept by hand, and only linked from here."""
    parts = [f"# {title}"]
    parts.append("\n".join(f"- **{name}**: {value}" for name, value in machine.items()))
    parts.append("## Summary\n\n" + verdict(sections))
    parts.append(targets_table(sections).markdown())
    parts += [section.markdown() for section in sections]
    parts.append(
        "What changed between runs, and by how much: [HISTORY.md](HISTORY.md) (kept by hand, "
        "with the numbers of the runs it names)."
    )
    return "\n\n".join(parts) + "\n"


def as_data(sections: list[Section]) -> list[dict[str, Any]]:
    """The sections as plain data, for --json."""
    return [asdict(section) for section in sections]


# Formatting, so every table shows numbers the same way.


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def mib(size_bytes: float) -> str:
    return f"{size_bytes / 2**20:.1f}"


def ratio(value: float) -> str:
    return "inf" if math.isinf(value) else f"{value:.2f}x"


def units(value: float) -> str:
    return f"{value:g}"


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation): a value that was actually measured."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]
