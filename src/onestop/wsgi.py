"""The WSGI application of OneStop, for `onestop serve` and any other WSGI server."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
application = get_wsgi_application()


def _check_secret_key() -> None:
    """Stop the server at start when the secret key is empty, rather than failing on
    each request that reads a session."""
    from onestop.core.management.base import command_language
    from onestop.core.signing import secret_key_missing_line

    with translation.override(command_language(os.environ)):
        missing = secret_key_missing_line()
    if missing is not None:
        raise ImproperlyConfigured(missing)


_check_secret_key()
