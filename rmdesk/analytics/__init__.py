"""Models learned from the bank's own history, outside the domain core.

`scorecard` (optimal binning + logistic regression scaled to points), `challenger` (gradient
boosting with monotone constraints), `metrics` (discrimination, calibration, population
stability) and `evaluate` (cross-validation of either model on any CSV, behind
`rmdesk model evaluate`). The modules import numpy, pandas, scikit-learn, optbinning and
LightGBM, so this package stays light and imports none of them itself.
"""
