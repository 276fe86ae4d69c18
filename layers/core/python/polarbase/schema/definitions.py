"""What a caller sends to create or change a table, column or index, parsed at the edge."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .model import MAX_COLUMNS

__all__ = [
    "FIELD_TYPES",
    "MAX_COLUMNS",
    "ColumnDefinition",
    "FieldTypeName",
    "ForeignKeyDefinition",
    "FormulaDefinition",
    "IdType",
    "IndexDefinition",
    "PresentationDefinition",
    "ReferentialAction",
    "TableDefinition",
    "TableUpdate",
    "ValidationDefinition",
    "check_identifier",
]

FieldTypeName = Literal[
    "text",
    "long-text",
    "integer",
    "number",
    "date",
    "checkbox",
    "select",
    "multi-select",
    "email",
    "url",
    "json",
    "geo-point",
    "reference",
    "attachment",
    "auto-number",
    "auto-date",
    "formula",
]
FIELD_TYPES: tuple[str, ...] = FieldTypeName.__args__  # type: ignore[attr-defined]

IdType = Literal["integer", "biginteger", "uuid", "shortid"]
ReferentialAction = Literal["NO ACTION", "SET NULL", "CASCADE", "RESTRICT", "SET DEFAULT"]
IndexMethod = Literal["btree", "hash", "gist", "gin", "brin", "spgist"]
FormulaResultType = Literal["text", "integer", "numeric", "date", "boolean", "jsonb"]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def check_identifier(value: str, what: str = "name") -> str:
    """Accept a PostgreSQL identifier PolarBase may create: 1-63 chars, a letter or _ first."""
    if not _IDENTIFIER.match(value):
        raise ValueError(
            f"{what} '{value}' must be 1-63 characters: a letter or '_' first, then letters, "
            "digits or '_'"
        )
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class PresentationDefinition(_Model):
    uiName: str | None = Field(default=None, max_length=255)
    format: dict[str, Any] | None = None


_MIME_PART = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
MIME_PATTERN = re.compile(rf"{_MIME_PART}/(\*|{_MIME_PART})")
"""A MIME type or a family (``image/*``): no quote or backslash can reach the rule's jsonpath."""


class ValidationDefinition(_Model):
    minLength: int | None = Field(default=None, ge=0)
    maxLength: int | None = Field(default=None, ge=1, le=10_485_760)
    minValue: float | None = None
    maxValue: float | None = None
    minDate: str | None = None
    maxDate: str | None = None
    maxSize: int | None = Field(default=None, ge=1)
    maxFiles: int | None = Field(default=None, ge=1)
    maxFileSize: int | None = Field(default=None, ge=1)
    """Largest file an attachment column takes, in bytes."""
    allowedMimeTypes: list[str] | None = Field(default=None, min_length=1, max_length=100)
    """Types an attachment column takes: ``image/png``, or a family like ``image/*``."""
    allowedDomains: str | list[str] | None = None

    @field_validator("allowedMimeTypes")
    @classmethod
    def _mime_types(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        for item in value:
            if not MIME_PATTERN.fullmatch(item):
                raise ValueError(
                    f"allowedMimeTypes: '{item}' is not a type like image/png or image/*"
                )
        return [item.lower() for item in value]

    @model_validator(mode="after")
    def _bounds_are_ordered(self) -> ValidationDefinition:
        pairs = (
            ("minLength", "maxLength"),
            ("minValue", "maxValue"),
            ("minDate", "maxDate"),
        )
        for low, high in pairs:
            low_value, high_value = getattr(self, low), getattr(self, high)
            if low_value is not None and high_value is not None and low_value > high_value:
                raise ValueError(f"{low} must not be greater than {high}")
        return self

    def domains(self) -> list[str]:
        """The allowed e-mail domains, trimmed and lower-cased, from a list or a comma list."""
        raw = self.allowedDomains
        if raw is None:
            return []
        items = raw.split(",") if isinstance(raw, str) else raw
        return [item.strip().lower() for item in items if item.strip()]

    def is_empty(self) -> bool:
        return all(value in (None, "", []) for value in self.model_dump().values())


class ForeignKeyColumn(_Model):
    name: str
    type: str | None = None


class ForeignKeyDefinition(_Model):
    table: str
    column: ForeignKeyColumn = Field(default_factory=lambda: ForeignKeyColumn(name="id"))
    onUpdate: ReferentialAction = "NO ACTION"
    onDelete: ReferentialAction = "NO ACTION"

    @field_validator("onUpdate", "onDelete", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper().replace("_", " ") if isinstance(value, str) else value


class FormulaDefinition(_Model):
    resultType: FormulaResultType
    expression: str = Field(min_length=1, max_length=2000)
    strategy: Literal["stored", "virtual"] = "stored"


class ColumnDefinition(_Model):
    """A column as the caller describes it; the same shape serves create and full update."""

    name: str
    dataType: FieldTypeName
    nullable: bool = True
    unique: bool = False
    defaultValue: Any = None
    comment: str | None = Field(default=None, max_length=500)
    presentation: PresentationDefinition | None = None
    validation: ValidationDefinition | None = None
    options: list[str] | None = None
    foreignKey: ForeignKeyDefinition | None = None
    formula: FormulaDefinition | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_identifier(value, "column name")

    @model_validator(mode="after")
    def _cross_field_rules(self) -> ColumnDefinition:
        if self.dataType in ("select", "multi-select"):
            if not self.options:
                raise ValueError("options: select types must have at least one option")
            if len(set(self.options)) != len(self.options):
                raise ValueError("options: options must be unique")
        if self.dataType == "reference" and self.foreignKey is None:
            raise ValueError("foreignKey: reference type must specify a target table and column")
        if self.dataType == "formula" and self.formula is None:
            raise ValueError("formula: formula type must specify resultType and expression")
        if self.formula is not None and self.dataType != "formula":
            raise ValueError("formula: formula can only be set for formula type")
        return self


class TableDefinition(_Model):
    name: str
    comment: str | None = Field(default=None, max_length=500)
    idType: IdType = "biginteger"
    timestamps: bool = True
    presentation: PresentationDefinition | None = None
    columns: list[ColumnDefinition] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _column_count(cls, data: Any) -> Any:
        # Checked before the columns are validated one by one: a body of 300,000 columns is
        # refused at once instead of after each was parsed.
        if isinstance(data, dict) and isinstance(data.get("columns"), list):
            count = len(data["columns"])
            if count > MAX_COLUMNS:
                raise ValueError(
                    f"columns: {count} columns is more than PostgreSQL's limit of {MAX_COLUMNS}"
                )
        return data

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_identifier(value, "table name")

    @field_validator("idType", mode="before")
    @classmethod
    def _id_type(cls, value: Any) -> Any:
        # The original falls back to biginteger for an absent or unknown idType.
        return value if value in ("integer", "biginteger", "uuid", "shortid") else "biginteger"


class TableUpdate(_Model):
    """A change to a table. ``idType`` and ``timestamps`` cannot change after creation; the
    original's web client sends them with every edit, so they are accepted when they match the
    table and refused (naming them) when they would change it."""

    name: str | None = None
    comment: str | None = Field(default=None, max_length=500)
    presentation: PresentationDefinition | None = None
    idType: IdType | None = None
    timestamps: bool | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return None if value is None else check_identifier(value, "table name")

    @model_validator(mode="after")
    def _not_empty(self) -> TableUpdate:
        if not self.model_fields_set:
            raise ValueError("send at least one of name, comment, presentation")
        return self


class IndexDefinition(_Model):
    name: str
    tableName: str
    columnNames: list[str] = Field(min_length=1, max_length=32)
    unique: bool = False
    type: IndexMethod = "btree"

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_identifier(value, "index name")
