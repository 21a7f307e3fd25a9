"""National scale, checked cheaply: the sizes the national demo builds, and the official list written from a
demo election reads back in (the full national build runs in `python -m vaalikone.bench --national`)."""

from __future__ import annotations

import io

from vaalikone.bench_national import official_list
from vaalikone.db import connect
from vaalikone.domain import candidates, demo, elections
from vaalikone.domain.places import read_csv
from vaalikone.importers import moj


def test_the_national_demo_has_2025s_real_size_with_helsinki_about_1400():
    municipalities = [m for m in read_csv("municipalities.csv") if m["district"] != "ahvenanmaa"]
    places = [(m["code"], None, None, None, int(m["population"])) for m in municipalities]
    sizes = dict(
        zip(
            [m["code"] for m in municipalities],
            demo._national_sizes(places, demo.NATIONAL_MUNICIPAL, demo.NATIONAL_EXPONENT),
            strict=True,
        )
    )
    assert 29_500 <= sum(sizes.values()) <= 30_500
    assert 1_300 <= sizes["091"] <= 1_500
    assert min(sizes.values()) >= 8
    # Larger places have more candidates, though fewer per inhabitant.
    assert sizes["091"] > sizes["853"] > sizes["545"]
    assert sizes["091"] / 656_920 < sizes["545"] / 9_558


def test_a_whole_demo_election_written_as_the_official_list_reads_back_unchanged(
    demo_db_file, tmp_path
):
    path = tmp_path / "demo.db"
    path.write_bytes(demo_db_file.read_bytes())
    db = connect(path)
    raw = official_list(db, "kunta-2025")
    elections.create_election(
        db, "kunta", "2029-04-08", "2029-03-20T16:00:00+02:00", {"fi": "K", "sv": "K", "en": "K"}
    )
    parsed = moj.parse(db, io.BytesIO(raw), "kunta-2029")
    assert parsed.problems == []
    changes = candidates.apply_official_list(db, parsed.election_id, parsed.candidates)
    demo_count = db.execute(
        "SELECT count(*) FROM candidate WHERE election_id = 'kunta-2025'"
    ).fetchone()[0]
    assert changes.added == demo_count == 2_533
    again = moj.parse(db, io.BytesIO(raw), "kunta-2029")
    assert (
        candidates.apply_official_list(db, "kunta-2029", again.candidates).unchanged == demo_count
    )
    same = db.execute(
        """SELECT count(*) FROM candidate a JOIN candidate b
           ON b.election_id = 'kunta-2029' AND b.constituency_id = replace(a.constituency_id, '2025', '2029')
           AND b.number = a.number AND b.first_name = a.first_name AND b.party_id IS a.party_id
           WHERE a.election_id = 'kunta-2025'"""
    ).fetchone()[0]
    assert same == demo_count
    db.conn.close()
