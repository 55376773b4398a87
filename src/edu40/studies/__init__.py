"""Studies built on the statistics and the SEM engine.

``published`` (the published EM40 numbers), ``audit`` (what published fit
indices allow), ``replication``, ``invariance``, ``validation`` (a new survey
against the model), ``power`` (RMSEA power, Monte Carlo, survey sample sizes;
the Monte Carlo simulation itself in ``power_mc``) and ``prepost`` (training
evaluation).
"""
