import pytest


@pytest.fixture(autouse=True)
def _private_user_gazetteer(tmp_path, monkeypatch):
    """Every test gets an empty user gazetteer, so a developer's own imports never change results."""
    from vigil import gazetteer

    monkeypatch.setenv("VIGIL_HOME", str(tmp_path / "vigil-home"))
    gazetteer.reset()
    yield
    gazetteer.reset()
