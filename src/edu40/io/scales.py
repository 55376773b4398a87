"""Likert scales: anchor labels (Thai/English) and mean-interpretation bands.

Thai survey reports interpret a mean on a 5-point scale by the bands
4.51-5.00 highest (มากที่สุด), 3.51-4.50 high (มาก), 2.51-3.50 moderate
(ปานกลาง), 1.51-2.50 low (น้อย), 1.00-1.50 lowest (น้อยที่สุด): equal-width
intervals of (max - min) / points around each scale point.  The same rule
gives the default bands of 4- to 7-point scales; custom bands are accepted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.i18n import check_language

__all__ = ["LikertScale", "Band", "LIKERT5"]

# Anchor labels for the usual agreement/extent scales, lowest first.
_DEFAULT_LABELS = {
    4: (["น้อยที่สุด", "น้อย", "มาก", "มากที่สุด"],
        ["lowest", "low", "high", "highest"]),
    5: (["น้อยที่สุด", "น้อย", "ปานกลาง", "มาก", "มากที่สุด"],
        ["lowest", "low", "moderate", "high", "highest"]),
    # 6 and 7 points: the wording of Thai rating scales (ค่อนข้าง = somewhat)
    6: (["น้อยที่สุด", "น้อย", "ค่อนข้างน้อย", "ค่อนข้างมาก", "มาก", "มากที่สุด"],
        ["lowest", "low", "somewhat low", "somewhat high", "high", "highest"]),
    7: (["น้อยที่สุด", "น้อย", "ค่อนข้างน้อย", "ปานกลาง", "ค่อนข้างมาก", "มาก", "มากที่สุด"],
        ["lowest", "low", "somewhat low", "moderate", "somewhat high", "high", "highest"]),
}

# English synonyms respondents and form builders use for the 5-point anchors.
_EN_SYNONYMS_5 = {
    "strongly disagree": 1, "disagree": 2, "neutral": 3, "neither agree nor disagree": 3,
    "agree": 4, "strongly agree": 5, "very low": 1, "very high": 5, "very much": 5,
    "least": 1, "most": 5, "very little": 1, "little": 2, "much": 4,
}
_THAI_SYNONYMS_5 = {
    "ไม่เห็นด้วยอย่างยิ่ง": 1, "ไม่เห็นด้วย": 2, "ไม่แน่ใจ": 3, "เห็นด้วย": 4,
    "เห็นด้วยอย่างยิ่ง": 5, "น้อยมาก": 1, "มากมาก": 5,
}


# Characters that exports insert invisibly: zero-width space/joiners, word joiner,
# soft hyphen, BOM, left-to-right/right-to-left marks.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\u00ad\ufeff\u200e\u200f"), None)
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# SARA AM typed (or copied from a PDF) as NIKHAHIT + SARA AA, possibly around a tone
# mark: NFC keeps these apart from U+0E33, so "นำ" would not equal "นำ".
_SARA_AM = re.compile("\u0e4d([\u0e48-\u0e4b]?)\u0e32|([\u0e48-\u0e4b])\u0e4d\u0e32")


def normalize_text(text: str) -> str:
    """Case-fold, NFC-normalize and collapse whitespace; drop zero-width marks.

    Google Forms and Excel exports carry non-breaking spaces, zero-width
    spaces and trailing blanks that make equal Thai strings compare unequal;
    Thai digits (๕) are read as 5, and SARA AM written as two characters
    (NIKHAHIT + SARA AA) as the one character U+0E33.

    Examples
    --------
    >>> from edu40.io.scales import normalize_text
    >>> normalize_text("  ๕\u00a0มาก\u200bที่สุด ")
    '5 มากที่สุด'
    """
    text = unicodedata.normalize("NFC", str(text)).translate(_INVISIBLE).translate(_THAI_DIGITS)
    text = _SARA_AM.sub(lambda m: (m.group(1) or m.group(2) or "") + "\u0e33", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


#: Cell texts that mean "no answer" (normalized): blank, R's NA, Excel's #N/A, pandas' nan, "-", ".".
MISSING_TOKENS = frozenset({"", "na", "n/a", "#n/a", "nan", "-", "."})


def compact_text(text: str) -> str:
    """:func:`normalize_text` without any spaces: Thai writes no spaces between words, so
    exports and retyped questionnaires place them freely (``"การประเมิน เน้น"`` = ``"การประเมินเน้น"``)."""
    return normalize_text(text).replace(" ", "")


@dataclass(frozen=True)
class Band:
    """One interpretation band: ``lower <= mean <= upper`` reads as ``label``."""

    lower: float
    upper: float
    label_th: str
    label_en: str

    def label(self, lang: str | None = None) -> str:
        return self.label_th if check_language(lang) == "th" else self.label_en


@dataclass(frozen=True)
class LikertScale:
    """A k-point Likert scale with anchor labels and mean bands.

    Parameters
    ----------
    points : int
        Number of scale points (2 to 11); values are ``minimum .. minimum+points-1``.
    labels_th, labels_en : sequence of str, optional
        Anchor labels, lowest point first.  Defaults exist for 4 to 7 points.
    bands : sequence of Band, optional
        Mean interpretation bands, lowest first.  Default: see ``band_rule``.
    minimum : int
        Lowest scale value (default 1).
    band_rule : {"nearest", "interval"}
        How default bands are made.  ``"nearest"`` (default; the convention of
        Thai education research) reads a mean as its nearest scale point, with
        two-decimal limits: 1.00-1.50, 1.51-2.50, 2.51-3.50, 3.51-4.50,
        4.51-5.00.  ``"interval"`` uses equal class intervals of width
        ``(max - min) / points`` (Best, 1977): 1.00-1.80, 1.81-2.60, ...

    Examples
    --------
    >>> from edu40 import LIKERT5
    >>> LIKERT5.level(4.62, lang="th")
    'มากที่สุด'
    >>> LIKERT5.level(3.51)
    'high'
    >>> LIKERT5.parse("5 - มากที่สุด")
    5
    """

    points: int = 5
    labels_th: tuple[str, ...] = ()
    labels_en: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()
    minimum: int = 1
    band_rule: str = "nearest"
    _lookup: dict = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self):
        if not isinstance(self.points, (int, np.integer)) or not 2 <= self.points <= 11:
            raise ValueError(f"points must be an integer from 2 to 11, not {self.points!r}")
        k = int(self.points)
        default_th, default_en = _DEFAULT_LABELS.get(k, (None, None))
        th = tuple(self.labels_th) or (tuple(default_th) if default_th else
                                       tuple(str(v) for v in self.values))
        en = tuple(self.labels_en) or (tuple(default_en) if default_en else
                                       tuple(str(v) for v in self.values))
        if len(th) != k or len(en) != k:
            raise ValueError(f"a {k}-point scale needs {k} Thai and {k} English labels "
                             f"(got {len(th)} and {len(en)})")
        object.__setattr__(self, "labels_th", th)
        object.__setattr__(self, "labels_en", en)
        bands = tuple(self.bands) or self._default_bands(th, en)
        self._check_bands(bands)
        object.__setattr__(self, "bands", bands)
        object.__setattr__(self, "_lookup", self._build_lookup())

    # -- construction helpers -------------------------------------------------
    def _default_bands(self, th, en) -> tuple[Band, ...]:
        if self.band_rule == "nearest":
            # upper limit of point v is v + .50; the next band starts .01 above
            uppers = [v + 0.5 for v in self.values[:-1]]
        elif self.band_rule == "interval":
            width = (self.points - 1) / self.points
            uppers = [round(self.minimum + (i + 1) * width, 2) for i in range(self.points - 1)]
        else:
            raise ValueError(f"band_rule must be 'nearest' or 'interval', not {self.band_rule!r}")
        uppers.append(float(self.maximum))
        lowers = [float(self.minimum)] + [round(u + 0.01, 2) for u in uppers[:-1]]
        return tuple(Band(lo, up, t, e) for lo, up, t, e in zip(lowers, uppers, th, en))

    def _check_bands(self, bands) -> None:
        for a, b in zip(bands, bands[1:]):
            if not a.upper < b.lower or b.lower - a.upper > 0.0100001:
                raise ValueError(f"bands must be increasing and contiguous to two decimals; "
                                 f"{a} is followed by {b}")
        if bands[0].lower > self.minimum or bands[-1].upper < self.maximum:
            raise ValueError(f"bands must cover {self.minimum}..{self.maximum}")

    def _build_lookup(self) -> dict[str, int]:
        lookup: dict[str, int] = {}
        for v, th, en in zip(self.values, self.labels_th, self.labels_en):
            lookup[normalize_text(th)] = v
            lookup[normalize_text(en)] = v
        if self.points == 5 and self.minimum == 1:
            for table in (_EN_SYNONYMS_5, _THAI_SYNONYMS_5):
                for word, v in table.items():
                    lookup.setdefault(normalize_text(word), v)
        return lookup

    # -- properties -----------------------------------------------------------
    @property
    def maximum(self) -> int:
        return self.minimum + self.points - 1

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(range(self.minimum, self.minimum + self.points))

    def labels(self, lang: str | None = None) -> tuple[str, ...]:
        return self.labels_th if check_language(lang) == "th" else self.labels_en

    # -- behaviour ------------------------------------------------------------
    def level(self, mean: float, lang: str | None = None) -> str | None:
        """Interpretation band of a mean (``None`` for a missing mean).

        The mean is rounded to two decimals first, as printed in reports, so
        that 4.505 reads as 4.51 ("highest") in the same way a reader sees it.
        """
        if mean is None or not np.isfinite(mean):
            return None
        m = round(float(mean) + 1e-12, 2)
        if m < self.minimum - 1e-9 or m > self.maximum + 1e-9:
            raise ValueError(f"mean {mean} is outside the scale {self.minimum}..{self.maximum}")
        for band in self.bands:
            if m <= band.upper + 1e-9:
                return band.label(lang)
        return self.bands[-1].label(lang)

    def levels(self, means, lang: str | None = None) -> pd.Series:
        """Vectorised :meth:`level` for a Series or array of means."""
        s = pd.Series(means)
        return s.map(lambda m: self.level(m, lang))

    def parse(self, value):
        """Read one answer as a scale value; ``None`` if it cannot be read.

        Accepts numbers (``5``, ``"5"``, ``"5.0"``), anchor words in Thai or
        English (``"มากที่สุด"``, ``"Strongly agree"``), Thai digits (``"๕"``)
        and the forms Google Forms and Excel templates use: ``"5 - มากที่สุด"``,
        ``"5 (มากที่สุด)"``, ``"(5) มากที่สุด"``, ``"5 มากที่สุด"``, ``"มากที่สุด (5)"``.
        A number with a separator and an unknown label (``"5 - ดีเยี่ยม"``) reads as
        the number; a number and a word that disagree (``"5 - น้อยที่สุด"``) do not.  Out-of-range numbers are
        returned as read; the loader, not the scale, decides what to do.
        Missing values (``None``, NaN, empty text) return NaN.
        """
        if value is None:
            return np.nan
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating)):
            if np.isnan(value):
                return np.nan
            return int(value) if float(value).is_integer() else float(value)
        text = normalize_text(value)
        if text in MISSING_TOKENS:
            return np.nan
        if text in self._lookup:
            return self._lookup[text]
        number, word, marked = _split_answer(text)
        if number is None:
            return None
        if word:
            known = self._lookup.get(word)
            if known is None and not marked:
                return None   # "5 abc", "abc (5)": not a scale answer
            if known is not None and known != number:
                return None   # "5 - น้อยที่สุด": number and word disagree
        return int(number) if number.is_integer() else number

    def is_valid(self, value) -> bool:
        """True if ``value`` is one of the scale's points."""
        return value in self.values

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """The scale as a table: value, anchor labels, band limits."""
        return pd.DataFrame({
            "value": self.values,
            "label_th": self.labels_th,
            "label_en": self.labels_en,
            "band_lower": [b.lower for b in self.bands],
            "band_upper": [b.upper for b in self.bands],
        })

    def __str__(self) -> str:
        return f"{self.points}-point Likert scale ({self.minimum}={self.labels_en[0]} .. {self.maximum}={self.labels_en[-1]})"


_NUMBER = r"([+-]?\d+(?:\.\d+)?)"
_NUMBER_FIRST = re.compile(r"[(\[]?\s*" + _NUMBER + r"\s*(?:([)\]]|[-–—:.=])\s*|\s+|$)(.*)")
_WORD_FIRST = re.compile(r"(.+?)\s*(?:[-–—:=]|[(\[])\s*" + _NUMBER + r"\s*[)\]]?")


def _split_answer(text: str):
    """``(number, label, marked)`` of an answer text, or ``(None, ...)`` without a number.

    ``marked``: the number was set off by a bracket or a separator (``5 - x``,
    ``(5) x``), as scale answers are; a bare ``5 x`` or a label first
    (``x (5)``) counts only when the label is a known anchor.
    """
    m = _NUMBER_FIRST.fullmatch(text)
    if m:
        rest = m.group(3)
        word = rest.strip(" ()[]")
        return float(m.group(1)), word, bool(m.group(2)) or rest.startswith(("(", "[")) or not word
    m = _WORD_FIRST.fullmatch(text)
    if m:
        return float(m.group(2)), m.group(1).strip(" ()[]"), False
    return None, "", False


#: The 5-point scale of Thai education research (5 = มากที่สุด ... 1 = น้อยที่สุด).
LIKERT5 = LikertScale(5)
