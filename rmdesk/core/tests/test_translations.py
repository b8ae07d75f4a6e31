"""Chinese and English ship complete: every string is in the catalogue and translated."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

from rmdesk.core.management.commands.messages import MAKEMESSAGES_ARGS

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "rmdesk" / "locale"


def catalogue(locale_dir: Path, language: str) -> polib.POFile:
    return polib.pofile(str(locale_dir / language / "LC_MESSAGES" / "django.po"))


def test_every_chinese_string_is_translated():
    po = catalogue(LOCALE, "zh_Hans")
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_the_catalogue_holds_every_string_the_code_marks_for_translation(tmp_path):
    # makemessages writes into every locale folder it finds under the working directory, so it
    # runs on a copy of the code, never on the catalogue it is checking.
    ignore = shutil.ignore_patterns("__pycache__", "*.mo")
    for package in ("rmdesk", "config"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=ignore)
    subprocess.run(
        [sys.executable, "-m", "rmdesk.cli", "makemessages", *MAKEMESSAGES_ARGS],
        cwd=tmp_path,
        env={**os.environ, "RMDESK_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(tmp_path)},
        check=True,
        capture_output=True,
    )
    committed = {(e.msgctxt, e.msgid) for e in catalogue(LOCALE, "zh_Hans")}
    extracted = {(e.msgctxt, e.msgid) for e in catalogue(tmp_path / "rmdesk" / "locale", "zh_Hans")}
    assert extracted - committed == set(), "run `rmdesk messages` and translate the new strings"
    assert committed - extracted == set(), "the catalogue holds strings the code no longer uses"
