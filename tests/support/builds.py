"""What a build's layer was compiled for: the platform tags of its wheels and the machine its
native libraries run on (read from their ELF headers, not their names)."""

from pathlib import Path

# ELF e_machine values (the System V ABI): the instruction set a shared library is for.
ELF_MACHINES = {0x3E: "x86_64", 0xB7: "aarch64"}


def wheel_platforms(layer: Path) -> dict[str, set[str]]:
    """Installed distribution -> the platform part of its wheel tags, for compiled wheels only
    (pure-Python ones are tagged 'any')."""
    found: dict[str, set[str]] = {}
    for wheel in layer.glob("*.dist-info/WHEEL"):
        tags = [
            line.split(":", 1)[1].strip()
            for line in wheel.read_text().splitlines()
            if line.startswith("Tag:")
        ]
        platforms = {tag.rsplit("-", 1)[1] for tag in tags} - {"any"}
        if platforms:
            found[wheel.parent.name.split("-", 1)[0]] = platforms
    return found


def native_libraries(layer: Path) -> dict[str, str]:
    """Every shared library in the layer -> the machine its ELF header names."""
    machines = {}
    for library in layer.rglob("*.so"):
        header = library.read_bytes()[:20]
        assert header[:4] == b"\x7fELF", f"{library} is not an ELF file"
        machine = int.from_bytes(header[18:20], "little")
        machines[str(library.relative_to(layer))] = ELF_MACHINES.get(machine, hex(machine))
    return machines
