"""The question bank: statements derived from the seed goal documents, complete and well formed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from vaalikone.domain.statements import LANGUAGES, QuestionBankError, load_bank

QUESTIONS = Path(__file__).resolve().parent.parent / "questions"
SEEDS = QUESTIONS / "seeds"
IDS_FILE = Path(__file__).resolve().parent / "data" / "statement_ids.txt"


@pytest.fixture(scope="module")
def bank():
    return load_bank(QUESTIONS)


def seed_bullets(path: Path) -> list[str]:
    """Every goal bullet of a seed: lines starting with • or -, and SOSTE's 'THEME | ...' paragraphs."""
    bullets = []
    for line in path.read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if s.startswith(("•", "-")) or re.match(r"^[A-ZÄÖÅ -]+ \| ", s):
            bullets.append(s.lstrip("•-").strip())
    return bullets


def coverage_rows() -> dict[str, list[tuple[str, str]]]:
    rows: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in (QUESTIONS / "COVERAGE.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].split()[0]
            rows[current] = []
        elif current and line.startswith("| ") and not line.startswith("| bullet"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows[current].append((cells[0].replace("\\|", "|"), cells[1]))
    return rows


def test_bank_size_and_balance(bank):
    statements = bank.statements
    assert 24 <= len(statements) <= 32
    assert sum("kunta" in s.elections for s in statements) >= 15
    assert sum("alue" in s.elections for s in statements) >= 15


def test_at_least_a_quarter_of_statements_are_reversed(bank):
    """Agreeing with a reversed statement goes against the goals: it counters acquiescence bias."""
    statements = bank.statements
    assert sum(s.reversed for s in statements) / len(statements) >= 0.25


def test_ids_are_unique_kebab_case_and_stable(bank):
    ids = [s.id for s in bank.statements]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    published = IDS_FILE.read_text().split()
    assert ids == published, "statement ids are public (answers, API, open data): add, never rename"


def test_every_text_exists_in_finnish_swedish_and_english(bank):
    for theme in bank.themes:
        assert all(theme.name[lang].strip() for lang in LANGUAGES)
        for s in theme.statements:
            assert all(s.text[lang].strip() for lang in LANGUAGES), s.id
            assert len({s.text[lang] for lang in LANGUAGES}) == 3, f"{s.id}: a text is untranslated"
            if s.explainer:
                assert all(s.explainer[lang].strip() for lang in LANGUAGES), s.id


def test_every_seed_file_is_cited(bank):
    cited = {src.file for s in bank.statements for src in s.sources}
    assert cited == {p.name for p in SEEDS.glob("*.txt")}


def test_every_goal_bullet_is_mapped_in_coverage(bank):
    ids = {s.id for s in bank.statements}
    rows = coverage_rows()
    for seed in sorted(SEEDS.glob("*.txt")):
        mapped = rows.get(seed.name)
        assert mapped is not None, f"COVERAGE.md has no table for {seed.name}"
        bullets = seed_bullets(seed)
        assert len(bullets) == len(mapped), seed.name
        for bullet, (start, target) in zip(bullets, mapped, strict=True):
            assert len(start) >= 40 and bullet.startswith(start), (seed.name, start)
            target_id = target.split(":", 1)[-1].strip()
            assert target_id in ids, (seed.name, start, target)


def test_organisation_goals_come_from_their_own_documents(bank):
    assert {o.id for o in bank.organisations} == {"soste", "jarjestokaista", "kyt"}
    for org in bank.organisations:
        assert org.goals
        for goal in org.goals:
            statement = bank.statement(goal.statement)
            assert {src.file for src in statement.sources} & set(org.seeds), (
                org.id,
                goal.statement,
            )
            assert goal.position == statement.serves
    regions = {o.id: o for o in bank.organisations}
    assert regions["soste"].scope == "national"
    assert regions["kyt"].counties == ("keski-suomi",)
    assert "091" in regions["jarjestokaista"].municipalities


@pytest.fixture
def broken(tmp_path):
    """A private copy of the bank to break one way per test."""
    copy = tmp_path / "questions"
    shutil.copytree(QUESTIONS, copy)
    return copy


def first_theme(directory: Path) -> Path:
    return sorted(p for p in directory.glob("*.toml") if p.name != "organisations.toml")[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_names(error: QuestionBankError, file: str, field: str) -> None:
    assert file in str(error) and field in str(error), str(error)


def test_missing_directory_is_named(tmp_path):
    with pytest.raises(QuestionBankError) as info:
        load_bank(tmp_path / "missing")
    assert "missing" in str(info.value)


def test_toml_syntax_error_names_the_file(broken):
    path = first_theme(broken)
    edit(path, "[[statement]]", "[[statement]")
    with pytest.raises(QuestionBankError) as info:
        load_bank(broken)
    assert_names(info.value, path.name, "syntax")


def test_missing_swedish_text_names_file_and_field(broken):
    path = first_theme(broken)
    text = path.read_text(encoding="utf-8")
    start = text.index("[[statement]]")
    path.write_text(
        text[:start] + re.sub(r'sv = "[^"]*", ', "", text[start:], count=1), encoding="utf-8"
    )
    with pytest.raises(QuestionBankError) as info:
        load_bank(broken)
    assert_names(info.value, path.name, "text.sv")


def test_unknown_election_kind_is_refused(broken):
    path = first_theme(broken)
    edit(path, 'elections = ["kunta", "alue"]', 'elections = ["kunta", "eu"]')
    with pytest.raises(QuestionBankError) as info:
        load_bank(broken)
    assert_names(info.value, path.name, "elections")


def test_duplicate_id_names_both_files(broken, bank):
    files = sorted(p for p in broken.glob("*.toml") if p.name != "organisations.toml")
    first_id = bank.themes[0].statements[0].id
    second_id = bank.themes[1].statements[0].id
    edit(files[1], f'id = "{second_id}"', f'id = "{first_id}"')
    with pytest.raises(QuestionBankError) as info:
        load_bank(broken)
    assert_names(info.value, files[1].name, "id")
    assert files[0].name in str(info.value)


def test_quote_not_in_seed_is_refused(broken):
    path = first_theme(broken)
    edit(path, 'quote = "', 'quote = "Keksitty lause, jota ei ole missään. ')
    with pytest.raises(QuestionBankError) as info:
        load_bank(broken)
    assert_names(info.value, path.name, "quote")


def test_goal_on_unknown_statement_is_refused(broken, bank):
    path = broken / "organisations.toml"
    edit(
        path,
        f'statement = "{bank.organisations[0].goals[0].statement}"',
        'statement = "no-such-statement"',
    )
    with pytest.raises(QuestionBankError) as info:
        load_bank(broken)
    assert_names(info.value, "organisations.toml", "statement")


def test_every_seed_document_names_its_publisher_title_and_year(bank):
    """The statement pages quote each goal with its document's publisher, title and year."""
    seeds = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert [d.file for d in bank.documents] == seeds
    for document in bank.documents:
        assert document.publisher and document.title and re.fullmatch(r"20\d\d", document.year)
    # Titles are the documents' own words: each appears in its seed.
    for document in bank.documents:
        opening = " ".join((SEEDS / document.file).read_text(encoding="utf-8").split())
        assert " ".join(document.title.split(":")[-1].split()) in opening, document.file


def test_a_cited_seed_without_a_description_is_named(broken):
    path = broken / "seeds" / "documents.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('[[document]]\nfile = "004_')
    path.write_text(text[:start], encoding="utf-8")
    with pytest.raises(QuestionBankError) as info:
        load_bank(broken)
    assert_names(info.value, "documents.toml", "004_4d0dff8bd92d1686.txt")


# Plain language (selkokieli, lättläst, plain English). Selkokeskus asks for short sentences and common,
# short words; these limits put numbers on that. A word is long from 13 letters. Each plain text (statement or
# explainer) stays within the per-text limits, and the bank's plain texts on average within the tighter mean
# limits and below the standard texts on both measures. Finnish compounds and Swedish definite plurals
# (organisationerna) make long words commoner in those languages, hence their larger shares.
PLAIN_MAX_SENTENCE = {"fi": 11.0, "sv": 14.0, "en": 16.0}  # words per sentence, one text
PLAIN_MAX_LONG = {"fi": 0.25, "sv": 0.22, "en": 0.12}  # share of long words, one text
PLAIN_MEAN_SENTENCE = {"fi": 8.0, "sv": 9.5, "en": 10.5}  # over every plain text
PLAIN_MEAN_LONG = {"fi": 0.10, "sv": 0.10, "en": 0.05}
LONG_WORD = 13


def readability(text: str) -> tuple[float, float]:
    """Mean sentence length in words and the share of long words (13+ letters) of a text."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    words = re.findall(r"[\w’'-]+", text)
    long_words = [w for w in words if len(w.strip("-")) >= LONG_WORD]
    return len(words) / len(sentences), len(long_words) / len(words)


def test_every_statement_explainer_and_theme_has_a_plain_version_in_three_languages(bank):
    assert len(bank.statements) == 30
    for statement in bank.statements:
        assert set(statement.plain) == set(LANGUAGES), statement.id
        assert all(statement.plain.values()), statement.id
        assert set(statement.plain_explainer) == (set(LANGUAGES) if statement.explainer else set())
    for theme in bank.themes:
        assert set(theme.plain_name) == set(LANGUAGES), theme.id


def test_plain_versions_are_recorded_as_equivalent_in_coverage(bank):
    noted = {sid for sid, _ in coverage_rows()["Plain"] if sid != "statement"}
    assert noted == {s.id for s in bank.statements}


def test_plain_texts_are_within_the_readability_limits_and_plainer_than_the_standard(bank):
    """Prints each statement's figures per language: words per sentence and long-word share, standard -> plain."""
    over = []
    figures: dict[str, list[tuple[float, float]]] = {lang: [] for lang in LANGUAGES}
    standard: dict[str, list[tuple[float, float]]] = {lang: [] for lang in LANGUAGES}
    for statement in bank.statements:
        cells = []
        for lang in LANGUAGES:
            std = readability(statement.text[lang])
            plain = readability(statement.plain[lang])
            standard[lang].append(std)
            texts = [plain]
            if statement.plain_explainer:
                texts.append(readability(statement.plain_explainer[lang]))
            for length, long_share in texts:
                figures[lang].append((length, long_share))
                if length > PLAIN_MAX_SENTENCE[lang] or long_share > PLAIN_MAX_LONG[lang]:
                    over.append((statement.id, lang, round(length, 1), round(long_share, 2)))
            cells.append(
                f"{lang} {std[0]:4.1f}->{plain[0]:4.1f} w/s {std[1]:4.0%}->{plain[1]:4.0%} long"
            )
        print(f"{statement.id:28} " + " | ".join(cells))
    assert not over, over
    for lang in LANGUAGES:
        mean_len, mean_long = np.mean(figures[lang], axis=0)
        std_len, std_long = np.mean(standard[lang], axis=0)
        print(
            f"{lang}: plain {mean_len:.1f} words/sentence, {mean_long:.0%} long words; "
            f"standard {std_len:.1f}, {std_long:.0%}"
        )
        assert mean_len <= PLAIN_MEAN_SENTENCE[lang] and mean_long <= PLAIN_MEAN_LONG[lang], lang
        assert mean_len < std_len and mean_long < std_long, lang
