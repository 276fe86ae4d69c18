"""Query parameters of the HTTP doors: typed, with 400s that name the parameter."""

from __future__ import annotations

import pytest
from starlette.datastructures import QueryParams

from polarbase.errors import InvalidFilterError, InvalidInputError
from polarbase.http.params import bool_param, content_length, int_param, json_param, list_param


@pytest.mark.parametrize("text", ["", "   "])
def test_a_blank_json_parameter_is_none(text):
    assert json_param(QueryParams({"filter": text}), "filter") is None
    assert json_param(QueryParams({}), "filter") is None


def test_a_json_parameter_that_is_not_json_is_refused_naming_it():
    with pytest.raises(InvalidFilterError, match='"filter" must be a valid JSON string'):
        json_param(QueryParams({"filter": "{title: x}"}), "filter")


def test_a_list_parameter_is_split_on_commas():
    assert list_param(QueryParams({"fields": " a, b ,,c"}), "fields") == ["a", "b", "c"]
    assert list_param(QueryParams({"fields": " "}), "fields") is None


@pytest.mark.parametrize("text", ["²", "+-5", "--1", "1_000", "0x10", "1.5"])
def test_int_param_refuses_integer_lookalikes(text):
    with pytest.raises(InvalidInputError, match="page: "):
        int_param(QueryParams({"page": text}), "page", 1)


def test_bool_param_and_content_length():
    assert bool_param(QueryParams({"cascade": "TRUE"}), "cascade") is True
    assert bool_param(QueryParams({}), "cascade") is False
    with pytest.raises(InvalidInputError, match="cascade"):
        bool_param(QueryParams({"cascade": "maybe"}), "cascade")
    assert content_length("12") == 12
    assert content_length("²") is None
    assert content_length("-1") is None
