"""Where a running `leads serve` leaves its URL and test key, so that `leads import` (and the
benchmark) reach the local run without the key being copied by hand.

One small file per running server, readable by its user only, in a directory of the user's
own under the system's temporary directory; removed when the server stops. A file whose server
is gone (killed without cleaning up) is ignored.
"""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

DIRECTORY = Path(tempfile.gettempdir()) / f"leads-serve-{os.getuid()}"


def record(url: str, key: str) -> Path:
    """Say that this process serves ``url`` with the test key ``key`` (and forget the records
    of servers that stopped without removing theirs: a SIGTERM or a SIGKILL skips that)."""
    DIRECTORY.mkdir(mode=0o700, exist_ok=True)
    for stale in DIRECTORY.glob("*.json"):
        if not stale.stem.isdigit() or not _alive(int(stale.stem)):
            stale.unlink(missing_ok=True)
    path = DIRECTORY / f"{os.getpid()}.json"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump({"url": url, "key": key, "pid": os.getpid()}, file)
    return path


def forget(path: Path) -> None:
    path.unlink(missing_ok=True)


def of_process(pid: int) -> dict[str, Any] | None:
    """The record of the server running as ``pid``, if it has written one yet."""
    try:
        found = json.loads((DIRECTORY / f"{pid}.json").read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and _alive(pid) else None


def key_for(url: str) -> str | None:
    """The test key of the running local server at ``url``, if there is one."""
    if not DIRECTORY.is_dir():
        return None
    for path in DIRECTORY.glob("*.json"):
        found = of_process(int(path.stem)) if path.stem.isdigit() else None
        if found and found.get("url", "").rstrip("/") == url.rstrip("/"):
            return str(found["key"])
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
