"""The independent judged set (search/relevance/judgements_independent.toml) stays usable.

Cheap checks that need no demo build: the file parses in the command's format, it is big and
varied enough, and every page or document it expects is one the demo data files make — so a
renamed slug or title in partnerships/data/demo/* fails here instead of silently scoring 0.
"""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from partnerships.demo import demo_data
from partnerships.factories import latin_slug
from partnerships.setup import SECTIONS
from search.relevance import load_judgements

INDEPENDENT = (
    Path(__file__).resolve().parent.parent / "search" / "relevance" / "judgements_independent.toml"
)
KINDS = {
    "wordform",
    "yo",
    "typo",
    "multiword",
    "phrase",
    "library",
    "event_kind",
    "publication_kind",
    "region",
    "settlement",
    "question",
    "none",
}
CHILD_SECTIONS = ("program", "event", "publication", "chronicle")


def demo_keys():
    """Every name a judgement may use for demo content: path ends and doc:<title>."""
    data = demo_data()
    keys = {slug for _model, slug, _title, _intro in SECTIONS}
    docs = set()
    for key in data["settlements"]:
        keys.add(f"naselennye-punkty/{key}")
    for library in data["libraries"]:
        # The demo builder's slug for a library page.
        keys.add(f"{library['settlement']}/{latin_slug(library['title'])[:60]}")
    for cooperation in data["cooperations"]:
        slug = cooperation["slug"]
        keys.add(f"sodruzhestva/{slug}")
        for section in CHILD_SECTIONS:
            for item in cooperation.get(section, []):
                keys.add(f"{slug}/{item['slug']}")
        for publication in cooperation.get("publication", []):
            docs.add("doc:" + publication["title"])
        docs.add(
            "doc:Соглашение о сотрудничестве библиотек населённых пунктов "
            f"«{cooperation['settlement_name']}»"
        )
    return keys | docs


@pytest.fixture(scope="module")
def judgements():
    return load_judgements(INDEPENDENT)


def test_the_section_slugs_the_set_relies_on_are_the_setup_ones():
    slugs = {slug for _model, slug, _title, _intro in SECTIONS}
    assert {"sodruzhestva", "naselennye-punkty", "meropriyatiya", "izdaniya"} <= slugs


def test_the_set_is_big_and_covers_every_kind(judgements):
    assert len(judgements) >= 45
    assert {j.kind for j in judgements} == KINDS
    questions = [j.q for j in judgements]
    assert all(q.strip() for q in questions)
    assert len(set(questions)) == len(questions), "a query is judged twice"
    answered = [j for j in judgements if j.relevant]
    unanswered = [j for j in judgements if not j.relevant]
    assert len(answered) >= 40
    assert len(unanswered) >= 5
    assert all(j.kind == "none" for j in unanswered)
    assert all(j.kind != "none" for j in answered)


def test_every_expected_page_and_document_is_made_by_the_demo(judgements):
    known = demo_keys()
    missing = sorted({key for j in judgements for key in j.relevant if key not in known})
    assert missing == []


def test_no_work_plan_is_judged(judgements):
    """Plan slugs follow the year the demo is built in; judging one would rot in a year."""
    assert not [key for j in judgements for key in j.relevant if "/plan-" in key]


def test_the_check_above_would_notice_a_renamed_library():
    known = demo_keys()
    assert "nikolskoe-tosno/nikolskaya-gorodskaya-biblioteka" in known
    assert "nikolskoe-tosno/nikolskaya-gorodskaya-biblioteka-old" not in known
    assert "doc:Сёла Николаевки: указатель литературы" in known


def test_the_command_reads_the_file_it_is_given(tmp_path):
    missing = tmp_path / "missing.toml"
    with pytest.raises(CommandError, match="Cannot read the judged set"):
        call_command("search_relevance", "--judgements", str(missing))
    only_none = tmp_path / "none.toml"
    only_none.write_text('[[query]]\nq = "шахматы"\nkind = "none"\nrelevant = []\n')
    with pytest.raises(CommandError, match="no query with a right answer"):
        call_command("search_relevance", "--judgements", str(only_none))


@pytest.mark.django_db
def test_the_command_checks_the_pages_of_the_given_file(tmp_path):
    path = tmp_path / "one.toml"
    path.write_text(
        '[[query]]\nq = "Никольское"\nkind = "settlement"\n'
        'relevant = ["naselennye-punkty/nikolskoe-tosno"]\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="naselennye-punkty/nikolskoe-tosno"):
        call_command("search_relevance", "--judgements", str(path))
