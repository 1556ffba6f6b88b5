"""The documents a clone of the repository carries link only what the clone has: every relative
link in every Markdown file resolves to a file or folder inside the repository."""

import re
import subprocess

import pytest

from leads_cli.template import PROJECT_ROOT

# [text](target), without the images' and the anchors' own syntax getting in the way.
LINK = re.compile(r"\]\(([^)\s]+)\)")


def markdown_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.md"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [name for name in listed if "node_modules" not in name]


@pytest.mark.parametrize("name", markdown_files())
def test_every_relative_link_resolves_inside_the_repository(name: str) -> None:
    document = PROJECT_ROOT / name
    for target in LINK.findall(document.read_text(encoding="utf-8")):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # another site, or a place in this document
        resolved = (document.parent / target.split("#", 1)[0]).resolve()
        assert resolved.is_relative_to(PROJECT_ROOT), f"{name} links outside: {target}"
        assert resolved.exists(), f"{name} links to a missing {target}"
