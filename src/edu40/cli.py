"""The ``edu40`` command line.

Examples
--------
::

    edu40 validate data/sample/em40_survey.csv
    edu40 validate responses.xlsx --instrument my_codebook.csv --on-invalid missing --lang th
"""

from __future__ import annotations

import argparse
import sys

from ._version import __version__

EPILOG = """examples:
  edu40 replicate                              # the published EM40 fit, on the shipped sample
  edu40 replicate my_survey.csv --lang th
  edu40 validate data/sample/em40_survey.csv --group role
  edu40 validate answers.xlsx --instrument codebook.csv --on-invalid missing --lang th

The sample files in data/sample/ are synthetic (python -m edu40.datasets data/sample regenerates them)."""


def _add_loader_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="survey file: .csv, .xlsx or SPSS .sav (Google Forms exports included)")
    p.add_argument("--instrument", metavar="CODEBOOK",
                   help="codebook .csv or .toml of your own instrument (default: the EM40 instrument)")
    p.add_argument("--id-column", metavar="COLUMN", help="respondent id column (default: detected)")
    p.add_argument("--on-invalid", choices=["raise", "missing"], default="raise",
                   help="invalid answers: stop with an error (default) or set them missing and record them")
    p.add_argument("--sheet", help="Excel sheet name (default: the first sheet)")
    p.add_argument("--lang", choices=["th", "en"], default="en", help="language of labels (default: en)")


def _load(args):
    from .instrument import EM40, Instrument
    from .loader import load_survey

    instrument = Instrument.from_file(args.instrument) if args.instrument else EM40
    return load_survey(args.file, instrument, id_column=args.id_column,
                       on_invalid=args.on_invalid, sheet=args.sheet)


def cmd_validate(args) -> int:
    survey = _load(args)
    if args.loader_only:
        print(survey.validation.summary(lang=args.lang, max_rows=args.max_rows))
        return 0 if survey.validation.ok else 1
    from .validation import validate

    result = validate(survey, group=args.group, criteria=args.criteria,
                      allow_missing_items=args.allow_missing_items, lang=args.lang)
    print(result.summary(lang=args.lang))
    return 0 if survey.validation.ok else 1


def cmd_replicate(args) -> int:
    from .instrument import EM40, Instrument
    from .replication import replicate

    instrument = Instrument.from_file(args.instrument) if args.instrument else EM40
    report = replicate(args.file, instrument=instrument, missing=args.missing)
    print(report.summary(lang=args.lang))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edu40", description="Survey research on education management in Thailand "
        "(การวิจัยเชิงสำรวจด้านการบริหารการศึกษา).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"edu40 {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("validate", help="validate a survey against its instrument (data quality, "
                       "reliability, CFA, validity, invariance) and give a verdict",
                       description="Load a survey file (every problem listed with row, column and value), "
                       "then check it against the instrument: descriptives, reliability per factor, the "
                       "CFA and its fit criteria, CR/AVE/HTMT, loadings against the reference sample, and "
                       "measurement invariance across --group. Ends with a verdict and its reasons.",
                       epilog="examples:\n  edu40 validate data/sample/em40_survey.csv\n"
                       "  edu40 validate data/sample/em40_survey.csv --group role --lang th\n"
                       "  edu40 validate form.csv --on-invalid missing --loader-only",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_loader_options(p)
    p.add_argument("--group", metavar="COLUMN", help="test measurement invariance across this column")
    p.add_argument("--criteria", default="hu-bentler-1999",
                   choices=["hu-bentler-1999", "schermelleh-engel-2003"], help="fit criteria")
    p.add_argument("--allow-missing-items", action="store_true",
                   help="validate the items present when some instrument items are absent")
    p.add_argument("--loader-only", action="store_true",
                   help="only load the file and print its data-quality report")
    p.add_argument("--max-rows", type=int, default=10, help="problem entries to list (default 10)")
    p.set_defaults(func=cmd_validate)

    r = sub.add_parser("replicate", help="fit the published EM40 model and compare every reported index",
                       description="Fit the published structural model (ACL, ATM, QMG, HRM, IQA -> EFF) "
                       "to a survey file (default: the shipped synthetic sample), compare chi-square, "
                       "CMIN/DF, NFI, GFI, RMSEA, RMR and R2 with the published values under both the "
                       "lavaan (N) and AMOS/LISREL (N-1) conventions, and audit what the published "
                       "numbers themselves allow.",
                       epilog="examples:\n  edu40 replicate\n  edu40 replicate my_survey.csv --lang th",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("file", nargs="?", default=None,
                   help="survey file (default: data/sample/em40_survey.csv, synthetic)")
    r.add_argument("--instrument", metavar="CODEBOOK", help="codebook of the instrument (default EM40)")
    r.add_argument("--missing", choices=["listwise", "fiml"], default="listwise",
                   help="missing answers: listwise deletion (default, as AMOS) or FIML")
    r.add_argument("--lang", choices=["th", "en"], default="en", help="language (default: en)")
    r.set_defaults(func=cmd_replicate)
    return parser


def main(argv=None) -> int:
    from .loader import SurveyInputError
    from .instrument import CodebookError
    from .sem import ModelSpecError, ModelSyntaxError, SEMDataError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except (SurveyInputError, CodebookError, FileNotFoundError, SEMDataError, ModelSpecError,
            ModelSyntaxError, ValueError) as exc:
        print(f"edu40 {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
