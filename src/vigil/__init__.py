"""Vigil: conflict reports in, verified and geocoded incidents out.

Pipeline stages, one module each:
read -> annotate -> extract -> geocode -> fuse -> store -> serve.
Every stage up to geocode is a pure function of its input, so it can run in
a worker process (multiprocessing today, Dask later).
"""

__version__ = "0.1.0"
