"""How every party's candidates answered each statement of an election, for voters who skip the quiz.

Per statement and party: how many candidates gave each answer on the statement's scale, how many left it
blank, the shares of the party's candidates, and the party's median answer (the median of those who
answered, as scoring.party_profiles computes it; None if nobody did). Independents count as one group,
listed last. From the published snapshot, so it changes when answers change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlite_utils

from vaalikone.matching import scoring
from vaalikone.matching.snapshot import get_snapshot


@dataclass
class PartyRow:
    party_id: str | None  # None: independents
    party: dict[str, Any] | None
    total: int  # the party's candidates in this election
    counts: list[int]  # per scale value, then blanks
    shares: list[float]  # counts / total, 0..1
    median: float | None  # on the statement's own scale


@dataclass
class StatementAnswers:
    question: dict[str, Any]
    scale: list[int]
    parties: list[PartyRow]


def build(
    db: sqlite_utils.Database, election_id: str, order_key: Any = None
) -> list[StatementAnswers]:
    """Every statement of the election with every standing party's answers; parties sorted by
    `order_key(party_row)` (default: the Finnish name), independents last."""
    snapshot = get_snapshot(db, election_id)
    questions = {
        q["id"]: q
        for q in db.query(
            """SELECT q.*, t.name_fi AS theme_fi, t.name_sv AS theme_sv, t.name_en AS theme_en
               FROM election_question eq JOIN question q ON q.id = eq.question_id
               JOIN theme t ON t.id = q.theme_id WHERE eq.election_id = ?""",
            [election_id],
        )
    }
    n_parties = len(snapshot.party_ids)
    sizes = np.bincount(snapshot.party_index, minlength=n_parties)
    medians = scoring.party_profiles(snapshot.answers, snapshot.party_index, n_parties)
    standing = [p for p in range(n_parties) if sizes[p]]
    key = order_key or (lambda party: party["name_fi"])

    def party_key(p: int) -> tuple[bool, Any]:
        party = snapshot.parties.get(snapshot.party_ids[p])
        return (party is None, "" if party is None else key(party))

    standing.sort(key=party_key)
    out = []
    for j, qid in enumerate(snapshot.question_ids):
        scale = list(snapshot.scales[j])
        low, high = snapshot.scale_min[j], snapshot.scale_max[j]
        raw = np.round(low + snapshot.answers[:, j] * (high - low))  # NaN stays NaN
        # (P, values + blank) counts in one bincount over party * width + column.
        column = np.full(len(raw), len(scale))
        for k, value in enumerate(scale):
            column[raw == value] = k
        width = len(scale) + 1
        counts = np.bincount(
            snapshot.party_index * width + column, minlength=n_parties * width
        ).reshape(n_parties, width)
        rows = []
        for p in standing:
            total = int(sizes[p])
            median = medians[p, j]
            rows.append(
                PartyRow(
                    snapshot.party_ids[p],
                    snapshot.parties.get(snapshot.party_ids[p]),
                    total,
                    counts[p].tolist(),
                    (counts[p] / total).tolist(),
                    None if np.isnan(median) else float(low + median * (high - low)),
                )
            )
        out.append(StatementAnswers(questions[qid], scale, rows))
    return out
