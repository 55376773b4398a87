# Reference values for tests/test_efa_scores.py: factor scores of an EFA with psych 2.2.9
# (fa(..., scores = method), which calls factor.scores with impute = "none"; predict.psych for new data;
# principal()$scores). Run from the repository root:
#   Rscript tests/reference/make_efa_scores_reference.R
# The tests read tests/reference/efa_scores_reference.json and never need R. Each entry records its call.
suppressPackageStartupMessages({library(psych); library(GPArotation); library(lavaan); library(jsonlite)})

hs_all <- HolzingerSwineford1939
hs <- hs_all[, paste0("x", 1:9)]
bfi25 <- read.csv("tests/data/bfi.csv")[, 1:25]            # psych::bfi, written by write.csv
METHODS <- c("regression", "Bartlett", "Anderson", "tenBerge", "Harman")
N_ROWS <- 300      # bfi: the first 300 scored rows are stored in full, the rest as column sums

# One EFA scored by every method. `rows` = 1-based row numbers of the data the scores belong to.
case <- function(x, nf, fm, rot, call, full = TRUE) {
  out <- list(call = call, n_rows = nrow(x), methods = list())
  for (m in METHODS) {
    f <- fa(x, nfactors = nf, fm = fm, rotate = rot, scores = m)
    fs <- factor.scores(x, f, method = m)          # the same weights; r.scores of this method
    stopifnot(isTRUE(all.equal(unname(fs$weights), unname(unclass(f$weights)))))
    if (m == "regression") {
      out$loadings <- unclass(f$loadings)
      if (!is.null(f$Phi)) out$Phi <- f$Phi
      # print(fa): "Correlation of (regression) scores with factors", "Multiple R square of scores with
      # factors", "Minimum correlation of possible factor scores" = sqrt(R2), R2, 2 R2 - 1
      out$R2 <- f$R2
      out$r.scores <- f$r.scores
    }
    s <- f$scores
    rows <- as.integer(rownames(x))
    scored <- which(complete.cases(s))
    e <- list(call = sub("scores = [A-Za-z]+", sprintf('scores = "%s"', m), call),
              weights = unclass(f$weights), R2.scores = f$R2.scores, r.scores = fs$r.scores,
              na_rows = rows[!complete.cases(s)], col_sums = colSums(s, na.rm = TRUE),
              col_sums_sq = colSums(s^2, na.rm = TRUE))
    keep <- if (full) scored else head(scored, N_ROWS)
    e$rows <- rows[keep]
    e$scores <- unname(s[keep, , drop = FALSE])
    out$methods[[m]] <- e
  }
  out
}

out <- list(psych = as.character(packageVersion("psych")),
            GPArotation = as.character(packageVersion("GPArotation")), fa = list())

out$fa$hs_minres_oblimin <- case(hs, 3, "minres", "oblimin",
  'fa(HolzingerSwineford1939[, paste0("x", 1:9)], nfactors = 3, fm = "minres", rotate = "oblimin", scores = regression)')
out$fa$hs_ml_varimax <- case(hs, 3, "ml", "varimax",
  'fa(HolzingerSwineford1939[, paste0("x", 1:9)], nfactors = 3, fm = "ml", rotate = "varimax", scores = regression)')
out$fa$bfi_minres_oblimin <- case(bfi25, 5, "minres", "oblimin",
  'fa(bfi[, 1:25], nfactors = 5, fm = "minres", rotate = "oblimin", scores = regression)  # use = "pairwise"',
  full = FALSE)
out$fa$bfi_listwise_minres_oblimin <- case(na.omit(bfi25), 5, "minres", "oblimin",
  'fa(na.omit(bfi[, 1:25]), nfactors = 5, fm = "minres", rotate = "oblimin", scores = regression)', full = FALSE)

# --- principal components: principal()$scores = scale(x) %*% solve(r, Structure) -----------------------
p <- principal(hs, nfactors = 3, rotate = "varimax")
out$principal <- list(call = 'principal(hs, nfactors = 3, rotate = "varimax")$scores',
                      weights = unclass(p$weights), scores = unname(p$scores), R2 = p$R2)

# --- new data: fitted on one school, scored on the other (predict.psych) -------------------------------
past <- hs[hs_all$school == "Pasteur", ]
gw <- hs[hs_all$school == "Grant-White", ]
out$predict <- list()
for (m in c("regression", "Bartlett")) {
  f <- fa(past, nfactors = 3, fm = "minres", rotate = "oblimin", scores = m)
  out$predict[[m]] <- list(
    call = sprintf('f <- fa(hs[school == "Pasteur", ], 3, rotate = "oblimin", scores = "%s"); predict(f, hs[school == "Grant-White", ])', m),
    call_old = 'predict(f, hs[school == "Grant-White", ], old.data = hs[school == "Pasteur", ])',
    rows = as.integer(rownames(gw)), loadings = unclass(f$loadings), Phi = f$Phi, weights = unclass(f$weights),
    scores = unname(predict(f, gw)), scores_old = unname(predict(f, gw, old.data = past)))
}

write_json(out, "tests/reference/efa_scores_reference.json", digits = NA, matrix = "rowmajor", auto_unbox = TRUE,
           pretty = FALSE)
cat("wrote tests/reference/efa_scores_reference.json\n")
