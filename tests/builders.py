"""Builders for tests: elections, candidates and accounts made the way the application makes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from werkzeug.security import generate_password_hash

from vaalikone.domain.places import link_bank_questions

PASSWORD = "salasana-123"


def make_election(
    db,
    election_id: str = "kunta-2029",
    kind: str = "kunta",
    *,
    deadline_days: int = 30,
    published: bool = False,
) -> str:
    deadline = (datetime.now(UTC) + timedelta(days=deadline_days)).isoformat(timespec="seconds")
    db["election"].insert(
        {
            "id": election_id,
            "kind": kind,
            "date": "2029-04-08",
            "answer_deadline": deadline,
            "name_fi": f"Testivaalit {election_id}",
            "name_sv": "Testval",
            "name_en": "Test election",
            "published_at": "2029-01-01T00:00:00+00:00" if published else None,
        }
    )
    link_bank_questions(db, election_id, kind)
    return election_id


def make_candidate(
    db,
    election_id: str = "kunta-2029",
    municipality: str = "179",
    number: int = 2,
    email: str | None = None,
    **overrides,
) -> int:
    cid = f"{election_id}:{municipality}"
    db.execute(
        "INSERT OR IGNORE INTO constituency (id, election_id, municipality_code, name_fi, name_sv) "
        "VALUES (?, ?, ?, 'Testikunta', 'Testkommun')",
        [cid, election_id, municipality],
    )
    candidate_id = (
        db["candidate"]
        .insert(
            {
                "election_id": election_id,
                "constituency_id": cid,
                "party_id": "kok",
                "number": number,
                "first_name": "Testi",
                "last_name": f"Ehdokas{number}",
                "languages": '["fi"]',
                **overrides,
            }
        )
        .last_pk
    )
    make_user(db, email or f"ehdokas{number}@example.fi", "candidate", candidate_id=candidate_id)
    return candidate_id


def make_user(db, email: str, role: str, **fields) -> int:
    return (
        db["user"]
        .insert(
            {
                "email": email,
                "role": role,
                "password_hash": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
                "active": 1,
                **fields,
            }
        )
        .last_pk
    )


def login(client, email: str) -> None:
    response = client.post("/kirjaudu", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
