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
    assert fmt.percent(0.0999) == "10%"  # rounds up past 10: no decimal


def test_ago_is_coarse() -> None:
    assert fmt.ago(None) == ""
    assert fmt.ago(1000.0, now=1030.0) == "just now"
    assert fmt.ago(1000.0, now=1000.0 + 5 * 60) == "5 min ago"
    assert fmt.ago(1000.0, now=1000.0 + 3 * 3600 + 10) == "3 h ago"
    assert fmt.ago(1000.0, now=1000.0 + 2 * 86_400) == "2 d ago"
