"""Measure how well each available Dutch stemmer reproduces Snowball's reference output.

Why: Snowball 3.0 replaced its `dutch` stemmer (Martin Porter's algorithm) with
Kraaij-Pohlmann and kept the old one as `dutch_porter`.  The Python packages we can
use implement different generations: PyStemmer 3.x ships both, NLTK and Whoosh carry
their own pure-Python copies of the *old* algorithm.  The name "dutch" therefore does
not say which algorithm you get.  This script settles that with Snowball's own test
vocabulary (``voc.txt`` + ``output.txt`` for each algorithm) and also times each
candidate, so ``stemmer_for(name)`` can map names to the right implementation.

Two agreement rates are reported per reference:

* ``raw``: ``stem(word) == expected`` on the vocabulary as given;
* ``folded``: ``fold(stem(fold(word))) == fold(expected)``, i.e. what our analysis chain
  sees, since it lower-cases and strips diacritics *before* stemming.

Run::

    python bench/stemmer_agreement.py [--data-dir DIR] [--repeats 5] [--examples 12]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "testdata" / "snowball-dutch"
REFERENCES = ("dutch", "dutch_porter")

# Words from our domain, shown with both reference algorithms to make the
# difference concrete (they need not be in Snowball's vocabulary).
DOMAIN_WORDS = (
    "kinderen",
    "kind",
    "kindcentra",
    "kindcentrum",
    "scholen",
    "school",
    "leerlingen",
    "leerling",
    "beleid",
    "begeleiding",
    "gezin",
    "gezinnen",
    "zin",
    "gemeente",
    "gemeenten",
    "mening",
    "gelijkheid",
    "kansengelijkheid",
    "lijk",
    "kans",
    "kan",
    "gebouwen",
    "bouw",
    "integrale",
    "integratie",
    "geïntegreerd",
    "ideeën",
)

# Hand-picked sanity pairs from our domain (NOT a relevance benchmark): inflected or
# derived forms a searcher expects to find together, and unrelated words that a
# stemmer must keep apart.
SHOULD_MERGE = (
    ("kind", "kinderen"),
    ("kans", "kansen"),
    ("gezin", "gezinnen"),
    ("klas", "klassen"),
    ("school", "scholen"),
    ("leerling", "leerlingen"),
    ("leerkracht", "leerkrachten"),
    ("ouder", "ouders"),
    ("peuter", "peuters"),
    ("gemeente", "gemeenten"),
    ("gebouw", "gebouwen"),
    ("bestuur", "besturen"),
    ("bestuurder", "bestuurders"),
    ("stap", "stappen"),
    ("groep", "groepen"),
    ("wijk", "wijken"),
    ("partner", "partners"),
    ("plan", "plannen"),
    ("subsidie", "subsidies"),
    ("visie", "visies"),
    ("rol", "rollen"),
    ("les", "lessen"),
    ("medewerker", "medewerkers"),
    ("directeur", "directeuren"),
    ("jeugdige", "jeugdigen"),
    ("pedagogisch", "pedagogische"),
    ("integraal", "integrale"),
    ("opvang", "opvangen"),
    ("zorg", "zorgen"),
    ("bouw", "bouwen"),
    ("begeleiding", "begeleiden"),
    ("samenwerking", "samenwerken"),
    ("ontwikkeling", "ontwikkelen"),
    ("financiering", "financieren"),
    ("huisvesting", "huisvesten"),
    ("integratie", "integreren"),
    ("onderwijs", "onderwijzen"),
)
SHOULD_NOT_MERGE = (
    ("beleid", "begeleiding"),
    ("gezin", "zin"),
    ("gemeente", "mening"),
    ("gemeente", "gemeen"),
    ("gelijkheid", "lijk"),
    ("gelijk", "lijken"),
    ("kans", "kan"),
    ("geld", "gelden"),
    ("gebied", "bieden"),
    ("gevolg", "volgen"),
    ("ouder", "oud"),
)

StemFn = Callable[[str], str]


def fold(text: str) -> str:
    """Lower-case and strip diacritics, like ``kennisbank.analysis.fold``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def read_lines(path: Path) -> tuple[list[str], str]:
    """Read a Snowball data file, detecting its encoding.

    Snowball's data files are UTF-8 today, but older copies of some languages were
    ISO-8859-1; decoding strictly as UTF-8 first and falling back keeps us honest.
    """
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        label = "utf-8" if encoding == "utf-8-sig" else encoding
        if raw.startswith(b"\xef\xbb\xbf"):
            label += " (BOM)"
        return text.splitlines(), label
    raise AssertionError("latin-1 decodes any byte string")  # pragma: no cover


@dataclass(frozen=True)
class Candidate:
    """A stemmer implementation under test."""

    name: str
    stem: StemFn
    note: str = ""


def discover_candidates() -> tuple[list[Candidate], list[str]]:
    """Every stemmer we can import; also returns what was skipped and why."""
    found: list[Candidate] = []
    skipped: list[str] = []

    try:
        import Stemmer  # PyStemmer

        for algorithm in REFERENCES:
            if algorithm in Stemmer.algorithms():
                stemmer = Stemmer.Stemmer(algorithm)
                stemmer.maxCacheSize = 0  # time the algorithm, not PyStemmer's cache
                found.append(
                    Candidate(
                        f"PyStemmer {Stemmer.version()} '{algorithm}'",
                        stemmer.stemWord,
                        "C (libstemmer)",
                    )
                )
            else:
                skipped.append(f"PyStemmer has no '{algorithm}'")
    except ImportError as exc:
        skipped.append(f"PyStemmer: {exc}")

    try:
        import nltk
        from nltk.stem.snowball import SnowballStemmer

        found.append(
            Candidate(
                f"NLTK {nltk.__version__} SnowballStemmer('dutch')",
                SnowballStemmer("dutch").stem,
                "pure Python",
            )
        )
    except ImportError as exc:
        skipped.append(f"NLTK: {exc}")

    try:
        import whoosh
        from whoosh.lang import stemmer_for_language
        from whoosh.lang.snowball.dutch import DutchStemmer

        fn = stemmer_for_language("nl")
        same = isinstance(getattr(fn, "__self__", None), DutchStemmer)
        found.append(
            Candidate(
                f"Whoosh {whoosh.versionstring()} stemmer_for_language('nl')",
                fn,
                "pure Python" + (" = lang.snowball.dutch" if same else ""),
            )
        )
    except ImportError as exc:
        skipped.append(f"Whoosh: {exc}")

    try:  # optional: the pure-Python code generated by Snowball itself
        from importlib.metadata import version

        import snowballstemmer

        for algorithm in REFERENCES:
            if algorithm in snowballstemmer.algorithms():
                found.append(
                    Candidate(
                        f"snowballstemmer {version('snowballstemmer')} '{algorithm}' (optional)",
                        snowballstemmer.stemmer(algorithm).stemWord,
                        "pure Python",
                    )
                )
    except ImportError:
        skipped.append("snowballstemmer not installed (optional)")

    return found, skipped


def time_per_word(stem: StemFn, words: list[str], repeats: int) -> float:
    """Median over ``repeats`` runs of the mean time per word, in microseconds."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for word in words:
            stem(word)
        samples.append((time.perf_counter() - start) / len(words) * 1e6)
    return statistics.median(samples)


def agreement(got: list[str], expected: list[str]) -> float:
    return sum(g == e for g, e in zip(got, expected, strict=True)) / len(expected)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--examples", type=int, default=12)
    args = parser.parse_args(argv)

    vocab: list[str] | None = None
    expected: dict[str, list[str]] = {}
    for ref in REFERENCES:
        words, voc_enc = read_lines(args.data_dir / ref / "voc.txt")
        stems, out_enc = read_lines(args.data_dir / ref / "output.txt")
        if len(words) != len(stems):
            print(f"{ref}: voc.txt and output.txt differ in length", file=sys.stderr)
            return 2
        if vocab is None:
            vocab = words
        elif words != vocab:
            print(f"{ref}: vocabulary differs from {REFERENCES[0]}", file=sys.stderr)
            return 2
        expected[ref] = stems
        print(f"{ref}: {len(words)} words; voc.txt {voc_enc}, output.txt {out_enc}")
    assert vocab is not None
    same = agreement(expected["dutch"], expected["dutch_porter"])
    print(f"the two references give the same stem for {same:.2%} of the words")
    for ref, stems in expected.items():
        print(f"{ref}: {len(set(stems))} distinct stems (fewer = more aggressive conflation)")

    candidates, skipped = discover_candidates()
    for line in skipped:
        print(f"skipped: {line}")
    folded_vocab = [fold(w) for w in vocab]
    folded_expected = {ref: [fold(s) for s in stems] for ref, stems in expected.items()}

    outputs: dict[str, list[str]] = {}
    print()
    header = (
        f"{'candidate':<52} {'=dutch (KP)':>12} {'=dutch_porter':>14} "
        f"{'KP folded':>10} {'Porter fold':>12} {'µs/word':>8}"
    )
    print(header)
    print("-" * len(header))
    for cand in candidates:
        got = [cand.stem(w) for w in vocab]
        got_folded = [fold(cand.stem(w)) for w in folded_vocab]
        outputs[cand.name] = got
        speed = time_per_word(cand.stem, vocab, args.repeats)
        print(
            f"{cand.name:<52} {agreement(got, expected['dutch']):>12.2%} "
            f"{agreement(got, expected['dutch_porter']):>14.2%} "
            f"{agreement(got_folded, folded_expected['dutch']):>10.2%} "
            f"{agreement(got_folded, folded_expected['dutch_porter']):>12.2%} "
            f"{speed:>8.2f}"
        )

    print(
        f"\nExamples where candidates differ from an expected stem "
        f"(first {args.examples}, spread over the vocabulary):"
    )
    differing = [
        i
        for i, w in enumerate(vocab)
        if any(out[i] != expected[ref][i] for out in outputs.values() for ref in REFERENCES)
    ]
    step = max(1, len(differing) // max(1, args.examples))
    names = list(outputs)
    print(
        f"{'word':<20} {'KP':<16} {'Porter':<16} "
        + " ".join(f"c{i + 1:<13}" for i in range(len(names)))
    )
    for i in differing[::step][: args.examples]:
        row = " ".join(f"{outputs[n][i]:<14}" for n in names)
        print(f"{vocab[i]:<20} {expected['dutch'][i]:<16} {expected['dutch_porter'][i]:<16} {row}")
    for i, name in enumerate(names):
        print(f"  c{i + 1} = {name}")
    print(f"  ({len(differing)} of {len(vocab)} words differ from at least one reference)")

    print("\nDomain words (reference algorithms via the candidates that match them 100%):")
    kp = next((c for c in candidates if agreement(outputs[c.name], expected["dutch"]) == 1), None)
    porter = next(
        (c for c in candidates if agreement(outputs[c.name], expected["dutch_porter"]) == 1), None
    )
    if kp and porter:
        print(f"{'word':<20} {'KP (dutch)':<18} {'Porter (dutch_porter)':<18}")
        for word in DOMAIN_WORDS:
            print(f"{word:<20} {kp.stem(fold(word)):<18} {porter.stem(fold(word)):<18}")
        print("\nDomain sanity pairs (hand-picked, not a relevance benchmark):")
        for label, cand in (("KP (dutch)", kp), ("Porter (dutch_porter)", porter)):
            merged = [p for p in SHOULD_MERGE if cand.stem(fold(p[0])) == cand.stem(fold(p[1]))]
            missed = [f"{a}/{b}" for a, b in SHOULD_MERGE if (a, b) not in merged]
            wrong = [
                f"{a}/{b}" for a, b in SHOULD_NOT_MERGE if cand.stem(fold(a)) == cand.stem(fold(b))
            ]
            print(
                f"  {label}: joins {len(merged)}/{len(SHOULD_MERGE)} related pairs, "
                f"wrongly joins {len(wrong)}/{len(SHOULD_NOT_MERGE)} unrelated pairs"
            )
            print(f"    missed: {', '.join(missed) or '-'}")
            print(f"    wrongly joined: {', '.join(wrong) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
