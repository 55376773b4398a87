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
  edu40 validate data/sample/em40_survey.csv
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
    print(survey.validation.summary(lang=args.lang, max_rows=args.max_rows))
    return 0 if survey.validation.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edu40", description="Survey research on education management in Thailand "
        "(การวิจัยเชิงสำรวจด้านการบริหารการศึกษา).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"edu40 {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("validate", help="load a survey file and print its validation report",
                       description="Load a survey file, match its columns to the instrument's items "
                       "and print what was read, what was kept and every problem (row, column, value).",
                       epilog="examples:\n  edu40 validate data/sample/em40_survey.csv\n"
                       "  edu40 validate form.csv --on-invalid missing --lang th",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_loader_options(p)
    p.add_argument("--max-rows", type=int, default=10, help="problem entries to list (default 10)")
    p.set_defaults(func=cmd_validate)
    return parser


def main(argv=None) -> int:
    from .loader import SurveyInputError
    from .instrument import CodebookError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except (SurveyInputError, CodebookError, FileNotFoundError) as exc:
        print(f"edu40 {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
