# Reference values for tests/test_ordinal_pairwise.py: WLSMV with pairwise deletion of missing answers
# (lavaan 0.6-14, missing = "pairwise") on psych::bfi (tests/data/bfi.csv; 25 six-point items, 2 800
# respondents, 364 of them with at least one missing answer). Run from the repository root:
#     Rscript tests/reference/make_pairwise_reference.R
# The tests read tests/reference/pairwise_reference.json and never need R.
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})

versions <- list(lavaan = as.character(packageVersion("lavaan")), R = R.version.string)
bfi <- read.csv("tests/data/bfi.csv")
items <- names(bfi)[1:25]
bfi_model <- paste("agree =~ A1 + A2 + A3 + A4 + A5", "consc =~ C1 + C2 + C3 + C4 + C5",
                   "extra =~ E1 + E2 + E3 + E4 + E5", "neuro =~ N1 + N2 + N3 + N4 + N5",
                   "open =~ O1 + O2 + O3 + O4 + O5", sep = "\n")
describe <- function(fit, call) {
  pe <- parameterEstimates(fit, remove.nonfree = FALSE)
  keep <- intersect(c("lhs", "op", "rhs", "group", "est", "se"), names(pe))
  ss <- standardizedSolution(fit)
  keep_s <- intersect(c("lhs", "op", "rhs", "group", "est.std"), names(ss))
  gamma <- lavInspect(fit, "gamma")
  if (is.list(gamma)) gamma <- gamma[[1]]
  mi <- modindices(fit, sort. = TRUE, maximum.number = 30)
  list(call = call, fit = as.list(unclass(fitMeasures(fit))), estimates = pe[, keep],
       standardized = ss[, keep_s], gamma_diag = unname(diag(unclass(gamma))),
       gamma_block = unclass(gamma)[1:60, 1:60],
       mi = mi[, intersect(c("lhs", "op", "rhs", "group", "mi", "epc"), names(mi))])
}
ref <- list(versions = versions)
ref$bfi_pairwise <- describe(cfa(bfi_model, data = bfi, ordered = items, missing = "pairwise"),
  "cfa(bfi_model, data = psych::bfi, ordered = items, missing = 'pairwise')")
bfi_g <- bfi[!is.na(bfi$gender), ]
ref$bfi_pairwise_gender <- describe(
  cfa(bfi_model, data = bfi_g, ordered = items, missing = "pairwise", group = "gender"),
  "cfa(bfi_model, data = psych::bfi, ordered = items, missing = 'pairwise', group = 'gender')")
writeLines(toJSON(ref, digits = I(12), auto_unbox = TRUE, pretty = FALSE, na = "null"),
           "tests/reference/pairwise_reference.json")
cat("wrote tests/reference/pairwise_reference.json\n")
