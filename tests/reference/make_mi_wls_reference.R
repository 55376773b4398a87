# Reference values for tests/test_modindices_wls.py: modification indices of fits with ordered
# indicators, lavaan 0.6-14 modindices(fit) (score test of the DWLS / ULS discrepancy with the
# expected information). Data: tests/data/hs_ordered.csv, tests/data/bfi.csv, data/sample/em40_survey.csv
# (synthetic). Run from the repository root:
#     Rscript tests/reference/make_mi_wls_reference.R
# The tests read tests/reference/mi_wls_reference.json and never need R.
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})

versions <- list(lavaan = as.character(packageVersion("lavaan")), R = R.version.string)
hs <- read.csv("tests/data/hs_ordered.csv")
bfi <- read.csv("tests/data/bfi.csv")
em <- read.csv("data/sample/em40_survey.csv")
items <- names(em)[2:43]
hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
hs_mixed <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9c"
em_sem <- paste(
  "EFF =~ EFF1 + EFF2 + EFF3 + EFF4 + EFF5 + EFF6",
  "ACL =~ ACL1 + ACL2 + ACL3 + ACL4 + ACL5 + ACL6 + ACL7 + ACL8 + ACL9 + ACL10",
  "ATM =~ ATM1 + ATM2 + ATM3 + ATM4 + ATM5 + ATM6 + ATM7 + ATM8 + ATM9 + ATM10",
  "QMG =~ QMG1 + QMG2 + QMG3 + QMG4 + QMG5 + QMG6 + QMG7",
  "HRM =~ HRM1 + HRM2 + HRM3 + HRM4",
  "IQA =~ IQA1 + IQA2 + IQA3 + IQA4 + IQA5",
  "EFF ~ ACL + ATM + QMG + HRM + IQA", sep = "\n")
bfi_model <- paste("agree =~ A1 + A2 + A3 + A4 + A5", "consc =~ C1 + C2 + C3 + C4 + C5",
                   "extra =~ E1 + E2 + E3 + E4 + E5", "neuro =~ N1 + N2 + N3 + N4 + N5",
                   "open =~ O1 + O2 + O3 + O4 + O5", sep = "\n")
# lavaan's default optimiser tolerance (nlminb rel.tol = 1e-10) stops ~1e-5 short of the optimum on the
# larger models, which moves small indices in the fourth decimal (EM40: QMG =~ HRM1 is 0.3709 by default,
# 0.37027 with rel.tol = 1e-12, 0.37019 with 1e-13; edu40 0.37017).  The references are made with a
# tight tolerance so that they test the formula, not the stopping rule; nlminb may then report "false
# convergence" (then lavaan computes no information matrix): each fit takes the tightest of 1e-13, 1e-12, 1e-11
# and the default 1e-10 that nlminb accepts, and the value used is stored with it.
tight <- function(fun, ...) {
  for (tol in c(1e-13, 1e-12, 1e-11, 1e-10)) {
    # do.call with the function's name: called through a wrapper's `...`, lavaan sees another control
    f <- suppressWarnings(do.call(fun, c(list(...), list(control = list(rel.tol = tol)))))
    if (lavInspect(f, "converged")) return(list(fit = f, rel.tol = tol))
  }
  stop("no tolerance converged")
}
mis <- function(fitted, call) {
  mi <- modindices(fitted$fit)
  keep <- intersect(c("lhs", "op", "rhs", "group", "mi", "epc", "sepc.all"), names(mi))
  list(call = sub("control = ctl", sprintf("control = list(rel.tol = %g)", fitted$rel.tol), call),
       rel.tol = fitted$rel.tol, mi = mi[, keep])
}
ref <- list(versions = versions)
ref$hs_wlsmv <- mis(tight("cfa", hs_model, data = hs, ordered = paste0("x", 1:9)),
                    "modindices(cfa(hs_model, data = hs_ordered, ordered = paste0('x', 1:9), control = ctl))")
ref$hs_ulsmv <- mis(tight("cfa", hs_model, data = hs, ordered = paste0("x", 1:9), estimator = "ULSMV"),
                    "modindices(cfa(hs_model, data = hs_ordered, ordered = paste0('x', 1:9), estimator = 'ULSMV', control = ctl))")
ref$hs_stdlv <- mis(tight("cfa", hs_model, data = hs, ordered = paste0("x", 1:9), std.lv = TRUE),
                    "modindices(cfa(hs_model, data = hs_ordered, ordered = paste0('x', 1:9), std.lv = TRUE, control = ctl))")
ref$hs_mixed <- mis(tight("cfa", hs_mixed, data = hs, ordered = paste0("x", 1:8)),
                    "modindices(cfa(hs_mixed, data = hs_ordered, ordered = paste0('x', 1:8), control = ctl))")
ref$hs_groups <- mis(tight("cfa", hs_model, data = hs, ordered = paste0("x", 1:9), group = "school"),
                     "modindices(cfa(hs_model, data = hs_ordered, ordered = paste0('x', 1:9), group = 'school', control = ctl))")
ref$bfi_wlsmv <- mis(tight("cfa", bfi_model, data = bfi, ordered = names(bfi)[1:25]),
                     "modindices(cfa(bfi_model, data = psych::bfi, ordered = items))  # listwise, control = ctl")
ref$em40_wlsmv <- mis(tight("sem", em_sem, data = em, ordered = items),
                      "modindices(sem(em_sem, data = read.csv('data/sample/em40_survey.csv'), ordered = items, control = ctl))")
writeLines(toJSON(ref, digits = I(12), auto_unbox = TRUE, pretty = FALSE, na = "null"),
           "tests/reference/mi_wls_reference.json")
cat("wrote tests/reference/mi_wls_reference.json\n")
