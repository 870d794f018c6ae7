"""HCC risk scores: CMS's relative factors over codekit's HCC crosswalks and hierarchies.

``tables``: the coefficient tables (a table kind, ``risk_coefficients``, one release per
model and payment year); ``plugin``: the built-in plugin registering the packaged ones;
``definitions``: each model's disease groups and interactions; ``demographics``: a member's
segment and age/sex cell; ``score``: :func:`risk_score`; ``batch``: many members at once;
``page``: the risk view on a diagnosis's code page.
"""
