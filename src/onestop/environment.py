"""Read OneStop's settings from environment variables, checking each value at start.

An invalid value raises ImproperlyConfigured whose message names the variable, the
value and the rule, so that a typo stops the process at once instead of failing later.
Django is not set up while its settings load, so the messages are translated with the
standard library's gettext from the compiled catalogue, in the language of the
operator's locale variables (the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that
is set; Simplified Chinese without any).
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_PORT = 65535
# The Chinese message puts a space before the rule, for a rule that starts with a
# Latin word, and this removes it before a Chinese one.
_SPACE_BETWEEN_CJK = re.compile("(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")

# Whether the process runs a command that only reads, such as `onestop ledger verify`.
# The console script sets it before the settings load, and the settings then create no
# var/ folder, secret key, static folder or SQLite database.
read_only_command = False


def _catalogue(environ: Mapping[str, str]) -> gettext.NullTranslations:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").split(":")[0].strip()
        if value:
            if not value.lower().startswith("zh"):
                return gettext.NullTranslations()
            break
    return gettext.translation(
        "django", LOCALE_DIR, languages=["zh_Hans"], fallback=True
    )


def _(message: str) -> str:
    return _catalogue(os.environ).gettext(message)


def invalid(name: str, value: str, rule: str) -> ImproperlyConfigured:
    """Return the error that the variable `name` has `value`, which breaks `rule`."""
    message = _(
        'The environment variable %(name)s is "%(value)s", but it must be %(rule)s. '
        "Correct or unset it, and start again."
    )
    text = message % {"name": name, "value": value[:80], "rule": rule}
    return ImproperlyConfigured(_SPACE_BETWEEN_CJK.sub("", text))


def _value(name: str) -> str:
    return os.environ.get(name, "").strip()


def env_text(name: str, default: str) -> str:
    """Return the variable `name`, or `default` when it is unset or empty."""
    return _value(name) or default


def env_folder(name: str, default: Path) -> Path:
    """Return the variable `name` as an absolute path that is a folder or not yet made."""
    value = _value(name)
    path = Path(value or default).resolve()
    if path.exists() and not path.is_dir():
        raise invalid(name, value, _("a folder, not a file"))
    return path


def env_int(name: str, default: int, *, minimum: int = 1) -> int:
    """Return the variable `name` as a whole number of at least `minimum`."""
    value = _value(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        rule = _("a whole number of at least %(minimum)s") % {"minimum": minimum}
        raise invalid(name, value, rule)
    return number


def env_port(name: str) -> int | None:
    """Return the variable `name` as a TCP port from 1 to 65535, or None when unset."""
    value = _value(name)
    if not value:
        return None
    port = int(value) if value.isdecimal() else 0
    if not 1 <= port <= MAX_PORT:
        raise invalid(name, value, _("a TCP port, a whole number from 1 to 65535"))
    return port


def env_flag(name: str, default: bool) -> bool:
    """Return the variable `name` as a switch: "1" is on, "0" off, unset the default."""
    value = _value(name)
    if not value:
        return default
    if value not in ("0", "1"):
        raise invalid(name, value, _("1 (on) or 0 (off)"))
    return value == "1"


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """Return the variable `name` in upper case, which must be one of `choices`."""
    value = _value(name)
    if not value:
        return default
    if value.upper() not in choices:
        rule = _("one of %(choices)s") % {"choices": ", ".join(choices)}
        raise invalid(name, value, rule)
    return value.upper()


def env_url(name: str, default: str, schemes: tuple[str, ...]) -> str:
    """Return the variable `name` as an absolute URL with one of `schemes`."""
    value = _value(name)
    if not value:
        return default
    check_url(name, value, schemes)
    return value


def env_urls(name: str, schemes: tuple[str, ...]) -> list[str]:
    """Return the comma-separated URLs of the variable `name`, each checked."""
    urls = [item.strip() for item in _value(name).split(",") if item.strip()]
    for url in urls:
        check_url(name, url, schemes)
    return urls


def check_url(name: str, value: str, schemes: tuple[str, ...]) -> None:
    """Raise ImproperlyConfigured unless `value` is a URL with a scheme and a host."""
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        rule = _("an absolute URL that starts with %(schemes)s and names a host") % {
            "schemes": ", ".join(f"{scheme}://" for scheme in schemes)
        }
        raise invalid(name, without_password(value), rule)


def without_password(url: str) -> str:
    """Return `url` with the password of its user information written as ***."""
    scheme, separator, rest = url.partition("://")
    user_info, at, host = rest.rpartition("@")
    if not separator or not at or ":" not in user_info:
        return url
    user = user_info.split(":", 1)[0]
    return f"{scheme}{separator}{user}:***@{host}"


def env_meta_key(name: str) -> str:
    """Return the variable `name` as a Django request.META key such as HTTP_X_REAL_IP."""
    value = _value(name)
    if value and not all(c.isupper() or c.isdigit() or c == "_" for c in value):
        rule = _(
            "a request.META key in capitals and underscores, such as HTTP_X_REAL_IP"
        )
        raise invalid(name, value, rule)
    return value


def database_settings(url: str, **options: Any) -> dict[str, Any]:
    """Parse DATABASE_URL, raising ImproperlyConfigured when its form is unknown."""
    import dj_database_url

    try:
        return dict(dj_database_url.parse(url, **options))
    except ValueError:
        rule = _("a database URL such as postgres://user@host:5432/name")
        raise invalid("DATABASE_URL", without_password(url), rule) from None
