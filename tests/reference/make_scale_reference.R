# Reference values for tests/test_scale.py (bootstrap, Bollen-Stine, power, sample size),
# made with lavaan 0.6-14, semTools 0.5-6 and boot.  Run from the repository root:
#   Rscript tests/reference/make_scale_reference.R
# The tests read tests/reference/scale_reference.json and never need R.
# Bootstrap values are random: the tests compare them with a Monte Carlo tolerance.
suppressPackageStartupMessages({library(lavaan); library(semTools); library(jsonlite); library(boot)})

ref <- list(lavaan = as.character(packageVersion("lavaan")),
            semTools = as.character(packageVersion("semTools")))
HS <- HolzingerSwineford1939
hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
pd_model <- "ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem65 =~ y5 + y6 + y7 + y8
dem60 ~ a*ind60\ndem65 ~ c*ind60 + b*dem60
y1 ~~ y5\ny2 ~~ y4 + y6\ny3 ~~ y7\ny4 ~~ y8\ny6 ~~ y8
indirect := a*b\ntotal := c + a*b"

# 1. ordinary bootstrap: SEs and percentile CIs of estimates (HS) and defined effects (PolDem)
boot_pe <- function(model, data, call) {
  fit <- sem(model, data = data, se = "bootstrap", bootstrap = 2000L, iseed = 20240601)
  pe <- parameterEstimates(fit, boot.ci.type = "perc")
  bc <- parameterEstimates(fit, boot.ci.type = "bca.simple")
  bca <- parameterEstimates(fit, boot.ci.type = "bca")
  ml <- parameterEstimates(sem(model, data = data))
  list(call = paste(call, '; also boot.ci.type="bca.simple" and "bca"'), R = 2000L,
       estimates = data.frame(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, est = pe$est, se = pe$se,
                              ci.lower = pe$ci.lower, ci.upper = pe$ci.upper, se.ml = ml$se,
                              bc.lower = bc$ci.lower, bc.upper = bc$ci.upper,
                              bca.lower = bca$ci.lower, bca.upper = bca$ci.upper))
}
ref$hs_boot <- boot_pe(hs_model, HS,
  'sem(hs_model, HolzingerSwineford1939, se="bootstrap", bootstrap=2000, iseed=20240601); parameterEstimates(fit, boot.ci.type="perc")')
ref$pd_boot <- boot_pe(pd_model, PoliticalDemocracy,
  'sem(pd_model, PoliticalDemocracy, se="bootstrap", bootstrap=2000, iseed=20240601); parameterEstimates(fit, boot.ci.type="perc")')

# 2. bootstrap SDs of std.all, R2 and fit indices (HS)
fit <- sem(hs_model, data = HS)
FMS <- c("chisq", "cfi", "tli", "rmsea", "srmr", "gfi")
fun <- function(x) c(standardizedSolution(x)$est.std, lavInspect(x, "rsquare"), fitMeasures(x, FMS))
set.seed(20240602)
B <- bootstrapLavaan(fit, R = 2000L, FUN = fun)
ss <- standardizedSolution(fit)
k <- nrow(ss); r2 <- lavInspect(fit, "rsquare")
ref$hs_boot_other <- list(
  call = 'bootstrapLavaan(fit, R=2000, FUN=function(x) c(standardizedSolution(x)$est.std, lavInspect(x,"rsquare"), fitMeasures(x, c("chisq","cfi","tli","rmsea","srmr","gfi")))); apply(B, 2, sd)',
  std = data.frame(lhs = ss$lhs, op = ss$op, rhs = ss$rhs, est.std = ss$est.std,
                   sd = apply(B[, 1:k], 2, sd)),
  r2 = data.frame(variable = names(r2), sd = apply(B[, k + seq_along(r2)], 2, sd)),
  fit = data.frame(index = FMS, sd = apply(B[, k + length(r2) + seq_along(FMS)], 2, sd),
                   lo = apply(B[, k + length(r2) + seq_along(FMS)], 2, quantile, 0.025),
                   hi = apply(B[, k + length(r2) + seq_along(FMS)], 2, quantile, 0.975)))

# 3. Bollen-Stine p-value (PolDem fits well, so p is not 0 or 1)
pd_fit <- sem(pd_model, data = PoliticalDemocracy)
set.seed(20240603)
T <- bootstrapLavaan(pd_fit, R = 2000L, type = "bollen.stine", FUN = fitMeasures, fit.measures = "chisq")
T0 <- fitMeasures(pd_fit, "chisq")
ref$pd_bollen_stine <- list(
  call = 'bootstrapLavaan(fit, R=2000, type="bollen.stine", FUN=fitMeasures, fit.measures="chisq"); mean(T >= chisq)',
  chisq = unname(T0), pvalue = mean(T[is.finite(T)] >= T0), R = sum(is.finite(T)),
  T_mean = mean(T), T_sd = sd(T), df = unname(fitMeasures(pd_fit, "df")))

# 4. interval arithmetic on fixed numbers: boot's norm.inter and BCa with given influence values
t <- qgamma((1:999) / 1000, shape = 3)
L <- qnorm((1:60) / 61)^2 + (1:60) / 60
L <- L - mean(L)   # empirical influence values sum to zero
ref$intervals <- list(
  call = 't <- qgamma((1:999)/1000, 3); boot:::norm.inter(t, alpha); boot:::bca.ci(NULL, conf=0.95, t0=2.7, t=t, L=L) with L centred',
  t = t, L = L, alpha = c(0.001, 0.025, 0.05, 0.5, 0.975, 0.9995),
  norm_inter = boot:::norm.inter(t, c(0.001, 0.025, 0.05, 0.5, 0.975, 0.9995))[, 2],
  bca = boot:::bca.ci(NULL, conf = 0.95, t0 = 2.7, t = t, L = L)[4:5],
  bc = boot:::bca.ci(NULL, conf = 0.95, t0 = 2.7, t = t, L = rep(c(-1, 1), 30))[4:5])

# 5. RMSEA power and sample size (MacCallum, Browne & Sugawara, 1996)
grid <- expand.grid(df = c(2, 24, 192, 804), n = c(100, 200, 772),
                    pair = 1:3, alpha = c(0.05, 0.01))
pairs <- rbind(c(0.05, 0.08), c(0.05, 0.01), c(0, 0.05))   # not-close fit, close fit, exact fit
grid$rmsea0 <- pairs[grid$pair, 1]; grid$rmseaA <- pairs[grid$pair, 2]
grid$power <- mapply(function(r0, ra, d, n, a) findRMSEApower(r0, ra, d, n, a),
                     grid$rmsea0, grid$rmseaA, grid$df, grid$n, grid$alpha)
grid$power_g2 <- mapply(function(r0, ra, d, n, a) findRMSEApower(r0, ra, d, n, a, group = 2),
                        grid$rmsea0, grid$rmseaA, grid$df, grid$n, grid$alpha)
ref$rmsea_power <- list(call = "findRMSEApower(rmsea0, rmseaA, df, n, alpha, group)",
                        grid = grid[, c("df", "n", "alpha", "rmsea0", "rmseaA", "power", "power_g2")])
sgrid <- expand.grid(df = c(2, 10, 24, 50, 192, 804), power = c(0.8, 0.9), pair = 1:2)
sgrid$rmsea0 <- pairs[sgrid$pair, 1]; sgrid$rmseaA <- pairs[sgrid$pair, 2]
sgrid$n <- mapply(function(r0, ra, d, p) as.numeric(findRMSEAsamplesize(r0, ra, d, p)),
                  sgrid$rmsea0, sgrid$rmseaA, sgrid$df, sgrid$power)
sgrid$n_g2 <- mapply(function(r0, ra, d, p) as.numeric(findRMSEAsamplesize(r0, ra, d, p, group = 2)),
                     sgrid$rmsea0, sgrid$rmseaA, sgrid$df, sgrid$power)
ref$rmsea_sample_size <- list(call = "findRMSEAsamplesize(rmsea0, rmseaA, df, power, alpha = .05, group)",
                              grid = sgrid[, c("df", "power", "rmsea0", "rmseaA", "n", "n_g2")])

writeLines(toJSON(ref, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/reference/scale_reference.json")
cat("wrote tests/reference/scale_reference.json\n")
