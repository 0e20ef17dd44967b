"""kartoteka/collector.py: bulk work collects less often, and the collector is as it was afterwards."""

from __future__ import annotations

import gc
import multiprocessing

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


@pytest.fixture
def serving() -> object:
    collector.serve_mode(full_every=3600)
    yield
    collector.leave_serve_mode()


def test_what_a_server_process_loaded_and_what_outlives_a_young_collection_leaves_the_generations(
        serving: object) -> None:
    assert gc.get_freeze_count() > 0   # the process's modules, loaded before serving
    kept = [_Node() for _ in range(3)]
    assert _tracked(kept[0])           # new objects are young
    gc.collect(1)                      # what survives a young collection is kept at once
    assert not _tracked(kept[0]) and not _tracked(kept)
    young = _Node()
    gc.collect(0)                      # the youngest collection alone leaves it where it is
    assert _tracked(young)


def test_kept_objects_are_still_freed_by_reference_counting_and_their_cycles_by_collect_all(
        serving: object) -> None:
    import weakref

    plain = _Node()
    a, b = _Node(), _Node()
    a.other, b.other = b, a            # a reference cycle
    gone_plain, gone_cycle = weakref.ref(plain), weakref.ref(a)
    gc.collect(1)
    assert not _tracked(a) and not _tracked(plain)
    del plain
    assert gone_plain() is None        # freed at once, kept or not
    del a, b
    gc.collect()                       # a full collection does not walk kept objects: the cycle stays
    assert gone_cycle() is not None
    assert collector.collect_all() >= 2
    assert gone_cycle() is None
    assert gc.get_freeze_count() > 0   # what survived is kept again


def test_serve_mode_runs_collect_all_periodically_and_leaving_it_restores_the_default() -> None:
    import threading
    import weakref

    collector.serve_mode(full_every=0.05)
    try:
        collector.serve_mode(full_every=3600)   # a second call changes nothing
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        gc.collect(1)
        del a, b
        for _ in range(100):                    # the thread's next full collection finds the cycle
            if gone() is None:
                break
            threading.Event().wait(0.05)
        assert gone() is None
        assert [t for t in threading.enumerate() if t.name == "kartoteka-collector"]
    finally:
        collector.leave_serve_mode()
    assert gc.get_freeze_count() == 0
    assert collector._freeze_survivors not in gc.callbacks
    for _ in range(100):
        if not [t for t in threading.enumerate() if t.name == "kartoteka-collector"]:
            break
        threading.Event().wait(0.02)
    assert not [t for t in threading.enumerate() if t.name == "kartoteka-collector"]
    kept = _Node()
    gc.collect(1)
    assert _tracked(kept)                       # nothing is kept any more
