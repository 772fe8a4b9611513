"""The web app's data-version reader: the counter the triggers keep, on a connection of its own per
thread, following every write by anyone, surviving a lost connection, closing what it opened."""
from __future__ import annotations

import threading

import pytest

from vigil.store import correct, data_version, ingest_reports, open_store
from vigil.store.version import VersionReader
from web_support import NEW_REPORT


def _report():
    from vigil.model import Document
    from vigil.pipeline import process
    from datetime import date

    doc = Document(doc_id=NEW_REPORT["doc_id"], published=date.fromisoformat(NEW_REPORT["published"]),
                   text=NEW_REPORT["text"])
    d = process(doc).to_dict()
    d["text"] = doc.text
    return d


def test_it_reads_what_the_store_reads_and_follows_writes_from_another_store(db_url):
    with open_store(db_url) as reading, open_store(db_url) as writing:
        reader = VersionReader(reading)
        try:
            with reading.reader.connect() as conn:
                assert reader() == data_version(conn)
            before = reader()
            ingest_reports(writing, [_report()])
            after_ingest = reader()
            assert after_ingest > before
            with writing.reader.connect() as conn:
                iid = conn.exec_driver_sql("SELECT id FROM incidents").scalar()
            correct(writing, iid, "killed", 9, by="ana")
            assert reader() > after_ingest
            with reading.reader.connect() as conn:
                assert reader() == data_version(conn)
        finally:
            reader.close()


def test_each_thread_has_its_own_connection_and_close_closes_them_all(db_url):
    with open_store(db_url) as store:
        reader = VersionReader(store)
        seen = []
        threads = [threading.Thread(target=lambda: seen.append(reader())) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        reader()
        assert len(set(seen)) == 1 and len(reader._opened) == 4
        reader.close()
        assert reader._opened == []
        with pytest.raises(RuntimeError):
            reader()


def test_a_lost_connection_is_replaced(db_url):
    with open_store(db_url) as store:
        reader = VersionReader(store)
        try:
            first = reader()
            reader._local.conn.close()  # as a server restart would leave it
            assert reader() == first
            assert len(reader._opened) == 1
        finally:
            reader.close()


def test_an_in_memory_database_is_read_on_the_stores_own_connection():
    with open_store("sqlite://") as store:
        reader = VersionReader(store)
        before = reader()
        ingest_reports(store, [_report()])
        assert reader() > before and reader._opened == []
        reader.close()
