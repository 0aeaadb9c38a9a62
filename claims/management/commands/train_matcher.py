import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.nlp import matching
from claims.nlp.trec import mean_average_precision, read_qrels, read_tsv


class Command(BaseCommand):
    help = "Fit the claim matcher's re-ranking weights on CheckThat!-style data (library, queries, qrels)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--library", type=Path, required=True)
        parser.add_argument("--queries", type=Path, required=True)
        parser.add_argument("--qrels", type=Path, required=True)
        parser.add_argument("--dev-queries", type=Path)
        parser.add_argument("--dev-qrels", type=Path)
        parser.add_argument("--output", type=Path, default=matching.WEIGHTS_PATH)

    def handle(self, *args, library, queries, qrels, dev_queries, dev_qrels, output, **options):
        try:
            index = matching.MatchIndex(matching.Weights())
            index.add((doc_id, text, "en") for doc_id, text in read_tsv(library, "vclaim", ("title",)))
            train, relevant = read_tsv(queries, "tweet_content"), read_qrels(qrels)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        rows, labels = [], []
        for query_id, text in train:
            candidates, features = index.candidate_features(text, "en")
            rows.extend(features)
            labels.extend(index.ids[i] in relevant.get(query_id, ()) for i in candidates)
        if sum(labels) < 20:
            raise CommandError(f"Only {sum(labels)} relevant pairs among the candidates; the qrels and ids disagree?")
        meta = {"trained_on": f"{queries.name} ({len(train)} queries, {sum(labels)} relevant pairs)"}
        index.weights = matching.fit_weights(rows, labels, meta)
        if dev_queries and dev_qrels:
            dev = read_tsv(dev_queries, "tweet_content")
            runs = {query_id: [m.doc_id for m in index.search(text, "en", 5)] for query_id, text in dev}
            meta["dev_map_at_5"] = round(mean_average_precision(runs, read_qrels(dev_qrels)), 4)
        index.weights.save(output)
        self.stdout.write(f"wrote {output}")
        self.stdout.write(json.dumps({"features": matching.FEATURES, "coef": index.weights.coef, **meta}, indent=2))
