"""Instrument -> load & validate: Likert scales, instruments as data, the loader, simulated and sample data.

``scales`` (Likert points, labels and mean bands), ``instrument`` (codebooks;
the EM40 instrument), ``simulate`` (population SEMs to data), ``loader``
(CSV / Excel / SPSS / Google Forms into a validated ``Survey``), ``datasets``
(the shipped synthetic sample; ``python -m edu40.io.datasets DIR`` remakes it).
"""
