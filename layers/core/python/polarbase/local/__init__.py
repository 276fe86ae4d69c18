"""The local runtime: the embedded PostgreSQL and the ``polarbase`` command."""
