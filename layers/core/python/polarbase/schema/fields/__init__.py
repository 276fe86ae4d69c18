"""The 17 field types, one module a family, and the registry that finds one by name."""

from __future__ import annotations

from ._base import CHECK_SUFFIXES, CheckRule, DdlContext, FieldType, constraint_name
from .choice import CheckboxField, MultiSelectField, SelectField
from .computed import FORMULA_RESULT_TYPES, FormulaField
from .dates import AutoDateField, DateField, parse_bound_date
from .numbers import AutoNumberField, IntegerField, NumberField
from .reference import ReferenceField
from .structured import AttachmentField, GeoPointField, JsonField, point_text
from .text import EmailField, LongTextField, TextField, UrlField

__all__ = [
    "CHECK_SUFFIXES",
    "FORMULA_RESULT_TYPES",
    "CheckRule",
    "DdlContext",
    "FieldType",
    "constraint_name",
    "field_type",
    "parse_bound_date",
    "point_text",
]

_REGISTRY: dict[str, FieldType] = {
    field.name: field
    for field in (
        TextField(),
        LongTextField(),
        IntegerField(),
        NumberField(),
        DateField(),
        CheckboxField(),
        SelectField(),
        MultiSelectField(),
        EmailField(),
        UrlField(),
        JsonField(),
        GeoPointField(),
        ReferenceField(),
        AttachmentField(),
        AutoNumberField(),
        AutoDateField(),
        FormulaField(),
    )
}


def field_type(name: str) -> FieldType:
    """The field type called ``name``; the definitions model already rejected unknown names."""
    return _REGISTRY[name]
