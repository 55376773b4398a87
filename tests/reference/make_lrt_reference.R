# Reference values for tests/test_chisq_difference.py: chi-square difference tests of nested models as
# lavaan 0.6-14's lavTestLRT computes them (semTools 0.5-6 for the invariance syntax):
#   * normal-theory ML: the plain difference;
#   * MLM / MLR / WLSM: the scaled difference of Satorra & Bentler (2001);
#   * WLSMV / ULSMV: the scaled-and-shifted difference of Satorra (2000), lavaan's default
#     (method = "satorra.2000", A.method = "delta", scaled.shifted = TRUE).
# Data: tests/data/hs_ordered.csv (HS 1939 items cut into 3-5 categories, written by
# make_ordinal_reference.R) and tests/data/bfi.csv (psych::bfi).  Run from the repository root:
#     Rscript tests/reference/make_lrt_reference.R
# The tests read tests/reference/lrt_reference.json and never need R.
suppressPackageStartupMessages({library(lavaan); library(semTools); library(jsonlite)})

versions <- list(lavaan = as.character(packageVersion("lavaan")),
                 semTools = as.character(packageVersion("semTools")), R = R.version.string)
hs <- read.csv("tests/data/hs_ordered.csv")
HS <- HolzingerSwineford1939
bfi <- read.csv("tests/data/bfi.csv")

hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
# nested in hs_model: equal loadings within two factors and one factor covariance fixed to zero
hs_restricted <- paste("visual =~ x1 + a*x2 + a*x3", "textual =~ x4 + b*x5 + b*x6",
                       "speed =~ x7 + x8 + x9", "visual ~~ 0*speed", sep = "\n")
bfi_model <- paste("agree =~ A1 + A2 + A3 + A4 + A5", "consc =~ C1 + C2 + C3 + C4 + C5",
                   "extra =~ E1 + E2 + E3 + E4 + E5", "neuro =~ N1 + N2 + N3 + N4 + N5",
                   "open =~ O1 + O2 + O3 + O4 + O5", sep = "\n")
bfi_items <- names(bfi)[1:25]

lrt <- function(fits, call) {
  t <- do.call(lavTestLRT, unname(fits))
  list(call = call, chisq = t[["Chisq"]], df = t[["Df"]], chisq_diff = t[["Chisq diff"]],
       df_diff = t[["Df diff"]], pvalue = t[["Pr(>Chisq)"]], rmsea = t[["RMSEA"]])
}
ref <- list(versions = versions)

# --- single group, free vs restricted -------------------------------------------------------------
for (e in c("WLSMV", "ULSMV", "WLSM", "DWLS")) {
  fits <- list(cfa(hs_model, data = hs, ordered = paste0("x", 1:9), estimator = e),
               cfa(hs_restricted, data = hs, ordered = paste0("x", 1:9), estimator = e))
  ref[[paste0("hs_", tolower(e))]] <- lrt(fits, sprintf(
    "lavTestLRT(cfa(hs_model, hs_ordered, ordered = x1:x9, estimator = '%s'), cfa(hs_restricted, ...))", e))
}
for (e in c("ML", "MLM", "MLR")) {
  fits <- list(cfa(hs_model, data = HS, estimator = e), cfa(hs_restricted, data = HS, estimator = e))
  ref[[paste0("hs_", tolower(e))]] <- lrt(fits, sprintf(
    "lavTestLRT(cfa(hs_model, HolzingerSwineford1939, estimator = '%s'), cfa(hs_restricted, ...))", e))
}

# --- ordered-item invariance (measEq.syntax, delta parameterization, std.lv, Wu & Estabrook 2016) ---
steps <- list(configural = "configural", metric = c("thresholds", "loadings"),
              scalar = c("thresholds", "loadings", "intercepts"))
measeq <- function(model, data, items, group, estimator, missing = "listwise")
  lapply(steps, function(ge) {
    syntax <- as.character(measEq.syntax(model, data = data, ordered = items, parameterization = "delta",
                                         ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016", group = group,
                                         group.equal = ge))
    cfa(syntax, data = data, ordered = items, group = group, parameterization = "delta",
        estimator = estimator, missing = missing)
  })
ref$hs_invariance_wlsmv <- lrt(measeq(hs_model, hs, paste0("x", 1:9), "school", "WLSMV"),
  "lavTestLRT(configural, metric, scalar)  # measEq.syntax(hs_model, hs_ordered, group = 'school'), WLSMV")
ref$hs_invariance_ulsmv <- lrt(measeq(hs_model, hs, paste0("x", 1:9), "school", "ULSMV"),
  "lavTestLRT(configural, metric, scalar)  # measEq.syntax(hs_model, hs_ordered, group = 'school'), ULSMV")
bfi_c <- bfi[complete.cases(bfi[, c(bfi_items, "gender")]), ]
ref$bfi_invariance_wlsmv <- lrt(measeq(bfi_model, bfi_c, bfi_items, "gender", "WLSMV"),
  "lavTestLRT(configural, metric, scalar)  # measEq.syntax(bfi_model, na.omit(bfi), group = 'gender'), WLSMV")

# FIML (hs_missing.csv: HS 1939 with 8% of the answers missing completely at random)
hm <- read.csv("tests/data/hs_missing.csv")
for (e in c("ML", "MLR")) {
  fits <- list(cfa(hs_model, data = hm, estimator = e, missing = "ml"),
               cfa(hs_restricted, data = hm, estimator = e, missing = "ml"))
  ref[[paste0("hs_fiml_", tolower(e))]] <- lrt(fits, sprintf(
    "lavTestLRT(cfa(hs_model, hs_missing, estimator = '%s', missing = 'ml'), cfa(hs_restricted, ...))", e))
}
bfi_g <- bfi[!is.na(bfi$gender), ]
ref$bfi_invariance_pairwise <- lrt(measeq(bfi_model, bfi_g, bfi_items, "gender", "WLSMV", "pairwise"),
  "lavTestLRT(configural, metric, scalar)  # measEq.syntax(bfi_model, bfi, group = 'gender'), WLSMV, missing = 'pairwise'")

writeLines(toJSON(ref, digits = I(12), auto_unbox = TRUE, pretty = FALSE, na = "null"),
           "tests/reference/lrt_reference.json")
cat("wrote tests/reference/lrt_reference.json\n")
