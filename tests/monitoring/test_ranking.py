"""The quarterly and annual ranking (seed 002): 优秀 = top 10 AND ≥ 90, 不合格 = bottom 3 AND < 70."""

from __future__ import annotations

from decimal import Decimal

from cms.monitoring.ranking import Entry, Grade, rank_sites


def ranked(*points, vetoes: dict[str, int] | None = None) -> dict[str, tuple[int | None, str | None]]:
    """Sites named s1, s2 … with the given points (None: no data) -> {name: (rank, grade)}."""
    vetoes = vetoes or {}
    entries = [
        Entry(f"s{n}", None if p is None else Decimal(str(p)), vetoes.get(f"s{n}", 0))
        for n, p in enumerate(points, start=1)
    ]
    return {s.entry.key: (s.rank, s.grade) for s in rank_sites(entries)}


def grades(*points, **options) -> list[str | None]:
    return [grade for _, grade in ranked(*points, **options).values()]


def test_top_ten_and_at_least_ninety_is_excellent_both_conditions():
    # 12 sites from 100 down to 89: the 10th (91) is excellent, the 11th (90) is not in the top 10.
    result = ranked(*range(100, 88, -1))
    assert result["s10"] == (10, Grade.EXCELLENT)
    assert result["s11"] == (11, Grade.PASS)
    assert result["s12"] == (12, Grade.PASS)  # bottom 3 but not below 70


def test_ninety_is_in_below_is_out():
    result = ranked(95, 90, Decimal("89.9"), 80)
    assert result["s2"][1] == Grade.EXCELLENT  # “90分以上” includes 90
    assert result["s3"] == (3, Grade.PASS)  # in the top 10 but below 90


def test_bottom_three_and_below_seventy_fails_both_conditions():
    # The last three fail only when below 70; 70 itself passes.
    result = ranked(90, 80, 70, Decimal("69.9"), 50)
    assert result["s5"] == (5, Grade.FAIL)
    assert result["s4"] == (4, Grade.FAIL)
    assert result["s3"] == (3, Grade.PASS)  # bottom 3, exactly 70: not below
    # Below 70 but fourth from the bottom: passes.
    result = ranked(95, 94, 93, 92, 91, 85, 68, 67, 66, 50)
    assert result["s7"] == (7, Grade.PASS)
    assert [result[f"s{n}"][1] for n in (8, 9, 10)] == [Grade.FAIL] * 3


def test_ties_share_a_rank_and_a_grade_at_both_boundaries():
    # 11 sites level at 95: all rank 1, all in the top 10.
    assert set(grades(*[95] * 11)) == {Grade.EXCELLENT}
    # 14 sites: four level at the bottom with 60 are all within the bottom 3 (none strictly lower than 3 others).
    result = ranked(*[80] * 10, 60, 60, 60, 60)
    assert {result[f"s{n}"] for n in (11, 12, 13, 14)} == {(11, Grade.FAIL)}
    # Level with the 10th place: 9 sites from 99 to 91, then three at 90 share rank 10 and are excellent.
    result = ranked(*range(99, 90, -1), 90, 90, 90)
    assert [result[f"s{n}"] for n in (10, 11, 12)] == [(10, Grade.EXCELLENT)] * 3


def test_fewer_than_ten_sites_are_all_in_the_top_ten_and_fewer_than_three_all_in_the_bottom():
    assert grades(99, 95, 92, 90) == [Grade.EXCELLENT] * 4
    assert grades(65, 50) == [Grade.FAIL, Grade.FAIL]
    assert grades(92) == [Grade.EXCELLENT]
    assert grades(69) == [Grade.FAIL]
    assert ranked() == {}


def test_a_site_with_a_veto_fails_and_is_ranked_after_the_others():
    # s1 has the most points but a veto: it fails, comes last, and leaves its place in the top 10 to s11.
    points = [100, *range(99, 89, -1)]  # s1 = 100, s2 … s11 = 99 … 90
    result = ranked(*points, vetoes={"s1": 1})
    assert result["s1"] == (11, Grade.FAIL)
    assert result["s11"] == (10, Grade.EXCELLENT)
    # A vetoed site does not shield the lowest scores from the bottom 3 either.
    result = ranked(95, 92, 68, 65, 30, vetoes={"s5": 2})
    assert result["s5"] == (5, Grade.FAIL)
    assert result["s4"] == (4, Grade.FAIL) and result["s3"] == (3, Grade.FAIL)
    assert result["s2"] == (2, Grade.EXCELLENT)


def test_a_site_without_data_is_not_ranked():
    result = ranked(95, None, 80)
    assert result["s2"] == (None, None)
    assert result["s3"] == (2, Grade.PASS)
    assert list(result)[-1] == "s2"  # listed last
