"""The public models the tests share (lavaan's tutorial models; the data ship with semopy and lavaan)."""

# Holzinger & Swineford (1939): three correlated factors of nine ability tests
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"

# Bollen (1989): industrialization and political democracy, with six correlated residuals
PD_MODEL = """ind60 =~ x1 + x2 + x3
dem60 =~ y1 + y2 + y3 + y4
dem65 =~ y5 + y6 + y7 + y8
dem60 ~ ind60
dem65 ~ ind60 + dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8"""
