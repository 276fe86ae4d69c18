"""The metadata SQLite file kept in S3: a local copy refreshed by ETag, writes replayed on 412."""

from __future__ import annotations

import os
import random
import secrets
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..aws_http import AwsCallError, S3Objects
from ..errors import MetadataConflictError, MetadataUnavailableError
from .sync import apply_change

__all__ = ["S3MetadataSync"]

T = TypeVar("T")

_NOT_MODIFIED = frozenset({"304", "NotModified"})
_MISSING = frozenset({"404", "NoSuchKey"})
# 412: the object changed since our ETag (or exists, for If-None-Match: *). 409: another
# conditional write to the same key was in flight; S3 asks to retry it the same way.
_LOST_RACE = frozenset({"412", "PreconditionFailed", "409", "ConditionalRequestConflict"})


def _stamp(db: sqlite3.Connection) -> None:
    """Mark a version as this write's own, with a random stamp (see ``write``)."""
    db.execute("CREATE TABLE IF NOT EXISTS sync_stamp (stamp TEXT NOT NULL)")
    db.execute("DELETE FROM sync_stamp")
    db.execute("INSERT INTO sync_stamp (stamp) VALUES (?)", (secrets.token_hex(16),))


def _unavailable(action: str, code: str) -> MetadataUnavailableError:
    return MetadataUnavailableError(f"cannot {action} the metadata in S3 ({code}); try again")


class S3MetadataSync:
    """One S3 object is the metadata database; each process keeps a copy at ``path``.

    Reads use the local copy. ``refresh()`` checks it with a conditional GET (``If-None-Match``
    with the ETag the copy came from), so an unchanged object costs one 304 and no body. A
    missing object is an empty database, not an error: the first ``migrate()`` creates it.

    ``write(change)`` never loses an update, however many processes write at once: it applies
    ``change`` to a copy of the version at hand in one SQLite transaction, then PUTs the result
    only if the object is still the version it started from (``If-Match: <etag>``, or
    ``If-None-Match: *`` when there was none). When another writer got there first, S3 answers
    412, and the write starts again from a fresh download, with a short random back-off so the
    losers do not collide again in step. ``change`` may therefore run more than once and must
    be a pure function of the database: no side effects outside it, no state carried between
    calls. Only the run whose PUT succeeded counts, and its result is returned. A change that
    leaves the file byte for byte as it was stores nothing, so ``migrate()`` on every cold start
    costs one GET and no PUT.

    After ``max_attempts`` lost races in a row it raises ``MetadataConflictError`` (503: the
    caller may retry). Every other S3 failure (access denied, no such bucket, no credentials,
    the network) raises ``MetadataUnavailableError`` (503), naming S3's error code and never
    the credentials. ``conflicts`` counts the lost races, for logs and tests.

    Example:
        >>> sync = S3MetadataSync(
        ...     S3Objects(AwsHttp(region="eu-west-1")),
        ...     bucket="my-metadata",
        ...     key="polarbase/metadata.sqlite3",
        ...     path=Path("/tmp/polarbase/metadata.sqlite3"),
        ... )
        >>> MetadataStore(sync).migrate()
    """

    def __init__(
        self,
        objects: S3Objects,
        *,
        bucket: str,
        key: str,
        path: Path,
        max_attempts: int = 30,
        backoff_seconds: float = 0.01,
        max_backoff_seconds: float = 0.5,
    ) -> None:
        self.objects = objects
        self.bucket = bucket
        self.key = key
        self.path = path
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.conflicts = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        # The ETag of the version at ``path``; None with ``_is_known`` means "no object yet".
        self._etag: str | None = None
        # Whatever file sits at ``path`` when the process starts came from an unknown version.
        self._is_known = False
        # Set whenever ``path`` is replaced, cleared by ``refresh()``: its caller must reopen.
        self._has_changed = False
        # Pairs each replacement of ``path`` with its ETag, for threads sharing this instance.
        self._lock = threading.Lock()

    def refresh(self, *, check: bool = True) -> bool:
        """Make the local copy current; True when it was replaced since the last ``refresh()``.

        A replacement made by ``write()`` counts too: a reader holding the old file open must
        reopen it to see the write. ``check=False`` only reports such replacements, without
        asking S3 (after a write, whose PUT just made the copy current).
        """
        if check:
            self._download()
        with self._lock:
            has_changed, self._has_changed = self._has_changed, False
        return has_changed

    def write(self, change: Callable[[sqlite3.Connection], T]) -> T:
        """Apply ``change`` to the newest version and store it in S3, replaying it on 412.

        Raises:
            MetadataConflictError: every one of ``max_attempts`` PUTs lost the race.
            Exception: whatever ``change`` raises; nothing is written then.
        """
        # The last PUT that S3 refused, and its result: a PUT whose answer was lost on the way
        # is sent again (AwsHttp), and the second one is refused *because the first one landed*.
        # The version then found is byte for byte what that PUT sent (each write carries a
        # random stamp, so another writer's same change makes other bytes): the write is done,
        # and running the change again would apply it twice (a key made twice, an insert refused).
        refused: tuple[bytes, T] | None = None
        for attempt in range(self.max_attempts):
            # The first attempt starts from the copy at hand, without a GET: a change is PUT
            # only if the object is still that version, so a stale copy costs a 412 and a
            # replay, never a lost update. A change that writes nothing is checked instead.
            is_verified = attempt > 0 or not self._is_known or not self.path.exists()
            if is_verified:
                self._download(force=attempt > 0)
            draft, etag = self._draft()
            try:
                before = draft.read_bytes()
                if refused is not None and before == refused[0]:
                    return refused[1]
                result = apply_change(draft, change)
                after = draft.read_bytes()
                if after == before:
                    # Nothing to store (a read, a migration already applied): the result holds
                    # if the copy it came from is the newest version.
                    if is_verified or self._is_current(etag):
                        return result
                    continue
                apply_change(draft, _stamp)
                after = draft.read_bytes()
                new_etag = self._put(after, etag)
                if new_etag is not None:
                    self._install(draft, new_etag)
                    return result
                refused = (after, result)
            finally:
                draft.unlink(missing_ok=True)
            with self._lock:
                self.conflicts += 1
            ceiling = min(self.max_backoff_seconds, self.backoff_seconds * 2**attempt)
            time.sleep(random.uniform(0, ceiling))
        raise MetadataConflictError(
            f"metadata write lost to concurrent writers {self.max_attempts} times in a row; "
            "try again"
        )

    def _is_current(self, etag: str | None) -> bool:
        """True when the object is still at ``etag`` (a conditional GET that downloads if not)."""
        self._download()
        with self._lock:
            return self._etag == etag

    def _download(self, *, force: bool = False) -> None:
        """Fetch the object when it differs from the local copy (one 304 when it does not)."""
        condition: str | None = None
        with self._lock:
            is_current_known = self._is_known and not force and self.path.exists()
            if is_current_known and self._etag is not None:
                condition = self._etag
            known_missing = is_current_known and self._etag is None
        try:
            body, etag = self.objects.get(self.bucket, self.key, if_none_match=condition)
        except AwsCallError as error:
            if error.code in _NOT_MODIFIED:
                return
            if error.code not in _MISSING:
                raise _unavailable("read" if error.status else "reach", error.code) from None
            if not known_missing:
                self._install_bytes(b"", None)  # an empty file is an empty SQLite database
            return
        self._install_bytes(body, etag)

    def _draft(self) -> tuple[Path, str | None]:
        """A private copy of the local file to apply a change to, and the ETag it came from."""
        descriptor, name = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".draft"
        )
        os.close(descriptor)
        with self._lock:
            shutil.copyfile(self.path, name)
            return Path(name), self._etag

    def _put(self, body: bytes, etag: str | None) -> str | None:
        """PUT ``body`` if the object is still at ``etag``; its new ETag, or None on a lost race."""
        try:
            return self.objects.put(
                self.bucket,
                self.key,
                body,
                content_type="application/vnd.sqlite3",
                if_match=etag,
                if_none_match="*" if etag is None else None,
            )
        except AwsCallError as error:
            if error.code in _LOST_RACE:
                return None
            raise _unavailable("write" if error.status else "reach", error.code) from None

    def _install_bytes(self, body: bytes, etag: str | None) -> None:
        descriptor, name = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".download"
        )
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(body)
            self._install(Path(name), etag)
        finally:
            Path(name).unlink(missing_ok=True)

    def _install(self, source: Path, etag: str | None) -> None:
        """Atomically make ``source`` the local copy of version ``etag``.

        ``os.replace`` swaps the name in one step, so a reader sees the old file or the new one,
        never a half-written one, and a connection already open keeps reading the old file.
        """
        with self._lock:
            os.replace(source, self.path)
            self._etag = etag
            self._is_known = True
            self._has_changed = True
