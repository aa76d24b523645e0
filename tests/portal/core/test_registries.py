"""The registries are filled when the apps start: a config that Django did not pick, or an app that forgot a
registration, shows here rather than as a missing file in someone's data archive."""

import re
from pathlib import Path

from django.apps import apps

from portal.core import registries
from portal.core.apps import RegisteringAppConfig
from portal.notifications.messages import MESSAGES

ROOT = Path(__file__).resolve().parents[3]


def test_every_app_of_ours_registers_at_start_up():
    ours = [config for config in apps.get_app_configs() if config.name.startswith(("portal.", "proposals"))]
    assert {config.label for config in ours} == {"core", "accounts", "notifications", "proposals"}
    assert all(isinstance(config, RegisteringAppConfig) for config in ours)


def test_each_app_contributes_its_part_of_a_persons_data():
    names = [part.name for part in registries.personal_data]
    assert names[:2] == ["profile", "verification"]
    assert {"notifications", "proposals", "comments", "supports", "hearing_registrations"} <= set(names)
    assert any(part.erase for part in registries.personal_data if part.name == "notifications")
    assert any(part.withdraw for part in registries.personal_data)


def test_the_staff_area_has_each_apps_panels():
    templates = {panel.template for panel in registries.staff_panels}
    assert {"staff/panels/administration.html", "proposals/staff/panel_work.html"} <= templates
    assert "account/staff/panel_organisations.html" in templates


def test_every_notification_kind_raised_in_the_code_has_a_text():
    raised = set()
    for path in [*ROOT.joinpath("portal").rglob("*.py"), *ROOT.joinpath("proposals").rglob("*.py")]:
        raised |= set(re.findall(r'kind="([a-z_]+\.[a-z_]+)"', path.read_text()))
    assert raised, "the scan found no kind at all"
    assert sorted(raised - set(MESSAGES)) == []
