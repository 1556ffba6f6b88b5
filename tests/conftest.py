"""Every fixture and helper lives in the test-support package (tests/support)."""

pytest_plugins = ["support.plugin"]
