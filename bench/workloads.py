"""The four HTTP workloads: the wrk script that drives each and the statement it costs PolarBase."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from polarbase.query import Statement
from polarbase.schema import Table

from .dataset import SEED_ROWS, TABLE
from .statements import get_one_statement, page_statement, post_one_statement

__all__ = [
    "DEFAULT_MAX_PAGE",
    "PAGES",
    "PAGE_LIMIT",
    "WORKLOAD_NAMES",
    "Workload",
    "build_workloads",
]

PAGE_LIMIT = 50
PAGES = SEED_ROWS // PAGE_LIMIT
# "A page of 50": one of the first 20 pages by default (OFFSET up to 950), the pages a list view
# shows. Deep pages (``--max-page 2000``) measure OFFSET itself, which keyset cursors avoid.
DEFAULT_MAX_PAGE = 20
WORKLOAD_NAMES = ("get_one", "page_exact", "page_estimated", "post_one")


@dataclass(frozen=True)
class Workload:
    """One kind of request: how wrk sends it, and how to build the SQL it runs."""

    name: str
    title: str
    script: str
    script_args: tuple[str, ...]
    sample_path: str
    """A request of this kind for a sanity check before the load (GET unless ``is_write``)."""
    build: Callable[[Table, random.Random], Statement]
    is_write: bool = False


def build_workloads(pages: int = PAGES) -> tuple[Workload, ...]:
    """The four workloads; page requests pick a page from 1 to ``pages`` at random."""
    return (
        Workload(
            name="get_one",
            title="GET one by id",
            script="get_one.lua",
            script_args=(TABLE, str(SEED_ROWS)),
            sample_path=f"/rest/db/{TABLE}/{SEED_ROWS // 2}",
            build=lambda table, rng: get_one_statement(table, rng, SEED_ROWS),
        ),
        Workload(
            name="page_exact",
            title="page of 50, count=exact",
            script="page.lua",
            script_args=(TABLE, str(PAGE_LIMIT), str(pages), "exact"),
            sample_path=f"/rest/db/{TABLE}?limit={PAGE_LIMIT}&page={pages}&count=exact",
            build=lambda table, rng: page_statement(table, rng, PAGE_LIMIT, pages, "exact"),
        ),
        Workload(
            name="page_estimated",
            title="page of 50, count=estimated",
            script="page.lua",
            script_args=(TABLE, str(PAGE_LIMIT), str(pages), "estimated"),
            sample_path=f"/rest/db/{TABLE}?limit={PAGE_LIMIT}&page={pages}&count=estimated",
            build=lambda table, rng: page_statement(table, rng, PAGE_LIMIT, pages, "estimated"),
        ),
        Workload(
            name="post_one",
            title="POST one record",
            script="post_one.lua",
            script_args=(TABLE,),
            sample_path=f"/rest/db/{TABLE}",
            build=post_one_statement,
            is_write=True,
        ),
    )
