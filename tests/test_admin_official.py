"""The administrator's browser path for the official data: the list, e-mail lists, results, one candidate."""

from __future__ import annotations

import io

import pytest

from tests.builders import login, make_election, make_user
from tests.helpers import assert_accessible
from tests.test_import_moj import MUNICIPAL, person, with_line, zipped
from tests.test_official_results import RESULTS
from vaalikone.db import connect
from vaalikone.domain import demo

pytestmark = pytest.mark.usefixtures("finnish")


@pytest.fixture
def admin(client, db):
    make_election(db, "kunta-2029", published=True)
    make_user(db, "admin@example.fi", "admin")
    login(client, "admin@example.fi")
    return client


def upload(client, path: str, raw: bytes, name: str, prefix: str, **fields):
    data = {
        f"{prefix}-file": (io.BytesIO(raw), name),
        **{f"{prefix}-{k}": v for k, v in fields.items()},
    }
    return client.post(
        f"/yllapito/vaalit/kunta-2029/{path}", data=data, content_type="multipart/form-data"
    )


def test_the_administrator_uploads_the_list_addresses_and_results(admin, db):
    bad = upload(
        admin, "ehdokaslista", with_line(3, lambda c: c.__setitem__(2, "999")), "kv.csv", "official"
    )
    assert bad.status_code == 400
    assert "rivi 3, sarake 3 (kunta): tuntematon kunta &#39;999&#39;." in bad.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM candidate").fetchone()[0] == 0

    done = upload(admin, "ehdokaslista", zipped(MUNICIPAL), "kv-2029_ehd_maa.csv.zip", "official")
    assert done.status_code == 302
    assert "10 uutta" in admin.get(done.location).get_data(as_text=True)

    refused = upload(
        admin,
        "sahkopostit",
        b"municipality,number,email\n091,4,m@example.fi\n",
        "kok.csv",
        "emails",
        party="kok",
    )
    assert refused.status_code == 400
    assert "ehdokas numero 4 ei ole puolueen kok ehdokas." in refused.get_data(as_text=True)
    merged = upload(
        admin,
        "sahkopostit",
        b"municipality,number,email\n091,2,asa@example.fi\n",
        "kok.csv",
        "emails",
        party="kok",
    )
    assert merged.status_code == 302
    assert person(db, "Åsa", "Öhman")["email"] == "asa@example.fi"

    assert (
        upload(
            admin, "tulokset", zipped(RESULTS), "kv-2029_teat_maa.csv.zip", "results"
        ).status_code
        == 302
    )
    assert person(db, "Åsa", "Öhman")["elected"] == 1
    page = admin.get("/yllapito/vaalit/kunta-2029").get_data(as_text=True)
    assert "valittu" in page and "varalla" in page


def test_the_administrator_edits_withdraws_and_restores_a_candidate(admin, db, client):
    upload(admin, "ehdokaslista", MUNICIPAL, "kv.csv", "official")
    asa = person(db, "Åsa", "Öhman")["id"]
    url = f"/yllapito/vaalit/kunta-2029/ehdokkaat/{asa}"
    form = {
        "first_name": "Åsa",
        "last_name": "Öhman-Berg",
        "number": "2",
        "party": "kok",
        "profession": "ylilääkäri",
    }
    taken = admin.post(url, data=form | {"number": "3"})
    assert taken.status_code == 400
    assert "Numero 3 on jo ehdokkaalla Päivi Jääskeläinnen." in taken.get_data(as_text=True)
    assert admin.post(url, data=form).status_code == 302
    edited = db["candidate"].get(asa)
    assert (edited["last_name"], edited["profession"]) == ("Öhman-Berg", "ylilääkäri")

    assert admin.post(url + "/vetaytyminen").status_code == 302
    assert db["candidate"].get(asa)["withdrawn"] == 1
    assert client.get(f"/ehdokkaat/{asa}").status_code == 404
    assert admin.post(url + "/vetaytyminen").status_code == 302
    assert db["candidate"].get(asa)["withdrawn"] == 0
    assert client.get(f"/ehdokkaat/{asa}").status_code == 200


@pytest.mark.browser
def test_the_official_data_pages_work_by_keyboard_and_pass_axe(live_server, page, tmp_path):
    db = connect(live_server.app.config["DATABASE"])
    make_election(db, "kunta-2029", published=True)
    db.conn.close()
    page.goto(live_server.url + "/kirjaudu")
    page.fill("#email", demo.DEMO_USERS[0][0])
    page.fill("#password", demo.DEMO_PASSWORD)
    page.press("#password", "Enter")
    page.goto(live_server.url + "/yllapito/vaalit/kunta-2029")
    bad = tmp_path / "kv.csv"
    bad.write_bytes(with_line(7, lambda c: c.__setitem__(14, "7a")))
    page.set_input_files("#official-file", str(bad))
    page.click("text=Tuo ehdokaslista")
    assert "'7a' ei ole ehdokasnumero." in page.inner_text(".error-summary")
    assert_accessible(page, "admin-official-problems")
    good = tmp_path / "kv-2029_ehd_maa.csv.zip"
    good.write_bytes(zipped(MUNICIPAL))
    page.set_input_files("#official-file", str(good))
    page.click("text=Tuo ehdokaslista")
    assert "10 uutta" in page.inner_text("main")
    page.click("text=Åsa Öhman")
    assert_accessible(page, "admin-candidate")
    page.click("text=Poista ehdokas näkyvistä")
    assert "Ehdokas poistettu näkyvistä." in page.inner_text("main")
