"""The ``edu40`` command line.

Examples
--------
::

    edu40 validate data/sample/em40_survey.csv
    edu40 validate responses.xlsx --instrument my_codebook.csv --on-invalid missing --lang th
    edu40 report data/sample/em40_survey.csv -o report.html
    edu40 report responses.xlsx --instrument my_codebook.csv --group role -o chapter4.docx
"""

from __future__ import annotations

import argparse
import sys

from ._version import __version__

EPILOG = """examples:
  edu40 validate data/sample/em40_survey.csv
  edu40 validate answers.xlsx --instrument codebook.csv --on-invalid missing --lang th
  edu40 report data/sample/em40_survey.csv -o report.html
  edu40 report answers.xlsx --instrument codebook.csv --group role --lang en -o chapter4.docx

Run "edu40 COMMAND --help" for the options of a command.

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
    _register_report(sub)
    return parser


# --- report (issue 7) ----------------------------------------------------------
REPORT_FORMATS = (".html", ".htm", ".docx", ".xlsx", ".md")
REPORT_EPILOG = """examples:
  edu40 report data/sample/em40_survey.csv -o report.html
  edu40 report data/sample/em40_survey.csv --lang en -o report.docx
  edu40 report data/sample/em40_survey.csv --group role --criteria schermelleh-engel-2003 -o report.xlsx
  edu40 report form.csv --instrument codebook.toml --on-invalid missing --missing fiml -o chapter4.docx
  edu40 report form.csv --model my_model.lav -o report.md

steps: validation -> descriptives with levels -> reliability -> CFA/SEM (the instrument's
structural model when its codebook names an outcome, else the CFA) -> fit table with criteria ->
validity (CR, AVE, HTMT) -> plots. The output format follows the suffix of -o:
.html (one self-contained file, opens offline), .docx (Word, APA tables, Thai font),
.xlsx (one sheet per table), .md (Markdown; figures saved beside it).
The sample files in data/sample/ are synthetic."""


def _register_report(sub) -> None:
    p = sub.add_parser("report", help="run the whole analysis of a survey file and write a report",
                       description="Validate a survey file, describe it (means and Likert levels), test "
                       "reliability, fit the CFA/SEM with a fit table against published criteria, assess "
                       "validity and draw the figures; write everything to one HTML, Word, Excel or "
                       "Markdown file, with a progress bar on the console.",
                       epilog=REPORT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_loader_options(p)
    p.set_defaults(lang="th")
    for action in p._actions:      # the report is a Thai thesis chapter unless asked otherwise
        if action.dest == "lang":
            action.help = "language of the report (default: th)"
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="report file: .html, .docx, .xlsx or .md")
    p.add_argument("--group", metavar="COLUMN",
                   help="grouping column (e.g. role): descriptives by group and a t-test (2 groups) or "
                   "one-way ANOVA (3 or more) for each factor")
    p.add_argument("--criteria", default="hu-bentler-1999", choices=["hu-bentler-1999", "schermelleh-engel-2003"],
                   help="fit criteria of the fit table (default: hu-bentler-1999)")
    p.add_argument("--missing", choices=["listwise", "fiml"], default="listwise",
                   help="missing answers in the CFA/SEM: listwise deletion (default) or full-information ML")
    p.add_argument("--model", metavar="FILE",
                   help="text file with lavaan syntax to fit instead of the instrument's model")
    p.add_argument("--title", help="title at the top of the report")
    p.add_argument("--no-plots", action="store_true", help="leave the figures out (faster)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_report)


def cmd_report(args) -> int:
    from pathlib import Path

    from ._inputs import StatsInputError
    from .report import save, survey_report

    out = Path(args.output)
    if out.suffix.lower() not in REPORT_FORMATS:
        print(f"edu40 report: error: {out.name}: the output must end in .html, .docx, .xlsx or .md",
              file=sys.stderr)
        return 2
    if not out.parent.exists():
        print(f"edu40 report: error: the folder {out.parent} does not exist; create it or choose another -o",
              file=sys.stderr)
        return 2
    model = None
    if args.model:
        model = Path(args.model).read_text(encoding="utf-8")
    from .report.pipeline import STEPS

    survey = _load(args)
    bar = None
    if not args.quiet:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(STEPS) + 1, desc="edu40 report", unit="step", file=sys.stderr)
    try:
        rep = survey_report(survey, lang=args.lang, group=args.group, criteria=args.criteria,
                            missing=args.missing, model=model, plots=not args.no_plots, progress=bar)
        if bar is not None:
            bar.set_postfix_str(f"writing {out.name}")
        save(rep, out, title=args.title)
        if bar is not None:
            bar.update(1)
    except StatsInputError as exc:
        print(f"edu40 report: error: {exc}", file=sys.stderr)
        return 2
    finally:
        if bar is not None:
            bar.close()
    if not args.quiet:
        print(f"{out}: {rep!r}")
    return 0 if survey.validation.ok and rep.sem is not None else 1
# ---------------------------------------------------------------------------


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
