"""DataFrames and Arrow: column functions over pandas, Arrow and Polars, and claim input.

``convert`` turns a pyarrow Table or a Polars DataFrame of claim lines into the pandas frame
the NCCI batch engine reads (it imports nothing of codekit, so the engine may call it);
``findings`` gives the findings a fixed Arrow schema; ``columns`` holds the vectorised line
functions; ``accessor`` and ``polars`` register them on pandas and Polars.
"""
