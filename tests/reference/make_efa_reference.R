# Reference values for tests/test_efa_parity.py: exploratory factor analysis with psych 2.2.9
# (and GPArotation for oblimin / quartimin / geomin). Run from the repository root:
#   Rscript tests/reference/make_efa_reference.R
# The tests read tests/reference/efa_reference.json and never need R. Each entry records the call.
suppressPackageStartupMessages({library(psych); library(GPArotation); library(lavaan); library(jsonlite)})

hs <- HolzingerSwineford1939[, paste0("x", 1:9)]
bfi25 <- read.csv("tests/data/bfi.csv")[, 1:25]            # psych::bfi, written by write.csv
em <- read.csv("data/sample/em40_survey.csv")
em <- em[, grep("^(EFF|ACL|ATM|QMG|IQA|HRM)[0-9]+$", names(em))]

solution <- function(f, call) {
  out <- list(call = call, loadings = unclass(f$loadings), communality = f$communality,
              uniquenesses = f$uniquenesses, Vaccounted = f$Vaccounted, n.obs = f$n.obs)
  if (!is.null(f$Phi)) out$Phi <- f$Phi
  if (!is.null(f$STATISTIC)) {
    out$fit <- list(objective = f$objective, chisq = f$STATISTIC, df = f$dof, pvalue = f$PVAL,
                    tli = f$TLI, rmsea = unname(f$RMSEA[1]), rmsea.ci.lower = unname(f$RMSEA[2]),
                    rmsea.ci.upper = unname(f$RMSEA[3]), bic = f$BIC, rmsr = f$rms)
  }
  out
}

out <- list(psych = as.character(packageVersion("psych")),
            GPArotation = as.character(packageVersion("GPArotation")), fa = list())

# --- psych::fa: HS 1939 (complete data), three factors ---------------------------------------
for (fm in c("minres", "ml", "pa")) for (rot in c("none", "varimax", "promax", "oblimin", "quartimin",
                                                    "quartimax", "equamax", "geominQ")) {
  call <- sprintf('fa(HolzingerSwineford1939[, paste0("x", 1:9)], nfactors = 3, fm = "%s", rotate = "%s")', fm, rot)
  out$fa[[paste("hs", fm, rot, sep = "_")]] <- solution(fa(hs, nfactors = 3, fm = fm, rotate = rot), call)
}
# one factor: the sign convention of a single factor
out$fa$hs_minres_1 <- solution(fa(hs, nfactors = 1, fm = "minres"), 'fa(hs, nfactors = 1, fm = "minres")')

# --- psych::fa: bfi, 25 items, five factors, pairwise (psych's default) and complete cases ----
for (fm in c("minres", "ml")) for (rot in c("none", "varimax", "promax", "oblimin")) {
  call <- sprintf('fa(bfi[, 1:25], nfactors = 5, fm = "%s", rotate = "%s")  # use = "pairwise"', fm, rot)
  out$fa[[paste("bfi", fm, rot, sep = "_")]] <- solution(fa(bfi25, nfactors = 5, fm = fm, rotate = rot), call)
}
out$fa$bfi_listwise_minres_oblimin <- solution(fa(na.omit(bfi25), nfactors = 5, fm = "minres", rotate = "oblimin"),
                                               'fa(na.omit(bfi[, 1:25]), nfactors = 5, fm = "minres", rotate = "oblimin")')
out$fa$em40_minres_oblimin <- solution(fa(em, nfactors = 6, fm = "minres", rotate = "oblimin"),
                                       'fa(em40 42 items, nfactors = 6, fm = "minres", rotate = "oblimin")')

# --- psych::principal: principal components --------------------------------------------------
for (rot in c("none", "varimax")) {
  p <- principal(hs, nfactors = 3, rotate = rot)
  out$principal[[paste0("hs_", rot)]] <- list(call = sprintf('principal(hs, nfactors = 3, rotate = "%s")', rot),
                                             loadings = unclass(p$loadings), communality = p$communality,
                                             Vaccounted = p$Vaccounted, Phi = p$Phi)
}
# principal() rotates "promax" with stats::promax, fa() with kaiser(, "Promax"): edu40 uses fa()'s rule for
# every extraction, so the reference is fa()'s promax of the unrotated components, ordered and signed as fa()
p0 <- principal(hs, nfactors = 3, rotate = "none")
k <- kaiser(unclass(p0$loadings), rotate = "Promax")
L <- unclass(k$loadings); Phi <- k$Phi
s <- sign(colSums(L)); s[s == 0] <- 1
L <- L %*% diag(s); Phi <- diag(s) %*% Phi %*% diag(s)
o <- order(diag(Phi %*% t(L) %*% L), decreasing = TRUE)
out$principal$hs_promax <- list(call = 'kaiser(principal(hs, 3, rotate = "none")$loadings, rotate = "Promax"), signed and ordered as fa()',
                                loadings = L[, o], communality = p0$communality, Phi = Phi[o, o],
                                Vaccounted = rbind(diag(Phi[o, o] %*% t(L[, o]) %*% L[, o])),
                                stats_promax = unclass(principal(hs, nfactors = 3, rotate = "promax")$loadings))

# --- adequacy: psych::KMO and psych::cortest.bartlett ----------------------------------------
adeq <- function(x, n, call) {
  r <- cor(x, use = "pairwise")
  k <- KMO(r)
  b <- cortest.bartlett(r, n = n)
  list(call = call, kmo = k$MSA, msa = k$MSAi, chisq = b$chisq, df = b$df, p = b$p.value, det = det(r), n = n)
}
out$adequacy <- list(
  hs = adeq(hs, nrow(hs), "KMO(hs); cortest.bartlett(cor(hs), n = 301)"),
  bfi_pairwise = adeq(bfi25, nrow(bfi25), 'KMO(cor(bfi25, use = "pairwise")); cortest.bartlett(r, n = 2800)'),
  bfi_listwise = adeq(na.omit(bfi25), nrow(na.omit(bfi25)), "KMO(na.omit(bfi25)); cortest.bartlett(r, n = 2436)"))

# --- number of factors: fa.parallel (200 random sets for a steady threshold) and VSS MAP -------
parallel <- function(x, call, seed = 1) {
  set.seed(seed)
  pa <- fa.parallel(x, fm = "minres", fa = "both", n.iter = 200, plot = FALSE)
  p <- ncol(x)
  v <- pa$values                 # columns: C1..Cp, F1..Fp (resampled), CSim, Fsim (simulated)
  sim_pc <- v[, (2 * p + 1):(3 * p)]
  sim_fa <- v[, (3 * p + 1):(4 * p)]
  list(call = call, pc.values = pa$pc.values, fa.values = pa$fa.values, nfact = pa$nfact, ncomp = pa$ncomp,
       sim_pc_mean = colMeans(sim_pc), sim_fa_mean = colMeans(sim_fa),
       sim_pc_q = apply(sim_pc, 2, quantile, 0.95), sim_fa_q = apply(sim_fa, 2, quantile, 0.95),
       sim_pc_sd = apply(sim_pc, 2, sd), sim_fa_sd = apply(sim_fa, 2, sd), n.iter = 200,
       kaiser = sum(pa$pc.values > 1))
}
out$parallel <- list(hs = parallel(hs, 'set.seed(1); fa.parallel(hs, fm = "minres", fa = "both", n.iter = 200)'),
                     bfi = parallel(bfi25, 'set.seed(1); fa.parallel(bfi25, fm = "minres", fa = "both", n.iter = 200)'),
                     bfi_listwise = parallel(na.omit(bfi25), 'set.seed(1); fa.parallel(na.omit(bfi25), n.iter = 200)'))
out$map <- list(hs = list(call = "VSS(hs, n = 8, plot = FALSE)$map", map = VSS(hs, n = 8, plot = FALSE)$map),
                bfi = list(call = "VSS(bfi25, n = 12, plot = FALSE)$map", map = VSS(bfi25, n = 12, plot = FALSE)$map))

write_json(out, "tests/reference/efa_reference.json", digits = NA, matrix = "rowmajor", auto_unbox = TRUE,
           pretty = FALSE)
cat("wrote tests/reference/efa_reference.json\n")
