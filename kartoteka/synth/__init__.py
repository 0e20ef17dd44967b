"""Synthetic data: registries and lists that look like the real thing and contain no real person."""
