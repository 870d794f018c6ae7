"""codekit on Spark: NCCI checks through ``applyInArrow`` and line functions as pandas UDFs.

``ship`` sends the installed data directory to the executors once (``SparkContext.addArchive``)
and opens it there; ``check`` runs the batch NCCI engine inside each executor; ``columns``
wraps the line functions of :mod:`codekit._frames.columns` as Spark column expressions.
"""
