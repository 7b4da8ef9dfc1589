"""Similar trials: what the trial page's "Similar trials" section lists, and in what order."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template.loader import render_to_string

from matching.models import SimilarTrial
from matching.similar import compute, refresh_for, similar_context
from trials.geo import haversine_km
from trials.models import Site, Trial

pytestmark = pytest.mark.django_db

LYON = (45.76, 4.84)
PARIS = (48.86, 2.35)
BOSTON = (42.36, -71.06)


def make(
    nct_id: str,
    conditions: list[str],
    interventions: tuple[str, ...] = (),
    status: str = "COMPLETED",
    criteria: str = "",
    sites: tuple[tuple[float, float], ...] = (),
    mesh: tuple[str, ...] = (),
) -> Trial:
    trial = Trial.objects.create(
        nct_id=nct_id,
        title=f"Study {nct_id} of {', '.join(conditions)}",
        overall_status=status,
        conditions=conditions,
        intervention_names=list(interventions),
        search_conditions="\n".join([*conditions, *mesh]),
        search_interventions="\n".join(interventions),
        eligibility_criteria=criteria,
        record={},
        content_hash=nct_id,
    )
    for position, (lat, lon) in enumerate(sites):
        Site.objects.create(trial=trial, position=position, latitude=lat, longitude=lon)
    return trial


@pytest.fixture
def catalogue() -> dict[str, Trial]:
    egfr = "Inclusion: EGFR mutation, stage IV, prior platinum chemotherapy. ECOG 0-1."
    return {
        "target": make(
            "NCT90000001",
            ["Non-small Cell Lung Cancer"],
            ("Pembrolizumab",),
            criteria=egfr,
            mesh=("Carcinoma, Non-Small-Cell Lung",),
        ),
        "nsclc_abbrev": make("NCT90000002", ["NSCLC"], ("Docetaxel",), sites=(BOSTON,)),
        "nsclc_pembro": make(
            "NCT90000003",
            ["Carcinoma, Non-Small-Cell Lung"],
            ("Pembrolizumab", "Placebo"),
            criteria=egfr,
            sites=(PARIS,),
        ),
        "nsclc_recruiting": make(
            "NCT90000004",
            ["Stage IV Non-small Cell Lung Cancer"],
            ("Nivolumab",),
            status="RECRUITING",
            sites=(LYON,),
        ),
        "asthma": make("NCT90000005", ["Asthma"], ("Budesonide", "Placebo"), criteria=egfr),
        "kawasaki": make("NCT90000006", ["Kawasaki Disease"], ("Infliximab",)),
        "diabetes": make("NCT90000007", ["Type 2 Diabetes"], ("Placebo",), criteria=egfr),
    }


def listed(trial: Trial) -> list[str]:
    return list(
        SimilarTrial.objects.filter(trial=trial)
        .exclude(similar=None)
        .order_by("rank")
        .values_list("similar__nct_id", flat=True)
    )


def test_same_condition_listed_and_unrelated_left_out(catalogue):
    compute()
    names = listed(catalogue["target"])
    nsclc = {catalogue[k].nct_id for k in ("nsclc_abbrev", "nsclc_pembro", "nsclc_recruiting")}
    assert set(names) == nsclc
    # shared condition, drug and criteria beat a shared condition alone
    assert names[0] == catalogue["nsclc_pembro"].nct_id


def test_reasons_in_words(catalogue):
    compute()
    rows = {
        r.similar.nct_id: r.reasons
        for r in SimilarTrial.objects.filter(trial=catalogue["target"]).exclude(similar=None)
    }
    assert rows[catalogue["nsclc_pembro"].nct_id][:2] == [
        "Same condition: Carcinoma, Non-Small-Cell Lung",
        "Also tests Pembrolizumab",
    ]
    # "NSCLC" is the abbreviation of the target's condition
    assert rows[catalogue["nsclc_abbrev"].nct_id][0] == "Same condition: Non-small Cell Lung Cancer"


def test_placebo_alone_is_not_similarity(catalogue):
    compute()
    assert listed(catalogue["diabetes"]) == []


def test_self_never_listed(catalogue):
    compute()
    for trial in catalogue.values():
        assert trial.nct_id not in listed(trial)
        cards = similar_context(trial)["similar_trials"]
        assert trial.nct_id not in [c.nct_id for c in cards]


def test_recruiting_first_with_reason(catalogue):
    compute()
    cards = similar_context(catalogue["target"])["similar_trials"]
    assert cards[0].nct_id == catalogue["nsclc_recruiting"].nct_id
    assert cards[0].reasons[-1] == "Recruiting"
    assert all("Recruiting" not in c.reasons for c in cards[1:])


def test_nearest_first_with_a_point(catalogue):
    Trial.objects.filter(pk=catalogue["nsclc_recruiting"].pk).update(overall_status="COMPLETED")
    compute()
    near_boston = similar_context(catalogue["target"], near=(42.0, -71.0))
    assert near_boston["similar_near"] is True
    cards = near_boston["similar_trials"]
    assert [c.nct_id for c in cards] == [
        catalogue["nsclc_abbrev"].nct_id,  # Boston
        catalogue["nsclc_pembro"].nct_id,  # Paris
        catalogue["nsclc_recruiting"].nct_id,  # Lyon
    ]
    assert cards[0].distance_km == pytest.approx(haversine_km(42.0, -71.0, *BOSTON), rel=1e-6)
    near_lyon = similar_context(catalogue["target"], near=LYON)["similar_trials"]
    assert [c.nct_id for c in near_lyon] == [
        catalogue["nsclc_recruiting"].nct_id,
        catalogue["nsclc_pembro"].nct_id,
        catalogue["nsclc_abbrev"].nct_id,
    ]
    assert near_lyon[0].distance_km == pytest.approx(0, abs=0.5)
    assert near_lyon[1].distance_km == pytest.approx(haversine_km(*LYON, *PARIS), rel=1e-6)


def test_trial_without_sites_goes_after_those_with_a_distance(catalogue):
    extra = make("NCT90000008", ["Non-small Cell Lung Cancer"], ("Pembrolizumab",))
    compute()
    cards = similar_context(catalogue["nsclc_pembro"], near=PARIS)["similar_trials"]
    assert extra.nct_id in [c.nct_id for c in cards]
    distances = [c.distance_km for c in cards]
    assert None in distances
    known = distances[: distances.index(None)]
    assert known and known == sorted(known)
    assert set(distances[len(known) :]) == {None}


@pytest.mark.parametrize("near", [None, LYON], ids=["no place", "with a place"])
def test_context_costs_one_query(catalogue, django_assert_num_queries, near):
    compute()
    with django_assert_num_queries(1):
        context = similar_context(catalogue["target"], near=near)
    assert len(context["similar_trials"]) == 3


def test_computed_lazily_on_first_view(catalogue):
    assert not SimilarTrial.objects.exists()
    cards = similar_context(catalogue["target"])["similar_trials"]
    assert len(cards) == 3
    assert SimilarTrial.objects.filter(trial=catalogue["target"], similar=None).exists()


def test_empty_list_is_remembered(catalogue, django_assert_num_queries):
    similar_context(catalogue["kawasaki"])
    with django_assert_num_queries(1):
        assert similar_context(catalogue["kawasaki"])["similar_trials"] == []


def test_no_similar_trials_renders_nothing(catalogue):
    html = render_to_string("matching/_similar.html", similar_context(catalogue["kawasaki"]))
    assert html.strip() == ""


def test_section_shows_cards(catalogue):
    context = similar_context(catalogue["target"], near=LYON)
    html = render_to_string("matching/_similar.html", {**context, "near": "Lyon"})
    assert "Similar trials" in html
    assert f'href="/trials/{catalogue["nsclc_recruiting"].nct_id}/?near=Lyon"' in html
    assert "Same condition: Non-small Cell Lung Cancer" in html
    assert "Recruiting" in html
    assert "away" in html


def test_at_most_five_cards():
    target = make("NCT91000000", ["Psoriasis"])
    for n in range(1, 9):
        make(f"NCT9100000{n}", ["Psoriasis"])
    compute()
    assert len(listed(target)) == 8
    assert len(similar_context(target)["similar_trials"]) == 5


def test_refresh_adds_a_new_trial_to_its_neighbours_lists(catalogue):
    compute()
    new = make("NCT90000009", ["Kawasaki Disease"], ("Infliximab",), status="RECRUITING")
    refresh_for([new.pk])
    assert listed(new) == [catalogue["kawasaki"].nct_id]
    assert listed(catalogue["kawasaki"]) == [new.nct_id]


def test_command_recomputes_all(catalogue, capsys):
    call_command("similar", "--all")
    assert "for 7 trials" in capsys.readouterr().out
    assert SimilarTrial.objects.filter(similar=None).count() == 7


def test_command_recomputes_given_trials(catalogue, capsys):
    call_command("similar", "nct90000006")
    assert listed(catalogue["kawasaki"]) == []
    assert SimilarTrial.objects.filter(trial=catalogue["kawasaki"], similar=None).exists()
    assert "Recomputed" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, message",
    [
        ((), "give either --all or one or more NCT numbers"),
        (("--all", "NCT90000001"), "give either --all or one or more NCT numbers"),
        (("12345",), "not an NCT number: 12345"),
        (("NCT99999999",), "not in the catalogue: NCT99999999"),
    ],
)
def test_command_bad_input(catalogue, args, message):
    with pytest.raises(CommandError, match=message) as raised:
        call_command("similar", *args)
    assert raised.value.returncode == 2


def test_refresh_in_a_big_catalogue_reads_only_related_trials(catalogue, monkeypatch):
    monkeypatch.setattr("matching.similar.FULL_LOAD_UNDER", 1)
    new = make("NCT90000010", ["NSCLC"], ("Pembrolizumab",))
    refresh_for([new.pk])
    names = listed(new)
    assert names[0] == catalogue["nsclc_abbrev"].nct_id
    assert {catalogue["nsclc_pembro"].nct_id, catalogue["target"].nct_id} <= set(names)
    assert catalogue["asthma"].nct_id not in names
    assert new.nct_id in listed(catalogue["nsclc_pembro"])
