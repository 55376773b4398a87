"""Language of labels: Thai (``"th"``) or English (``"en"``).

Every function that prints labels takes ``lang=None``; ``None`` means the
session default, set once with :func:`set_language`.  The default is English
because column names must stay ASCII-safe for export; Thai reports call
``edu40.set_language("th")`` at the top of the notebook.
"""

from __future__ import annotations

_LANGUAGES = ("th", "en")
_current = {"lang": "en"}


def set_language(lang: str) -> None:
    """Set the default label language for the session (``"th"`` or ``"en"``).

    Examples
    --------
    >>> import edu40
    >>> edu40.set_language("th")
    >>> edu40.get_language()
    'th'
    >>> edu40.set_language("en")
    """
    _current["lang"] = check_language(lang)


def get_language() -> str:
    """The session's default label language."""
    return _current["lang"]


def check_language(lang: str | None) -> str:
    """Resolve ``lang`` (``None`` -> session default) and validate it."""
    if lang is None:
        return _current["lang"]
    if lang not in _LANGUAGES:
        raise ValueError(f"lang must be 'th' or 'en', not {lang!r}")
    return lang


def pick(th: str, en: str, lang: str | None = None) -> str:
    """Return the Thai or English form of a label."""
    return th if check_language(lang) == "th" else en
