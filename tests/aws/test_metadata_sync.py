"""The metadata sync adapters: one contract for local disk and S3, and S3's replay under races."""

from __future__ import annotations

import contextlib
import http.client
import http.server
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from polarbase.errors import MetadataConflictError, MetadataUnavailableError
from polarbase.metadata import LocalMetadataSync, MetadataStore, MetadataSync, S3MetadataSync
from tests.fixtures.moto import moto_objects

KEY = "polarbase/metadata.sqlite3"
TABLES = {"table_metadata", "column_metadata", "api_keys", "settings", "views"}

StoreFactory = Callable[[], MetadataStore]


class ChangeFailedError(Exception):
    """Raised by a change on purpose, to see that nothing of it is kept."""


def put_setting(name: str, value: str) -> Callable[[sqlite3.Connection], int]:
    def change(db: sqlite3.Connection) -> int:
        return db.execute(
            "INSERT INTO settings (name, value) VALUES (?, ?)", (name, value)
        ).rowcount

    return change


def get_setting(name: str) -> Callable[[sqlite3.Connection], str | None]:
    def query(db: sqlite3.Connection) -> str | None:
        row = db.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    return query


def table_names(db: sqlite3.Connection) -> set[str]:
    return {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def setting_names_in_s3(client: Any, bucket: str, directory: Path) -> list[str]:
    """The names in ``settings`` as the object in S3 holds them, read through no adapter."""
    copy = directory / "from-s3.sqlite3"
    copy.write_bytes(client.get_object(Bucket=bucket, Key=KEY)["Body"].read())
    connection = sqlite3.connect(copy)
    try:
        return [name for (name,) in connection.execute("SELECT name FROM settings")]
    finally:
        connection.close()


@pytest.fixture(params=["local", "s3"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Stores that share one metadata database, each through its own adapter instance.

    For S3 each store is a separate process in miniature: its own client and its own copy.
    """
    made: list[MetadataStore] = []
    if request.param == "local":

        def make_sync() -> MetadataSync:
            return LocalMetadataSync(tmp_path / "metadata.sqlite3")
    else:
        bucket = request.getfixturevalue("make_bucket")()
        make_s3_objects = request.getfixturevalue("make_s3_objects")

        def make_sync() -> MetadataSync:
            copy = tmp_path / f"copy{len(made)}" / "metadata.sqlite3"
            return S3MetadataSync(make_s3_objects(), bucket=bucket, key=KEY, path=copy)

    def make() -> MetadataStore:
        # Freshness 0: every read checks for other writers, so no test depends on timing.
        store = MetadataStore(make_sync(), freshness_seconds=0)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


@pytest.fixture
def make_s3_sync(
    make_s3_objects: Callable[[], Any], s3_bucket: str, tmp_path: Path
) -> Callable[..., S3MetadataSync]:
    """S3 syncs of one metadata object, each a process in miniature: its own client and copy."""

    def make(copy: str = "m", **options: Any) -> S3MetadataSync:
        path = tmp_path / copy / "m.db"
        return S3MetadataSync(make_s3_objects(), bucket=s3_bucket, key=KEY, path=path, **options)

    return make


# --- the contract, for both adapters -----------------------------------------------------------


def test_a_write_is_read_back_through_a_fresh_store(make_store: StoreFactory) -> None:
    writer = make_store()
    writer.migrate()

    assert writer.write(put_setting("theme", "dark")) == 1

    assert make_store().read(get_setting("theme")) == "dark"


def test_another_store_sees_a_write_once_it_refreshes(make_store: StoreFactory) -> None:
    first, second = make_store(), make_store()
    first.migrate()
    second.migrate()
    assert second.read(get_setting("theme")) is None

    first.write(put_setting("theme", "dark"))

    assert second.read(get_setting("theme")) == "dark"


def test_migrate_on_empty_storage_creates_every_table(make_store: StoreFactory) -> None:
    store = make_store()

    store.migrate()
    store.migrate()  # again, as every start does: a no-op

    fresh = make_store()
    assert fresh.read(table_names) >= TABLES
    # Every migration ran, once.
    assert fresh.read(lambda db: db.execute("PRAGMA user_version").fetchone()[0]) == len(
        store.migrations
    )


def test_generation_changes_after_another_store_writes(make_store: StoreFactory) -> None:
    first, second = make_store(), make_store()
    first.migrate()
    second.migrate()
    before = second.generation()
    assert second.generation() == before

    first.write(put_setting("theme", "dark"))

    assert second.generation() != before


def test_a_change_that_raises_keeps_nothing(make_store: StoreFactory) -> None:
    store = make_store()
    store.migrate()

    def change(db: sqlite3.Connection) -> None:
        put_setting("theme", "dark")(db)
        raise ChangeFailedError

    with pytest.raises(ChangeFailedError):
        store.write(change)

    assert make_store().read(get_setting("theme")) is None


# --- S3: conditional requests and replay --------------------------------------------------------


@pytest.fixture
def s3_bucket(make_bucket: Callable[[], str]) -> str:
    return make_bucket()


def test_unchanged_object_is_not_reported_as_a_change(
    make_s3_sync: Callable[..., S3MetadataSync],
) -> None:
    sync = make_s3_sync()
    MetadataStore(sync).migrate()
    sync.refresh()

    assert sync.refresh() is False


def test_migrating_an_up_to_date_database_stores_no_new_version(
    make_s3_client: Callable[[], Any], make_s3_sync: Callable[..., S3MetadataSync], s3_bucket: str
) -> None:
    client = make_s3_client()
    sync = make_s3_sync()
    MetadataStore(sync).migrate()
    etag = client.head_object(Bucket=s3_bucket, Key=KEY)["ETag"]

    MetadataStore(sync).migrate()

    assert client.head_object(Bucket=s3_bucket, Key=KEY)["ETag"] == etag


def test_a_write_that_loses_the_race_is_replayed_on_the_newest_version(
    make_s3_client: Callable[[], Any],
    make_s3_sync: Callable[..., S3MetadataSync],
    s3_bucket: str,
    tmp_path: Path,
) -> None:
    # GIVEN two processes with their own copies, both current
    other = MetadataStore(make_s3_sync("a"))
    sync = make_s3_sync("b")
    store = MetadataStore(sync)
    other.migrate()
    store.migrate()
    runs: list[set[str]] = []

    # WHEN the other one writes while this one's change is running (after its GET, before its
    # PUT), so S3 answers this one's PUT with 412
    def change(db: sqlite3.Connection) -> str:
        runs.append({name for (name,) in db.execute("SELECT name FROM settings")})
        if len(runs) == 1:
            other.write(put_setting("from-other", "1"))
        put_setting("from-this", "2")(db)
        return "done"

    result = store.write(change)

    # THEN the change ran again on a copy holding the other write, and both writes are kept
    assert result == "done"
    assert runs == [set(), {"from-other"}]
    assert sync.conflicts == 1
    names = setting_names_in_s3(make_s3_client(), s3_bucket, tmp_path)
    assert sorted(names) == ["from-other", "from-this"]
    assert store.read(get_setting("from-other")) == "1"


class _LossyFront(http.server.ThreadingHTTPServer):
    """Forwards each request to S3 (moto) and its answer back, except that the answer to the
    PUT after ``lose_next_put()`` never arrives: S3 applied it, then the connection dropped."""

    daemon_threads = True

    def __init__(self, target: str) -> None:
        super().__init__(("127.0.0.1", 0), _Forward)
        self.target = target.removeprefix("http://")
        self.losing = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def lose_next_put(self) -> None:
        self.losing = True


class _Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _LossyFront

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        upstream = http.client.HTTPConnection(self.server.target, timeout=30)
        try:
            upstream.request(self.command, self.path, body=body or None, headers=dict(self.headers))
            answer = upstream.getresponse()
            content = answer.read()
        finally:
            upstream.close()
        if self.command == "PUT" and self.server.losing:
            self.server.losing = False
            self.close_connection = True  # no answer: the client sees the connection drop
            return
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in {"content-length", "transfer-encoding", "connection"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = _forward

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def lossy_front(target: str) -> Iterator[_LossyFront]:
    front = _LossyFront(target)
    thread = threading.Thread(target=front.serve_forever, daemon=True)
    thread.start()
    try:
        yield front
    finally:
        front.shutdown()
        front.server_close()


def test_a_write_whose_answer_was_lost_is_applied_once(
    moto_endpoint: str, make_s3_client: Callable[[], Any], s3_bucket: str, tmp_path: Path
) -> None:
    with lossy_front(moto_endpoint) as front:
        # GIVEN a store whose next PUT lands in S3 but whose answer is lost: the client sends
        # it again (a dropped connection is retried), and S3 refuses the repeat with 412
        sync = S3MetadataSync(
            moto_objects(front.url), bucket=s3_bucket, key=KEY, path=tmp_path / "m.db"
        )
        store = MetadataStore(sync)
        store.migrate()
        front.lose_next_put()
        runs: list[int] = []

        def change(db: sqlite3.Connection) -> int:
            runs.append(1)
            return put_setting("once", "1")(db)

        # WHEN it writes, THEN the write is done once: the version found after the refusal is
        # the one it sent, so the change is not run again (it would insert "once" twice)
        assert store.write(change) == 1
        assert runs == [1]
        assert sync.conflicts == 1
        assert setting_names_in_s3(make_s3_client(), s3_bucket, tmp_path) == ["once"]
        assert store.read(get_setting("once")) == "1"


def test_the_same_change_made_by_two_writers_from_one_version_counts_twice(
    make_s3_sync: Callable[..., S3MetadataSync],
) -> None:
    # GIVEN two processes, both current, each about to bump the catalog generation
    first = MetadataStore(make_s3_sync("a"))
    sync = make_s3_sync("b")
    second = MetadataStore(sync)
    first.migrate()
    second.migrate()

    # WHEN both bump it from the same version: the second one's PUT is refused (412), and the
    # version it then finds is the first one's, made by the very same change
    first.mark_catalog_changed()
    second.mark_catalog_changed()

    # THEN the second bump is not taken for a lost answer to its own PUT: it runs again
    assert sync.conflicts == 1
    assert second.read(get_setting("catalog_generation")) == "2"


def test_a_write_that_keeps_losing_raises_metadata_conflict_error(
    make_s3_client: Callable[[], Any],
    make_s3_sync: Callable[..., S3MetadataSync],
    s3_bucket: str,
    tmp_path: Path,
) -> None:
    # GIVEN another process that writes during every run of this one's change
    other = MetadataStore(make_s3_sync("a"))
    sync = make_s3_sync("b", max_attempts=3)
    other.migrate()
    runs: list[int] = []

    def change(db: sqlite3.Connection) -> None:
        runs.append(len(runs))
        other.write(put_setting(f"from-other-{len(runs)}", "1"))
        put_setting("from-this", "2")(db)

    # WHEN this one writes, THEN it gives up after three lost races with a 503 error
    with pytest.raises(MetadataConflictError) as raised:
        MetadataStore(sync).write(change)

    assert raised.value.status == 503
    assert sync.conflicts == 3
    names = setting_names_in_s3(make_s3_client(), s3_bucket, tmp_path)
    assert sorted(names) == ["from-other-1", "from-other-2", "from-other-3"]


def test_a_missing_bucket_is_metadata_unavailable_naming_s3s_code(
    make_s3_objects: Callable[[], Any], tmp_path: Path
) -> None:
    sync = S3MetadataSync(
        make_s3_objects(), bucket="polarbase-no-such-bucket", key=KEY, path=tmp_path / "m.db"
    )
    with pytest.raises(MetadataUnavailableError) as raised:
        MetadataStore(sync).migrate()
    assert raised.value.status == 503
    assert "NoSuchBucket" in raised.value.message


def test_unreachable_s3_is_metadata_unavailable(tmp_path: Path) -> None:
    from tests.fixtures.moto import moto_objects

    # GIVEN an endpoint where nothing listens (port 9 on loopback: discard, never served here)
    objects = moto_objects("http://127.0.0.1:9")
    sync = S3MetadataSync(objects, bucket="polarbase-anything", key=KEY, path=tmp_path / "m.db")
    with pytest.raises(MetadataUnavailableError) as raised:
        MetadataStore(sync).migrate()
    assert raised.value.status == 503
    assert raised.value.message == (
        "cannot reach the metadata in S3 (ConnectionRefusedError); try again"
    )


WRITERS = 8
WRITES_EACH = 25


def test_concurrent_writers_lose_no_write_and_duplicate_none(
    make_s3_client: Callable[[], Any],
    make_s3_sync: Callable[..., S3MetadataSync],
    s3_bucket: str,
    tmp_path: Path,
) -> None:
    # The moto server behind make_s3_client applies one request at a time (see
    # tests/fixtures/moto.py): moto alone checks If-Match and stores the object in two steps,
    # so two PUTs could both win and this test could fail without any bug of ours. With the
    # lock it behaves as S3 does, and a lost write here is ours.

    # GIVEN 8 writers, like 8 Lambda environments: each its own client, /tmp copy and store
    syncs = [make_s3_sync(f"w{w}") for w in range(WRITERS)]
    start = threading.Barrier(WRITERS)

    def run_writer(writer: int) -> None:
        store = MetadataStore(syncs[writer])
        start.wait()
        store.migrate()  # every cold start migrates, concurrently with the others' writes
        for n in range(WRITES_EACH):
            store.write(put_setting(f"w{writer}-{n}", str(writer)))
        store.close()

    # WHEN all of them write 25 settings each at the same time
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for future in [pool.submit(run_writer, writer) for writer in range(WRITERS)]:
            future.result()

    # THEN the object in S3, read fresh, holds every one of the 200 writes exactly once
    names = setting_names_in_s3(make_s3_client(), s3_bucket, tmp_path)
    expected = [f"w{w}-{n}" for w in range(WRITERS) for n in range(WRITES_EACH)]
    assert sorted(names) == sorted(expected)
    # AND the writers did race: without lost races the replay path would not have been tested
    conflicts = sum(sync.conflicts for sync in syncs)
    print(f"concurrent writers: {len(names)} writes kept, {conflicts} lost races replayed")
    assert conflicts > 0
