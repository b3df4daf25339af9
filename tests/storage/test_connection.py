"""PostgreSQL connections: hostwatch's own server options never replace the URL's."""

from __future__ import annotations

from storage.backend import Backend


def test_a_urls_server_options_are_kept_beside_jit_off(empty_postgresql: str) -> None:
    backend = Backend(empty_postgresql + "?options=-c%20statement_timeout%3D1234")
    try:
        with backend.reading() as conn:
            settings = [
                conn.exec_driver_sql(f"SHOW {name}").scalar()
                for name in ("jit", "statement_timeout")
            ]
    finally:
        backend.close()

    assert settings == ["off", "1234ms"]
