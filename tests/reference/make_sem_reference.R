# Reference values for tests/test_sem_parity.py, made with lavaan 0.6-14 and semTools 0.5-6.
# Run from the repository root:  Rscript tests/reference/make_sem_reference.R
# The tests read tests/reference/sem_reference.json and never need R.
suppressPackageStartupMessages({library(lavaan); library(semTools); library(jsonlite)})

FM <- c("npar","ntotal","chisq","df","pvalue","baseline.chisq","baseline.df","cfi","tli","nfi",
        "ifi","rfi","gfi","agfi","pgfi","rmr","srmr","rmsea","rmsea.ci.lower","rmsea.ci.upper",
        "rmsea.pvalue","aic","bic","logl","unrestricted.logl")

describe <- function(fit, call, data = NULL, mi = TRUE, extra = TRUE) {
  out <- list(call = call, lavaan = as.character(packageVersion("lavaan")))
  out$fit <- as.list(unclass(fitMeasures(fit, FM)))
  pe <- parameterEstimates(fit, remove.nonfree = FALSE)
  keep <- c("lhs","op","rhs","est","se")
  if (!is.null(pe$group)) keep <- c(keep, "group")
  out$estimates <- pe[, keep]
  ss <- standardizedSolution(fit)
  keep <- c("lhs","op","rhs","est.std","se")
  if (!is.null(ss$group)) keep <- c(keep, "group")
  out$standardized <- ss[, keep]
  if (extra) {
    out$r2 <- as.list(inspect(fit, "r2"))
    if (mi) {
      m <- modindices(fit, sort. = TRUE)
      out$modindices <- m[, c("lhs","op","rhs","mi","epc","sepc.all")]
    }
    out$ave <- as.list(AVE(fit))
    r <- resid(fit, type = "raw")
    out$resid_raw <- unclass(r$cov)
    out$resid_cor <- unclass(resid(fit, type = "cor.bollen")$cov)
    out$resid_std <- unclass(resid(fit, type = "standardized")$cov)
  }
  out
}

HS <- HolzingerSwineford1939
hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
pd_model <- "ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem65 =~ y5 + y6 + y7 + y8
dem60 ~ ind60\ndem65 ~ ind60 + dem60
y1 ~~ y5\ny2 ~~ y4 + y6\ny3 ~~ y7\ny4 ~~ y8\ny6 ~~ y8"
pd_defined <- "ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem65 =~ y5 + y6 + y7 + y8
dem60 ~ a*ind60\ndem65 ~ c*ind60 + b*dem60
y1 ~~ y5\ny2 ~~ y4 + y6\ny3 ~~ y7\ny4 ~~ y8\ny6 ~~ y8
indirect := a*b\ntotal := c + a*b"
em <- read.csv("data/sample/em40_survey.csv")
em_cfa <- paste(
  "EFF =~ EFF1 + EFF2 + EFF3 + EFF4 + EFF5 + EFF6",
  "ACL =~ ACL1 + ACL2 + ACL3 + ACL4 + ACL5 + ACL6 + ACL7 + ACL8 + ACL9 + ACL10",
  "ATM =~ ATM1 + ATM2 + ATM3 + ATM4 + ATM5 + ATM6 + ATM7 + ATM8 + ATM9 + ATM10",
  "QMG =~ QMG1 + QMG2 + QMG3 + QMG4 + QMG5 + QMG6 + QMG7",
  "HRM =~ HRM1 + HRM2 + HRM3 + HRM4",
  "IQA =~ IQA1 + IQA2 + IQA3 + IQA4 + IQA5", sep = "\n")
em_sem <- paste(em_cfa, "EFF ~ ACL + ATM + QMG + HRM + IQA", sep = "\n")

ref <- list()
ref$hs <- describe(cfa(hs_model, data = HS), "cfa(hs_model, data = HolzingerSwineford1939)")
ref$hs$htmt <- unclass(htmt(hs_model, HS, htmt2 = FALSE))
ref$hs$htmt2 <- unclass(htmt(hs_model, HS, htmt2 = TRUE))
ref$hs_wishart <- describe(cfa(hs_model, data = HS, likelihood = "wishart"),
                           "cfa(hs_model, data = HolzingerSwineford1939, likelihood = 'wishart')")
ref$hs_stdlv <- describe(cfa(hs_model, data = HS, std.lv = TRUE),
                         "cfa(hs_model, data = HolzingerSwineford1939, std.lv = TRUE)", extra = FALSE)
ref$hs_cov <- describe(cfa(hs_model, sample.cov = cov(HS[, paste0("x", 1:9)]), sample.nobs = 301),
                       "cfa(hs_model, sample.cov = cov(HS[, paste0('x', 1:9)]), sample.nobs = 301)",
                       extra = FALSE)
ref$poldem <- describe(sem(pd_model, data = PoliticalDemocracy), "sem(pd_model, data = PoliticalDemocracy)")
ref$poldem_wishart <- describe(sem(pd_model, data = PoliticalDemocracy, likelihood = "wishart"),
                               "sem(pd_model, data = PoliticalDemocracy, likelihood = 'wishart')")
ref$poldem_defined <- describe(sem(pd_defined, data = PoliticalDemocracy),
                               "sem(pd_defined, data = PoliticalDemocracy)", extra = FALSE)
ref$em40 <- describe(sem(em_sem, data = em), "sem(em_sem, data = read.csv('data/sample/em40_survey.csv'))")
ref$em40$htmt <- unclass(htmt(em_cfa, em, htmt2 = FALSE))
ref$em40$htmt2 <- unclass(htmt(em_cfa, em, htmt2 = TRUE))
ref$em40_wishart <- describe(sem(em_sem, data = em, likelihood = "wishart"),
                             "sem(em_sem, data = em, likelihood = 'wishart')", extra = FALSE)
ref$em40_cfa <- describe(cfa(em_cfa, data = em), "cfa(em_cfa, data = em)", mi = FALSE)
ref$em40_fiml <- describe(sem(em_sem, data = em, missing = "ml"),
                          "sem(em_sem, data = em, missing = 'ml')", extra = FALSE)

# observed exogenous covariates (fixed.x = TRUE): a MIMIC-type model and a path model
hs_fixedx <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nvisual ~ ageyr + grade\ntextual ~ visual + sex"
ref$hs_fixedx <- describe(sem(hs_fixedx, data = HS), "sem(hs_fixedx, data = HolzingerSwineford1939)")
ref$pd_path <- describe(sem("y1 ~ x1 + x2\ny2 ~ y1 + x1", data = PoliticalDemocracy),
                        "sem('y1 ~ x1 + x2\ny2 ~ y1 + x1', data = PoliticalDemocracy)", mi = FALSE)

# measurement invariance across schools (issue 5 parity)
steps <- list(configural = "", metric = c("loadings"), scalar = c("loadings", "intercepts"),
              strict = c("loadings", "intercepts", "residuals"))
ref$hs_groups <- lapply(names(steps), function(s) {
  ge <- steps[[s]]; if (identical(ge, "")) ge <- character(0)
  f <- if (length(ge)) cfa(hs_model, data = HS, group = "school", group.equal = ge) else cfa(hs_model, data = HS, group = "school")
  list(step = s, call = sprintf("cfa(hs_model, data = HS, group = 'school', group.equal = c(%s))",
                                paste0("'", steps[[s]], "'", collapse = ", ")),
       fit = as.list(unclass(fitMeasures(f, c(FM, "cfi", "rmsea", "srmr")))))
})
ref$hs_groups_metric_estimates <- parameterEstimates(
  cfa(hs_model, data = HS, group = "school", group.equal = "loadings"))[, c("lhs","op","rhs","group","est","se")]

writeLines(toJSON(ref, digits = I(12), auto_unbox = TRUE, pretty = FALSE, na = "null"),
           "tests/reference/sem_reference.json")
cat("wrote tests/reference/sem_reference.json\n")
