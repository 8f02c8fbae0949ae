from kit.readers.segment import Token, _splits, row_readings


def toks(*parts, glue=False):
    return [Token(p, p, glue_before=glue and i > 0) for i, p in enumerate(parts)]


def test_splits_respect_leading_zeros():
    assert _splits("3000003", ("count",) * 7) == (("3", "0", "0", "0", "0", "0", "3"),)
    assert _splits("230", ("count",) * 2) == (("2", "30"), ("23", "0"))
    assert _splits("023", ("count",) * 2) == (("0", "23"),)  # "02" is not a number


def test_negative_change_only_in_delta_column():
    got = _splits("1-10", ("count", "delta", "count"))
    assert got == (("1", "-1", "0"),)
    assert _splits("1-10", ("count", "count", "count")) == ()


def test_amount_keeps_decimals_in_one_cell():
    got = _splits("13575394432.52", ("count", "amount"))
    assert ("135", "75394432.52") in got
    assert all("." not in a for a, _ in got)


def test_soft_spaces_split_between_cells():
    readings = row_readings(toks("23", "0", "00", "0", "023", glue=True), ["count"] * 7)
    s1 = [r for r in readings if sum(v for v, _ in r[:-1]) == r[-1][0]]
    assert [tuple(v for v, _ in r) for r in s1] == [(23, 0, 0, 0, 0, 0, 23)]


def test_placeholder_and_blank_cells_are_null():
    readings = row_readings([Token("/", ""), Token("5", "5"), Token("", "")], ["count"] * 3)
    assert readings == [((None, "/"), (5, "5"), (None, ""))]


def test_unit_stays_on_last_part():
    r = row_readings([Token("2832995元", "2832995", suffix="元")], ["count", "amount"])
    assert ((28, "28"), (32995, "32995元")) in r
