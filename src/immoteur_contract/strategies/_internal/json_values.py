"""Arbitrary JSON values: scalars, nested values, unknown extra fields, values of another type."""

from __future__ import annotations

import functools

from hypothesis import strategies as st

from .fields import FIELDS

__all__ = ["NONE_TYPE", "extra_fields", "json_scalars", "json_values", "non_type"]


@functools.cache
def json_scalars() -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**53), max_value=2**53),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
    )


@functools.cache
def json_values(max_leaves: int = 8) -> st.SearchStrategy[object]:
    return st.recursive(
        json_scalars(),
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(st.text(max_size=8), children, max_size=3),
        ),
        max_leaves=max_leaves,
    )


@functools.cache
def extra_fields() -> st.SearchStrategy[dict[str, object]]:
    """Unknown fields (D8): names that are not documented request fields, any JSON values."""
    return st.dictionaries(
        st.text(min_size=1, max_size=12).filter(lambda k: k not in FIELDS),
        json_values(max_leaves=3),
        max_size=2,
    )


NONE_TYPE: type = type(None)


@functools.cache
def non_type(*excluded: type) -> st.SearchStrategy[object]:
    """JSON values whose Python type is none of `excluded` (bool is kept apart from int)."""

    def keep(value: object) -> bool:
        return not any(type(value) is kind for kind in excluded)

    return st.one_of(
        json_scalars(),
        st.lists(json_scalars(), max_size=2),
        st.dictionaries(st.text(max_size=5), json_scalars(), max_size=2),
    ).filter(keep)
