# Reference values for tests/test_ordinal_theta.py: the theta parameterization of ordered indicators
# (lavaan 0.6-14, parameterization = "theta"): residual variances of the latent responses are
# parameters (fixed at 1 in the first group) and the scales follow from them.
# Data: tests/data/hs_ordered.csv (HS 1939 items cut into 3-5 categories) and tests/data/bfi.csv
# (psych::bfi). Run from the repository root:
#     Rscript tests/reference/make_theta_reference.R
suppressPackageStartupMessages({library(lavaan); library(semTools); library(jsonlite)})
versions <- list(lavaan = as.character(packageVersion("lavaan")),
                 semTools = as.character(packageVersion("semTools")), R = R.version.string)
hs <- read.csv("tests/data/hs_ordered.csv")
m <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
m_mixed <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9c"
describe <- function(fit, call) {
  pe <- parameterEstimates(fit, remove.nonfree = FALSE)
  ss <- standardizedSolution(fit)
  keep <- intersect(c("lhs", "op", "rhs", "group"), names(pe))
  r2 <- inspect(fit, "r2")
  list(call = call, fit = as.list(unclass(fitMeasures(fit))), estimates = pe[, c(keep, "est", "se")],
       standardized = ss[, c(keep, "est.std", "se")], r2 = if (is.list(r2)) lapply(r2, as.list) else as.list(r2))
}
ref <- list(versions = versions)
o9 <- paste0("x", 1:9)
ref$hs_theta <- describe(cfa(m, data = hs, ordered = o9, parameterization = "theta"),
  "cfa(hs_model, data = hs_ordered, ordered = x1:x9, parameterization = 'theta')")
ref$hs_theta_stdlv <- describe(cfa(m, data = hs, ordered = o9, parameterization = "theta", std.lv = TRUE),
  "cfa(hs_model, data = hs_ordered, ordered = x1:x9, parameterization = 'theta', std.lv = TRUE)")
ref$hs_theta_mixed <- describe(cfa(m_mixed, data = hs, ordered = paste0("x", 1:8), parameterization = "theta"),
  "cfa(hs_mixed, data = hs_ordered, ordered = x1:x8, parameterization = 'theta')")
ref$hs_theta_groups <- describe(cfa(m, data = hs, ordered = o9, parameterization = "theta", group = "school"),
  "cfa(hs_model, data = hs_ordered, ordered = x1:x9, parameterization = 'theta', group = 'school')")
ref$hs_theta_equal <- describe(cfa(m, data = hs, ordered = o9, parameterization = "theta", group = "school",
                                   group.equal = c("thresholds", "loadings")),
  "cfa(hs_model, data = hs_ordered, ordered = x1:x9, parameterization = 'theta', group = 'school', group.equal = c('thresholds', 'loadings'))")
# (not the EM40 sample: its IQA2 has a negative residual variance under the delta parameterization, which
# the theta parameterization can only approach with an unbounded loading; lavaan runs for many minutes)
bfi <- read.csv("tests/data/bfi.csv")
bfi_model <- paste("agree =~ A1 + A2 + A3 + A4 + A5", "consc =~ C1 + C2 + C3 + C4 + C5",
                   "extra =~ E1 + E2 + E3 + E4 + E5", "neuro =~ N1 + N2 + N3 + N4 + N5",
                   "open =~ O1 + O2 + O3 + O4 + O5", sep = "\n")
ref$bfi_theta <- describe(cfa(bfi_model, data = bfi, ordered = names(bfi)[1:25], parameterization = "theta"),
  "cfa(bfi_model, data = psych::bfi, ordered = items, parameterization = 'theta')  # listwise")
# invariance steps in the theta parameterization, up to strict (residual variances equal)
steps <- list(configural = "configural", metric = c("thresholds", "loadings"),
              scalar = c("thresholds", "loadings", "intercepts"),
              strict = c("thresholds", "loadings", "intercepts", "residuals"))
fits <- list()
for (s in names(steps)) {
  syntax <- as.character(measEq.syntax(m, data = hs, ordered = o9, parameterization = "theta",
                                       ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016", group = "school",
                                       group.equal = steps[[s]]))
  fits[[s]] <- cfa(syntax, data = hs, ordered = o9, group = "school", parameterization = "theta")
  ref[[paste0("hs_theta_", s)]] <- c(list(syntax = syntax), describe(fits[[s]], sprintf(
    "cfa(measEq.syntax(hs_model, data = hs_ordered, ordered = x1:x9, parameterization = 'theta', ID.fac = 'std.lv', ID.cat = 'Wu.Estabrook.2016', group = 'school', group.equal = %s), ordered = ..., group = 'school', parameterization = 'theta')",
    deparse(steps[[s]]))))
}
t <- lavTestLRT(fits$configural, fits$metric, fits$scalar, fits$strict)
ref$hs_theta_lrt <- list(call = "lavTestLRT(configural, metric, scalar, strict)  # theta",
                         chisq_diff = t[["Chisq diff"]], df_diff = t[["Df diff"]], pvalue = t[["Pr(>Chisq)"]])
writeLines(toJSON(ref, digits = I(12), auto_unbox = TRUE, pretty = FALSE, na = "null"),
           "tests/reference/theta_reference.json")
cat("wrote tests/reference/theta_reference.json\n")
