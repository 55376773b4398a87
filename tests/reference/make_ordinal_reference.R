# Reference values for tests/test_ordinal.py and tests/test_robust_ml.py: ordinal (WLSMV, DWLS,
# WLS, ULSMV, ULS, WLSM) and robust ML (MLM, MLR, MLR with FIML) estimation, polychoric matrices,
# and ordered-item invariance, made with lavaan 0.6-14, semTools 0.5-6 and psych 2.2.9 (Debian's
# r-cran-* packages).  Run from the repository root:
#     Rscript tests/reference/make_ordinal_reference.R
# It also writes the data files it uses (tests/data/hs_ordered.csv, hs_missing.csv, bfi.csv; see
# tests/data/README.md).  The tests read tests/reference/ordinal_reference.json and never need R.
suppressPackageStartupMessages({library(lavaan); library(semTools); library(psych); library(jsonlite)})

versions <- list(lavaan = as.character(packageVersion("lavaan")),
                 semTools = as.character(packageVersion("semTools")),
                 psych = as.character(packageVersion("psych")), R = R.version.string)

# --- data ------------------------------------------------------------------------------------
dir.create("tests/data", showWarnings = FALSE)
HS <- HolzingerSwineford1939
hs <- HS[, paste0("x", 1:9)]
ncat <- c(3, 3, 3, 4, 4, 4, 5, 5, 5)          # x1-x3 in 3, x4-x6 in 4, x7-x9 in 5 categories
for (i in 1:9) {
  v <- names(hs)[i]
  hs[[v]] <- as.integer(cut(HS[[v]], breaks = quantile(HS[[v]], seq(0, 1, length.out = ncat[i] + 1)),
                            include.lowest = TRUE))
}
hs$x9c <- HS$x9                                # x9 kept continuous for the polyserial case
hs$school <- HS$school
write.csv(hs, "tests/data/hs_ordered.csv", row.names = FALSE)
set.seed(1)
hm <- HS[, c("id", "school", paste0("x", 1:9))]
for (v in paste0("x", 1:9)) hm[[v]][runif(nrow(hm)) < 0.08] <- NA   # 8% missing completely at random
write.csv(hm, "tests/data/hs_missing.csv", row.names = FALSE)
write.csv(bfi, "tests/data/bfi.csv", row.names = FALSE)
em <- read.csv("data/sample/em40_survey.csv")
items <- names(em)[2:43]

hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
hs_mixed <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9c"
em_cfa <- paste(
  "EFF =~ EFF1 + EFF2 + EFF3 + EFF4 + EFF5 + EFF6",
  "ACL =~ ACL1 + ACL2 + ACL3 + ACL4 + ACL5 + ACL6 + ACL7 + ACL8 + ACL9 + ACL10",
  "ATM =~ ATM1 + ATM2 + ATM3 + ATM4 + ATM5 + ATM6 + ATM7 + ATM8 + ATM9 + ATM10",
  "QMG =~ QMG1 + QMG2 + QMG3 + QMG4 + QMG5 + QMG6 + QMG7",
  "HRM =~ HRM1 + HRM2 + HRM3 + HRM4",
  "IQA =~ IQA1 + IQA2 + IQA3 + IQA4 + IQA5", sep = "\n")
em_sem <- paste(em_cfa, "EFF ~ ACL + ATM + QMG + HRM + IQA", sep = "\n")
bfi_model <- paste("agree =~ A1 + A2 + A3 + A4 + A5", "consc =~ C1 + C2 + C3 + C4 + C5",
                   "extra =~ E1 + E2 + E3 + E4 + E5", "neuro =~ N1 + N2 + N3 + N4 + N5",
                   "open =~ O1 + O2 + O3 + O4 + O5", sep = "\n")
bfi_items <- names(bfi)[1:25]

# --- what is stored of a fit ------------------------------------------------------------------
describe <- function(fit, call) {
  pe <- parameterEstimates(fit, remove.nonfree = FALSE)
  keep <- intersect(c("lhs", "op", "rhs", "group", "est", "se"), names(pe))
  ss <- standardizedSolution(fit)
  keep_s <- intersect(c("lhs", "op", "rhs", "group", "est.std", "se"), names(ss))
  r2 <- inspect(fit, "r2")
  list(call = call, fit = as.list(unclass(fitMeasures(fit))), estimates = pe[, keep],
       standardized = ss[, keep_s], r2 = if (is.list(r2)) lapply(r2, as.list) else as.list(r2))
}
timed <- function(expr) { t0 <- proc.time()[["elapsed"]]; value <- expr; list(value, proc.time()[["elapsed"]] - t0) }

ref <- list(versions = versions)
# --- ordered indicators -------------------------------------------------------------------------
ref$hs_wlsmv <- describe(cfa(hs_model, data = hs, ordered = TRUE),
                         "cfa(hs_model, data = hs_ordered, ordered = TRUE)")
ref$hs_mixed <- describe(cfa(hs_mixed, data = hs, ordered = paste0("x", 1:8)),
                         "cfa(hs_mixed, data = hs_ordered, ordered = paste0('x', 1:8))")
for (e in c("DWLS", "WLS", "ULSMV", "ULS", "WLSM")) {
  ref[[paste0("hs_", tolower(e))]] <- describe(
    cfa(hs_model, data = hs, ordered = TRUE, estimator = e),
    sprintf("cfa(hs_model, data = hs_ordered, ordered = TRUE, estimator = '%s')", e))
}
ref$hs_stdlv <- describe(cfa(hs_model, data = hs, ordered = TRUE, std.lv = TRUE),
                         "cfa(hs_model, data = hs_ordered, ordered = TRUE, std.lv = TRUE)")
ref$hs_groups <- describe(cfa(hs_model, data = hs, ordered = TRUE, group = "school"),
                          "cfa(hs_model, data = hs_ordered, ordered = TRUE, group = 'school')")
# invariance of ordered items: semTools' measEq.syntax (Wu & Estabrook, 2016; delta; std.lv)
steps <- list(configural = "configural", metric = c("thresholds", "loadings"),
              scalar = c("thresholds", "loadings", "intercepts"))
for (s in names(steps)) {
  syntax <- as.character(measEq.syntax(hs_model, data = hs, ordered = paste0("x", 1:9),
                                       parameterization = "delta", ID.fac = "std.lv",
                                       ID.cat = "Wu.Estabrook.2016", group = "school",
                                       group.equal = steps[[s]]))
  f <- cfa(syntax, data = hs, ordered = paste0("x", 1:9), group = "school", parameterization = "delta")
  ref[[paste0("hs_", s)]] <- c(list(syntax = syntax), describe(f, sprintf(
    "cfa(measEq.syntax(hs_model, data = hs_ordered, ordered = paste0('x', 1:9), parameterization = 'delta', ID.fac = 'std.lv', ID.cat = 'Wu.Estabrook.2016', group = 'school', group.equal = %s), ordered = ..., group = 'school')",
    deparse(steps[[s]]))))
}
em_fit <- timed(sem(em_sem, data = em, ordered = TRUE))
ref$em40_wlsmv <- describe(em_fit[[1]], "sem(em_sem, data = read.csv('data/sample/em40_survey.csv'), ordered = TRUE)")
ref$em40_wlsmv$seconds <- em_fit[[2]]
ref$bfi_wlsmv <- describe(cfa(bfi_model, data = bfi, ordered = TRUE),
                          "cfa(bfi_model, data = psych::bfi, ordered = TRUE)  # listwise")

# --- polychoric matrices ----------------------------------------------------------------------------
polycase <- function(d, ordered, missing = "listwise") {
  f <- lavCor(d, ordered = ordered, missing = missing, output = "fit")
  list(cor = unclass(lavInspect(f, "sampstat")$cov), th = as.list(lavInspect(f, "sampstat")$th))
}
hs9 <- hs[, paste0("x", 1:9)]
ref$poly_hs <- c(polycase(hs9, names(hs9)), list(call = "lavCor(hs_ordered[, 1:9], ordered = names(.))"))
ref$poly_hs$gamma <- unclass(lavInspect(cfa(hs_model, data = hs, ordered = TRUE), "gamma"))
ref$poly_hs$psych <- unclass(polychoric(hs9, correct = 0, smooth = FALSE)$rho)
ref$poly_hs$psych_correct <- unclass(polychoric(hs9, smooth = FALSE)$rho)
hm9 <- hs[, c(paste0("x", 1:8), "x9c")]
ref$poly_mixed <- c(polycase(hm9, paste0("x", 1:8)),
                    list(call = "lavCor(hs_ordered[, c(x1..x8, x9c)], ordered = paste0('x', 1:8))"))
ref$poly_mixed$gamma <- unclass(lavInspect(cfa(hs_mixed, data = hs, ordered = paste0("x", 1:8)), "gamma"))
emc <- na.omit(em[, items])
ref$poly_em40 <- c(polycase(emc, items), list(call = "lavCor(na.omit(em[, items]), ordered = items)"))
ref$poly_em40$psych <- unclass(polychoric(emc, correct = 0, smooth = FALSE)$rho)
b25 <- bfi[, bfi_items]
ref$poly_bfi <- c(polycase(b25, bfi_items), list(call = "lavCor(bfi[, 1:25], ordered = names(.))"))
ref$poly_bfi_pairwise <- c(polycase(b25, bfi_items, "pairwise"),
                           list(call = "lavCor(bfi[, 1:25], ordered = names(.), missing = 'pairwise')"))
ref$poly_bfi_pairwise$psych <- unclass(polychoric(b25, correct = 0, smooth = FALSE)$rho)

# --- robust ML -----------------------------------------------------------------------------------------------
ref$hs_mlm <- describe(cfa(hs_model, data = HS, estimator = "MLM"), "cfa(hs_model, data = HS, estimator = 'MLM')")
ref$hs_mlr <- describe(cfa(hs_model, data = HS, estimator = "MLR"), "cfa(hs_model, data = HS, estimator = 'MLR')")
ref$hs_mlm_groups <- describe(cfa(hs_model, data = HS, estimator = "MLM", group = "school"),
                              "cfa(hs_model, data = HS, estimator = 'MLM', group = 'school')")
ref$hs_mlr_groups <- describe(cfa(hs_model, data = HS, estimator = "MLR", group = "school"),
                              "cfa(hs_model, data = HS, estimator = 'MLR', group = 'school')")
ref$hs_mlr_fiml <- describe(cfa(hs_model, data = hm, estimator = "MLR", missing = "ml"),
                            "cfa(hs_model, data = hs_missing, estimator = 'MLR', missing = 'ml')")
ref$em40_mlm <- describe(sem(em_sem, data = em, estimator = "MLM"),
                         "sem(em_sem, data = em, estimator = 'MLM')  # listwise")
ref$em40_mlr_fiml <- describe(sem(em_sem, data = em, estimator = "MLR", missing = "ml"),
                              "sem(em_sem, data = em, estimator = 'MLR', missing = 'ml')")
ref$bfi_mlr_fiml <- describe(cfa(bfi_model, data = bfi, estimator = "MLR", missing = "ml"),
                             "cfa(bfi_model, data = psych::bfi, estimator = 'MLR', missing = 'ml')")

# --- invariance steps with robust ML: the scaled chi-square difference (Satorra & Bentler, 2001) ----------
inv <- lapply(list("configural", "loadings", c("loadings", "intercepts")), function(ge)
  if (identical(ge, "configural")) cfa(hs_model, data = HS, estimator = "MLR", group = "school") else
    cfa(hs_model, data = HS, estimator = "MLR", group = "school", group.equal = ge))
lrt <- lavTestLRT(inv[[1]], inv[[2]], inv[[3]])
ref$hs_mlr_invariance <- list(call = "lavTestLRT(configural, metric, scalar)  # MLR, group = 'school'",
                              chisq_diff = lrt[["Chisq diff"]], df_diff = lrt[["Df diff"]],
                              pvalue = lrt[["Pr(>Chisq)"]],
                              cfi_robust = sapply(inv, fitMeasures, "cfi.robust"),
                              rmsea_robust = sapply(inv, fitMeasures, "rmsea.robust"))

writeLines(toJSON(ref, digits = I(12), auto_unbox = TRUE, pretty = FALSE, na = "null"),
           "tests/reference/ordinal_reference.json")
cat("wrote tests/reference/ordinal_reference.json\n")
