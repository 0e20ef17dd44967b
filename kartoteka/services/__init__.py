"""Use cases that own transactions; the CLI and the web layer both call these."""
