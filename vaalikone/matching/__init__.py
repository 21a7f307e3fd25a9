"""Matching, without Flask: the numpy scorer, published snapshots of an election's answers, and a voter's
ranked results."""
