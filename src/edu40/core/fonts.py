"""Thai text in figures and documents: the Sarabun font, used without touching global settings.

Matplotlib's default font (DejaVu Sans) has no Thai glyphs: Thai labels come
out as empty boxes.  edu40 depends on the PyPI package ``fontpkg-sarabun``
(Sarabun, the Thai government's document typeface by Cadson Demak, under the
SIL Open Font License 1.1; the licence ships in the package as ``LICENSE``).
:func:`register_fonts` adds its TTF files to matplotlib's font manager, which
only makes the family *available*; nothing changes for the user's own plots.
edu40's plotting functions draw inside :func:`font_context`, an
``rc_context`` that puts Sarabun first in ``font.family`` for the texts they
create, so the user's ``rcParams`` are the same before and after.

This module is a leaf (it imports nothing of edu40's pipeline): plots and
report renderers at any stage use it.
"""

from __future__ import annotations

import contextlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["FONT_FAMILY", "FALLBACK_FAMILIES", "font_files", "register_fonts", "font_context",
           "font_properties"]

#: The family edu40 writes Thai in (figures, Word and HTML reports).
FONT_FAMILY = "Sarabun"
#: Fallbacks for glyphs Sarabun lacks (e.g. Greek chi): matplotlib >= 3.6 falls back per glyph.
FALLBACK_FAMILIES = ("DejaVu Sans",)


def font_files() -> dict[str, Path]:
    """Paths of the Sarabun TTF files shipped by ``fontpkg-sarabun``, by style name.

    Raises
    ------
    ModuleNotFoundError
        If ``fontpkg-sarabun`` is not installed (it is a dependency of edu40).
    """
    try:
        root = resources.files("fontpkg_sarabun") / "files"
    except ModuleNotFoundError:  # pragma: no cover - a broken install
        raise ModuleNotFoundError("edu40 needs the Thai font package 'fontpkg-sarabun' "
                                  "(pip install fontpkg-sarabun)") from None
    return {Path(str(p)).stem.split("-", 1)[1]: Path(str(p))
            for p in root.iterdir() if str(p).endswith(".ttf")}


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Make Sarabun known to matplotlib's font manager (once per session); returns the family name.

    ``fontManager.addfont`` adds the font to the list matplotlib searches; it
    does not change ``rcParams``, so figures the user makes are unaffected.
    """
    from matplotlib import font_manager

    for path in sorted(font_files().values()):
        font_manager.fontManager.addfont(str(path))
    return FONT_FAMILY


@contextlib.contextmanager
def font_context(extra: dict | None = None):
    """``with font_context(): ...`` — Sarabun first in ``font.family`` inside the block only.

    Texts take their font when they are created, so a figure built inside
    the block keeps Sarabun when it is saved or shown later.
    """
    import matplotlib

    register_fonts()
    rc = {"font.family": [FONT_FAMILY, *FALLBACK_FAMILIES], "axes.unicode_minus": False}
    rc.update(extra or {})
    with matplotlib.rc_context(rc):
        yield


def font_properties(size=None, weight=None):
    """A ``FontProperties`` for Sarabun with the fallbacks, for texts made outside :func:`font_context`."""
    from matplotlib.font_manager import FontProperties

    register_fonts()
    return FontProperties(family=[FONT_FAMILY, *FALLBACK_FAMILIES], size=size, weight=weight)
