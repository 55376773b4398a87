# Reference values for tests/test_prepost.py.  Run from the repository root:
#   Rscript tests/r/prepost_reference.R > tests/r/prepost_reference.Rout
# R 4.2.2, psych 2.2.9.  Effect sizes are computed by hand from their formulas (Lakens 2013;
# noncentral-t limits by uniroot on pt(..., ncp)), since effectsize/MBESS are not installed here.
suppressMessages(library(psych))
options(digits = 15, width = 120)
v <- function(name, x) cat(sprintf("%s = [%s]\n", name, paste(sprintf("%.15g", x), collapse = ", ")))

# noncentrality limits of an observed t on df (Steiger & Fouladi 1997).  pt() may warn "full precision
# may not have been achieved in 'pnt'": its series stops at ~1e-12, far below the 1e-4 the tests need
# (the limits agree with scipy's nct to ~1e-12).
ncp_ci <- function(t, df, conf = 0.95) {
  a <- 1 - conf
  w <- 5 * sqrt(1 + t^2 / (2 * df))
  f <- function(p) uniroot(function(l) pt(t, df, l) - p, c(t - 2 * w, t + 2 * w), tol = 1e-14)$root
  c(f(1 - a / 2), f(a / 2))
}
effects <- function(pre, post, conf = 0.95) {
  d <- post - pre; n <- length(d)
  dz <- mean(d) / sd(d)
  lam <- ncp_ci(dz * sqrt(n), n - 1, conf)
  sav <- (sd(pre) + sd(post)) / 2
  J <- 1 - 3 / (4 * (n + n) - 9)                 # Lakens (2013) eq. 4 with n1 = n2 = n
  dav <- mean(d) / sav
  c(dz, lam / sqrt(n), dav, dav * J, J * lam * sd(d) / (sqrt(n) * sav))
}

cat("## sleep: t.test(extra[group == 2], extra[group == 1], paired = TRUE)\n")
a <- sleep$extra[sleep$group == 1]; b <- sleep$extra[sleep$group == 2]
print(p <- t.test(b, a, paired = TRUE))
v("sleep_paired", c(p$statistic, p$parameter, p$p.value, p$conf.int, p$estimate, p$stderr))
v("sleep_effects", effects(a, b))           # dz, dz_lo, dz_hi, dav, gav, gav_lo, gav_hi
v("sleep_effects90", effects(a, b, 0.90))
print(sw <- shapiro.test(b - a)); print(wx <- suppressWarnings(wilcox.test(b, a, paired = TRUE)))
v("sleep_shapiro_wilcoxon", c(sw$statistic, sw$p.value, wx$statistic, wx$p.value))

cat("## Lakens (2013) Table 1: movie ratings of 10 people\n")
m1 <- c(9, 7, 8, 9, 8, 9, 9, 10, 9, 9); m2 <- c(9, 6, 7, 8, 7, 9, 8, 8, 8, 7)
print(p <- t.test(m1, m2, paired = TRUE))
v("movie_paired", c(p$statistic, p$parameter, p$p.value))
v("movie_effects", effects(m2, m1))

cat("## the shipped training sample (synthetic)\n")
tr <- read.csv("data/sample/em40_training.csv")
pre_items <- tr[, sprintf("pre_K%02d", 1:25)]; post_items <- tr[, sprintf("post_K%02d", 1:25)]
ps <- rowSums(pre_items); qs <- rowSums(post_items)
keep <- !is.na(ps) & !is.na(qs)
cat("excluded:", tr$participant_id[!keep], "\n")
x <- ps[keep]; y <- qs[keep]; n <- length(x)
print(p <- t.test(y, x, paired = TRUE))
v("tr_paired", c(p$statistic, p$parameter, p$p.value, p$conf.int, p$estimate))
v("tr_effects", effects(x, y))
print(sw <- shapiro.test(y - x)); print(wx <- suppressWarnings(wilcox.test(y, x, paired = TRUE)))
v("tr_shapiro_wilcoxon", c(sw$statistic, sw$p.value, wx$statistic, wx$p.value))
ei <- (sum(y) - sum(x)) / (n * 25 - sum(x))
g_class <- (mean(y) / 25 - mean(x) / 25) / (1 - mean(x) / 25)
g_i <- ifelse(x < 25, (y - x) / (25 - x), NA)
v("tr_ei_gclass_gmean_nundef", c(ei, g_class, mean(g_i, na.rm = TRUE), sum(is.na(g_i))))
proc <- tr$process_score[keep]
v("tr_e1_e2", c(100 * mean(proc) / 50, 100 * mean(y) / 25))
v("tr_kr20_pre_post", c(psych::alpha(pre_items[keep, ], warnings = FALSE)$total$raw_alpha,
                        psych::alpha(post_items[keep, ], warnings = FALSE, check.keys = FALSE)$total$raw_alpha))
sat <- rowMeans(tr[keep, paste0("SAT", 1:8)], na.rm = TRUE)
v("tr_sat_mean_sd", c(mean(sat), sd(sat)))
v("tr_sat_item_means", colMeans(tr[keep, paste0("SAT", 1:8)]))
print(ct <- cor.test(y, sat)); v("tr_cor_post_sat", c(ct$estimate, ct$p.value, ct$conf.int))
ct <- cor.test(y - x, sat); v("tr_cor_gain_sat", c(ct$estimate, ct$p.value, ct$conf.int))
ct <- cor.test(y, sat, method = "spearman", exact = FALSE); v("tr_spearman_post_sat", c(ct$estimate, ct$p.value))
