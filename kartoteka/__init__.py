"""Kartoteka: a registry of political prisoners and an exchange-list vetting tool."""

__version__ = "0.1.0"
