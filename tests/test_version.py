import re

import exporter


def test_version_is_semantic() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", exporter.__version__)
