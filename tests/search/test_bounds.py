"""The bounds that keep broad searches fast still give a coherent, complete order."""

import pytest

from trials.search import SearchQuery, bitsets, engine, search

from .factory import make_trial, record, site

pytestmark = pytest.mark.django_db


def ids(page) -> list[str]:
    return [hit.nct_id for hit in page.hits]


def test_broad_words_look_at_the_newest_matches_and_say_so(monkeypatch) -> None:
    for i in range(1, 6):
        make_trial(record(f"NCT{i:08d}", "Asthma study"))
    make_trial(record("NCT00000009", "Gout study"))
    assert search(SearchQuery("asthma")).capped is False
    monkeypatch.setattr(engine, "TEXT_WINDOW", 3)
    page = search(SearchQuery("asthma"))
    assert page.capped is True
    assert page.total == 3
    assert sorted(ids(page)) == ["NCT00000003", "NCT00000004", "NCT00000005"]
    assert page.facets["study_type"][0].count == 3


def test_relevance_orders_the_pool_and_the_rest_follow_newest_first(monkeypatch) -> None:
    make_trial(record("NCT00000001", "Asthma", conditions=("Asthma",)))
    make_trial(record("NCT00000002", "Study", criteria="asthma"))
    make_trial(record("NCT00000003", "Study two", criteria="asthma"))
    make_trial(record("NCT00000004", "Asthma", conditions=("Asthma",)))
    monkeypatch.setattr(engine, "RANK_POOL", 2)
    page = search(SearchQuery("asthma"))
    # the pool is the two newest (4 and 3), ranked; then 2 and 1, newest first
    assert ids(page) == ["NCT00000004", "NCT00000003", "NCT00000002", "NCT00000001"]
    assert all(hit.score > 0 for hit in page.hits)


def test_walking_the_browse_index_gives_the_same_order_as_sorting(monkeypatch) -> None:
    statuses = ["RECRUITING", "COMPLETED", "RECRUITING", "WITHDRAWN", "COMPLETED", "RECRUITING"]
    for i, status in enumerate(statuses * 3):
        make_trial(
            record(f"NCT{i:08d}", status=status, phases=("PHASE2",), updated=f"2021-03-{i + 1:02d}")
        )
    for i in range(3):  # newer and recruiting, but filtered out
        make_trial(record(f"NCT0000009{i}", status="RECRUITING", phases=("PHASE3",)))
    query = SearchQuery(filters={"phase": ["PHASE2"]}, per_page=5)
    direct = [ids(search(SearchQuery(**{**query.__dict__, "page": n}))) for n in (1, 2, 3, 4)]
    monkeypatch.setattr(engine, "DIRECT_ORDER_LIMIT", 1)
    monkeypatch.setattr(engine, "BROWSE_BATCH", 4)
    walked = [ids(search(SearchQuery(**{**query.__dict__, "page": n}))) for n in (1, 2, 3, 4)]
    assert walked == direct
    assert [len(p) for p in direct] == [5, 5, 5, 3]
    assert direct[0][:3] == ["NCT00000017", "NCT00000014", "NCT00000012"]


@pytest.mark.parametrize(
    "ids_",
    [[], [0], [1, 2, 3], [7, 8, 9, 63, 64, 65], list(range(0, 2000, 7))],
)
def test_bitsets_round_trip(ids_) -> None:
    bits = bitsets.from_ids(ids_)
    assert bitsets.to_ids(bits) == sorted(ids_)
    assert bitsets.to_ids(bits, descending=True) == sorted(ids_, reverse=True)
    member = bitsets.Membership(bits)
    assert all(i in member for i in ids_)
    assert not any(i in member for i in range(2100) if i not in set(ids_))


@pytest.mark.django_db(transaction=True)
def test_the_facet_snapshot_follows_catalogue_changes() -> None:
    make_trial(record("NCT00000001", status="RECRUITING", sites=(site("Lyon", 45.7, 4.8),)))
    first = search(SearchQuery())
    assert [(f.value, f.count) for f in first.facets["status"]] == [("RECRUITING", 1)]
    assert bitsets.snapshot() is bitsets.snapshot()  # kept while nothing changes
    make_trial(record("NCT00000002", status="COMPLETED"))
    second = search(SearchQuery())
    assert second.total == 2
    assert [(f.value, f.count) for f in second.facets["status"]] == [
        ("COMPLETED", 1),
        ("RECRUITING", 1),
    ]
