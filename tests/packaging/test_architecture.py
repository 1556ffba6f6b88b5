"""`make build ARCHITECTURE=arm64` (`leads build --architecture arm64`) on this x86_64 machine:
the layer carries aarch64 wheels, not the build machine's, and the built template deploys
only arm64 functions."""

from pathlib import Path

import pytest

from leads_cli.build import BuildError, build
from leads_cli.template import read_raw
from support.builds import native_libraries, wheel_platforms

pytestmark = [pytest.mark.sam, pytest.mark.slow]  # a sam build of its own


@pytest.fixture(scope="module")
def arm64_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        return build(tmp_path_factory.mktemp("arm64") / "build", "arm64")
    except BuildError as error:
        pytest.fail(str(error))


def test_an_arm64_layer_carries_aarch64_wheels_only(arm64_build):
    layer = arm64_build / "DomainLayer" / "python"
    platforms = wheel_platforms(layer)
    # pydantic-core (and wrapt) are compiled: they are what an x86_64 wheel would break.
    assert "pydantic_core" in platforms
    for distribution, tags in platforms.items():
        assert all(tag.endswith("aarch64") for tag in tags), (distribution, tags)
    libraries = native_libraries(layer)
    assert any("pydantic_core" in path for path in libraries)
    assert set(libraries.values()) == {"aarch64"}, libraries


def test_an_arm64_build_deploys_only_arm64_functions(arm64_build):
    template = read_raw(arm64_build / "template.yaml")
    parameter = template["Parameters"]["Architecture"]
    assert parameter["Default"] == "arm64"
    assert parameter["AllowedValues"] == ["arm64"]
    functions = [
        resource
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
    ]
    assert functions
    assert template["Globals"]["Function"]["Architectures"] == [{"Ref": "Architecture"}]
    for function in functions:
        assert "Architectures" not in function["Properties"]


def test_an_unknown_architecture_is_refused_before_building(tmp_path):
    with pytest.raises(BuildError, match="architecture 'sparc'"):
        build(tmp_path / "build", "sparc")
    assert not (tmp_path / "build").exists()
