# Reference values for tests/test_loader_exports.py on the real data set tests/data/bfi.csv
# (psych::bfi, 2800 SAPA respondents, 25 six-point items; see tests/data/README.md).
# Run from the repository root:   Rscript tests/reference/make_screening_reference.R
# The tests read tests/reference/screening_reference.json and never need R.
suppressPackageStartupMessages(library(jsonlite))

bfi <- read.csv("tests/data/bfi.csv")
items <- bfi[, 1:25]
ref <- list(R = R.version.string)

# Straight-lining: one identical answer to every answered item, at least 10 items answered.
flat <- apply(items, 1, function(r) sum(!is.na(r)) >= 10 && length(unique(na.omit(r))) == 1)
ref$straight_lining <- list(
  call = "apply(items, 1, function(r) sum(!is.na(r)) >= 10 && length(unique(na.omit(r))) == 1)",
  rows = which(flat) + 1,                       # + 1: the file's header is row 1
  answer = unname(sapply(which(flat), function(i) unique(na.omit(unlist(items[i, ]))))),
  n_answered = unname(rowSums(!is.na(items[flat, , drop = FALSE]))))

# Missing answers per item: R's read.csv reads the NA cells as missing.
ref$missing_per_item <- list(call = "colSums(is.na(items))", n = as.list(colSums(is.na(items))))

# Frequencies with missing answers (SPSS FREQUENCIES / R table).
tab <- table(bfi$education, useNA = "always")
ref$frequencies_education <- list(
  call = 'table(bfi$education, useNA = "always"); 100 * prop.table(table(bfi$education))',
  value = as.integer(names(tab)[!is.na(names(tab))]),
  count = as.integer(tab),
  percent = as.numeric(100 * tab / sum(tab)),
  valid_percent = as.numeric(100 * prop.table(table(bfi$education))))

writeLines(toJSON(ref, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/screening_reference.json")
