"""The Kubernetes deployment on paper (deploy/), checked without a cluster.

- deploy/values.yaml parses, names the image this repository builds (at the package's own
  version), and passes the check Helm itself makes before installing: the chart's default
  values with ours laid over them (Helm's merge), validated against the chart's values schema
  (deploy/chart/values.schema.json, a copy of Zero to JupyterHub 4.4.0's; its keys are closed,
  so a key the chart does not have is an error); the keys under hub.config, which the chart
  passes to JupyterHub's classes unchecked, against those classes' traits
  (deploy/chart/hub-config-traits.json).
- deploy/Dockerfile installs exactly the package's runtime requirements from pyproject.toml,
  each pinned to one version that pyproject.toml allows, the package itself from its wheel,
  and the jupyterhub release of the chart's hub (the single-user server must match the hub).
"""

from __future__ import annotations

import copy
import json
import re
import shlex
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CHART = DEPLOY / "chart"


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def values() -> dict:
    return yaml.safe_load((DEPLOY / "values.yaml").read_text())


def merged(defaults: dict, ours: dict) -> dict:
    """Helm's coalescing of user values over a chart's: maps merge key by key, anything else
    replaces, and a null removes the chart's key."""
    out = copy.deepcopy(defaults)
    for key, value in ours.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def schema_errors(ours: dict) -> list[str]:
    schema = (CHART / "values.schema.json").read_text()
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    validator = jsonschema.Draft7Validator(yaml.safe_load(schema))
    found = validator.iter_errors(merged(defaults, ours))
    return sorted(f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in found)


def pip_installs(dockerfile: str) -> list[list[str]]:
    """The arguments of each ``pip install`` in the Dockerfile's RUN instructions."""
    text = re.sub(r"\\\n", " ", dockerfile)  # join continued lines
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    installs = []
    for run in re.findall(r"^RUN\s+(.*)$", text, flags=re.MULTILINE):
        for command in re.split(r"&&|;", run):
            words = shlex.split(command)
            if words[:2] in (["pip", "install"], ["python", "-m"]) and "install" in words[:4]:
                installs.append(words[words.index("install") + 1 :])
    return installs


def pins(dockerfile: str) -> dict[str, Requirement]:
    """Every requirement the image's pip installs name, by canonical name."""
    found = {}
    for args in pip_installs(dockerfile):
        for arg in args:
            if arg.startswith("-") or arg.endswith(".whl") or "/" in arg:
                continue
            requirement = Requirement(arg)
            found[canonicalize_name(requirement.name)] = requirement
    return found


def exact(requirement: Requirement) -> str | None:
    """The one version an ``==`` pin names, or None."""
    specs = list(requirement.specifier)
    return specs[0].version if len(specs) == 1 and specs[0].operator == "==" else None


# ------------------------------------------------------------------------------------ values


def test_values_parse_and_name_the_image_at_the_package_version():
    image = values()["singleuser"]["image"]
    assert image["name"].endswith("/action-plan-workbook")
    assert str(image["tag"]) == project()["version"]


def test_values_pass_the_charts_schema():
    assert schema_errors(values()) == []


@pytest.mark.parametrize(
    "path, value",
    [
        (("singleuser", "storage", "capacityy"), "2Gi"),  # a misspelt key
        (("hub", "db", "type"), "postgresql"),  # not one of the chart's database types
        (("cull", "timeout"), "an hour"),  # not a number
    ],
)
def test_a_key_or_value_the_chart_does_not_have_is_refused(path, value):
    broken = values()
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert schema_errors(broken), f"{'.'.join(path)}: {value!r} passed the chart's schema"


def hub_config_errors(ours: dict) -> list[str]:
    """hub.config passes through the chart unchecked, to JupyterHub's classes: each key set
    there must be a configurable trait of its class in the releases the chart's hub runs."""
    known = json.loads((CHART / "hub-config-traits.json").read_text())["traits"]
    errors = []
    for cls, settings in ours["hub"]["config"].items():
        if cls not in known:
            errors.append(f"hub.config.{cls}: no such class in the list")
            continue
        errors += [f"hub.config.{cls}.{key}" for key in settings if key not in known[cls]]
    return errors


def test_values_hub_config_sets_only_traits_the_hub_has():
    assert hub_config_errors(values()) == []


def test_a_hub_config_key_the_hub_does_not_have_is_refused():
    broken = values()
    broken["hub"]["config"]["GenericOAuthenticator"]["claim_groups"] = "groups"
    assert hub_config_errors(broken) == ["hub.config.GenericOAuthenticator.claim_groups"]


def test_values_give_the_administrator_the_same_role_as_on_one_machine():
    config = pytest.importorskip("workbook.hub.config", reason="needs the hub package")
    role = values()["hub"]["loadRoles"][config.ADMIN_ROLE]
    assert role["scopes"] == config.ADMIN_SCOPES
    assert (
        values()["hub"]["config"]["GenericOAuthenticator"]["allowed_groups"][-1] in role["groups"]
    )


def test_values_keep_the_hub_database_on_postgres_and_a_volume_per_user():
    v = values()
    assert v["hub"]["db"]["type"] == "postgres"
    assert v["hub"]["db"]["url"].startswith("postgresql://")
    assert "password" not in v["hub"]["db"]  # given at install time, never kept in the file
    storage = v["singleuser"]["storage"]
    assert storage["type"] == "dynamic"
    assert storage["homeMountPath"] == "/home/jovyan"
    assert v["cull"]["enabled"] is True


def test_values_make_our_four_roles_the_hub_groups_and_grant_no_access_to_servers():
    v = values()
    auth = v["hub"]["config"]["GenericOAuthenticator"]
    assert {"practitioner", "supervisor", "educator", "trainee"} <= set(auth["allowed_groups"])
    assert auth["manage_groups"] is True
    assert "admin_groups" not in auth and "admin_users" not in auth
    for name, role in v["hub"]["loadRoles"].items():
        granted = " ".join(role["scopes"])
        assert "access:servers" not in granted, name
        assert "admin:users" not in granted and "tokens" not in granted, name


def test_values_keep_the_practice_on_the_volume_and_open_its_start_here():
    from workbook.steps import START

    single = values()["singleuser"]
    practice = Path(single["extraEnv"]["WORKBOOK_PRACTICE"])
    assert practice.is_relative_to(single["storage"]["homeMountPath"])  # kept across restarts
    # the server serves the practice folder (workbook.hub.singleuser): start-here is under
    # notebooks/, where `workbook init` writes it
    assert (ROOT / "notebooks" / START).exists()
    assert single["defaultUrl"] == f"/lab/tree/notebooks/{START}"


def test_values_and_image_start_the_same_server_command():
    (cmd,) = re.findall(r"^CMD\s+(\[.*\])\s*$", (DEPLOY / "Dockerfile").read_text(), re.M)
    assert values()["singleuser"]["cmd"] == json.loads(cmd)


# -------------------------------------------------------------------------------- the image


def test_image_pins_every_runtime_requirement_of_pyproject_and_nothing_else():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    wanted = {
        canonicalize_name(Requirement(r).name): Requirement(r) for r in project()["dependencies"]
    }
    found = pins(dockerfile)
    found.pop("jupyterhub", None)  # the hub's own release: the last test
    missing, extra = sorted(set(wanted) - set(found)), sorted(set(found) - set(wanted))
    assert not missing, f"pyproject.toml requires {missing}; deploy/Dockerfile does not pin it"
    assert not extra, f"deploy/Dockerfile pins {extra}; pyproject.toml does not require it"
    for name, requirement in wanted.items():
        version = exact(found[name])
        assert version, f"{found[name]} is not pinned to one version"
        assert requirement.specifier.contains(version), f"{found[name]} breaks {requirement}"
        assert found[name].extras == requirement.extras, name


def test_image_installs_the_package_from_its_wheel_with_the_pins():
    installs = pip_installs((DEPLOY / "Dockerfile").read_text())
    with_wheel = [args for args in installs if any(a.endswith(".whl") for a in args)]
    assert len(with_wheel) == 1, installs
    # one pip run: the wheel's own requirements and the pins are resolved together, so a pin
    # the package does not accept fails the build
    assert pins(" ".join(["RUN pip install", *map(shlex.quote, with_wheel[0])])) == pins(
        (DEPLOY / "Dockerfile").read_text()
    )


def test_image_jupyterhub_is_the_charts_hub_release():
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    jupyterhub = pins((DEPLOY / "Dockerfile").read_text())["jupyterhub"]
    assert exact(jupyterhub) == chart["appVersion"]


def test_image_python_is_one_the_package_accepts():
    from packaging.specifiers import SpecifierSet

    bases = re.findall(
        r"^FROM\s+python:(\d+\.\d+\.\d+)-", (DEPLOY / "Dockerfile").read_text(), re.M
    )
    assert len(bases) == 2  # the wheel's stage and the image: the same Python
    assert len(set(bases)) == 1
    assert SpecifierSet(project()["requires-python"]).contains(bases[0])


def test_image_has_chromium_where_the_pdfs_look_for_it():
    from workbook.generate import export

    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM\s+python:\S+-bookworm\s*$", dockerfile, re.M)  # Debian 12
    installs = re.search(r"apt-get install[^&]*", dockerfile.replace("\\\n", " ")).group(0)
    assert "chromium" in installs.split()  # Debian's package puts it at /usr/bin/chromium
    assert export.CHROMIUM == "/usr/bin/chromium"
