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
  edu40 replicate                              # the published EM40 fit, on the shipped sample
  edu40 replicate my_survey.csv --lang th
  edu40 validate data/sample/em40_survey.csv --group role
  edu40 validate answers.xlsx --instrument codebook.csv --on-invalid missing --lang th
  edu40 prepost data/sample/em40_training.csv --pre 'pre_K*' --post 'post_K*' --id participant_id
  edu40 report data/sample/em40_survey.csv -o report.html
  edu40 report answers.xlsx --instrument codebook.csv --group role --lang en -o chapter4.docx

Run "edu40 COMMAND --help" for the options of a command.

The sample files in data/sample/ are synthetic (python -m edu40.io.datasets data/sample regenerates them)."""


def _add_loader_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="survey file: .csv, .xlsx or SPSS .sav (Google Forms exports included)")
    p.add_argument("--instrument", metavar="CODEBOOK",
                   help="codebook .csv or .toml of your own instrument (default: the EM40 instrument)")
    p.add_argument("--id-column", metavar="COLUMN", help="respondent id column (default: detected)")
    p.add_argument("--on-invalid", choices=["raise", "missing"], default="raise",
                   help="invalid answers: stop with an error (default) or set them missing and record them")
    p.add_argument("--sheet", help="Excel sheet name or position, 0 = first (default: the first sheet)")
    p.add_argument("--header-row", type=int, metavar="ROW",
                   help="row of the column headers as Excel shows it, 1 = first (default: found; title "
                        "lines above the table are skipped and the report says so)")
    p.add_argument("--duration", nargs="+", metavar="COLUMN",
                   help="what times each response: a duration column, or the start and end columns "
                        "(default: found by name; a Google Forms export has no start time)")
    p.add_argument("--min-seconds", type=float,
                   help="speeders took less than this (default: 2 s per item)")
    p.add_argument("--drop-straightliners", action="store_true",
                   help="exclude respondents who gave one answer to every item (default: flag them)")
    p.add_argument("--drop-speeders", action="store_true",
                   help="exclude respondents who answered too fast (default: flag them)")
    p.add_argument("--lang", choices=["th", "en"], default="en", help="language of labels (default: en)")


def _add_estimator(p: argparse.ArgumentParser, replicate: bool = False) -> None:
    from .sem.fit import ESTIMATORS

    p.add_argument("--estimator", type=str.upper, choices=list(ESTIMATORS), default="ML", metavar="NAME",
                   help=("estimator: ML (default), MLM or MLR (robust ML: scaled chi-square, robust SEs and "
                         "CFI/RMSEA), WLSMV (the items as ordered categories: polychoric correlations, "
                         "as lavaan's default for ordered data), or DWLS, WLS, ULSMV, ULS, WLSM, ULSM; "
                         "the fit table says which chi-square each index uses")
                   + ("; the published model is always fitted by ML too, the estimator's values shown "
                      "in their own column" if replicate else ""))


def _load(args):
    from .io.instrument import EM40, Instrument
    from .io.loader import load_survey

    instrument = Instrument.from_file(args.instrument) if args.instrument else EM40
    duration = getattr(args, "duration", None)
    if duration is not None and len(duration) > 2:
        raise SystemExit("edu40: --duration takes one duration column or two columns (start, end)")
    return load_survey(args.file, instrument, id_column=args.id_column,
                       on_invalid=args.on_invalid, sheet=args.sheet,
                       header_row=getattr(args, "header_row", None),
                       duration=duration[0] if duration and len(duration) == 1 else duration,
                       min_seconds=getattr(args, "min_seconds", None),
                       drop_straightliners=getattr(args, "drop_straightliners", False),
                       drop_speeders=getattr(args, "drop_speeders", False))


def cmd_validate(args) -> int:
    survey = _load(args)
    if args.loader_only:
        print(survey.validation.summary(lang=args.lang, max_rows=args.max_rows))
        return 0 if survey.validation.ok else 1
    from .studies.validation import validate

    result = validate(survey, group=args.group, criteria=args.criteria,
                      allow_missing_items=args.allow_missing_items, lang=args.lang, estimator=args.estimator)
    print(result.summary(lang=args.lang))
    return 0 if survey.validation.ok else 1


def cmd_replicate(args) -> int:
    from .io.instrument import EM40, Instrument
    from .studies.replication import replicate

    instrument = Instrument.from_file(args.instrument) if args.instrument else EM40
    report = replicate(args.file, instrument=instrument, missing=args.missing, estimator=args.estimator)
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
    _add_estimator(p)
    p.set_defaults(func=cmd_validate)

    r = sub.add_parser("replicate", help="fit the published EM40 model and compare every reported index",
                       description="Fit the published structural model (ACL, ATM, QMG, HRM, IQA -> EFF) "
                       "to a survey file (default: the shipped synthetic sample), compare chi-square, "
                       "CMIN/DF, NFI, GFI, RMSEA, RMR and R2 with the published values under both the "
                       "lavaan (N) and AMOS/LISREL (N-1) conventions, and audit what the published "
                       "numbers themselves allow.",
                       epilog="examples:\n  edu40 replicate\n  edu40 replicate my_survey.csv --lang th\n"
                       "  edu40 replicate --estimator WLSMV",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("file", nargs="?", default=None,
                   help="survey file (default: data/sample/em40_survey.csv, synthetic)")
    r.add_argument("--instrument", metavar="CODEBOOK", help="codebook of the instrument (default EM40)")
    r.add_argument("--missing", choices=["listwise", "fiml"], default="listwise",
                   help="missing answers: listwise deletion (default, as AMOS) or FIML")
    r.add_argument("--lang", choices=["th", "en"], default="en", help="language (default: en)")
    _add_estimator(r, replicate=True)
    r.set_defaults(func=cmd_replicate)
    _register_prepost(sub)
    _register_report(sub)
    return parser


# --- pre/post training comparison ----------------------------------------
PREPOST_EPILOG = """column specifications (--pre, --post, --satisfaction, --process):
  a column name           one column holding the total score, e.g. --pre pre_total
  a pattern               0/1 item columns, e.g. --pre 'pre_K*'  (quote it for the shell)
  a range                 0/1 item columns from the first to the last, e.g. --pre pre_K01:pre_K25
  a comma list            e.g. --satisfaction SAT1,SAT2,SAT3

examples:
  edu40 prepost data/sample/em40_training.csv --pre 'pre_K*' --post 'post_K*' --id participant_id \\
      --satisfaction 'SAT*' --process process_score --process-full 50
  edu40 prepost scores.xlsx --pre pre_total --post post_total --full-score 30 --lang th
  edu40 prepost pretest.csv --post-file posttest.csv --id student_id --pre 'Q*' --post 'Q*' \\
      --save-plots figures/ --save-table prepost.csv

Participants who cannot be paired (an id in one file only, a blank pre or post answer) are listed
and excluded; a score above the full score, a negative score or a value other than 0/1 in an item
column stops with an error naming the participant, the column and the value (exit status 2).
The sample file is synthetic (python -m edu40.io.datasets data/sample regenerates it)."""


def _criterion(text: str) -> tuple[float, float]:
    try:
        a, b = text.split("/")
        return float(a), float(b)
    except ValueError:
        raise argparse.ArgumentTypeError(f"criterion must look like 80/80, not {text!r}") from None


def cmd_prepost(args) -> int:
    from pathlib import Path

    from .stats._inputs import StatsInputError
    from .studies.prepost import prepost

    try:
        report = prepost(args.file, args.pre, args.post, id=args.id, post_data=args.post_file,
                         full_score=args.full_score, satisfaction=args.satisfaction, process=args.process,
                         process_full=args.process_full, knowledge=args.knowledge, criterion=args.criterion,
                         alternative=args.alternative)
    except StatsInputError as exc:
        print(f"edu40 prepost: error: {exc}", file=sys.stderr)
        return 2
    print(report.summary(lang=args.lang))
    if args.save_table:
        report.to_frame().to_csv(args.save_table, index=False, encoding="utf-8-sig")
        print(f"wrote {args.save_table}")
    if args.save_plots:
        out = Path(args.save_plots)
        out.mkdir(parents=True, exist_ok=True)
        for name, fig in (("prepost_paired.png", report.plot_paired()), ("prepost_gains.png", report.plot_gains())):
            fig.savefig(out / name, dpi=150)
            print(f"wrote {out / name}")
    return 0


def _register_prepost(sub) -> None:
    p = sub.add_parser("prepost", help="compare pre-test and post-test scores of a training",
                       description="Pre/post training evaluation: paired t-test (as R t.test(post, pre, paired = "
                       "TRUE)) with effect sizes, normalized gain, effectiveness index E.I., E1/E2, KR-20 and item "
                       "analysis, satisfaction and its correlation with knowledge, and the conclusion sentences "
                       "in Thai or English.",
                       epilog=PREPOST_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", help="data file (.csv, .xlsx, .sav); with --post-file, the pre-test file")
    p.add_argument("--pre", required=True, metavar="SPEC", help="pre-test total column or item columns")
    p.add_argument("--post", required=True, metavar="SPEC", help="post-test total column or item columns")
    p.add_argument("--post-file", metavar="FILE", help="second file holding the post-test, matched by --id")
    p.add_argument("--id", metavar="COLUMN", help="participant id column (required with --post-file)")
    p.add_argument("--full-score", type=float, metavar="N",
                   help="maximum test score (default: the number of items; required for total columns)")
    p.add_argument("--satisfaction", metavar="SPEC", help="satisfaction items (5-point scale)")
    p.add_argument("--process", metavar="SPEC", help="process score column(s) for E1 (summed)")
    p.add_argument("--process-full", type=float, metavar="N", help="maximum process score")
    p.add_argument("--criterion", type=_criterion, default=(80.0, 80.0), metavar="E1/E2",
                   help="E1/E2 criterion (default 80/80)")
    p.add_argument("--knowledge", choices=["post", "gain", "normalized_gain"], default="post",
                   help="what is correlated with satisfaction (default: post-test score)")
    p.add_argument("--alternative", choices=["two-sided", "greater", "less"], default="two-sided",
                   help="alternative of the paired test for post - pre (default two-sided)")
    p.add_argument("--lang", choices=["th", "en"], default="en", help="language of the report (default: en)")
    p.add_argument("--save-table", metavar="FILE.csv", help="write every headline number to a CSV file")
    p.add_argument("--save-plots", metavar="DIR", help="write the paired plot and the gains histogram as PNG")
    p.set_defaults(func=cmd_prepost)


# --- report ----------------------------------------------------------------
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
    _add_estimator(p)
    p.add_argument("--title", help="title at the top of the report")
    p.add_argument("--no-plots", action="store_true", help="leave the figures out (faster)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_report)


def cmd_report(args) -> int:
    from pathlib import Path

    from .stats._inputs import StatsInputError
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
                            missing=args.missing, model=model, plots=not args.no_plots, progress=bar,
                            estimator=args.estimator)
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
    from .io.loader import SurveyInputError
    from .io.instrument import CodebookError
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
        # the loader's errors say what to pass in Python; on the command line the same choices are options
        message = getattr(exc, "cli_message", None) or str(exc)
        print(f"edu40 {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
