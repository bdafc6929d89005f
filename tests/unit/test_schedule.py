"""The yearly deployment: defined once in flows/schedule.py, prefect.yaml generated from it."""

from importlib.metadata import version

import yaml

from flows import runtime, schedule
from flows.settings import REPO_ROOT, Settings


def test_serve_runs_the_yearly_schedule(home):
    runtime.configure(Settings())
    deployment = schedule.deployment()
    [served] = deployment.schedules
    assert served.schedule.cron == schedule.CRON == "0 6 15 3 *"
    assert served.schedule.timezone == schedule.TIMEZONE == "Europe/Oslo"
    assert deployment.name == "yearly" and deployment.parameters == {"live": True}
    assert deployment.entrypoint == schedule.ENTRYPOINT


def test_prefect_yaml_is_the_generated_one():
    committed = (REPO_ROOT / "prefect.yaml").read_text(encoding="utf-8")
    assert committed == schedule.prefect_yaml(version("prefect")), (
        "prefect.yaml differs from flows/schedule.py: run `python -m flows.schedule > prefect.yaml`"
    )
    [declared] = yaml.safe_load(committed)["deployments"]
    assert declared["schedules"][0] == {
        "cron": "0 6 15 3 *",
        "timezone": "Europe/Oslo",
        "active": True,
    }
