"""The command-line contract used for evaluation: run as a user would, with no database."""

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from tests.helpers import DATA, ROOT, SAMPLE, require

# An address where no database listens: any query would fail the command.
NO_DATABASE = {"DATABASE_URL": "postgres://nobody@127.0.0.1:9/none", "DEBUG": "false", "SECRET_KEY": ""}


def _manage(*args, stdin: str | None = None, env_extra=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "factcheck.settings.base", **NO_DATABASE, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_checkworthiness_score_adds_score_and_label_columns_to_every_row(tmp_path):
    rows = [("1", "We cut taxes by 30 percent in 2017.", "Yes"), ("2", 'He said "thank you", friends.', "No")]
    rows *= 150  # more than one batch of 256
    path = tmp_path / "in.tsv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["Sentence_id", "Text", "class_label"])
        writer.writerows(rows)
    done = _manage("checkworthiness", "score", str(path), "--lang", "en")
    assert done.returncode == 0, done.stderr
    out = list(csv.DictReader(io.StringIO(done.stdout), delimiter="\t"))
    assert len(out) == 300
    assert list(out[0]) == ["Sentence_id", "Text", "class_label", "score", "label"]
    assert out[1]["Text"] == 'He said "thank you", friends.'
    assert 0 <= float(out[0]["score"]) <= 1
    assert (out[0]["label"], out[1]["label"]) == ("Yes", "No")


def test_checkworthiness_score_refuses_a_file_without_a_text_column(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("id\tsentence\n1\tHello\n")
    done = _manage("checkworthiness", "score", str(path), "--lang", "en")
    assert done.returncode != 0
    assert "Text column" in done.stderr


def test_extract_claims_json_on_the_sample_has_the_contracted_fields():
    require(SAMPLE.exists(), f"the sample article is not at {SAMPLE}")
    done = _manage("extract_claims", str(SAMPLE), "--lang", "fr", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"language", "sentences", "claims"}
    assert result["language"] == "fr" and result["sentences"] == 23
    raw = SAMPLE.read_text(encoding="utf-8")
    for claim in result["claims"]:
        assert set(claim) == {"text", "start", "end", "score", "reasons", "types", "claimant", "entities"}
        assert raw[claim["start"] : claim["end"]] == claim["text"]
        for entity in claim["entities"]:
            assert set(entity) == {"text", "label", "start", "end"}
            assert raw[entity["start"] : entity["end"]] == entity["text"]
    assert not any("date 2023-01" in c["text"] for c in result["claims"])


def test_extract_claims_jsonl_answers_one_line_per_input_line(tmp_path):
    path = tmp_path / "in.jsonl"
    items = [{"id": "a", "text": "Le chômage a baissé de 2 % en 2023, selon l'INSEE."}, {"id": 7, "text": ""}]
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n", encoding="utf-8")
    done = _manage("extract_claims", str(path), "--lang", "fr", "--jsonl")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", 7]
    assert lines[0]["claims"][0]["claimant"] == "l'INSEE"
    assert lines[1]["claims"] == [] and lines[1]["sentences"] == 0


def test_train_checkworthiness_writes_a_versioned_model_with_its_metrics(tmp_path):
    train = tmp_path / "train.tsv"
    lines = ["Sentence_id\tText\tclass_label"]
    lines += [f"{i}\tThe deficit grew by {i} billion dollars in {1990 + i % 20}.\tYes" for i in range(40)]
    lines += [f"{i + 40}\tThank you so much, it is good to see you, {i}.\tNo" for i in range(40)]
    train.write_text("\n".join(lines) + "\n")
    done = _manage(
        "train_checkworthiness",
        "--lang",
        "en",
        "--train",
        str(train),
        "--dev",
        str(train),
        "--output",
        str(tmp_path / "model"),
    )
    assert done.returncode == 0, done.stderr
    metrics = json.loads((tmp_path / "model" / "metrics.json").read_text())
    assert metrics["version"].startswith("ngram-en-")
    assert metrics["dev"]["f1"] == pytest.approx(1.0)
    assert "threshold" in metrics and "cross_validation" in metrics


def test_the_shipped_english_model_records_its_training_data_and_dev_score():
    require((DATA / "checkworthiness-en" / "train.tsv").exists(), "../shared/data/checkworthiness-en is absent")
    shipped = json.loads((ROOT / "claims" / "nlp" / "data" / "en" / "metrics.json").read_text())
    assert shipped["train_sentences"] == 22501 and shipped["source"] == "train.tsv"
    assert shipped["dev"]["f1"] > 0.85


def test_match_claims_prints_trec_run_lines_without_a_database(tmp_path):
    library = tmp_path / "library.tsv"
    library.write_text(
        "id\tvclaim\n"
        "v1\t122 detainees released from Guantanamo under Obama returned to terrorism.\n"
        "v2\tThe CBC deleted Trump from Home Alone 2.\n"
        "v3\tButterflies drink water from wombat holes after the Australian fires.\n",
        encoding="utf-8",
    )
    queries = tmp_path / "queries.tsv"
    queries.write_text(
        "id\ttweet_content\n"
        "q1\tCBC cut Trump's cameo out of Home Alone 2! #DefundTheCBC https://t.co/x — Brad (@brad) December 26, 2019\n"
        "q2\tObama let 122 Guantanamo detainees go and they went back to terror\n",
        encoding="utf-8",
    )
    done = _manage("match_claims", "--library", str(library), "--queries", str(queries), "--top", "2")
    assert done.returncode == 0, done.stderr
    lines = [line.split("\t") for line in done.stdout.splitlines()]
    assert [(q, q0, doc, rank, run) for q, q0, doc, rank, _score, run in lines[:1]] == [
        ("q1", "Q0", "v2", "1", "factcheck")
    ]
    assert [line[2] for line in lines if line[0] == "q2"][0] == "v1"
    assert all(
        float(line[4]) >= float(next_line[4])
        for line, next_line in zip(lines, lines[1:], strict=False)
        if line[0] == next_line[0]
    )


def test_match_claims_names_a_missing_column(tmp_path):
    library = tmp_path / "library.tsv"
    library.write_text("id\ttext\nv1\tSomething.\n", encoding="utf-8")
    done = _manage("match_claims", "--library", str(library), "--queries", str(library))
    assert done.returncode != 0
    assert "has no 'vclaim' column" in done.stderr


def test_match_claims_beats_bm25_on_the_claim_matching_dev_set():
    """The shipped words-only weights' measured MAP@5 on CheckThat! 2020 dev, recomputed from the run."""
    folder = DATA / "claim-matching-en"
    require(folder.exists(), f"{folder} is absent")
    from claims.nlp.trec import mean_average_precision, read_qrels

    done = _manage(
        "match_claims",
        "--library",
        str(folder / "verified_claims.tsv"),
        "--queries",
        str(folder / "dev_queries.tsv"),
        "--no-encoder",  # words only: embedding the 10,389-claim library takes minutes (bench/matching.py)
    )
    assert done.returncode == 0, done.stderr
    runs: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        query_id, _q0, doc_id, _rank, _score, _run = line.split("\t")
        runs.setdefault(query_id, []).append(doc_id)
    # BM25 (rank_bm25) scores 0.676 on the same texts (bench/matching.py).
    assert mean_average_precision(runs, read_qrels(folder / "dev_qrels.txt")) > 0.72
