"""Storage: the engine, the tables and the audit log. The only place that opens connections."""
