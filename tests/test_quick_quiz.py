"""The quick quiz and plain language through the test client on the demo elections: the statement that best
separates the voter's own candidates first, answers carried only in POST bodies, plain texts on request."""

from __future__ import annotations

import re

import numpy as np
from werkzeug.datastructures import MultiDict

from tests.test_voter import carried, ranked_ids, scorer_order, text_of
from vaalikone.db import opened
from vaalikone.matching import adaptive
from vaalikone.matching.snapshot import get_snapshot

HELSINKI = "091"


def shown(html: str) -> str:
    """The statement a quick-quiz page asks."""
    return re.search(r'name="current" value="([^"]+)"', html).group(1)


def trail(html: str) -> list[str]:
    """The statements a quick-quiz page says were asked before, in order."""
    form = html.split('id="quiz-form"', 1)[1].split("</form>", 1)[0]
    return re.findall(r'name="asked" value="([^"]+)"', form)


def like_a_candidate(app, number: int = 7) -> dict[str, str]:
    """A Helsinki municipal candidate's answers (by ballot number) as form values: a voter who thinks alike."""
    with opened(app.config["DATABASE"]) as db:
        rows = db.execute(
            """SELECT a.question_id, a.value FROM answer a JOIN candidate c ON c.id = a.candidate_id
               WHERE c.constituency_id = ? AND c.number = ?""",
            [f"kunta-2025:{HELSINKI}", number],
        ).fetchall()
    return {qid: "" if value is None else str(value) for qid, value in rows}


def answer(client, html: str, value: str, **extra: str) -> str:
    """Submit the quick-quiz form with `value` for the statement shown (hidden fields as the page has them)."""
    form = html.split('id="quiz-form"', 1)[1].split("</form>", 1)[0]
    data: list[tuple[str, str]] = re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form)
    data.append((f"a-{shown(html)}", value))
    data.extend(extra.items())
    response = client.post("/kysely/pika", data=MultiDict(data))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_the_quick_quiz_first_asks_what_divides_the_voters_own_candidates_most(
    demo_client, demo_app
):
    html = demo_client.get(f"/kysely/pika?kunta={HELSINKI}").get_data(as_text=True)
    with opened(demo_app.config["DATABASE"]) as db:
        snapshot = get_snapshot(db, "kunta-2025")
        view = snapshot.constituency(f"kunta-2025:{HELSINKI}")
        x = view.matrix.answers
    spread = np.nanvar(x, axis=0) * np.mean(~np.isnan(x), axis=0)
    assert shown(html) == snapshot.question_ids[int(np.argmax(spread))]
    assert "Pikakysely" in html and 'name="asked"' not in html


def test_each_next_statement_depends_on_the_answers_and_none_is_asked_twice(demo_client):
    first = demo_client.get(f"/kysely/pika?kunta={HELSINKI}").get_data(as_text=True)
    agree = answer(demo_client, first, "5", move="next")
    disagree = answer(demo_client, first, "1", move="next")
    assert trail(agree) == trail(disagree) == [shown(first)]
    html, seen = agree, [shown(first)]
    for _ in range(6):
        assert shown(html) not in seen
        seen.append(shown(html))
        html = answer(demo_client, html, "4", move="next")
    assert trail(html) == seen
    assert carried(html, "quiz-form") == dict.fromkeys(seen, "4") | {seen[0]: "5"}
    back = answer(demo_client, html, "", move="prev")
    assert shown(back) == seen[-1] and trail(back) == seen[:-1]


def test_the_quick_quiz_offers_to_stop_and_its_results_are_the_scorers(demo_client, demo_app):
    twin = like_a_candidate(demo_app)
    html = demo_client.get(f"/kysely/pika?kunta={HELSINKI}").get_data(as_text=True)
    answers: dict[str, int] = {}
    while "tuskin muuttuu" not in html:
        assert len(answers) < 23, "every statement asked without an offer to stop"
        value = twin.get(shown(html), "")
        if value:
            answers[shown(html)] = int(value)
        html = answer(demo_client, html, value, move="next")
    assert len(answers) < 23, "offered to stop before the last statement"
    form = html.split('id="quiz-form"', 1)[1].split("</form>", 1)[0]
    data = re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form)
    results = demo_client.post("/tulokset", data=MultiDict(data)).get_data(as_text=True)
    expected, _ = scorer_order(demo_app, "kunta-2025", f"kunta-2025:{HELSINKI}", answers)
    assert ranked_ids(results, "kunta-2025") == expected[: len(ranked_ids(results, "kunta-2025"))]


def test_plain_language_shows_the_plain_statement_and_plain_buttons(demo_client, demo_app):
    bank = demo_app.extensions["vaalikone.bank"]
    html = demo_client.get(f"/kysely/pika?kunta={HELSINKI}&selko=1").get_data(as_text=True)
    statement = bank.statement(shown(html))
    assert statement.plain["fi"] in text_of(html)
    assert statement.text["fi"] not in text_of(html)
    assert "Lyhyt kysely" in html and "Seuraava väite" in html and "Vaihda yleiskieleen" in html
    # Enter on an answer presses a form's first button: that stays Next, not the language switch.
    form = html.split('id="quiz-form"', 1)[1]
    assert re.search(r"<button[^>]*>", form).group(0).count('value="next"') == 1
    sv = demo_client.get(f"/kysely/pika?kunta={HELSINKI}&selko=1&lang=sv").get_data(as_text=True)
    assert statement.plain["sv"] in text_of(sv)


def test_switching_to_plain_language_keeps_every_answer_and_the_place_in_the_quiz(demo_client):
    first = demo_client.get(f"/kysely/pika?kunta={HELSINKI}").get_data(as_text=True)
    second = answer(demo_client, first, "5", move="next")
    switched = answer(demo_client, second, "1", **{"selko-to": "1"})
    assert shown(switched) == shown(second) and trail(switched) == [shown(first)]
    assert 'name="selko" value="1"' in switched
    assert f'name="a-{shown(second)}" value="1" checked' in switched
    assert carried(switched, "quiz-form") == {shown(first): "5"}
    back = answer(demo_client, switched, "1", **{"selko-to": "0"})
    assert 'name="selko"' not in back.split('id="quiz-form"', 1)[1].split("</form>", 1)[0]


def test_the_step_quiz_switches_language_mode_on_the_same_statement(demo_client, demo_app):
    bank = demo_app.extensions["vaalikone.bank"]
    html = demo_client.post(
        "/kysely", data={"kunta": HELSINKI, "step": "2", "a-council-hearing": "4", "selko-to": "1"}
    ).get_data(as_text=True)
    assert "Väite 3 / " in html
    assert any(s.plain["fi"] in text_of(html) for s in bank.statements)
    assert carried(html, "quiz-form")["council-hearing"] == "4"


def test_the_start_page_offers_plain_language_and_the_choice_rides_to_the_quiz(demo_client):
    start = demo_client.get("/").get_data(as_text=True)
    assert 'name="selko" value="1"' in start
    html = demo_client.get(f"/vaalit?kunta={HELSINKI}&selko=1").get_data(as_text=True)
    assert f"/kysely/pika?kunta={HELSINKI}&amp;selko=1" in html
    assert "Lyhyt kysely" in html


def test_an_imported_election_without_plain_texts_says_so_and_shows_the_standard_text(
    demo_client, demo_app
):
    with opened(demo_app.config["DATABASE"]) as db:
        db.execute("UPDATE question SET plain_fi = NULL, plain_sv = NULL, plain_en = NULL")
        db.conn.commit()
    bank = demo_app.extensions["vaalikone.bank"]
    html = demo_client.get(f"/kysely/pika?kunta={HELSINKI}&selko=1").get_data(as_text=True)
    assert "ei ole selkokielisiä versioita" in html
    assert bank.statement(shown(html)).text["fi"] in text_of(html)


def test_the_top_is_settled_when_the_plausible_completions_keep_it_and_not_when_they_split_it():
    """Twelve candidates in two camps, alike on the statement not yet asked: nothing left can reorder them."""
    rng = np.random.default_rng(1)
    camp = np.repeat([[1.0, 1.0, 1.0, 0.5], [0.0, 0.0, 0.0, 0.5]], 6, axis=0)
    x = np.clip(camp + rng.normal(0, 0.05, camp.shape) * [1, 1, 1, 0], 0, 1)
    pool = adaptive.Pool(list("abcd"), x, np.arange(12))
    voter = np.array([1.0, 1.0, 1.0, np.nan])
    asked = np.array([1, 1, 1, 0], bool)
    assert adaptive.settled_share(pool, voter, np.ones(4), asked) == 1.0
    assert adaptive.settled([pool], [(voter, np.ones(4))], {"a", "b", "c"})
    # One answer and eight candidates alike on it: the rest decide who comes first.
    split = np.vstack([np.ones((8, 1)), np.zeros((4, 1))])
    x2 = np.hstack([split, rng.uniform(0, 1, (12, 5))])
    pool2 = adaptive.Pool(list("abcdef"), x2, np.arange(12))
    voter2 = np.array([1.0, *[np.nan] * 5])
    assert not adaptive.settled([pool2], [(voter2, np.ones(6))], {"a"})


def test_worst_case_stable_once_no_remaining_answer_can_reorder_the_top():
    x = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.5, 0.5]])
    pool = adaptive.Pool(["a", "b", "c"], x, np.arange(3))
    voter = np.array([1.0, 1.0, np.nan])
    assert adaptive.next_statement([pool], [(voter, np.ones(3))], {"a", "b"}, "abc") == "c"
    values = [np.linspace(0, 1, 5)] * 3
    assert adaptive.worst_case_stable(pool, voter, np.ones(3), np.array([1, 1, 0], bool), values)


def test_on_yle_2023_the_adaptive_order_beats_the_banks_fixed_order_after_ten_statements():
    """300 of Yle's 2023 candidates as voters, each matched against the rest of their district."""
    from vaalikone import bench

    results = bench.simulate(bench.yle_2023(), limit=300, ks=(10,))
    print({order: results[order][10] for order in bench.ORDERS})
    adaptive_first, adaptive_top = results["adaptive"][10]
    fixed_first, fixed_top = results["fixed"][10]
    assert adaptive_first > fixed_first and adaptive_top > fixed_top


def test_the_first_statement_is_the_one_the_candidates_disagree_on_most():
    x = np.array([[0.0, 0.5, 1.0], [1.0, 0.5, 1.0], [0.0, 0.5, np.nan], [1.0, 0.5, 0.0]])
    pool = adaptive.Pool(["a", "b", "c"], x, np.arange(4))
    nothing = np.full(3, np.nan)
    assert adaptive.next_statement([pool], [(nothing, np.ones(3))], set(), "abc") == "a"
    assert adaptive.next_statement([pool], [(nothing, np.ones(3))], {"a"}, "abc") == "c"
    assert adaptive.next_statement([pool], [(nothing, np.ones(3))], {"a", "b", "c"}, "abc") is None


def test_after_an_answer_the_leaders_disagreement_decides():
    """Candidates 0-1 agree with the voter on a and split on c; 2-3 disagree with the voter and split on b."""
    x = np.array([[1.0, 0.5, 0.0], [1.0, 0.5, 1.0], [0.0, 0.0, 0.5], [0.0, 1.0, 0.5]])
    pool = adaptive.Pool(["a", "b", "c"], x, np.arange(4))
    before = adaptive.separation(pool, np.full(3, np.nan), np.ones(3), np.zeros(3, bool))
    assert before[1] == before[2]
    voter = np.array([1.0, np.nan, np.nan])
    assert adaptive.next_statement([pool], [(voter, np.ones(3))], {"a"}, "abc") == "c"


def test_the_worst_case_says_unstable_while_remaining_statements_can_reorder_the_top():
    x = np.array([[1.0, 0.0], [0.75, 1.0], [0.0, 1.0]])
    pool = adaptive.Pool(["a", "b"], x, np.arange(3))
    voter = np.array([1.0, np.nan])
    values = [np.linspace(0, 1, 5)] * 2
    old_top = adaptive.TOP
    adaptive.TOP = 1
    try:
        assert not adaptive.worst_case_stable(
            pool, voter, np.ones(2), np.array([1, 0], bool), values
        )
        far = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
        far_pool = adaptive.Pool(["a", "b"], far, np.arange(3))
        assert not adaptive.worst_case_stable(
            far_pool, voter, np.ones(2), np.array([1, 0], bool), values
        )
        assert adaptive.worst_case_stable(
            far_pool, np.array([1.0, 0.0]), np.ones(2), np.array([1, 1], bool), values
        )
    finally:
        adaptive.TOP = old_top


def test_candidate_pages_and_results_speak_plainly_in_plain_language(demo_client, demo_app):
    bank = demo_app.extensions["vaalikone.bank"]
    answers = {"kunta": HELSINKI, "selko": "1", "a-free-premises": "5"}
    results = demo_client.post("/tulokset", data=answers).get_data(as_text=True)
    assert "Sinun tuloksesi" in results and "Ehdokkaat, jotka ovat lähimpänä sinua" in results
    assert 'name="selko" value="1"' in results, "the mode rides on from the results page"
    cid = ranked_ids(results, "kunta-2025")[0]
    page = demo_client.post(f"/ehdokkaat/{cid}", data=answers).get_data(as_text=True)
    assert bank.statement("free-premises").plain["fi"] in text_of(page)
    standard = demo_client.post(f"/ehdokkaat/{cid}", data=answers | {"selko": "0"})
    assert bank.statement("free-premises").text["fi"] in text_of(standard.get_data(as_text=True))
