"""Undo UTF-8 text that was once mis-decoded as Mac Roman ("üß†" for 🧠).

The seed went through that accident, so encoding it back to Mac Roman
recovers the original UTF-8 bytes. Text that was never damaged must come out
unchanged, which the round trip itself mostly guarantees: real emoji cannot be
encoded as Mac Roman, and legitimate accents ("café", "naïve") rarely form
valid UTF-8 sequences once encoded.
"""

import unicodedata

# Control, unassigned, private-use or surrogate characters in a "repair"
# mean the bytes only happened to be valid UTF-8: keep the original.
_IMPLAUSIBLE = {"Cc", "Cn", "Co", "Cs"}
_WHITESPACE_CONTROLS = set("\t\n\r\f\v")


def repair(text: str) -> str:
    """Return text with Mac Roman mojibake undone, or unchanged if there is none."""
    fixed = _round_trip(text)
    if fixed is not None:
        return fixed
    # One clean line (say, with a real emoji) makes the whole text fail the
    # round trip; still repair every damaged line around it.
    return "\n".join(_round_trip(line) or line for line in text.split("\n"))


def _round_trip(text):
    try:
        fixed = text.encode("mac_roman").decode("utf-8")
    except UnicodeError:
        return None
    if any(
        unicodedata.category(char) in _IMPLAUSIBLE and char not in _WHITESPACE_CONTROLS
        for char in fixed
    ):
        return None
    return fixed
