# Reference values for tests/test_group_equal.py: what lavaan 0.6-14 frees by itself when group.equal
# holds parameters equal across groups (lav_partable_flat), for groups 2, 3, ...:
#   * latent means, when intercepts or thresholds are equal (unless "means" is equal too);
#   * latent variances, with std.lv = TRUE and equal loadings (unless "lv.variances" is equal too);
#   * the scales of ordered variables (delta parameterization), when thresholds are equal.
# Data: HolzingerSwineford1939 and tests/data/hs_ordered.csv. Run from the repository root:
#     Rscript tests/reference/make_group_equal_reference.R
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
versions <- list(lavaan = as.character(packageVersion("lavaan")), R = R.version.string)
HS <- HolzingerSwineford1939
hs <- read.csv("tests/data/hs_ordered.csv")
m <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
items <- paste0("x", 1:9)
describe <- function(fit, call) {
  pe <- parameterEstimates(fit, remove.nonfree = FALSE)
  list(call = call, fit = as.list(unclass(fitMeasures(fit, c("npar", "chisq", "df", "cfi", "rmsea", "srmr")))),
       estimates = pe[, c("lhs", "op", "rhs", "group", "est", "se")])
}
ref <- list(versions = versions)
cases <- list(
  ord_th = list(data = "hs", ge = c("thresholds"), std = FALSE),
  ord_th_load = list(data = "hs", ge = c("thresholds", "loadings"), std = FALSE),
  ord_th_load_int = list(data = "hs", ge = c("thresholds", "loadings", "intercepts"), std = FALSE),
  ord_th_load_means = list(data = "hs", ge = c("thresholds", "loadings", "means"), std = FALSE),
  ord_std_th_load = list(data = "hs", ge = c("thresholds", "loadings"), std = TRUE),
  ml_std_load = list(data = "HS", ge = c("loadings"), std = TRUE),
  ml_std_load_int = list(data = "HS", ge = c("loadings", "intercepts"), std = TRUE),
  ml_int_means = list(data = "HS", ge = c("loadings", "intercepts", "means"), std = FALSE),
  ml_std_load_lvvar = list(data = "HS", ge = c("loadings", "lv.variances"), std = TRUE))
for (name in names(cases)) {
  cs <- cases[[name]]
  if (cs$data == "hs") {
    f <- cfa(m, data = hs, ordered = items, group = "school", group.equal = cs$ge, std.lv = cs$std)
    call <- sprintf("cfa(hs_model, data = hs_ordered, ordered = x1:x9, group = 'school', group.equal = %s, std.lv = %s)",
                    deparse(cs$ge), cs$std)
  } else {
    f <- cfa(m, data = HS, group = "school", group.equal = cs$ge, std.lv = cs$std)
    call <- sprintf("cfa(hs_model, data = HolzingerSwineford1939, group = 'school', group.equal = %s, std.lv = %s)",
                    deparse(cs$ge), cs$std)
  }
  ref[[name]] <- c(describe(f, call), list(group_equal = cs$ge, std_lv = cs$std, ordered = cs$data == "hs"))
}
writeLines(toJSON(ref, digits = I(12), auto_unbox = FALSE, pretty = FALSE, na = "null"),
           "tests/reference/group_equal_reference.json")
cat("wrote tests/reference/group_equal_reference.json\n")
