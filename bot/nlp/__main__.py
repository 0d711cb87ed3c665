"""Command line: `python -m bot.nlp classify` (JSON lines in/out), `evaluate [FILE]`, `languages`, `train`."""

import argparse
import json
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import TextIO

from bot.nlp.evaluate import evaluate_file, evaluate_sets, format_report, format_sets, misses_shown
from bot.nlp.understanding import understand


def _classify_stream(lines: Iterable[str], out: TextIO) -> None:
    """One JSON result line per JSON input line, in order."""
    for line in lines:
        if not line.strip():
            continue
        row = json.loads(line)
        result = understand(row.get("text", ""), row.get("context"), now=datetime.now())
        out.write(
            json.dumps(
                {
                    "intent": result.intent,
                    "category": result.category,
                    "when": result.when.isoformat() if result.when else None,
                    "time_of_day": result.time_of_day,
                    "summary": result.summary,
                    "language": result.language,
                    "confidence": round(result.confidence, 3),
                },
                ensure_ascii=False,
            )
            + "\n"
        )
        out.flush()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the bot.nlp command line."""
    parser = argparse.ArgumentParser(prog="python -m bot.nlp")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("classify", help="read JSON lines {text, context} on stdin")
    evaluate = commands.add_parser(
        "evaluate", help="accuracy on the dev set, the held-out corpus and every language, or on one labelled file"
    )
    evaluate.add_argument("file", nargs="?")
    evaluate.add_argument("--misses", action="store_true", help="list the misreadings (never of held-out)")
    evaluate.add_argument(
        "--folds", type=int, default=0, help="also cross-validate on the Japanese training corpus (a model per fold)"
    )
    training = commands.add_parser("train", help="fit the learned layer on the training corpora (writes model_*.npz)")
    training.add_argument("languages", nargs="*", help="ja, vi, zh-Hans, ko, en (all when none is named)")
    languages = commands.add_parser("languages", help="vi, zh-Hans, ko, en: tuned and held-out accuracy")
    languages.add_argument(
        "--held-out-misses", action="store_true", help="also list the held-out misses (look, but never tune on them)"
    )
    languages.add_argument(
        "--folds", type=int, default=0, help="also cross-validate each language's training corpus (a model per fold)"
    )
    args = parser.parse_args(argv)
    if args.command == "train":
        from bot.nlp.learned import LEARNED_LANGUAGES
        from bot.nlp.train import train  # numpy training code: only loaded to train

        for language in args.languages or LEARNED_LANGUAGES:
            arrays = train(language)
            print(
                f"model_{language}.npz: {len(arrays['features'])} features, "
                f"temperatures {arrays['intent_temperature']:.2f} (intent) "
                f"{arrays['category_temperature']:.2f} (category)"
            )
    elif args.command == "classify":
        _classify_stream(sys.stdin, sys.stdout)
    elif args.command == "languages":
        from bot.nlp.evaluate_languages import report

        print(report(args.held_out_misses))
        if args.folds > 1:
            from bot.nlp.crossval import cross_validated_report  # fits a model per fold: only loaded then

            print(cross_validated_report(args.folds))
    elif args.file:
        print(format_report(evaluate_file(args.file), show_misses=misses_shown(args.file)))
    else:
        from bot.nlp.evaluate_languages import report

        results = evaluate_sets()
        if args.folds > 1:
            from bot.nlp.crossval import cross_validated  # fits a model per fold: only loaded then

            name = f"training corpus ({args.folds}-fold cross-val.)"
            results.insert(2, (name, cross_validated(args.folds), True))
        print(format_sets(results, show_misses=args.misses))
        print(report(False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
