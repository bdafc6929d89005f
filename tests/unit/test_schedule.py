"""The yearly schedule: one definition for `bymonitor serve` and prefect.yaml."""

import yaml

from flows import runtime, schedule
from flows.settings import REPO_ROOT, Settings


def test_prefect_yaml_and_serve_use_the_same_yearly_schedule(home):
    runtime.configure(Settings())
    deployment = schedule.deployment()
    [served] = deployment.schedules
    assert served.schedule.cron == schedule.CRON == "0 6 15 3 *"
    assert served.schedule.timezone == schedule.TIMEZONE == "Europe/Oslo"
    assert deployment.name == "yearly" and deployment.parameters == schedule.PARAMETERS
    document = yaml.safe_load((REPO_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    [declared] = document["deployments"]
    assert declared["entrypoint"] == "flows/refresh.py:yearly_refresh"
    assert declared["schedules"][0]["cron"] == schedule.CRON
    assert declared["schedules"][0]["timezone"] == schedule.TIMEZONE
    assert declared["parameters"] == schedule.PARAMETERS == {"live": True}
