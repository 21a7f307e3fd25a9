"""Importers that turn published files into elections in the database (all-or-nothing)."""
