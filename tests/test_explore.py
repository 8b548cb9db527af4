"""The motive explorer across workshops: several workshops in one database (the two examples, a
copy of fleet written differently, two synthetic maps), every aggregate checked against a
direct computation from the map documents, the access rule, the grouping and the command line."""

from __future__ import annotations

import copy
import csv
import io
import json
from collections import Counter, defaultdict
from datetime import date

import pytest

from workshop import demo
from workshop.analysis.explore_data import Filters, narrow
from workshop.analysis.explore_tables import matrix, report
from workshop.analysis.grouping import group_texts, normalise
from workshop.cli import main
from workshop.errors import Forbidden
from workshop.exports.table_csv import records_csv
from workshop.services import explore
from workshop.services import facilitation as fs
from workshop.services.access import scope
from workshop.services.maps import import_document


def fleet_variant() -> dict:
    """The fleet map again, held later, its texts written a little differently."""
    doc = demo.example("fleet")
    doc["workshop"].update(id="fleet-autumn", created_at="2026-11-02T09:00:00Z")
    seg = doc["segments"][0]
    seg["motives"][0]["text"] = "lower fuel costs per KM!"
    seg["motives"][1].pop("importance", None)  # absent importance counts as 3
    seg["objections"][0]["text"] = "Drivers see it as SURVEILLANCE"
    doc["usps"][0]["text"] = "Fuel analytics that cut consumption 8-12%"
    return doc


def synthetic(wid: str, seed: int) -> dict:
    return demo.synthetic_map(
        workshop_id=wid,
        seed=seed,
        segments=2,
        stages=4,
        steps=2,
        roles=8,
        motives=6,
        objections=6,
        votes=150,
        deals=3,
        participants=6,
    )


@pytest.fixture
def docs() -> list[dict]:
    return [
        demo.example("fleet"),
        demo.example("kommun"),
        fleet_variant(),
        synthetic("syn-a", 1),
        synthetic("syn-b", 2),
    ]


@pytest.fixture
def many(store, docs):
    for doc in docs:
        import_document(store, doc, actor="test")
    return store


def every(store) -> list[str]:
    return [w.id for w in store.list_workshops()]


# -- a direct computation from the documents (threshold 100: texts grouped only when equal) -----------
def direct(docs: list[dict]) -> dict:
    motives: dict[str, dict] = defaultdict(
        lambda: {
            "n": 0,
            "w": set(),
            "s": set(),
            "dots": 0,
            "weight": 0,
            "fn": Counter(),
        }
    )
    objections: dict[str, dict] = defaultdict(lambda: {"n": 0, "sev": [], "dots": 0, "causes": Counter()})
    usps: dict[str, dict] = defaultdict(lambda: {"n": 0, "segments": set(), "motives": set()})
    for doc in docs:
        wid = doc["workshop"]["id"]
        dots = Counter()
        for v in doc.get("votes", []):
            dots[v["about"]] += v["dots"]
        where = {}
        for seg in doc["segments"]:
            fn = {r["id"]: r.get("function", "other") for r in seg.get("roles", [])}
            for m in seg.get("motives", []):
                where[m["id"]] = (seg["id"], m["text"])
                a = motives[normalise(m["text"])]
                w = m.get("importance", 3) + dots[m["id"]]
                a["n"] += 1
                a["w"].add(wid)
                a["s"].add((wid, seg["id"]))
                a["dots"] += dots[m["id"]]
                a["weight"] += w
                for f in {fn[r] for r in m.get("roles", [])} or {"none"}:
                    a["fn"][f] += w
            for o in seg.get("objections", []):
                a = objections[normalise(o["text"])]
                a["n"] += 1
                a["sev"].append(o.get("severity", 3))
                a["dots"] += dots[o["id"]]
                if o.get("no_decision_cause", "none") != "none":
                    a["causes"][o["no_decision_cause"]] += 1
        for u in doc.get("usps", []):
            a = usps[normalise(u["text"])]
            a["n"] += 1
            for mid in u.get("motives", []):
                a["segments"].add((wid, where[mid][0]))
                a["motives"].add(normalise(where[mid][1]))
    return {"motives": motives, "objections": objections, "usps": usps}


def test_aggregates_match_a_direct_computation(many, docs):
    want = direct(docs)
    got = report(explore.load(many, every(many)), threshold=100)
    assert {normalise(r.motive) for r in got.motives} == set(want["motives"])
    for r in got.motives:
        w = want["motives"][normalise(r.motive)]
        assert (r.motives, r.workshops, r.segments, r.dots, r.weight) == (
            w["n"],
            len(w["w"]),
            len(w["s"]),
            w["dots"],
            w["weight"],
        )
        assert r.by_function == dict(w["fn"])
    assert [r.weight for r in got.motives] == sorted((r.weight for r in got.motives), reverse=True)

    assert {normalise(r.objection) for r in got.objections} == set(want["objections"])
    for r in got.objections:
        w = want["objections"][normalise(r.objection)]
        assert (r.count, r.severity_max, r.dots) == (w["n"], max(w["sev"]), w["dots"])
        assert r.severity_mean == pytest.approx(sum(w["sev"]) / len(w["sev"]), abs=0.01)
        assert set(r.causes) == set(w["causes"])
    causes = Counter()
    for w in want["objections"].values():
        causes.update(w["causes"])
    assert {c.cause: c.objections for c in got.causes} == dict(causes)

    assert {normalise(r.usp) for r in got.usps} == set(want["usps"])
    for r in got.usps:
        w = want["usps"][normalise(r.usp)]
        assert (r.usps, r.segments, r.serves_none) == (
            w["n"],
            len(w["segments"]),
            not w["motives"],
        )
        assert {normalise(m) for m in r.motives} == w["motives"]
    flags = [r.serves_none for r in got.usps]
    assert flags == sorted(flags, reverse=True) and flags[0]  # USPs serving no motive come first
    assert "Fastest 5G hardware on the market" in {r.usp for r in got.usps if r.serves_none}


def test_heatmap_cells_are_the_table_weights(many):
    rows = report(explore.load(many, every(many))).motives
    m = matrix(rows, top=5)
    assert m.rows == tuple(r.motive for r in rows[:5])
    for i, r in enumerate(rows[:5]):
        assert dict(zip(m.columns, m.values[i])) == {c: r.by_function.get(c, 0) for c in m.columns}
    assert all(any(row[j] for row in m.values) for j in range(len(m.columns)))  # no empty column


def test_similar_texts_of_different_workshops_are_one_motive(many):
    got = report(explore.load(many, every(many)))  # the default threshold
    [cost] = [r for r in got.motives if normalise(r.motive).startswith("lower fuel cost")]
    assert set(cost.spellings) == {"Lower fuel cost per km", "lower fuel costs per KM!"}
    assert (cost.motives, cost.workshops) == (2, 2)
    assert cost.weight == 5 + 5  # importance 5 in both, no dots
    [it] = [r for r in got.motives if r.motive == "No new system islands for IT"]
    assert it.importance_mean == 3.0  # 3 given, 3 by default
    [surv] = [r for r in got.objections if normalise(r.objection) == "drivers see it as surveillance"]
    assert surv.count == 2 and surv.dots == 5 + 5
    # kept apart: each spelling counts on its own again
    apart = report(explore.load(many, every(many)), keep_apart=["lower fuel costs per KM!"])
    assert sorted(r.motives for r in apart.motives if normalise(r.motive).startswith("lower fuel cost")) == [1, 1]


def test_measure_changes_what_a_cell_means(many):
    data = explore.load(many, ["syn-a"])
    by = {m: {r.motive: r.weight for r in report(data, measure=m).motives} for m in ("both", "importance", "dots")}
    for name, both in by["both"].items():
        assert both == by["importance"][name] + by["dots"][name]


# -- grouping -------------------------------------------------------------------------------------
def test_grouping_rules():
    g = group_texts(
        [
            "Lower fuel costs",
            "lower fuel cost",
            "Lower IT cost",
            "Safety",
            "Driver safety and compliance",
        ]
    )
    assert g.of("Lower fuel costs") is g.of("lower fuel cost")
    assert g.of("Lower IT cost") is not g.of("lower fuel cost")
    assert g.of("Safety") is not g.of("Driver safety and compliance")  # a subset is not the same motive
    numbers = group_texts(["Cut costs 10 %", "Cut costs 20 %", "Objection 1", "Objection 11"])
    assert len(numbers.groups) == 4  # numbers must agree
    exact = group_texts(["Lower fuel costs", "lower fuel cost", "LOWER fuel costs."], threshold=100)
    assert [g.count for g in exact.groups] == [2, 1]
    assert group_texts(["Lower fuel costs", "lower fuel cost"], keep_apart=["lower fuel cost"]).joined() == []
    assert [
        (k, s) for k, s, _ in group_texts(["Lower fuel costs", "lower fuel cost", "Lower fuel costs"]).joined()
    ] == [("lower fuel cost", "lower fuel cost")]


def test_grouping_follows_founders_not_chains():
    texts = [
        "keep drivers on board",
        "keep the drivers on board",
        "keep the drivers fully on board",
    ]
    g = group_texts(texts, threshold=88)
    assert g.of(texts[1]) is g.of(texts[0])
    # the third resembles the second, but not the founder closely enough: its own group
    assert g.of(texts[2]) is not g.of(texts[0])


# -- filters --------------------------------------------------------------------------------------
def test_filters_narrow_workshops_languages_segments_and_dates(many):
    data = explore.load(many, every(many))
    assert data.languages == ["en", "sv"]
    sv = narrow(data, Filters(languages={"sv"}))
    assert [w.id for w in sv.workshops] == ["kommun-lansering"]
    assert {m.text for m in sv.motives} == {"Medborgarna ska kunna boka själva"}
    one = narrow(data, Filters(segments={("syn-a", "g1")}))
    assert {(m.workshop_id, m.segment_id) for m in one.motives} == {("syn-a", "g1")}
    assert {o.segment_id for o in one.objections} == {"g1"}
    assert {u.workshop_id for u in one.usps} == {"syn-a"}  # USPs stay with their workshop
    held = narrow(data, Filters(since=date(2026, 10, 1), until=date(2026, 10, 31)))
    assert [w.id for w in held.workshops] == ["fleet-launch"]  # the map's own date counts
    fleets = narrow(data, Filters(workshops={"fleet-launch", "fleet-autumn"}))
    coverage = report(fleets).usps
    assert [r.usp for r in coverage if r.serves_none] == ["Fastest 5G hardware on the market"]
    assert {r.usps for r in coverage} == {2}


# -- access ---------------------------------------------------------------------------------------
def test_access_rule(many):
    joined = scope("s3cret", None, {"fleet-launch"})
    assert joined.workshop_ids(many) == ["fleet-launch"]
    data = explore.load(many, joined.workshop_ids(many))
    assert {m.workshop_id for m in data.motives} == {"fleet-launch"}
    admin = scope("s3cret", "s3cret", {"fleet-launch"})
    assert set(admin.workshop_ids(many)) == {d for d in every(many)} and len(every(many)) == 5
    with pytest.raises(Forbidden):
        scope("s3cret", "wrong", {"fleet-launch"})
    with pytest.raises(Forbidden):
        scope(None, "anything", ())  # no key configured: every key is wrong
    assert scope(None, None, ()).workshop_ids(many) == []


def test_deleted_workshops_are_gone(many):
    many.delete_workshop("syn-b", actor="test")
    ids = scope("k", "k", ()).workshop_ids(many)
    assert "syn-b" not in ids
    assert "syn-b" not in {m.workshop_id for m in explore.load(many, ids).motives}
    assert "syn-b" not in {m.workshop_id for m in explore.load(many, ["syn-b", "syn-a"]).motives}


# -- freshness and hidden rounds ------------------------------------------------------------------
def test_a_change_is_seen_and_a_concealed_round_is_not(store):
    created = import_document(store, demo.example("fleet")).created
    before = {m.id: m.dots for m in explore.load(store, ["fleet-launch"]).motives}
    store.add(
        "fleet-launch",
        "vote",
        {"participant": "p-anna", "about": "m-cost", "dots": 2},
        actor="p-anna",
    )
    assert {m.id: m.dots for m in explore.load(store, ["fleet-launch"]).motives}["m-cost"] == before["m-cost"] + 2

    fac = fs.Facilitator("fleet-launch", created.facilitator_key, "p-eva")
    r = fs.start_vote(store, fac, "motive")
    fs.cast_for(store, fac, "p-lars", r.no, "m-it-fit", 3)
    assert {m.id: m.dots for m in explore.load(store, ["fleet-launch"]).motives}["m-it-fit"] == before["m-it-fit"]
    fs.reveal(store, fac, r.no)
    assert {m.id: m.dots for m in explore.load(store, ["fleet-launch"]).motives}["m-it-fit"] == before["m-it-fit"] + 3


# -- CSV and the command line ---------------------------------------------------------------------
def test_csv_is_safe_for_spreadsheets():
    raw = records_csv(
        [
            {
                "motive": '=HYPERLINK("x")',
                "spellings": ["a", "-b"],
                "weight": -1,
                "serves_none": True,
            }
        ]
    )
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [
        ["motive", "spellings", "weight", "serves_none"],
        ['\'=HYPERLINK("x")', "a; -b", "-1", "true"],
    ]


def test_cli_explore_json_and_text(many, db_path, capsys):
    want = report(explore.load(many, every(many)))
    where = getattr(many, "url", None) or str(db_path)  # a PostgreSQL database, or the file
    many.close()
    assert main(["explore", "--json", "--db", where]) == 0
    got = json.loads(capsys.readouterr().out)
    assert set(got) == {"motives", "usp_coverage"}
    assert [m["motive"] for m in got["motives"]] == [r.motive for r in want.motives]
    assert [m["weight"] for m in got["motives"]] == [r.weight for r in want.motives]
    assert got["motives"][0]["by_function"] == want.motives[0].by_function
    assert got["usp_coverage"][0]["serves_none"] is True
    assert [u["usp"] for u in got["usp_coverage"]] == [r.usp for r in want.usps]

    assert main(["explore", "--db", where]) == 0
    out = capsys.readouterr().out
    assert "Buying motives across 5 workshops" in out
    assert "USP coverage" in out and "serves no buying motive" in out
    assert "lower fuel cost" in out.lower()

    assert main(["explore", "--db", where, "--lang", "sv"]) == 0
    assert "Köpmotiv i 5 workshoppar" in capsys.readouterr().out
    assert main(["explore", "--db", str(db_path), "--threshold", "20"]) == 2
    assert "--threshold" in capsys.readouterr().err


def test_cli_explore_on_an_empty_database(db_path, capsys):
    assert main(["explore", "--json", "--db", str(db_path)]) == 0
    assert json.loads(capsys.readouterr().out) == {"motives": [], "usp_coverage": []}


def test_hostile_texts_pass_through_unchanged(store):
    import_document(store, demo.hostile_map())
    data = explore.load(store, ["hostile"])
    hostile = copy.deepcopy(demo.hostile_map())
    texts = {m["text"] for s in hostile["segments"] for m in s["motives"]}
    assert {m.text for m in data.motives} == texts
    assert {r.motive for r in report(data, threshold=100).motives} == texts


def test_warm_up_fills_the_cache_and_never_fails(db_path):
    from workshop.store import open_store

    store = open_store(db_path)
    import_document(store, demo.example("fleet"))
    import_document(store, demo.example("kommun"))
    explore.clear_cache()
    explore.warm(store)
    ids = [w.id for w in store.list_workshops()]
    assert explore.load(store, ids) is explore.load(store, ids)  # served from the cache
    assert {m.workshop_id for m in explore.load(store, ids).motives} == set(ids)
    store.close()
    explore.clear_cache()
    explore.warm(store)  # a closed store: nothing to warm, and no error in the server's thread
