# FIML reference values for tests/test_engine.py, made with lavaan 0.6-14:
# sem(..., missing = "ml") with lavaan's default observed information (the Hessian),
# on public data with answers removed by a fixed arithmetic rule that the tests repeat:
#   cell (i, j) (1-based row i, column j of the model's variables) is missing when
#   (a * i + b * j) %% m == 0  or  (c * i + d * j) %% n == 0  or  (i %% r == 0 and j <= k)
# (scattered single and double gaps, and every r-th respondent skipping the first k questions).
# Run from the repository root:  Rscript tests/reference/make_fiml_reference.R
# The tests read tests/reference/fiml_reference.json and never need R.
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})

FM <- c("npar","ntotal","chisq","df","pvalue","baseline.chisq","baseline.df","cfi","tli","rmsea",
        "srmr","logl","unrestricted.logl","aic","bic")

knock_out <- function(d, vars, rule) {
  i <- seq_len(nrow(d))
  for (j in seq_along(vars)) {
    gone <- ((rule$a * i + rule$b * j) %% rule$m == 0) | ((rule$c * i + rule$d * j) %% rule$n == 0) |
      ((i %% rule$r == 0) & (j <= rule$k))
    d[[vars[j]]][gone] <- NA
  }
  d
}

describe <- function(fit, call, rule) {
  pe <- parameterEstimates(fit, remove.nonfree = FALSE)
  list(call = call, rule = rule, lavaan = as.character(packageVersion("lavaan")),
       information = lavInspect(fit, "options")$information[1],
       patterns = nrow(lavInspect(fit, "patterns")),
       fit = as.list(unclass(fitMeasures(fit, FM))),
       estimates = pe[, c("lhs", "op", "rhs", "est", "se")],
       standardized = standardizedSolution(fit)[, c("lhs", "op", "rhs", "est.std", "se")])
}

hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
pd_model <- "ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem65 =~ y5 + y6 + y7 + y8
dem60 ~ ind60\ndem65 ~ ind60 + dem60
y1 ~~ y5\ny2 ~~ y4 + y6\ny3 ~~ y7\ny4 ~~ y8\ny6 ~~ y8"
em <- read.csv("data/sample/em40_survey.csv")
em_items <- c(paste0("EFF", 1:6), paste0("ACL", 1:10), paste0("ATM", 1:10), paste0("QMG", 1:7),
              paste0("HRM", 1:4), paste0("IQA", 1:5))
em_sem <- paste(
  "EFF =~ EFF1 + EFF2 + EFF3 + EFF4 + EFF5 + EFF6",
  "ACL =~ ACL1 + ACL2 + ACL3 + ACL4 + ACL5 + ACL6 + ACL7 + ACL8 + ACL9 + ACL10",
  "ATM =~ ATM1 + ATM2 + ATM3 + ATM4 + ATM5 + ATM6 + ATM7 + ATM8 + ATM9 + ATM10",
  "QMG =~ QMG1 + QMG2 + QMG3 + QMG4 + QMG5 + QMG6 + QMG7",
  "HRM =~ HRM1 + HRM2 + HRM3 + HRM4",
  "IQA =~ IQA1 + IQA2 + IQA3 + IQA4 + IQA5",
  "EFF ~ ACL + ATM + QMG + HRM + IQA", sep = "\n")

ref <- list()
rule <- list(a = 3, b = 7, m = 23, c = 5, d = 2, n = 29, r = 31, k = 6)
hs <- knock_out(HolzingerSwineford1939, paste0("x", 1:9), rule)
ref$hs <- describe(sem(hs_model, data = hs, missing = "ml"),
                   "sem(hs_model, data = HolzingerSwineford1939 with the rule, missing = 'ml')", rule)
rule <- list(a = 5, b = 3, m = 17, c = 2, d = 7, n = 19, r = 13, k = 7)
pd <- knock_out(PoliticalDemocracy, c(paste0("y", 1:8), paste0("x", 1:3)), rule)
ref$pd <- describe(sem(pd_model, data = pd, missing = "ml"),
                   "sem(pd_model, data = PoliticalDemocracy with the rule, missing = 'ml')", rule)
rule <- list(a = 3, b = 7, m = 97, c = 5, d = 11, n = 89, r = 101, k = 30)
emk <- knock_out(em, em_items, rule)
ref$em40 <- describe(sem(em_sem, data = emk, missing = "ml"),
                     "sem(em_sem, data = em40_survey.csv with the rule, missing = 'ml')", rule)

writeLines(toJSON(ref, digits = I(12), auto_unbox = TRUE, pretty = FALSE, na = "null"),
           "tests/reference/fiml_reference.json")
