"""Every route against every kind of user: nothing leaks."""

from __future__ import annotations

import pytest

from tests.builders import login, make_candidate, make_election, make_user

ROLES = ("anonymous", "candidate_a", "candidate_b", "organisation", "admin")
ARGS = {"election_id": "kunta-2029", "candidate_id": "1", "token": "x", "filename": "style.css"}
OWNER = {
    "admin.": {"admin"},
    "candidate.": {"candidate_a", "candidate_b"},
    "organisation.": {"organisation"},
}
# Administrators may read any organisation's report; published reports are public by design.
EXCEPTIONS = {
    "organisation.report": {"organisation", "admin"},
    "organisation.report_download": {"organisation", "admin"},
    "organisation.public_report": None,
    "organisation.public_report_download": None,
}


@pytest.fixture
def clients(app, db):
    make_election(db, published=True)
    make_candidate(db, number=2, email="a@example.fi")
    make_candidate(db, number=3, email="b@example.fi")
    db["organisation"].insert(
        {"id": "testorg", "name_fi": "T", "name_sv": "T", "name_en": "T"}, replace=True
    )
    make_user(db, "org@example.fi", "organisation", organisation_id="testorg")
    make_user(db, "admin@example.fi", "admin")
    emails = {
        "candidate_a": "a@example.fi",
        "candidate_b": "b@example.fi",
        "organisation": "org@example.fi",
        "admin": "admin@example.fi",
    }
    out = {"anonymous": app.test_client()}
    for role, email in emails.items():
        out[role] = app.test_client()
        login(out[role], email)
    return out


def routes(app):
    for rule in app.url_map.iter_rules():
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<{arg}>", ARGS.get(arg, "x")).replace(
                f"<int:{arg}>", ARGS.get(arg, "1")
            )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_permission_matrix(app, clients):
    checked = 0
    for endpoint, method, url in routes(app):
        owners = next(
            (roles for prefix, roles in OWNER.items() if endpoint.startswith(prefix)), None
        )
        owners = EXCEPTIONS.get(endpoint, owners)
        if owners is None:
            continue
        for role in ROLES:
            response = clients[role].open(url, method=method)
            if role in owners:
                assert response.status_code != 403, (endpoint, method, role)
            elif role == "anonymous":
                assert response.status_code == 302 and "/kirjaudu" in response.location, (
                    endpoint,
                    method,
                    role,
                )
            else:
                assert response.status_code == 403, (endpoint, method, role, response.status_code)
            checked += 1
    assert checked > 40


def test_public_pages_show_no_private_fields(app, clients, db):
    db.execute("UPDATE candidate SET email = 'salainen@example.fi'")
    for role in ROLES:
        client = clients[role]
        for url in (
            "/api/v1/candidates/1",
            "/api/v1/elections/kunta-2029/answers.json",
            "/api/v1/elections/kunta-2029/answers.csv",
            "/ehdokkaat/1",
        ):
            body = client.get(url).get_data(as_text=True)
            assert (
                "salainen@example.fi" not in body
                and "password" not in body
                and "scrypt" not in body
            ), url


def test_unpublished_elections_do_not_leak(app, clients, db):
    db.execute("UPDATE election SET published_at = NULL")
    for url in (
        "/api/v1/candidates/1",
        "/api/v1/elections/kunta-2029/answers.json",
        "/ehdokkaat/1",
    ):
        assert clients["anonymous"].get(url).status_code == 404, url


def test_state_changes_need_a_csrf_token(make_app, tmp_path):
    app = make_app()  # CSRF on, as in production
    from vaalikone.db import connect

    db = connect(app.config["DATABASE"])
    make_election(db)
    make_candidate(db, number=2, email="a@example.fi")
    client = app.test_client()
    response = client.post("/kirjaudu", data={"email": "a@example.fi", "password": "salasana-123"})
    assert response.status_code == 400
    assert client.post("/ehdokas/", data={"a-free-premises": "5"}).status_code in (302, 400)
    assert db.execute("SELECT count(*) FROM answer").fetchone()[0] == 0
    db.conn.close()
