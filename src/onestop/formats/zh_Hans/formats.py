# Django reads a format module per language; every language takes the shared formats.
from onestop.formats import *  # noqa: F403
