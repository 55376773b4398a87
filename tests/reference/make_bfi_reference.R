# Reference values for tests/test_bfi_parity.py: a real Likert survey with missing answers.
# Data: tests/data/bfi.csv = psych::bfi (SAPA; 25 items, 2 800 respondents; see tests/data/README.md).
# Made with R 4.2, psych 2.2.9, lavaan 0.6-14, semTools 0.5-6.  Run from the repository root:
#     Rscript tests/reference/make_bfi_reference.R
# It writes tests/reference/bfi_reference.json; the tests read that file and never need R.
# Every value is stored next to the R call that made it ("call").
suppressPackageStartupMessages({library(psych); library(lavaan); library(semTools); library(jsonlite)})

bfi <- read.csv("tests/data/bfi.csv")
items <- names(bfi)[1:25]
keys <- list(AGR = c("-A1", "A2", "A3", "A4", "A5"), CON = c("C1", "C2", "C3", "-C4", "-C5"),
             EXT = c("-E1", "-E2", "E3", "E4", "E5"), NEU = c("N1", "N2", "N3", "N4", "N5"),
             OPE = c("O1", "-O2", "O3", "O4", "-O5"))   # = psych::bfi.keys, factor codes of tests/data/bfi.toml
stopifnot(identical(unname(unlist(keys)), unname(unlist(psych::bfi.keys))))
reversed <- sub("-", "", grep("^-", unlist(keys), value = TRUE))
# bfr: reverse-keyed answers recoded 7 - x, as edu40.load_survey does with the bfi codebook
bfr <- bfi
bfr[reversed] <- 7 - bfr[reversed]
plain <- lapply(keys, function(k) sub("-", "", k))

FM <- c("npar", "ntotal", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "cfi", "tli", "nfi",
        "ifi", "rfi", "gfi", "agfi", "pgfi", "rmr", "srmr", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper",
        "rmsea.pvalue", "aic", "bic", "logl", "unrestricted.logl")
tab <- function(x) { x <- as.data.frame(x); rownames(x) <- NULL; x }
# lavaan's default nlminb stops at a relative change of 1e-10 in F; on bfi that leaves the estimates
# ~2e-5 and the modification indices ~.008 from the optimum (chi-square 4.4e-7 above it).  Each fit
# is therefore continued from lavaan's own solution by BFGS to machine precision: same model, same
# estimator, the exact ML optimum.  "call" names the first fit; TIGHT says how it was finished.
TIGHT <- "then refitted with start = <that fit>, optim.method = 'BFGS', control = list(reltol = 1e-16, maxit = 5000)"
tight <- function(fun, ...) {
  first <- fun(...)
  out <- fun(..., start = first, optim.method = "BFGS", control = list(reltol = 1e-16, maxit = 5000))
  stopifnot(lavInspect(out, "converged"), fitMeasures(out, "chisq") <= fitMeasures(first, "chisq") + 1e-9)
  attr(out, "chisq_default") <- unname(fitMeasures(first, "chisq"))
  out
}

ref <- list(versions = list(R = R.version.string, psych = as.character(packageVersion("psych")),
                            lavaan = as.character(packageVersion("lavaan")),
                            semTools = as.character(packageVersion("semTools"))),
            n_rows = nrow(bfi), n_complete_items = sum(complete.cases(bfi[items])))

# ---- data facts the loader must report ---------------------------------------------------------
ans <- as.matrix(bfi[items])
answered <- rowSums(!is.na(ans))
flat <- answered >= 10 & apply(ans, 1, function(r) length(unique(na.omit(r))) == 1)
ref$data <- list(
  call = "colSums(is.na(bfi[items])); rows with some but not all items; one identical answer to >= 10 answered items",
  missing_by_item = as.list(colSums(is.na(bfi[items]))),
  rows_with_missing = sum(answered < 25), rows_empty = sum(answered == 0),
  straight_lining_rows = which(flat) + 1L,   # file rows, header = row 1
  n_patterns = nrow(unique(is.na(ans))))

# ---- descriptives ------------------------------------------------------------------------------
desc <- function(x, type) {
  d <- psych::describe(x, type = type)
  data.frame(variable = rownames(d), n = d$n, mean = d$mean, sd = d$sd, min = d$min, max = d$max,
             skew = d$skew, kurtosis = d$kurtosis)
}
scores <- sapply(plain, function(k) rowMeans(bfr[k], na.rm = TRUE))
ref$describe <- list(
  call = "psych::describe(bfi[items], type = 2); type 3 (psych's default) for comparison",
  raw_type2 = desc(bfi[items], 2), raw_type3 = desc(bfi[items], 3),
  call_scored = "psych::describe(bfr[items], type = 2), bfr = reverse-keyed items recoded 7 - x",
  scored_type2 = desc(bfr[items], 2),
  call_factors = "psych::describe(sapply(keys, function(k) rowMeans(bfr[k], na.rm = TRUE)), type = 2)",
  factors_type2 = desc(scores, 2))

# ---- alpha and item analysis, per factor with reverse keys --------------------------------------
alpha_ref <- function(x, k) {
  a <- psych::alpha(x, keys = sub("-", "", grep("^-", k, value = TRUE)), warnings = FALSE)
  st <- a$item.stats; dr <- a$alpha.drop
  list(raw_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha, average_r = a$total$average_r,
       n_obs = nrow(x),
       items = data.frame(item = sub("-$", "", rownames(st)), n = st$n, raw_r = st$raw.r,
                          r_drop = st$r.drop, mean = st$mean, sd = st$sd,
                          alpha_drop = dr$raw_alpha, std_alpha_drop = dr$std.alpha))
}
ref$alpha <- list(call = "psych::alpha(bfi[k], keys = <reverse-keyed items of k>) (use = 'pairwise', psych's default)",
                  call_listwise = "psych::alpha(na.omit(bfi[k]), keys = ...); psych::alpha.ci(raw_alpha, n.obs, n.var)",
                  pairwise = list(), listwise = list())
for (f in names(keys)) {
  ref$alpha$pairwise[[f]] <- alpha_ref(bfi[plain[[f]]], keys[[f]])
  lw <- na.omit(bfi[plain[[f]]])
  a <- alpha_ref(lw, keys[[f]])
  ci <- psych::alpha.ci(a$raw_alpha, n.obs = nrow(lw), n.var = length(keys[[f]]), digits = 12)
  a$ci_low <- ci$lower.ci; a$ci_high <- ci$upper.ci
  ref$alpha$listwise[[f]] <- a
}
ref$alpha$listwise_all <- alpha_ref(na.omit(bfi[items]), unlist(keys))

# ---- omega: one-factor ML CFA per factor (what edu40.omega claims) ------------------------------
ref$omega <- list(call = "fit <- cfa('F =~ ...', data = bfr, std.lv = TRUE); compRelSEM(fit, obs.var = FALSE); compRelSEM(fit)")
for (f in names(keys)) {
  fit <- cfa(paste("F =~", paste(plain[[f]], collapse = " + ")), data = bfr, std.lv = TRUE)
  ref$omega[[f]] <- list(omega = unname(compRelSEM(fit, obs.var = FALSE)["F"]),
                         omega_observed = unname(compRelSEM(fit)["F"]), n = lavInspect(fit, "nobs"),
                         chisq = unname(fitMeasures(fit, "chisq")), df = unname(fitMeasures(fit, "df")),
                         loadings = unname(lavInspect(fit, "est")$lambda[, 1]))
}

# ---- correlations, pairwise missing ------------------------------------------------------------
ct <- psych::corr.test(bfi[items], use = "pairwise", adjust = "none")
ref$cor <- list(call = "psych::corr.test(bfi[items], use = 'pairwise', adjust = 'none') (= cor.test per pair)",
                r = unclass(ct$r), n = unclass(ct$n), p = unclass(ct$p), items = items,
                call_spearman = "cor(bfi[items], use = 'pairwise', method = 'spearman')",
                spearman = cor(bfi[items], use = "pairwise", method = "spearman"))
pairs <- list(c("A1", "A2"), c("C4", "C5"), c("N1", "N2"), c("E1", "O5"), c("A4", "O3"))
ref$cor$tests <- lapply(pairs, function(p) {
  t <- cor.test(bfi[[p[1]]], bfi[[p[2]]])
  s <- cor.test(bfi[[p[1]]], bfi[[p[2]]], method = "spearman", exact = FALSE)
  list(x = p[1], y = p[2], call = sprintf("cor.test(bfi$%s, bfi$%s)", p[1], p[2]),
       r = unname(t$estimate), t = unname(t$statistic), df = unname(t$parameter), p = t$p.value,
       ci_low = t$conf.int[1], ci_high = t$conf.int[2], n = unname(t$parameter) + 2,
       rho = unname(s$estimate), p_spearman = s$p.value)
})

# ---- five-factor CFA: ML listwise and FIML --------------------------------------------------------
model <- paste(sapply(names(plain), function(f) paste(f, "=~", paste(plain[[f]], collapse = " + "))),
               collapse = "\n")
sem_ref <- function(fit, call, mi = TRUE) {
  out <- list(call = call, optimizer = TIGHT, chisq_default_optimizer = attr(fit, "chisq_default"),
              fit = as.list(unclass(fitMeasures(fit, FM))))
  out$estimates <- tab(parameterEstimates(fit)[, c("lhs", "op", "rhs", "est", "se")])
  out$standardized <- tab(standardizedSolution(fit)[, c("lhs", "op", "rhs", "est.std", "se")])
  out$r2 <- as.list(inspect(fit, "r2"))
  if (mi) out$modindices <- tab(modindices(fit, sort. = TRUE)[, c("lhs", "op", "rhs", "mi", "epc", "sepc.all")])
  out
}
fit_lw <- tight(cfa, model, data = bfr)
ref$cfa <- sem_ref(fit_lw, "cfa(model, data = bfr)")
ref$cfa$model <- model
# lavaan's modindices() is itself reproducible only to a few 1e-3: one more BFGS pass from the tight
# solution moves the estimates by ~1e-8 and the MIs by this much (edu40 equals the exact score test)
fit_again <- cfa(model, data = bfr, start = fit_lw, optim.method = "BFGS", control = list(reltol = 1e-16, maxit = 5000))
ref$cfa$mi_refit <- list(
  call = "max(abs(modindices(fit)$mi - modindices(cfa(model, bfr, start = fit, optim.method = 'BFGS'))$mi))",
  max_abs_mi_change = max(abs(modindices(fit_lw)$mi - modindices(fit_again)$mi)),
  max_abs_est_change = max(abs(coef(fit_lw) - coef(fit_again))))
ref$cfa$ave <- as.list(AVE(fit_lw))
ref$cfa$omega_obs <- as.list(compRelSEM(fit_lw))
ref$cfa$omega_model <- as.list(compRelSEM(fit_lw, obs.var = FALSE))
std <- standardizedSolution(fit_lw)
ref$cfa$cr_fornell_larcker <- as.list(sapply(names(plain), function(f) {
  l <- std$est.std[std$op == "=~" & std$lhs == f]; sum(l)^2 / (sum(l)^2 + sum(1 - l^2)) }))
ref$cfa$call_validity <- paste("AVE(fit); compRelSEM(fit); compRelSEM(fit, obs.var = FALSE);",
                               "CR by hand from standardizedSolution(fit): (sum l)^2 / ((sum l)^2 + sum(1 - l^2))")
ref$cfa$htmt <- unclass(htmt(model, bfr, htmt2 = FALSE))
ref$cfa$htmt2 <- unclass(htmt(model, bfr, htmt2 = TRUE))
ref$cfa$call_htmt <- "htmt(model, bfr, htmt2 = FALSE); htmt(model, bfr) (missing = 'listwise')"
ref$cfa$resid_cor <- unclass(resid(fit_lw, type = "cor.bollen")$cov)

fit_fiml <- tight(cfa, model, data = bfr, missing = "fiml")
ref$cfa_fiml <- sem_ref(fit_fiml, "cfa(model, data = bfr, missing = 'fiml')")
# under FIML semTools divides by the EM (h1) covariance of all 2 800 respondents
ref$cfa_fiml$ave <- as.list(AVE(fit_fiml))
ref$cfa_fiml$omega_obs <- as.list(compRelSEM(fit_fiml))
fiml_again <- cfa(model, data = bfr, missing = "fiml", start = fit_fiml, optim.method = "BFGS",
                  control = list(reltol = 1e-16, maxit = 5000))
ref$cfa_fiml$mi_refit <- list(
  call = "max(abs(modindices(fit)$mi - modindices(cfa(model, bfr, missing = 'fiml', start = fit, optim.method = 'BFGS'))$mi))",
  max_abs_mi_change = max(abs(modindices(fit_fiml)$mi - modindices(fiml_again)$mi)),
  max_abs_est_change = max(abs(coef(fit_fiml) - coef(fiml_again))))

# ---- measurement invariance by gender -------------------------------------------------------------
steps <- list(configural = "", metric = "loadings", scalar = c("loadings", "intercepts"),
              strict = c("loadings", "intercepts", "residuals"))
mg <- function(ge, ...) {   # lavaan 0.6-14 refuses group.equal = character(0)
  ge <- setdiff(ge, "")
  if (length(ge)) tight(cfa, model, data = bfr, group = "gender", group.equal = ge, ...)
  else tight(cfa, model, data = bfr, group = "gender", ...)
}
ref$invariance <- lapply(names(steps), function(s) {
  f <- mg(steps[[s]])
  list(step = s, optimizer = TIGHT, call = sprintf("cfa(model, data = bfr, group = 'gender', group.equal = c(%s))",
                                paste0("'", steps[[s]], "'", collapse = ", ")),
       fit = as.list(unclass(fitMeasures(f, FM))))
})
ref$invariance_fiml <- lapply(names(steps)[1:3], function(s) {
  f <- mg(steps[[s]], missing = "fiml")
  list(step = s, optimizer = TIGHT, call = sprintf("cfa(model, data = bfr, group = 'gender', group.equal = c(%s), missing = 'fiml')",
                                paste0("'", steps[[s]], "'", collapse = ", ")),
       fit = as.list(unclass(fitMeasures(f, c("npar", "chisq", "df", "cfi", "tli", "rmsea", "srmr", "aic", "bic")))))
})

# ---- second-order CFA -----------------------------------------------------------------------------
HS <- HolzingerSwineford1939
hs2 <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\ng =~ visual + textual + speed"
ref$hs_second_order <- sem_ref(tight(cfa, hs2, data = HS), "cfa(hs2, data = HolzingerSwineford1939)", mi = FALSE)
ref$hs_second_order$model <- hs2
# a general factor of personality over the five (two-level model on the real survey)
bfi2 <- paste(model, "GFP =~ AGR + CON + EXT + NEU + OPE", sep = "\n")
fit_b2 <- tight(cfa, bfi2, data = bfr)
ref$bfi_second_order <- sem_ref(fit_b2, "cfa(bfi2, data = bfr)", mi = FALSE)
ref$bfi_second_order$model <- bfi2

# ---- defined (:=) indirect effects: delta method and bootstrap --------------------------------------
med <- paste(model, "EXT ~ a*NEU\nAGR ~ b*EXT + c*NEU\nindirect := a*b\ntotal := c + a*b", sep = "\n")
fit_med <- tight(sem, med, data = bfr)
ref$mediation <- sem_ref(fit_med, "sem(med, data = bfr)", mi = FALSE)
fit_med <- sem(med, data = bfr)   # the bootstrap refits with lavaan's default optimizer
ref$mediation$model <- med
B <- 2000L
set.seed(20240601)
bt <- bootstrapLavaan(fit_med, R = B, FUN = function(x) {
  p <- parameterEstimates(x); p$est[match(c("a", "b", "c", "indirect", "total"), ifelse(p$op == ":=", p$lhs, p$label))] })
ok <- bt[complete.cases(bt), , drop = FALSE]
labs <- c("a", "b", "c", "indirect", "total")
ref$mediation$bootstrap <- list(
  call = "set.seed(20240601); bootstrapLavaan(fit_med, R = 2000, FUN = <a, b, c, indirect, total>)",
  n = nrow(ok), names = labs, se = as.list(setNames(apply(ok, 2, sd), labs)),
  ci_low = as.list(setNames(apply(ok, 2, quantile, 0.025), labs)),
  ci_high = as.list(setNames(apply(ok, 2, quantile, 0.975), labs)))

writeLines(toJSON(ref, digits = I(12), auto_unbox = TRUE, pretty = FALSE, na = "null"),
           "tests/reference/bfi_reference.json")
cat("wrote tests/reference/bfi_reference.json\n")
