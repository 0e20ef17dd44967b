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
