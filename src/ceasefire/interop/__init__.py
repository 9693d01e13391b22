"""Interoperation with other negotiation tools: Genius XML files and NegMAS.

A scenario's package space and each party's exact utility at one draw make a
:class:`Domain`; :mod:`ceasefire.interop.genius` reads and writes Genius XML domains and
additive profiles with the standard library alone; :mod:`ceasefire.interop.negmas_bridge`,
the one module that imports NegMAS (an optional extra, ``pip install 'ceasefire[negmas]'``,
under the AGPL), negotiates the domain with NegMAS's own negotiators. Nothing here is
imported by ``import ceasefire``.
"""

from __future__ import annotations

from ceasefire.interop.domain import Domain, build_domain, domain_of, negmas_json
from ceasefire.interop.genius import (
    AdditiveFit,
    AdditiveUtility,
    GeniusDomain,
    additive_fit,
    additive_fits,
    read_genius_domain,
    read_genius_profile,
    write_genius,
)

__all__ = [
    "AdditiveFit",
    "AdditiveUtility",
    "Domain",
    "GeniusDomain",
    "additive_fit",
    "additive_fits",
    "build_domain",
    "domain_of",
    "negmas_json",
    "read_genius_domain",
    "read_genius_profile",
    "write_genius",
]
