# Reference values for tests/test_bootstrap_ordinal.py: lavaan's nonparametric bootstrap of a
# WLSMV fit (ordered indicators), made with lavaan 0.6-14 (Debian's r-cran-lavaan).  Run from the
# repository root:
#     Rscript tests/reference/make_bootstrap_ordinal_reference.R
# It reads tests/data/hs_ordered.csv (written by make_ordinal_reference.R) and writes
# tests/reference/bootstrap_ordinal_reference.json.  The tests never need R.
# Bootstrap SEs are Monte Carlo estimates: lavaan's and edu40's draws differ (different random
# numbers), so the tests compare them within Monte Carlo error, not digit for digit.
# lavaan 0.6-14 refuses se = "bootstrap" with estimator = "WLSMV" ("use (D)WLS estimator for
# bootstrap"): the bootstrap fits use estimator = "DWLS", whose estimates are WLSMV's (WLSMV is DWLS
# with robust SEs and a scaled test).
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})

versions <- list(lavaan = as.character(packageVersion("lavaan")), R = R.version.string)
hs <- read.csv("tests/data/hs_ordered.csv")
hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
items <- paste0("x", 1:9)

describe <- function(fit, call, seconds, requested) {
  pe <- parameterEstimates(fit, remove.nonfree = FALSE, boot.ci.type = "perc")
  keep <- intersect(c("lhs", "op", "rhs", "group", "est", "se", "ci.lower", "ci.upper"), names(pe))
  boot <- lavInspect(fit, "boot")
  list(call = call, seconds = seconds, n_ok = nrow(boot), n_requested = requested,
       estimates = pe[, keep])
}
timed <- function(expr) { t0 <- proc.time()[["elapsed"]]; value <- expr; list(value, proc.time()[["elapsed"]] - t0) }

ref <- list(versions = versions)
set.seed(20260101)
r <- timed(cfa(hs_model, data = hs, ordered = items, estimator = "DWLS", se = "bootstrap", bootstrap = 1000))
ref$hs_boot <- describe(r[[1]], "set.seed(20260101); cfa(hs_model, data = hs_ordered, ordered = paste0('x', 1:9), estimator = 'DWLS', se = 'bootstrap', bootstrap = 1000)", r[[2]], 1000)
robust <- cfa(hs_model, data = hs, ordered = items)
pe <- parameterEstimates(robust, remove.nonfree = FALSE)
ref$hs_robust <- list(call = "cfa(hs_model, data = hs_ordered, ordered = paste0('x', 1:9))  # WLSMV, robust.sem SEs",
                      estimates = pe[, c("lhs", "op", "rhs", "est", "se")])
set.seed(20260102)
r <- timed(cfa(hs_model, data = hs, ordered = items, group = "school", estimator = "DWLS", se = "bootstrap", bootstrap = 500))
ref$hs_groups_boot <- describe(r[[1]], "set.seed(20260102); cfa(hs_model, data = hs_ordered, ordered = paste0('x', 1:9), group = 'school', estimator = 'DWLS', se = 'bootstrap', bootstrap = 500)", r[[2]], 500)

writeLines(toJSON(ref, digits = I(12), auto_unbox = TRUE, pretty = FALSE, na = "null"),
           "tests/reference/bootstrap_ordinal_reference.json")
cat("wrote tests/reference/bootstrap_ordinal_reference.json\n")
