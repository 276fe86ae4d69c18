"""A tool call from start to end: which tools a key sees, confirmation of destructive calls,
the call itself, and its line in the audit log."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInputError, PolarBaseError, ScopeDeniedError
from ..metadata.audit import AuditEntry, arguments_hash
from .tools import Tool, all_tools, tool_named

if TYPE_CHECKING:
    from ..auth import Principal
    from ..runtime import Runtime

__all__ = ["ToolCaller", "ToolOutcome", "visible_tools"]

_log = logging.getLogger("polarbase.mcp")
_COUNTS = ("insertedCount", "updatedCount", "deletedCount")


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    """A tool's JSON result, or the message of why it failed (``error``)."""

    result: dict[str, Any] | None = None
    error: str | None = None


def may_use(principal: Principal, tool: Tool) -> bool:
    """Whether ``principal`` could ever succeed with ``tool``: a read-only key only reads, and a
    key limited to some tables changes no schema. The services enforce the same rules; this only
    keeps tools out of sight that would always be refused."""
    key = principal.key
    if key.read_only and not tool.read_only:
        return False
    return not (tool.schema_change and key.tables is not None)


def visible_tools(principal: Principal) -> list[Tool]:
    return [tool for tool in all_tools() if may_use(principal, tool)]


def _affected(result: dict[str, Any]) -> int | None:
    for name in _COUNTS:
        if isinstance(result.get(name), int):
            return int(result[name])
    rows = result.get("rows")
    return len(rows) if isinstance(rows, list) else None


class ToolCaller:
    """Runs tools for a principal through one door (``mcp``, later the agent's).

    A destructive call (``Tool.preview`` returns a description) runs in two steps: without a
    ``confirmToken`` it changes nothing and answers what it would affect with a token bound to
    the key, the tool and the exact arguments; called again with that token, it runs. Tokens
    are single-use and expire (``Settings.confirm_seconds``).

    Example:
        >>> outcome = await ToolCaller(runtime, "mcp").call(principal, "listTables", {})
        >>> outcome.result["tables"][0]["name"]
        'companies'
    """

    def __init__(self, runtime: Runtime, door: str) -> None:
        self.runtime = runtime
        self.door = door

    async def call(
        self,
        principal: Principal,
        name: str,
        arguments: dict[str, Any] | None,
        *,
        audited_as: str | None = None,
    ) -> ToolOutcome:
        """Run tool ``name``; the audit log names the call ``audited_as`` when given (a resource
        read through a tool)."""
        started = time.perf_counter()
        arguments = dict(arguments or {})
        token = arguments.pop("confirmToken", None)
        outcome, status = await self._outcome(principal, name, arguments, token)
        audited = {**arguments, "confirmToken": "(given)"} if token is not None else arguments
        self._audit(principal, audited_as or name, audited, outcome, status, started)
        return outcome

    async def _outcome(
        self, principal: Principal, name: str, arguments: dict[str, Any], token: Any
    ) -> tuple[ToolOutcome, str]:
        tool = tool_named(name)
        try:
            if tool is None:
                raise InvalidInputError(f"unknown tool '{name}'")
            principal.check_door()
            if not may_use(principal, tool):
                # Raises the refusal the services would give (read-only, or limited to tables).
                principal.check_schema_change(self.runtime.tables.schema)
            if token is not None and not isinstance(token, str):
                raise InvalidInputError("confirmToken: must be the string a previous call returned")
            if tool.preview is not None and tool.needs_confirmation(arguments):
                digest = arguments_hash(tool.name, arguments)
                if token is None:
                    preview = await tool.preview(self.runtime, principal, arguments)
                    return self._ask(principal, tool, preview, digest), "confirmation_required"
                self.runtime.audit.redeem(token, principal.key.id, tool.name, digest)
            result = await tool.run(self.runtime, principal, arguments)
        except ScopeDeniedError as error:
            return ToolOutcome(error=error.message), "denied"
        except PolarBaseError as error:
            return ToolOutcome(error=error.message), "error"
        except Exception:  # a bug: the caller gets a tool error, never a broken session
            _log.exception("tool %s failed", name)
            return ToolOutcome(error="internal error: the tool failed unexpectedly"), "error"
        return ToolOutcome(result=result), "ok"

    def _ask(
        self, principal: Principal, tool: Tool, preview: dict[str, Any], digest: str
    ) -> ToolOutcome:
        seconds = self.runtime.settings.confirm_seconds
        token = self.runtime.audit.issue(principal.key.id, tool.name, digest, seconds)
        expires = datetime.now(UTC) + timedelta(seconds=seconds)
        return ToolOutcome(
            result={
                "status": "confirmation_required",
                "message": (
                    f"Nothing was changed. {tool.name} would {preview['action']}. Show this to "
                    f"the user; if they agree, call {tool.name} again with the same arguments "
                    "and this confirmToken."
                ),
                "wouldAffect": {
                    k: v for k, v in preview.items() if k != "action" and v is not None
                },
                "confirmToken": token,
                "expiresAt": expires.isoformat(timespec="seconds").replace("+00:00", "Z"),
            }
        )

    def _audit(
        self,
        principal: Principal,
        name: str,
        arguments: dict[str, Any],
        outcome: ToolOutcome,
        status: str,
        started: float,
    ) -> None:
        entry = AuditEntry(
            key_id=principal.key.id,
            key_name=principal.key.name,
            door=self.door,
            tool=name,
            arguments=arguments,
            outcome=status,
            message=outcome.error,
            affected=_affected(outcome.result) if outcome.result is not None else None,
            duration_ms=round((time.perf_counter() - started) * 1e3, 3),
        )
        try:
            self.runtime.audit.record(entry)
        except PolarBaseError:
            # The call itself is done (and committed when it wrote): report, do not undo it.
            _log.exception("could not write the audit entry of %s", name)
