"""The language of management command output, chosen from the locale variables."""

import pytest

from onestop.core.management.base import command_language


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "zh-hans"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-hans"),
        ({"LANG": "zh_TW.UTF-8"}, "zh-hans"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LC_ALL": "POSIX", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_GB.UTF-8"}, "zh-hans"),
        ({"LANGUAGE": "zh_CN:en", "LC_ALL": "en_US.UTF-8"}, "zh-hans"),
        ({"LANGUAGE": "en:zh_CN", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "", "LANG": "zh_SG.UTF-8"}, "zh-hans"),
        ({"LANGUAGE": "ZH"}, "zh-hans"),
    ],
)
def test_command_language_follows_locale(settings, environ, language):
    settings.LANGUAGE_CODE = "zh-hans"

    assert command_language(environ) == language
