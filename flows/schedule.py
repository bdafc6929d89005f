"""The yearly schedule of the refresh, shared by `bymonitor serve` and prefect.yaml.

15 March at 06:00 (Europe/Oslo): StatBank publishes the population on 1 January in late February
(07459, 06913's stock) and register-based employment for the 4th quarter of the year before in
February (11616, 13470, 13472); mid-March leaves room for late releases and corrections.
"""

from __future__ import annotations

DEPLOYMENT_NAME = "yearly"
CRON = "0 6 15 3 *"
TIMEZONE = "Europe/Oslo"
PARAMETERS = {"live": True}  # the scheduled run fetches the year's figures from StatBank's API
DESCRIPTION = (
    "The yearly refresh of bymonitor: ingest, build the marts, run the quality gate and publish "
    "the report for the latest year the data supports."
)


def schedule():
    from prefect.schedules import Cron

    return Cron(CRON, timezone=TIMEZONE)


def deployment():
    """The deployment as `bymonitor serve` runs it (no API call: a description only)."""
    from flows.refresh import yearly_refresh

    return yearly_refresh.to_deployment(
        name=DEPLOYMENT_NAME,
        schedules=[schedule()],
        description=DESCRIPTION,
        parameters=PARAMETERS,
        tags=["bymonitor"],
    )
