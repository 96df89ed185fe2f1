from __future__ import annotations

from app import format as fmt


def test_numbers_read_like_the_ui_says() -> None:
    assert fmt.count(41080) == "41,080"
    assert fmt.percent(0.9) == "90%"
    assert fmt.percent(0.054) == "5.4%"
    assert fmt.percent(0) == "0%"
    assert fmt.compact(2_100_000) == "2.1M"
    assert fmt.compact(950) == "950"
    assert fmt.dollars(18.4) == "$18.40"
    assert fmt.dollars(0.0012) == "$0.0012"
    assert fmt.saved_fraction(0, 0) is None
    assert fmt.saved_fraction(100, 120) == 0.0
