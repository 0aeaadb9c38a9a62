"""Language detection is plain Python: no Django, no database."""

import subprocess
import sys

from claims.nlp.language import detect_language
from tests.helpers import ROOT


def test_french_and_english_articles_are_told_apart():
    assert detect_language("Le chômage a baissé de deux points l'an dernier, selon l'INSEE.") == "fr"
    assert detect_language("Unemployment fell by two points last year, the statistics office said.") == "en"


def test_detection_imports_neither_django_nor_spacy():
    code = "import sys; import claims.nlp.language; print('django' in sys.modules, 'spacy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
