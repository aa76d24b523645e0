"""A value in the environment that is not of its setting's kind stops the start with one line naming the
variable; a yes/no setting refuses a word it does not know rather than reading it as "no"."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.settings.environment import Environment

BASE_DIR = Path(__file__).resolve().parents[2]


def _read(kind: str, value: str, default):
    environment = Environment()
    environment.ENVIRON = {"SETTING": value}
    return getattr(environment, kind)("SETTING", default=default)


@pytest.mark.parametrize("word", ["true", "True", "1", "on", "yes", "y", "ok"])
def test_yes_words_are_yes(word):
    assert _read("bool", word, False) is True


@pytest.mark.parametrize("word", ["false", "False", "0", "off", "no", "n", ""])
def test_no_words_are_no(word):
    assert _read("bool", word, True) is False


@pytest.mark.parametrize("word", ["ture", "flase", "required", "2"])
def test_an_unknown_word_for_a_yes_no_setting_stops_the_start(word):
    with pytest.raises(SystemExit, match="^SETTING cannot be read: .* is neither yes"):
        _read("bool", word, True)


def test_a_number_that_is_not_one_stops_the_start_naming_the_variable():
    with pytest.raises(SystemExit, match="^SETTING cannot be read: invalid literal for int"):
        _read("int", "one", 0)
    assert _read("int", "2", 0) == 2
    assert _read("float", "0.5", 1.0) == 0.5


def test_a_mistyped_setting_stops_manage_py_with_one_line():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings", RESPONSE_FOUR_EYES="ture", PORTAL_TRUSTED_PROXY_HOPS="1"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "RESPONSE_FOUR_EYES cannot be read: 'ture' is neither yes (true, 1, on, yes) nor no (false, 0, off, no) "
        "(README, Configuration)"
    ]
