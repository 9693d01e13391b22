r"""Scenario text made safe to show: no terminal control characters.

Names, descriptions and claims come from files anyone may write. Printed raw, an escape
sequence in a name (``\x1b[31m``, ``\x1b]0;TITLE\x07``) recolours the terminal or
retitles the window; :func:`printable` is the one place that removes them.
"""

from __future__ import annotations

import re

__all__ = ["printable"]

# ESC-introduced sequences first (CSI ``ESC [ ... final``, OSC ``ESC ] ... BEL or ESC \\``,
# and two-character escapes), so their printable tails (``[31m``, ``0;TITLE``) go too;
# then any remaining C0 or C1 control character, DEL included.
_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, ended by BEL or ST (or the end)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*[\x07\x9c]?"  # 8-bit OSC
)
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    r"""Return ``text`` without terminal control characters, for display.

    Escape sequences are removed whole; any other C0 or C1 control character (DEL
    included) is dropped; line breaks and tabs become one space, unless
    ``keep_newlines``, which keeps ``\n`` (free text shown as paragraphs).

    Parameters
    ----------
    text
        Scenario text: a name, a description, a claim.
    keep_newlines
        Keep ``\n`` line breaks (``\r\n`` and ``\r`` become ``\n``).

    Examples
    --------
    >>> printable("North \x1b[31mred\x1b]0;TITLE\x07 war")
    'North red war'
    >>> printable("two\nlines")
    'two lines'
    """
    text = _SEQUENCE.sub("", str(text))
    if keep_newlines:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = [_CONTROL.sub("", _LINE_BREAKS.sub(" ", line)) for line in text.split("\n")]
        return "\n".join(lines)
    return _CONTROL.sub("", _LINE_BREAKS.sub(" ", text))
