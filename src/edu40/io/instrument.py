"""Instruments are data: a codebook file lists the items and their factors.

A codebook is a CSV or TOML file with one row (CSV) or one ``[[items]]``
table (TOML) per item and these fields:

============== ========================================================
item           item code used as a column name and in model syntax
               (letters, digits and ``_``; not starting with a digit)
factor         factor code (same rule)
factor_label_th, factor_label_en   factor name in Thai / English
text_th, text_en                   item wording in Thai / English
reverse        ``true`` if the item is reverse-keyed (optional; default false)
============== ========================================================

A TOML codebook may add an ``[instrument]`` table with ``name``,
``title_th``, ``title_en``, ``citation``, ``scale_points``, and the
structural model's ``outcome`` and ``predictors``.  The study's own
instrument ships as ``edu40/data/em40.toml`` and is :data:`EM40`.
See ``docs/instruments.md``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from ..core.i18n import check_language
from .scales import LikertScale

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["Instrument", "CodebookError", "EM40"]

ITEM_FIELDS = ["item", "factor", "factor_label_th", "factor_label_en", "text_th", "text_en", "reverse"]
_REQUIRED = ["item", "factor"]
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TRUE = {"true", "1", "yes", "y", "t", "r", "reverse", "ใช่", "กลับ"}
_FALSE = {"false", "0", "no", "n", "f", "", "nan", "none", "ไม่ใช่"}


class CodebookError(ValueError):
    """A codebook file that cannot define an instrument."""


@dataclass(frozen=True, eq=False)
class Instrument:
    """A questionnaire: items grouped into factors, with Thai/English texts.

    Build one from a codebook with :meth:`from_file` (CSV or TOML) or from a
    DataFrame with :meth:`from_frame`; :data:`edu40.EM40` is the study's.

    Examples
    --------
    >>> from edu40 import EM40
    >>> EM40.factors[["factor", "n_items"]].to_dict("list")
    {'factor': ['EFF', 'ACL', 'ATM', 'QMG', 'HRM', 'IQA'], 'n_items': [6, 10, 10, 7, 4, 5]}
    >>> print(EM40.structural_syntax())
    EFF ~ ACL + ATM + QMG + HRM + IQA
    """

    name: str
    item_table: pd.DataFrame = field(repr=False)
    scale_points: int = 5
    title_th: str = ""
    title_en: str = ""
    citation: str = ""
    outcome: str | None = None
    predictors: tuple[str, ...] = ()
    source: str = ""

    # -- construction ---------------------------------------------------------
    @classmethod
    def from_frame(cls, table: pd.DataFrame, *, name: str = "instrument", source: str = "",
                   scale_points: int = 5, title_th: str = "", title_en: str = "",
                   citation: str = "", outcome: str | None = None,
                   predictors=()) -> "Instrument":
        """Build an instrument from a table with the codebook fields."""
        where = source or "codebook"
        table = table.copy()
        table.columns = [str(c).strip().lower() for c in table.columns]
        missing = [c for c in _REQUIRED if c not in table.columns]
        if missing:
            raise CodebookError(
                f"{where}: required column(s) {missing} not found; the columns are "
                f"{list(table.columns)}. A codebook needs at least 'item' and 'factor' "
                f"(see docs/instruments.md).")
        for col in ITEM_FIELDS:
            if col not in table.columns:
                table[col] = False if col == "reverse" else ""
        table = table[ITEM_FIELDS].reset_index(drop=True)
        for col in ITEM_FIELDS[:-1]:
            table[col] = table[col].fillna("").astype(str).str.strip()
        # Row numbers in messages are as in the file: header = row 1.
        for i, row in table.iterrows():
            for col in ("item", "factor"):
                if not _IDENT.match(row[col]):
                    raise CodebookError(
                        f"{where}: row {i + 2}, column '{col}', value {row[col]!r}: a code must be "
                        f"letters, digits or '_' and not start with a digit (it is used as a column "
                        f"name and in model syntax), e.g. 'ACL1'.")
        table["reverse"] = [_parse_bool(v, where, i + 2) for i, v in enumerate(table["reverse"])]
        dup = table["item"][table["item"].duplicated()]
        if len(dup):
            rows = [int(i) + 2 for i in table.index[table["item"] == dup.iloc[0]]]
            raise CodebookError(f"{where}: item code {dup.iloc[0]!r} appears more than once "
                                f"(rows {rows}); item codes must be unique.")
        clash = set(table["item"]) & set(table["factor"])
        if clash:
            raise CodebookError(f"{where}: {sorted(clash)} used both as item and factor code; "
                                f"lavaan syntax needs distinct names.")
        for fac, grp in table.groupby("factor", sort=False):
            for col in ("factor_label_th", "factor_label_en"):
                labels = set(grp[col]) - {""}
                if len(labels) > 1:
                    raise CodebookError(f"{where}: factor {fac!r} has different {col} values "
                                        f"{sorted(labels)}; give each factor one label.")
                table.loc[grp.index, col] = labels.pop() if labels else fac
        factors = list(dict.fromkeys(table["factor"]))
        if outcome is not None and outcome not in factors:
            raise CodebookError(f"{where}: outcome {outcome!r} is not a factor ({factors})")
        for p in predictors:
            if p not in factors:
                raise CodebookError(f"{where}: predictor {p!r} is not a factor ({factors})")
        if not 2 <= int(scale_points) <= 11:
            raise CodebookError(f"{where}: scale_points must be 2..11, not {scale_points!r}")
        return cls(name=name, item_table=table, scale_points=int(scale_points), title_th=title_th,
                   title_en=title_en, citation=citation, outcome=outcome,
                   predictors=tuple(predictors), source=source)

    @classmethod
    def from_file(cls, path, **overrides) -> "Instrument":
        """Read a codebook (``.csv`` or ``.toml``); see the module docstring."""
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"codebook {path} does not exist")
        suffix = path.suffix.lower()
        if suffix == ".toml":
            return cls._from_toml_text(path.read_text(encoding="utf-8"), str(path), **overrides)
        if suffix in (".csv", ".txt"):
            raw = path.read_bytes()
            text = _decode(raw, str(path))
            table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
            meta = {"name": path.stem, "source": str(path)}
            meta.update(overrides)
            return cls.from_frame(table, **meta)
        raise CodebookError(f"{path}: a codebook must be .csv or .toml, not {suffix!r}")

    @classmethod
    def _from_toml_text(cls, text: str, source: str, **overrides) -> "Instrument":
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise CodebookError(f"{source}: not valid TOML ({exc})") from None
        if "items" not in doc:
            raise CodebookError(f"{source}: no [[items]] tables; each item needs one.")
        meta = dict(doc.get("instrument", {}))
        meta.setdefault("name", Path(source).stem)
        meta["predictors"] = tuple(meta.get("predictors", ()))
        meta["source"] = source
        meta.update(overrides)
        known = {"name", "title_th", "title_en", "citation", "scale_points", "outcome",
                 "predictors", "source"}
        unknown = set(meta) - known
        if unknown:
            raise CodebookError(f"{source}: unknown [instrument] keys {sorted(unknown)}; "
                                f"known keys are {sorted(known)}")
        return cls.from_frame(pd.DataFrame(doc["items"]), **meta)

    # -- views ----------------------------------------------------------------
    @property
    def items(self) -> pd.DataFrame:
        """One row per item: code, factor, labels, texts, reverse flag (a copy)."""
        return self.item_table.copy()

    @property
    def item_codes(self) -> list[str]:
        return list(self.item_table["item"])

    @property
    def factor_codes(self) -> list[str]:
        return list(dict.fromkeys(self.item_table["factor"]))

    @property
    def factors(self) -> pd.DataFrame:
        """One row per factor: code, Thai and English label, number of items, items."""
        t = self.item_table
        rows = []
        for fac in self.factor_codes:
            grp = t[t["factor"] == fac]
            rows.append({"factor": fac, "label_th": grp["factor_label_th"].iloc[0],
                         "label_en": grp["factor_label_en"].iloc[0], "n_items": len(grp),
                         "items": list(grp["item"])})
        return pd.DataFrame(rows)

    @property
    def reverse_items(self) -> list[str]:
        return list(self.item_table.loc[self.item_table["reverse"], "item"])

    @property
    def scale(self) -> LikertScale:
        return LikertScale(self.scale_points)

    def items_of(self, factor: str) -> list[str]:
        """Item codes of one factor, in codebook order."""
        if factor not in self.factor_codes:
            raise KeyError(f"{factor!r} is not a factor of {self.name}; factors: {self.factor_codes}")
        return list(self.item_table.loc[self.item_table["factor"] == factor, "item"])

    def factor_of(self, item: str) -> str:
        row = self.item_table[self.item_table["item"] == item]
        if row.empty:
            raise KeyError(f"{item!r} is not an item of {self.name}")
        return row["factor"].iloc[0]

    def label(self, code: str, lang: str | None = None, *, mark_reverse: bool = True) -> str:
        """The Thai or English text of an item, or the label of a factor.

        A codebook that gives the text in one language only is labelled in that
        language in both (an English-only item reads in English in a Thai
        report, not as its code twice); with no text at all the label is the code.
        A reverse-keyed item's label ends in "(R)" / "(กลับค่า)": the loader has
        recoded its answers, so its tables and figures show recoded values.
        """
        lang = check_language(lang)
        other = "en" if lang == "th" else "th"
        t = self.item_table
        if code in self.factor_codes:
            row = t[t["factor"] == code]
            return row[f"factor_label_{lang}"].iloc[0] or row[f"factor_label_{other}"].iloc[0] or code
        row = t[t["item"] == code]
        if row.empty:
            raise KeyError(f"{code!r} is neither an item nor a factor of {self.name}")
        text = row[f"text_{lang}"].iloc[0] or row[f"text_{other}"].iloc[0] or code
        if mark_reverse and bool(row["reverse"].iloc[0]):
            text += " (กลับค่า)" if lang == "th" else " (R)"
        return text

    def labels(self, lang: str | None = None) -> dict[str, str]:
        """Code -> label for every item and factor."""
        return {c: self.label(c, lang) for c in self.factor_codes + self.item_codes}

    # -- model syntax ---------------------------------------------------------
    def measurement_syntax(self, factors=None) -> str:
        """lavaan-style measurement model, one ``F =~ x1 + x2 ...`` line per factor."""
        factors = self.factor_codes if factors is None else list(factors)
        return "\n".join(f"{f} =~ " + " + ".join(self.items_of(f)) for f in factors)

    def structural_syntax(self, outcome: str | None = None, predictors=None) -> str:
        """lavaan-style regression ``outcome ~ p1 + p2 ...``.

        Defaults come from the codebook (for EM40: ``EFF ~ ACL + ATM + QMG + HRM + IQA``).
        """
        outcome = outcome or self.outcome
        if predictors is None:
            predictors = self.predictors or [f for f in self.factor_codes if f != outcome]
        if outcome is None:
            raise ValueError(f"{self.name} names no outcome factor; pass outcome=")
        for f in [outcome, *predictors]:
            if f not in self.factor_codes:
                raise KeyError(f"{f!r} is not a factor of {self.name}; factors: {self.factor_codes}")
        if outcome in predictors:
            raise ValueError(f"{outcome!r} cannot predict itself")
        return f"{outcome} ~ " + " + ".join(predictors)

    def model(self, structural: bool = True) -> str:
        """Full model syntax: the CFA of all factors, plus the structural paths.

        ``structural=False`` gives the correlated-factors CFA.
        """
        text = self.measurement_syntax()
        if structural:
            text += "\n" + self.structural_syntax()
        return text

    # -- output ---------------------------------------------------------------
    def to_csv(self, path) -> None:
        """Write the codebook as CSV (UTF-8 with BOM, so Excel shows Thai)."""
        self.item_table.to_csv(path, index=False, encoding="utf-8-sig")

    def __len__(self) -> int:
        return len(self.item_table)

    def __repr__(self) -> str:
        counts = ", ".join(f"{r.factor} {r.n_items}" for r in self.factors.itertuples())
        return f"Instrument({self.name!r}: {len(self)} items; {counts})"

    def _repr_html_(self) -> str:
        f = self.factors.drop(columns="items")
        title = self.title_en or self.name
        return (f"<b>Instrument {self.name}</b>: {title}<br>{len(self)} items, "
                f"{len(f)} factors, {self.scale_points}-point scale" + f.to_html(index=False))


def _parse_bool(value, where: str, row: int) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CodebookError(f"{where}: row {row}, column 'reverse', value {value!r}: write true or false")


def _decode(raw: bytes, where: str) -> str:
    for enc in ("utf-8-sig", "cp874"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise CodebookError(f"{where}: neither UTF-8 nor TIS-620/cp874 text; save it as UTF-8")


def _load_builtin(filename: str) -> Instrument:
    text = resources.files("edu40").joinpath("data").joinpath(filename).read_text(encoding="utf-8")
    return Instrument._from_toml_text(text, source=f"edu40/data/{filename}")


#: The Education Management 4.0 instrument of the study: 42 items in 6 factors.
EM40 = _load_builtin("em40.toml")
