"""4. Package size: each built function and the layer, zipped (deflate, as `sam deploy`
uploads them) and unzipped, with the layer's largest packages."""

import io
import zipfile
from collections import defaultdict
from pathlib import Path

from bench.environment import Build, function_folders
from bench.report import Section, Table, mib

# Lambda's quota: a function and all its layers, unzipped.
UNZIPPED_LIMIT = 250 * 2**20
TOP_PACKAGES = 8


def zipped(folder: Path, prefix: str = "") -> list[zipfile.ZipInfo]:
    """Every file of `folder` deflated into an in-memory zip; the archive's entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(folder).as_posix())
        return archive.infolist()


def sizes(entries: list[zipfile.ZipInfo]) -> tuple[int, int]:
    """(zipped, unzipped) bytes."""
    return sum(e.compress_size for e in entries), sum(e.file_size for e in entries)


def by_package(entries: list[zipfile.ZipInfo]) -> dict[str, tuple[int, int]]:
    """(zipped, unzipped) bytes per top-level name under python/ (metadata folders together)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for entry in entries:
        top = entry.filename.split("/")[1]
        name = "(package metadata)" if top.endswith((".dist-info", ".data")) else top
        totals[name][0] += entry.compress_size
        totals[name][1] += entry.file_size
    return {name: (z, u) for name, (z, u) in totals.items()}


def human(size_bytes: int) -> str:
    if size_bytes < 2**20:
        return f"{size_bytes / 1024:.1f} KiB"
    return f"{mib(size_bytes)} MiB"


def run(build: Build) -> Section:
    table = Table("Built artifacts", ["Artifact", "Zipped", "Unzipped", "Files"])
    layer = zipped(build.layer.parent)
    layer_zipped, layer_unzipped = sizes(layer)
    functions_unzipped = 0
    for folder in sorted(function_folders()):
        entries = zipped(build.function(folder))
        zipped_bytes, unzipped_bytes = sizes(entries)
        functions_unzipped = max(functions_unzipped, unzipped_bytes)
        table.add(f"function {folder}", human(zipped_bytes), human(unzipped_bytes), len(entries))
    table.add("layer (DomainLayer)", human(layer_zipped), human(layer_unzipped), len(layer))

    packages = by_package(layer)
    largest = Table(
        f"The layer's {TOP_PACKAGES} largest packages",
        ["Package", "Zipped MiB", "Unzipped MiB", "Share of the layer (unzipped)"],
    )
    ranked = sorted(packages.items(), key=lambda item: -item[1][1])
    for name, (zipped_bytes, unzipped_bytes) in ranked[:TOP_PACKAGES]:
        largest.add(
            name,
            mib(zipped_bytes),
            mib(unzipped_bytes),
            f"{unzipped_bytes / layer_unzipped:.0%}",
        )
    botocore_zipped, botocore_unzipped = packages.get("botocore", (0, 0))
    return Section(
        "4. Package size",
        tables=[table, largest],
        notes=[
            "Zipped with zipfile's deflate, as the artifacts are uploaded; unzipped is the sum "
            "of the files' sizes.",
            f"Largest function + layer, unzipped: "
            f"{mib(functions_unzipped + layer_unzipped)} MiB of Lambda's "
            f"{UNZIPPED_LIMIT // 2**20} MiB quota. Floor for comparison: botocore alone, the "
            f"cold-start floor's only dependency, is {mib(botocore_zipped)} MiB zipped, "
            f"{mib(botocore_unzipped)} MiB unzipped "
            f"({botocore_unzipped / layer_unzipped:.0%} of the layer).",
        ],
    )
