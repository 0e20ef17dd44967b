"""Domain types: plain dataclasses and enums, no database and no web."""
