"""Voters can check the work: where each statement comes from, the range a candidate's blanks leave open,
how sure a result is, how the parties answered, and the accessibility statement with its feedback form.
Through the test client on the demo elections; tests/test_trust_browser.py drives the same in Chromium."""

from __future__ import annotations

import re
import statistics
from html import unescape

import pytest

from vaalikone.db import connect, opened
from vaalikone.domain.statements import load_bank
from vaalikone.matching import scoring
from vaalikone.matching.snapshot import get_snapshot


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


ANSWERS = {
    "a-free-premises": "5",
    "a-keep-grant-level": "4",
    "a-market-rent": "1",
    "a-ngo-coordinator": "2",
    "a-no-gap-in-grants": "3",
    "a-council-hearing": "3",
}


def test_a_statement_page_quotes_its_goals_with_publisher_title_and_year(demo_client, demo_app):
    bank = load_bank(demo_app.config["QUESTIONS_DIR"])
    statement = bank.statement("organisations-in-planning")
    html = demo_client.get("/vaitteet/organisations-in-planning").get_data(as_text=True)
    text = text_of(html)
    for source in statement.sources:
        document = next(d for d in bank.documents if d.file == source.file)
        assert " ".join(source.quote.split()) in text
        assert document.publisher in text and document.title in text and document.year in text
    # Organisations whose goal profile includes it, by name; never a preferred answer.
    assert "SOSTE Suomen sosiaali ja terveys ry" in text
    for label in ("Täysin samaa mieltä", "Täysin eri mieltä", "Jokseenkin"):
        assert label not in text


def test_unknown_statements_are_not_found(demo_client):
    assert demo_client.get("/vaitteet/no-such-statement").status_code == 404


def test_the_sources_page_lists_the_five_documents_and_their_statements(demo_client, demo_app):
    bank = load_bank(demo_app.config["QUESTIONS_DIR"])
    html = demo_client.get("/lahteet").get_data(as_text=True)
    assert html.count('class="source-document"') == 5
    for statement in bank.statements:
        links = html.count(f'href="/vaitteet/{statement.id}"')
        assert links == len({s.file for s in statement.sources}), statement.id


def test_every_quiz_statement_links_to_where_it_comes_from(demo_client):
    html = demo_client.get("/kysely/kaikki?kunta=179").get_data(as_text=True)
    asked = set(re.findall(r'type="radio" name="a-([^"]+)"', html))
    linked = set(re.findall(r'class="statement-source" href="/vaitteet/([^"]+)"', html))
    assert asked and linked == asked


def test_results_show_each_candidates_range_and_the_how_sure_sentence(demo_client, demo_app):
    html = demo_client.post("/tulokset", data={"kunta": "179", **ANSWERS}).get_data(as_text=True)
    section = html.split('id="s-kunta-2025"', 1)[1].split("</section>", 1)[0]
    text = text_of(section)
    assert "Kuinka varma tulos on?" in text
    assert re.search(r"Kärkesi 5 ehdokkaasta [0-5] pysyy kärjessä", text)
    assert re.search(r"Kärjessä pysyy [0-5], vaikka mikä tahansa yksi", text)
    # The ranges shown agree with the scorer's for the candidates on the page.
    with opened(demo_app.config["DATABASE"]) as db:
        snapshot = get_snapshot(db, "kunta-2025")
        view = snapshot.constituency("kunta-2025:179")
        answers = {k[2:]: int(v) for k, v in ANSWERS.items()}
        voter, w = snapshot.voter_vectors(answers, {})
        low, high = scoring.match_range(voter, w, view.matrix)
    ranges = re.findall(
        r'<td class="match">(\d+)\s%(?: <span class="match-range">\((\d+)\s%–(\d+)\s%\)</span>)?',
        section,
    )
    expected = {(round(lo), round(hi)) for lo, hi in zip(low, high, strict=True)}
    assert ranges
    for shown, span_low, span_high in ranges:
        if span_low:
            assert shown == span_low and (int(span_low), int(span_high)) in expected
    assert any(span for _, span, _ in ranges), "some demo candidate left a statement blank"


def test_every_page_links_to_the_accessibility_statement_and_the_sources(demo_client):
    for path in ("/", "/menetelma", "/tietosuoja", "/lahteet", "/kirjaudu"):
        html = demo_client.get(path).get_data(as_text=True)
        footer = html.split('<footer class="site-footer">', 1)[1]
        assert 'href="/saavutettavuus"' in footer and 'href="/lahteet"' in footer, path


def test_the_accessibility_statement_names_the_standard_checks_limitations_and_date(demo_client):
    for lang, needles in {
        "fi": ("WCAG 2.1", "axe-core", "Tunnetut puutteet", "4.12.2026"),
        "sv": ("WCAG 2.1", "axe-core"),
        "en": ("WCAG 2.1", "axe-core"),
    }.items():
        text = text_of(demo_client.get(f"/saavutettavuus?lang={lang}").get_data(as_text=True))
        assert all(n in text for n in needles), lang


def feedback_rows(demo_app) -> list[dict]:
    with opened(demo_app.config["DATABASE"]) as db:
        return list(db.query("SELECT * FROM accessibility_feedback ORDER BY id"))


def test_feedback_reaches_the_administrator_and_never_stores_answers(demo_client, demo_app):
    from tests.builders import login, make_user

    sent = demo_client.post(
        "/saavutettavuus",
        # A form posted with a voter's answers alongside: only the message and contact are kept.
        data={"message": "Kontrasti on heikko.", "contact": "a@example.fi", **ANSWERS},
    )
    assert sent.status_code == 302
    rows = feedback_rows(demo_app)
    assert [(r["message"], r["contact"], r["lang"]) for r in rows] == [
        ("Kontrasti on heikko.", "a@example.fi", "fi")
    ]
    assert set(rows[0]) == {"id", "received_at", "message", "contact", "lang"}
    # Not for voters, nor anyone but the administrator.
    assert demo_client.get("/yllapito/palaute").status_code in (302, 401, 403)
    with opened(demo_app.config["DATABASE"]) as db:
        make_user(db, "admin@example.fi", "admin")
    login(demo_client, "admin@example.fi")
    page = text_of(demo_client.get("/yllapito/palaute").get_data(as_text=True))
    assert "Kontrasti on heikko." in page and "a@example.fi" in page


def test_empty_or_overlong_feedback_is_refused_and_nothing_is_stored(demo_client, demo_app):
    empty = demo_client.post("/saavutettavuus", data={"message": "  "})
    assert empty.status_code == 400 and "Kirjoita palautteesi." in empty.get_data(as_text=True)
    long = demo_client.post("/saavutettavuus", data={"message": "x" * 4001})
    assert long.status_code == 400
    bad = demo_client.post("/saavutettavuus", data={"message": "ok", "contact": "not an address"})
    assert bad.status_code == 400 and "Tarkista sähköpostiosoite." in bad.get_data(as_text=True)
    assert feedback_rows(demo_app) == []


def test_feedback_older_than_the_retention_period_is_purged(demo_app):
    from datetime import UTC, datetime, timedelta

    from vaalikone.domain import feedback

    now = datetime(2026, 12, 4, tzinfo=UTC)
    with opened(demo_app.config["DATABASE"]) as db:
        feedback.submit(db, "vanha", None, "fi", 365, now - timedelta(days=366))
        feedback.submit(db, "tuore", None, "sv", 365, now - timedelta(days=364))
        assert feedback.purge(db, 365, now) == 1
        assert [m["message"] for m in feedback.messages(db)] == ["tuore"]


def test_the_party_page_counts_every_candidates_answer_and_gives_the_median(demo_client, demo_app):
    """One party's row for one statement: shares and counts straight from the answers table."""
    with opened(demo_app.config["DATABASE"]) as db:
        party = "kok"
        rows = db.execute(
            """SELECT a.value FROM candidate c LEFT JOIN answer a
                 ON a.candidate_id = c.id AND a.question_id = 'free-premises'
               WHERE c.election_id = 'kunta-2025' AND c.party_id = ?""",
            [party],
        ).fetchall()
        name = db.execute("SELECT name_fi FROM party WHERE id = ?", [party]).fetchone()[0]
    values = [v for (v,) in rows]
    html = demo_client.get("/puolueiden-vastaukset/kunta-2025").get_data(as_text=True)
    section = html.split('id="v-free-premises"', 1)[1].split("</section>", 1)[0]
    row = section.split("<tbody>", 1)[1].split(f">{name} ", 1)[1].split("</tr>", 1)[0]
    counts = [int(n) for n in re.findall(r"\((\d+)\)</span>", row)]
    assert counts == [values.count(v) for v in (1, 2, 3, 4, 5)] + [values.count(None)]
    answered = sorted(v for v in values if v is not None)
    median = statistics.median(answered)
    shown = re.findall(r'<td class="num">([\d,.]+|–)</td>', row)[-1]
    assert float(shown.replace(",", ".")) == pytest.approx(median, abs=0.05)
    # The chart is an image with a title and a description, and the numbers are in the table too.
    assert 'role="img"' in section and "<title" in section and "<desc" in section


def test_the_party_page_is_reachable_without_the_quiz(demo_client):
    start = demo_client.get("/").get_data(as_text=True)
    assert 'href="/puolueiden-vastaukset/kunta-2025"' in start
    results = demo_client.post("/tulokset", data={"kunta": "179", **ANSWERS}).get_data(as_text=True)
    assert 'href="/puolueiden-vastaukset/kunta-2025"' in results
    assert demo_client.get("/puolueiden-vastaukset/no-such").status_code == 404


def shown_ids(html: str, election_id: str = "kunta-2025") -> list[int]:
    section = html.split(f'id="s-{election_id}"', 1)[1].split("</section>", 1)[0]
    return [int(i) for i in re.findall(r'(?:formaction|href)="/ehdokkaat/(\d+)"', section)]


def candidates_where(demo_app, where: str) -> set[int]:
    with opened(demo_app.config["DATABASE"]) as db:
        return {
            i
            for (i,) in db.execute(
                f"SELECT id FROM candidate WHERE constituency_id = 'kunta-2025:179' AND {where}"
            )
        }


def test_filters_by_age_group_gender_and_result_ride_in_the_form(demo_client, demo_app):
    base = {"kunta": "179", **ANSWERS, "filter": "kunta-2025"}
    women = demo_client.post("/tulokset", data={**base, "gender-kunta-2025": "f"})
    html = women.get_data(as_text=True)
    expected = candidates_where(demo_app, "gender = 'f'")
    assert f"Rajaukseen sopii {len(expected)} ehdokasta." in text_of(html)
    assert set(shown_ids(html)) <= expected and shown_ids(html)
    young = demo_client.post(
        "/tulokset", data={**base, "age-kunta-2025": "18-29", "elected-kunta-2025": "0"}
    ).get_data(as_text=True)
    expected = candidates_where(demo_app, "age BETWEEN 18 AND 29 AND NOT coalesce(elected, 0)")
    assert set(shown_ids(young)) == expected or len(expected) > 20
    # The chosen filters are carried in the page's forms (POST), never in a link.
    assert 'name="age-kunta-2025" value="18-29" selected' in young.replace(
        "<option ", ""
    ) or re.search(r'<option value="18-29"\s+selected', young)
    assert "age-kunta-2025=" not in young and "gender-kunta-2025=" not in html


def test_only_the_filters_the_data_has_are_offered(demo_client, demo_app):
    html = demo_client.post("/tulokset", data={"kunta": "179", **ANSWERS}).get_data(as_text=True)
    assert 'name="gender-kunta-2025"' in html and 'name="age-kunta-2025"' in html
    # The demo has no official list: no incumbency data, so no incumbency filter.
    assert 'name="inc-kunta-2025"' not in html
    with opened(demo_app.config["DATABASE"]) as db:
        db.execute("UPDATE candidate SET gender = NULL WHERE election_id = 'kunta-2025'")
        db.conn.commit()
    html = demo_client.post(
        "/tulokset", data={"kunta": "179", **ANSWERS, "gender-kunta-2025": "f"}
    ).get_data(as_text=True)
    assert 'id="gender-kunta-2025"' not in html
    # A filter the data no longer offers filters nothing.
    assert len(shown_ids(html)) == min(20, len(candidates_where(demo_app, "1")))


def test_statement_links_are_the_same_whatever_the_voter_answered(demo_client):
    """Provenance links name every asked statement alike: following one reveals no answer."""
    blank = demo_client.post("/kysely/kaikki", data={"kunta": "179"}).get_data(as_text=True)
    answered = demo_client.post("/kysely/kaikki", data={"kunta": "179", **ANSWERS}).get_data(
        as_text=True
    )
    links = re.compile(r'href="(/vaitteet/[^"]+)"')
    assert links.findall(blank) == links.findall(answered) != []
    results = demo_client.post("/tulokset", data={"kunta": "179", **ANSWERS}).get_data(as_text=True)
    assert not links.findall(results.split('class="how-sure"', 1)[1].split("</div>", 1)[0])


def test_the_robustness_report_is_public_as_a_page_and_json(demo_client):
    data = demo_client.get("/api/v1/elections/alue-2025/robustness").get_json()
    assert data["election"] == "alue-2025" and data["random_voters"] == 1000
    for group in ("candidates", "random"):
        numbers = data["groups"][group]
        assert numbers["voters"] > 0
        assert all(0 <= value <= 1 for key, value in numbers.items() if key != "voters")
    assert len(data["by_statement"]) == data["statements"]
    page = text_of(demo_client.get("/luotettavuus/alue-2025").get_data(as_text=True))
    top = data["by_statement"][0]
    assert "Väitteet, jotka muuttavat järjestystä eniten" in page
    assert f"{round(top['top1'] * 100)}" in page
    assert demo_client.get("/luotettavuus/nope").status_code == 404
    assert demo_client.get("/api/v1/elections/nope/robustness").status_code == 404


def test_the_method_page_explains_the_blank_rule_the_range_and_how_sure(demo_client):
    html = demo_client.get("/menetelma").get_data(as_text=True)
    assert re.search(r"<title>\s*Näin vertailu lasketaan – Vaalikone\s*</title>", html)
    text = text_of(html.split("<main", 1)[1])
    assert "asteikon kauempaan päähän" in text  # the blank rule
    assert 'id="vaihteluvali"' in html and 'id="varmuus"' in html
    assert text.index("6. Pikakysely") < text.index("7. Vaihteluväli") < text.index("8. Kuinka")


def test_the_robustness_report_is_computed_once_when_published_and_kept_for_every_worker(
    make_app, tmp_path
):
    """At national scale the report takes about 10 s: publishing computes and keeps it in the database,
    other workers and read-only nodes read it from there, and a change of answers makes it stale."""
    import json
    import shutil
    import sqlite3

    from tests.builders import login, make_candidate, make_election, make_user

    app = make_app(WTF_CSRF_ENABLED=False)
    db = connect(app.config["DATABASE"])
    make_election(db)
    for number, value in ((2, 1), (3, 5), (4, 3)):
        cid = make_candidate(db, number=number, email=f"c{number}@example.fi")
        db["answer"].insert({"candidate_id": cid, "question_id": "free-premises", "value": value})
    make_user(db, "admin@example.fi", "admin")
    db.conn.commit()
    admin = app.test_client()
    login(admin, "admin@example.fi")
    admin.post("/yllapito/vaalit/kunta-2029/julkaisu", data={"confirm": "1"})
    version = db.execute("SELECT data_version FROM election").fetchone()[0]
    kept = db.execute("SELECT data_version, report FROM robustness_report").fetchall()
    assert [v for v, _ in kept] == [version], "kept for the published data"
    assert json.loads(kept[0][1])["candidates"] == 3

    # Another worker serves what the database keeps (marked here so that a recomputation would show).
    marked = {**json.loads(kept[0][1]), "seed": 1}
    db.execute("UPDATE robustness_report SET report = ?", [json.dumps(marked)])
    db.conn.commit()
    worker = make_app(WTF_CSRF_ENABLED=False).test_client()
    assert worker.get("/api/v1/elections/kunta-2029/robustness").get_json() == marked
    assert "Väitteet, jotka muuttavat järjestystä eniten" in worker.get(
        "/luotettavuus/kunta-2029"
    ).get_data(as_text=True)

    # A changed answer makes it stale: a read-only node (on its own copy, as a replica has) computes its
    # own and writes nothing ...
    db.execute("UPDATE answer SET value = 2 WHERE value = 1")
    db.conn.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "replica.db"
    shutil.copy(app.config["DATABASE"], copy)
    reader = make_app(DATABASE=str(copy), READ_ONLY=True).test_client()
    assert reader.get("/api/v1/elections/kunta-2029/robustness").get_json()["seed"] == 2026
    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as replica:
        assert (
            replica.execute("SELECT data_version FROM robustness_report").fetchone()[0] == version
        )
    # ... and the next writable worker keeps the new one.
    make_app().test_client().get("/luotettavuus/kunta-2029")
    assert db.execute("SELECT data_version FROM robustness_report").fetchone()[0] > version
    db.conn.close()
