"""kartoteka/collector.py: bulk work collects less often, and the collector is as it was afterwards."""

from __future__ import annotations

import gc
import multiprocessing
import threading
import time
import weakref
from collections.abc import Callable, Iterator

import pytest

from kartoteka import collector


def test_relaxed_raises_the_thresholds_and_restores_them_even_on_an_error() -> None:
    before = gc.get_threshold()
    with collector.relaxed():
        assert gc.get_threshold() == collector.BULK_THRESHOLD
        with collector.relaxed():   # an import inside an import
            assert gc.get_threshold() == collector.BULK_THRESHOLD
        assert gc.get_threshold() == collector.BULK_THRESHOLD
    assert gc.get_threshold() == before
    with pytest.raises(ValueError), collector.relaxed():
        raise ValueError("a bad row")
    assert gc.get_threshold() == before
    assert collector.BULK_THRESHOLD[0] > 10 * before[0]


def test_paused_stops_collection_and_resumes_it() -> None:
    assert gc.isenabled()
    with pytest.raises(KeyError), collector.paused():
        assert not gc.isenabled()
        raise KeyError("x")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()   # a caller's own pause is left alone
    finally:
        gc.enable()


def test_import_pool_processes_collect_less_often() -> None:
    from kartoteka.services import prep_pool

    chunk = [(2, {"x": "y"})]
    got = list(prep_pool.prepared(iter([chunk]), _pooled_threshold, None, processes=1))
    assert got == [(chunk, collector.BULK_THRESHOLD)]
    assert multiprocessing.current_process().name == "MainProcess"


def _pooled_threshold(_chunk: object, _shared: object) -> tuple[int, int, int]:
    return gc.get_threshold()


def test_overlapping_blocks_in_threads_put_back_what_the_first_one_found() -> None:
    """Thread A enters, B enters, A leaves, B leaves: the default comes back (it used to stay relaxed)."""
    import threading

    before = gc.get_threshold()
    entered, a_left = threading.Event(), threading.Event()

    def b() -> None:
        with collector.relaxed():
            entered.set()
            a_left.wait(5)
            assert gc.get_threshold() == collector.BULK_THRESHOLD   # still inside B's block

    with collector.relaxed():
        thread = threading.Thread(target=b)
        thread.start()
        assert entered.wait(5)
    a_left.set()
    thread.join(5)
    assert gc.get_threshold() == before


# -- serve_mode: a web worker's collector ---------------------------------------------------------------

class _Node:
    def __init__(self) -> None:
        self.other: object = None


def _tracked(obj: object) -> bool:
    """Whether ``obj`` is in one of the collector's generations (not kept out of them by gc.freeze)."""
    return any(o is obj for g in range(3) for o in gc.get_objects(generation=g))


def _cycle() -> tuple[_Node, weakref.ref[_Node]]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return a, weakref.ref(a)


@pytest.fixture
def serving() -> Iterator[None]:
    collector.serve_mode(freeze_every=3600, full_every=3600)   # no periodic work during the test
    yield
    collector.leave_serve_mode()


def test_what_a_server_process_loaded_is_kept_and_settle_keeps_what_survives_it(serving: None) -> None:
    assert gc.get_freeze_count() > 0   # the process's modules, loaded before serving
    kept = [_Node() for _ in range(3)]
    gc.collect(1)
    assert _tracked(kept[0])           # a young collection alone keeps nothing
    dropped, gone = _cycle()
    del dropped                        # garbage, but a cycle: only a collection frees it
    assert gone() is not None
    assert collector.settle() >= 2
    assert gone() is None              # the cycles made meanwhile were collected, not kept
    assert not _tracked(kept[0]) and not _tracked(kept)


def test_kept_objects_are_still_freed_by_reference_counting_and_their_cycles_by_collect_all(
        serving: None) -> None:
    plain = _Node()
    gone_plain = weakref.ref(plain)
    cycle, gone_cycle = _cycle()
    collector.settle()
    assert not _tracked(cycle) and not _tracked(plain)
    del plain
    assert gone_plain() is None        # freed at once, kept or not
    del cycle
    gc.collect()                       # a full collection does not walk kept objects: the cycle stays
    assert gone_cycle() is not None
    assert collector.collect_all() >= 2
    assert gone_cycle() is None
    assert gc.get_freeze_count() > 0   # what survived is kept again


def _wait(check: Callable[[], bool]) -> bool:
    for _ in range(200):
        if check():
            return True
        threading.Event().wait(0.02)
    return False


def test_serve_mode_settles_and_collects_all_periodically_and_leaving_it_restores_the_default() -> None:
    collector.serve_mode(freeze_every=0.05, full_every=0.3)
    try:
        collector.serve_mode()                  # a second call changes nothing
        assert collector.FREEZE_EVERY < collector.FULL_EVERY
        fresh = _Node()
        assert _wait(lambda: not _tracked(fresh))   # kept by the thread's next settle
        held = [_cycle()[0]]
        gone = weakref.ref(held[0])
        assert _wait(lambda: not _tracked(held[0]))
        held.clear()                            # a cycle among kept objects: the full collection finds it
        assert _wait(lambda: gone() is None)
        assert [t for t in threading.enumerate() if t.name == "kartoteka-collector"]
    finally:
        collector.leave_serve_mode()
    assert gc.get_freeze_count() == 0
    assert not [t for t in threading.enumerate() if t.name == "kartoteka-collector"]
    kept = _Node()
    gc.collect(1)
    collector.leave_serve_mode()                # leaving twice changes nothing
    assert _tracked(kept)                       # nothing is kept any more


def _running_search() -> tuple[threading.Thread, threading.Event, weakref.ref[_Node]]:
    """A thread inside ``computing`` holding a search's state (a cycle that dies when it ends), started and
    waiting for the event to end; the weak reference tells whether that state is gone."""
    started, finish = threading.Event(), threading.Event()
    gone: list[weakref.ref[_Node]] = []

    def search() -> None:
        with collector.computing():
            state, ref = _cycle()
            gone.append(ref)
            started.set()
            finish.wait(10)
            del state

    worker = threading.Thread(target=search)
    worker.start()
    assert started.wait(10)
    return worker, finish, gone[0]


def test_settle_waits_for_the_computations_running_so_that_their_state_is_collected_not_kept(
        serving: None) -> None:
    worker, finish, gone = _running_search()
    threading.Timer(0.2, finish.set).start()
    collector.settle(wait=10)           # returns once the search has ended, not after 10 s
    worker.join()
    assert gone() is None               # collected by that settle: it ran after the search
    assert collector._computing == 0


def test_settle_does_not_wait_longer_than_asked_and_then_keeps_what_runs(serving: None) -> None:
    worker, finish, gone = _running_search()
    t = time.monotonic()
    collector.settle(wait=0.1)
    assert 0.09 <= time.monotonic() - t < 5
    finish.set()
    worker.join()
    gc.collect()
    assert gone() is not None           # kept while it ran: its cycle waits for collect_all
    collector.collect_all()
    assert gone() is None


def test_a_web_search_runs_as_a_computation() -> None:
    import asyncio

    from kartoteka.web.cpu import on_cpu_threads

    seen = asyncio.run(on_cpu_threads(lambda: collector._computing, threads=1))
    assert seen == 1 and collector._computing == 0
