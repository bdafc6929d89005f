"""Text from outside (file names, cell values, error messages that quote them) made safe to print.

The CLI prints with rich, which reads `[...]` as console markup, and a terminal acts on control
characters (escape sequences can move the cursor, clear the screen or rename the window; a
newline can forge a line of output). `safe()` shows such text as it is: markup escaped, every
control character replaced by `?` (as `ls` does on a terminal).
"""

from __future__ import annotations

import re

from rich.markup import escape

# C0 controls (newline and tab included), DEL and the C1 controls (ESC's 8-bit forms among them)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def plain(text: object) -> str:
    """The text with every control character replaced by `?`."""
    return CONTROL.sub("?", str(text))


def safe(text: object) -> str:
    """The text to print with console markup on: control characters replaced, markup escaped."""
    return escape(plain(text))
