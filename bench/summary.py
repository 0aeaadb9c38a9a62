"""The one results table: every benchmark's headline figure beside its baseline and target."""

import json

from common import SUMMARY, header, table


def main() -> None:
    lines = [json.loads(line) for line in SUMMARY.read_text(encoding="utf-8").splitlines() if line.strip()]
    header("Summary: our figure, the baseline measured in the same run, the ratio, the target")
    table(
        [
            [
                line["what"],
                _fmt(line["ours"]),
                _fmt(line["baseline"]),
                f"{line['ours'] / line['baseline']:.2f}" if line["baseline"] else "",
                line["unit"],
                line["target"],
                "met" if line["met"] else "**not met**",
            ]
            for line in lines
        ],
        ["benchmark", "ours", "baseline", "ours / baseline", "unit", "target", ""],
    )


def _fmt(value: float) -> str:
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"


if __name__ == "__main__":
    main()
