import re

import cli


def test_version_is_semantic() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", cli.__version__)
