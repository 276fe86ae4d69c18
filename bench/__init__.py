"""PolarBase's benchmark: ``python -m bench.run`` measures the REST hot path against raw psycopg."""
