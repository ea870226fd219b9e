"""channelhub.sorting: the ?sort= parameter of every sortable list."""

from channelhub.sorting import Sorts

SORTS = Sorts(
    {"name": ("Name", ("name", "pk")), "price": ("Price", ("price", "pk"))}, default="name", end=("price",)
)


def _fields(ordering):
    return [(str(expression.expression.name), expression.descending) for expression in ordering]


def test_it_sorts_ascending_descending_and_falls_back_to_the_default():
    assert SORTS.order_by("price")[0] == "price"
    assert _fields(SORTS.order_by("price")[1]) == [("price", False), ("pk", False)]
    assert _fields(SORTS.order_by("-price")[1]) == [("price", True), ("pk", True)]
    assert SORTS.order_by("nonsense")[0] == "name" and SORTS.order_by(None)[0] == "name"
    assert SORTS.order_by("-nonsense")[0] == "name"  # never an unknown column, never an error


def test_the_headers_link_to_the_other_direction_of_the_current_column():
    name, price = SORTS.headers("name", "q=x")
    assert (name["current"], name["descending"], name["query"]) == (True, False, "q=x&sort=-name")
    assert (price["current"], price["query"], price["end"]) == (False, "q=x&sort=price", True)
    name, _price = SORTS.headers("-name", "")
    assert (name["descending"], name["query"]) == (True, "sort=name")
    assert [header["key"] for header in SORTS.headers("name", "", ("price",))] == ["price"]
