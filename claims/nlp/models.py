"""Loading spaCy pipelines: once per process, never downloading anything."""

import functools
import importlib.util
import logging

import spacy
from spacy.language import Language

logger = logging.getLogger(__name__)

# Used when no setting says otherwise.
DEFAULT_MODELS = {"fr": "fr_core_news_sm", "en": "en_core_web_sm"}
_configured: dict[str, str] = dict(DEFAULT_MODELS)


class ModelMissing(RuntimeError):
    """A configured spaCy package is not installed."""


def configure(models: dict[str, str]) -> None:
    """Choose the package per language (from settings); clears loaded pipelines."""
    wanted = DEFAULT_MODELS | models
    if wanted == _configured:
        return
    _configured.clear()
    _configured.update(wanted)
    load.cache_clear()


def configured() -> dict[str, str]:
    return dict(_configured)


def model_name(language: str) -> str | None:
    name = _configured.get(language)
    if name and importlib.util.find_spec(name) is not None:
        return name
    return None


@functools.cache
def load(language: str) -> Language:
    """The pipeline for `language`: the configured package if installed, else a blank one.

    A rule-based sentencizer runs before the parser, which respects its boundaries: the
    parser alone splits French sentences mid-clause (measured on the sample article).
    """
    name = model_name(language)
    if name is not None:
        nlp = spacy.load(name, exclude=["lemmatizer"] if language != "fr" else [])
        if "parser" in nlp.pipe_names:
            nlp.add_pipe("sentencizer", before="parser")
        logger.info("Loaded spaCy pipeline %s for %s", name, language)
    else:
        wanted = _configured.get(language)
        if language == "fr":
            raise ModelMissing(
                f"The spaCy model {wanted!r} is not installed. Install it with "
                f"'pip install {wanted.replace('_', '-')}' (it is in requirements.txt)."
            )
        nlp = spacy.blank(language if _has_language_class(language) else "xx")
        nlp.add_pipe("sentencizer")
        logger.info("No spaCy model for %s; using a blank pipeline with rules only", language)
    nlp.max_length = 2_000_000
    return nlp


def describe(language: str) -> str:
    """A version string recorded with each claim: which pipeline produced it."""
    nlp = load(language)
    return (
        f"{nlp.meta.get('name', 'blank')}-{nlp.meta.get('version', '0')}"
        if model_name(language)
        else f"blank-{language}"
    )


def _has_language_class(language: str) -> bool:
    try:
        spacy.util.get_lang_class(language)
    except Exception:  # spaCy raises ImportError or its own error for unknown codes
        return False
    return True
