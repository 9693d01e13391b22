"""The web dashboard and its JSON API (``ceasefire serve``; the ``web`` extra).

:func:`create_app` builds the FastAPI application from :class:`Settings`. FastAPI is
imported only when an app is built, so ``import ceasefire.web`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ceasefire.web.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["Settings", "create_app"]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the dashboard and JSON API (see :mod:`ceasefire.web.app`).

    Raises
    ------
    CeasefireError
        When FastAPI (the ``web`` extra) is not installed.
    """
    try:
        from ceasefire.web.app import create_app as build
    except ImportError as error:
        from ceasefire.errors import CeasefireError

        raise CeasefireError(f"the web dashboard needs {error.name or 'fastapi'}, which is "
                             "not installed; install it with: pip install "
                             "'ceasefire[web]'") from error
    return build(settings)
