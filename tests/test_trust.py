"""Voters can check the work: where each statement comes from, the range a candidate's blanks leave open,
how sure a result is, how the parties answered, and the accessibility statement with its feedback form.
Through the test client on the demo elections; tests/test_trust_browser.py drives the same in Chromium."""

from __future__ import annotations

import re
from html import unescape

from vaalikone.db import connect
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
    db = connect(demo_app.config["DATABASE"])
    try:
        snapshot = get_snapshot(db, "kunta-2025")
        view = snapshot.constituency("kunta-2025:179")
        answers = {k[2:]: int(v) for k, v in ANSWERS.items()}
        voter, w = snapshot.voter_vectors(answers, {})
        low, high = scoring.match_range(voter, w, view.matrix)
    finally:
        db.conn.close()
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
