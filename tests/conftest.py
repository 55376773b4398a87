import os

import matplotlib

# Plots in tests never open a window.
matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
