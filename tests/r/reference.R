# Reference values for tests/test_stats_*.py.  Run from the repository root:
#   Rscript tests/r/reference.R > tests/r/reference.Rout
# R 4.2.2, psych 2.2.9, lavaan 0.6-14, semTools 0.5-6, car 3.1-1.
# The tests store the numbers printed here (15 significant digits) and do not need R.
suppressMessages({library(psych); library(lavaan); library(semTools); library(car)})
options(digits = 15, width = 120)
v <- function(name, x) cat(sprintf("%s = [%s]\n", name, paste(sprintf("%.15g", x), collapse = ", ")))

HS <- HolzingerSwineford1939
sv <- read.csv("data/sample/em40_survey.csv")
tr <- read.csv("data/sample/em40_training.csv")
fac <- list(EFF = 6, ACL = 10, ATM = 10, QMG = 7, HRM = 4, IQA = 5)
for (f in names(fac)) sv[[paste0("F_", f)]] <- rowMeans(sv[, paste0(f, 1:fac[[f]])], na.rm = TRUE)

cat("## sleep: t.test Welch, Student, paired, one-sample; leveneTest; shapiro; wilcox\n")
a <- sleep$extra[sleep$group == 1]; b <- sleep$extra[sleep$group == 2]
print(w <- t.test(a, b)); v("welch", c(w$statistic, w$parameter, w$p.value, w$conf.int, w$stderr))
print(s <- t.test(a, b, var.equal = TRUE)); v("student", c(s$statistic, s$parameter, s$p.value, s$conf.int, s$stderr))
print(l <- leveneTest(extra ~ group, data = sleep, center = mean)); v("levene_mean", c(l[1, "F value"], l[1, "Pr(>F)"]))
print(l <- leveneTest(extra ~ group, data = sleep, center = median)); v("levene_median", c(l[1, "F value"], l[1, "Pr(>F)"]))
print(p <- t.test(b, a, paired = TRUE)); v("paired", c(p$statistic, p$parameter, p$p.value, p$conf.int, p$estimate))
print(p <- t.test(b, a, paired = TRUE, alternative = "greater", conf.level = 0.99)); v("paired_greater99", c(p$statistic, p$p.value, p$conf.int))
print(sw <- shapiro.test(b - a)); v("shapiro", c(sw$statistic, sw$p.value))
print(wx <- suppressWarnings(wilcox.test(b, a, paired = TRUE))); v("wilcoxon", c(wx$statistic, wx$p.value))
print(o <- t.test(sleep$extra, mu = 0.5)); v("one_sample", c(o$statistic, o$parameter, o$p.value, o$conf.int))
print(o <- t.test(sleep$extra, mu = 0.5, alternative = "less")); v("one_sample_less", c(o$statistic, o$p.value, o$conf.int))

cat("## exact Wilcoxon (no ties, no zeros)\n")
pre <- c(12, 15, 9, 20, 17, 11, 14, 16); post <- c(14, 19, 8, 26, 21.4, 15.5, 14.7, 19.2)
print(wx <- wilcox.test(post, pre, paired = TRUE)); v("wilcoxon_exact", c(wx$statistic, wx$p.value))

cat("## Holzinger-Swineford: t.test x1 ~ school, leveneTest\n")
print(w <- t.test(x1 ~ school, data = HS)); v("hs_welch", c(w$statistic, w$parameter, w$p.value, w$conf.int))
print(s <- t.test(x1 ~ school, data = HS, var.equal = TRUE)); v("hs_student", c(s$statistic, s$parameter, s$p.value, s$conf.int))
print(l <- leveneTest(x1 ~ school, data = HS, center = mean)); v("hs_levene_mean", c(l[1, "F value"], l[1, "Pr(>F)"]))

cat("## Holzinger-Swineford: cor.test pearson and spearman, p.adjust\n")
xs <- paste0("x", 1:9); pr <- c(); sp <- c(); ci <- c()
for (i in 1:8) for (j in (i + 1):9) {
  ct <- cor.test(HS[[xs[i]]], HS[[xs[j]]]); pr <- c(pr, ct$estimate, ct$p.value); ci <- c(ci, ct$conf.int)
  cs <- suppressWarnings(cor.test(HS[[xs[i]]], HS[[xs[j]]], method = "spearman")); sp <- c(sp, cs$estimate, cs$p.value)
}
print(cor.test(HS$x1, HS$x2)); print(suppressWarnings(cor.test(HS$x1, HS$x2, method = "spearman")))
v("hs_pearson_r_p", pr); v("hs_pearson_ci", ci); v("hs_spearman_r_p", sp)
pp <- pr[seq(2, length(pr), 2)]
v("hs_holm", p.adjust(pp, "holm")); v("hs_bh", p.adjust(pp, "BH")); v("hs_bonferroni", p.adjust(pp, "bonferroni"))
ct <- cor.test(HS$x1, HS$x2, conf.level = 0.90); v("hs_x1x2_ci90", ct$conf.int)

cat("## psych::alpha, Holzinger-Swineford x1..x9 (complete data)\n")
al <- psych::alpha(HS[, xs]); print(al)
v("hs_alpha", c(al$total$raw_alpha, al$total$std.alpha))
v("hs_alpha_drop_raw", al$alpha.drop$raw_alpha); v("hs_alpha_drop_std", al$alpha.drop$std.alpha)
v("hs_rdrop", al$item.stats$r.drop); v("hs_rawr", al$item.stats$raw.r)
v("hs_item_mean", al$item.stats$mean); v("hs_item_sd", al$item.stats$sd)
ci <- psych::alpha.ci(al$total$raw_alpha, n.obs = 301, n.var = 9); v("hs_feldt", c(ci$lower.ci, ci$upper.ci))
ci <- psych::alpha.ci(al$total$raw_alpha, n.obs = 301, n.var = 9, p.val = 0.10); v("hs_feldt90", c(ci$lower.ci, ci$upper.ci))

cat("## psych::alpha, survey factors: listwise (na.omit) and pairwise (default use)\n")
for (f in names(fac)) {
  it <- sv[, paste0(f, 1:fac[[f]])]
  al <- suppressWarnings(psych::alpha(na.omit(it)))
  ci <- psych::alpha.ci(al$total$raw_alpha, n.obs = nrow(na.omit(it)), n.var = ncol(it))
  v(paste0("sv_alpha_", f), c(al$total$raw_alpha, al$total$std.alpha, nrow(na.omit(it)), ci$lower.ci, ci$upper.ci))
  v(paste0("sv_rdrop_", f), al$item.stats$r.drop); v(paste0("sv_drop_", f), al$alpha.drop$raw_alpha)
  alp <- suppressWarnings(psych::alpha(it))
  v(paste0("sv_alpha_pairwise_", f), c(alp$total$raw_alpha, alp$total$std.alpha))
  v(paste0("sv_rdrop_pairwise_", f), alp$item.stats$r.drop)
}
print(psych::alpha(na.omit(sv[, paste0("HRM", 1:4)])))
all42 <- unlist(lapply(names(fac), function(f) paste0(f, 1:fac[[f]])))
al <- psych::alpha(na.omit(sv[, all42])); v("sv_alpha_overall", c(al$total$raw_alpha, al$total$std.alpha, nrow(na.omit(sv[, all42]))))

cat("## omega: semTools::compRelSEM on lavaan::cfa(std.lv = TRUE)\n")
om <- function(d, items, tag) {
  fit <- cfa(paste("F =~", paste(items, collapse = " + ")), data = d, std.lv = TRUE)
  v(tag, c(compRelSEM(fit, obs.var = FALSE), compRelSEM(fit), fitMeasures(fit, c("chisq", "df", "ntotal"))))
  v(paste0(tag, "_lambda"), parameterEstimates(fit)$est[seq_along(items)])
}
fit <- cfa("F =~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9", data = HS, std.lv = TRUE)
print(compRelSEM(fit, obs.var = FALSE)); print(compRelSEM(fit))
om(HS, xs, "hs_omega9"); om(HS, c("x4", "x5", "x6"), "hs_omega_textual")
for (f in c("ACL", "HRM", "IQA")) om(sv, paste0(f, 1:fac[[f]]), paste0("sv_omega_", f))

cat("## psych::describe(type = 2): skew and kurtosis\n")
d <- psych::describe(sv[, c(paste0("ACL", 1:10), paste0("F_", names(fac)))], type = 2); print(d[1:3, ])
v("sv_describe_mean", d$mean); v("sv_describe_sd", d$sd); v("sv_describe_skew", d$skew); v("sv_describe_kurt", d$kurtosis)
v("sv_describe_n", d$n)
d <- psych::describe(HS[, xs], type = 2); v("hs_describe_skew", d$skew); v("hs_describe_kurt", d$kurtosis)

cat("## one-way ANOVA: aov, oneway.test, TukeyHSD, leveneTest; Games-Howell with ptukey/qtukey\n")
gh <- function(y, g, conf = 0.95) {
  g <- factor(g); lv <- levels(g); k <- length(lv); out <- c()
  for (i in 1:(k - 1)) for (j in (i + 1):k) {
    a <- y[g == lv[i]]; b <- y[g == lv[j]]
    va <- var(a) / length(a); vb <- var(b) / length(b); se <- sqrt(va + vb)
    df <- (va + vb)^2 / (va^2 / (length(a) - 1) + vb^2 / (length(b) - 1))
    d <- mean(b) - mean(a); t <- d / se
    q <- qtukey(conf, k, df)
    out <- c(out, d, se, df, d - q / sqrt(2) * se, d + q / sqrt(2) * se, ptukey(abs(t) * sqrt(2), k, df, lower.tail = FALSE))
  }
  out
}
an <- function(y, g, tag) {
  g <- factor(g); m <- aov(y ~ g); s <- summary(m)[[1]]
  ss <- s[["Sum Sq"]]
  v(paste0(tag, "_aov"), c(s[1, "F value"], s[1, "Pr(>F)"], ss, s[["Df"]]))
  w <- oneway.test(y ~ g); v(paste0(tag, "_welch"), c(w$statistic, w$parameter, w$p.value))
  tk <- TukeyHSD(m, conf.level = 0.95)$g; v(paste0(tag, "_tukey"), t(tk))
  l <- leveneTest(y ~ g, center = mean); v(paste0(tag, "_levene"), c(l[1, "F value"], l[1, "Pr(>F)"]))
  v(paste0(tag, "_gh"), gh(y, g))
  print(s); print(w); print(TukeyHSD(m))
}
an(PlantGrowth$weight, PlantGrowth$group, "plant")
an(HS$x1, HS$ageyr, "hs_age")
an(sv$F_ACL, sv$role, "sv_role")
an(sv$F_EFF, sv$region, "sv_region")
tk <- TukeyHSD(aov(weight ~ group, PlantGrowth), conf.level = 0.90)$group; v("plant_tukey90", t(tk))

cat("## survey: t.test director vs teacher on the ACL factor score; cor.test spearman of factor scores\n")
dd <- sv[sv$role %in% c("director", "teacher"), ]
print(w <- t.test(F_ACL ~ role, data = dd)); v("sv_welch", c(w$statistic, w$parameter, w$p.value, w$conf.int))
l <- leveneTest(F_ACL ~ factor(role), data = dd, center = mean); v("sv_levene", c(l[1, "F value"], l[1, "Pr(>F)"]))
o <- t.test(sv$F_ACL, mu = 3.51, alternative = "greater"); v("sv_one_sample", c(o$statistic, o$parameter, o$p.value, o$conf.int[1]))
cs <- suppressWarnings(cor.test(sv$F_EFF, sv$F_ACL, method = "spearman")); print(cs); v("sv_spearman", c(cs$estimate, cs$p.value))
ct <- cor.test(sv$EFF2, sv$IQA3); v("sv_pearson_pairwise", c(ct$estimate, ct$p.value, ct$parameter + 2))

cat("## training: KR-20 = alpha of 0/1 items; paired t-test of total scores\n")
pre <- tr[, paste0("pre_K", sprintf("%02d", 1:25))]; post <- tr[, paste0("post_K", sprintf("%02d", 1:25))]
v("tr_kr20_pre", psych::alpha(pre, warnings = FALSE)$total$raw_alpha)
v("tr_kr20_post", psych::alpha(na.omit(post), warnings = FALSE)$total$raw_alpha)
ps <- rowSums(pre); qs <- rowSums(post)
print(p <- t.test(qs, ps, paired = TRUE)); v("tr_paired", c(p$statistic, p$parameter, p$p.value, p$conf.int, p$estimate))
sw <- shapiro.test((qs - ps)[!is.na(qs)]); v("tr_shapiro", c(sw$statistic, sw$p.value))
wx <- suppressWarnings(wilcox.test(qs, ps, paired = TRUE)); v("tr_wilcoxon", c(wx$statistic, wx$p.value))
