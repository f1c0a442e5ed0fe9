"""`python -m evals.perturb`: the project's question sets as people type them, with typos.

Makes a typo variant of every question of a question file, deterministically (seeded by the
item's id, so a rerun writes the same file): one content word, or two in a longer question,
gets a realistic typo (a letter dropped, doubled, two swapped, a neighbouring key hit instead,
or a spelling as said: "recieve", "wen", "hapend"), and a few common words take their chat form
("ppl", "u", "govt") now and then. Expected facts, sources and answerability stay the same, so
the variant's figures beside the clean ones show what typos cost the reader.

Run with no file it writes the variants of the project's sets (`evals.figures.PROJECT_SETS`,
filtered by `--only`) under `--out` and runs `rag eval` on each, printing the figures table:
`python -m evals.perturb --only calib --out runs/typo`. `--write IN OUT` only writes one file.

It deliberately does not mistype function words or numbers (a typo there changes little or
changes the question), rewrite the history of follow-ups, or choose anything from the results:
the typos are drawn before anything is run.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

from rag.sentences import STOPWORDS, WH_WORDS

SEED = 11
MIN_TYPO_WORD = 4  # shorter words are left as typed
TWO_TYPOS_FROM = 6  # questions with this many content words get two typos
CHAT_RATE = 0.5  # chance a word with a chat form takes it
# Common words and the chat forms people type for them (general English, not corpus words).
CHAT_FORMS = {
    "people": "ppl",
    "you": "u",
    "your": "ur",
    "are": "r",
    "government": "govt",
    "because": "bc",
    "about": "abt",
    "what": "wat",
    "when": "wen",
    "where": "were",
    "please": "pls",
    "before": "b4",
    "though": "tho",
    "through": "thru",
    "tomorrow": "tmrw",
}
# Spellings as said: (how it is written, how it is typed), tried in this order.
PHONETIC = (
    ("ie", "ei"),
    ("ei", "ie"),
    ("ph", "f"),
    ("ck", "k"),
    ("ppen", "pen"),
    ("tion", "shun"),
    ("ough", "uff"),
    ("ea", "ee"),
    ("ge", "je"),
    ("ce", "se"),
    ("ss", "s"),
    ("ll", "l"),
    ("tt", "t"),
    ("mm", "m"),
    ("rr", "r"),
    ("y", "ie"),
    ("ou", "o"),
)
# Question-frame words: a typo there changes how the question reads, not what it is about.
FRAME = frozenset("much many long old does did will would could should have been going gonna also".split())
ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
KINDS = ("drop", "double", "swap", "key", "phonetic")
WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


def _neighbours(ch: str) -> str:
    """Keys next to `ch` on its QWERTY row (the slip most typed: the key left or right)."""
    for row in ROWS:
        i = row.find(ch.lower())
        if i >= 0:
            return row[max(i - 1, 0) : i] + row[i + 1 : i + 2]
    return ""


def typo(word: str, kind: str, rng: random.Random) -> str:
    """`word` with one typo of `kind` (see `KINDS`), or `word` unchanged when that kind cannot apply.

    The first letter is kept: people rarely mistype it, and readers look words up by it."""
    n = len(word)
    inner = list(range(1, n))
    if kind == "drop" and n > MIN_TYPO_WORD - 1:
        i = rng.choice(inner)
        return word[:i] + word[i + 1 :]
    if kind == "double":
        i = rng.choice(inner)
        return word[: i + 1] + word[i] + word[i + 1 :]
    if kind == "swap":
        pairs = [i for i in range(1, n - 1) if word[i] != word[i + 1]]
        if pairs:
            i = rng.choice(pairs)
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "key":
        i = rng.choice(inner)
        keys = _neighbours(word[i])
        if keys:
            return word[:i] + rng.choice(keys) + word[i + 1 :]
    if kind == "phonetic":
        for written, typed in PHONETIC:
            j = word.lower().find(written, 1)
            if j > 0:
                return word[:j] + typed + word[j + len(written) :]
    return word


def mistype(word: str, rng: random.Random) -> str:
    """`word` with one realistic typo: a kind drawn at random, the next kind if it cannot apply."""
    start = rng.randrange(len(KINDS))
    for k in range(len(KINDS)):
        out = typo(word, KINDS[(start + k) % len(KINDS)], rng)
        if out != word:
            return out
    return word


def perturb(question: str, key: str, seed: int = SEED) -> str:
    """`question` with one or two content words mistyped and some chat forms, drawn from
    `seed` and `key` (the item's id): the same inputs always give the same variant."""
    rng = random.Random(f"{seed}:{key}")
    spans = [(m.start(), m.end(), m.group()) for m in WORD.finditer(question)]
    content = [
        s for s in spans if len(s[2]) >= MIN_TYPO_WORD and s[2].lower() not in STOPWORDS | WH_WORDS | FRAME
    ]
    chat = [s for s in spans if s[2].lower() in CHAT_FORMS and rng.random() < CHAT_RATE]
    count = 2 if len(content) >= TWO_TYPOS_FROM else 1
    picked = rng.sample(content, min(count, len(content)))
    changes: dict[int, tuple[int, str]] = {}
    for start, end, word in chat[:1]:
        form = CHAT_FORMS[word.lower()]
        changes[start] = (end, form.capitalize() if word[:1].isupper() else form)
    for start, end, word in picked:
        if start not in changes:
            changes[start] = (end, mistype(word, rng))
    out, last = [], 0
    for start in sorted(changes):
        end, new = changes[start]
        out.append(question[last:start] + new)
        last = end
    return "".join(out) + question[last:]


def perturb_items(items: list[dict[str, object]], seed: int = SEED) -> list[dict[str, object]]:
    """Each item with its question mistyped (`perturb`), tagged `typo-variant`; the rest unchanged."""
    out = []
    for item in items:
        question = str(item["question"])
        new = dict(item)
        new["question"] = perturb(question, str(item.get("id", question)), seed)
        tags = [str(t) for t in item.get("tags", []) or []]  # type: ignore[attr-defined]
        new["tags"] = [*tags, "typo-variant"] if "typo-variant" not in tags else tags
        out.append(new)
    return out


def write(src: Path, dst: Path, seed: int = SEED) -> int:
    """Write the typo variants of question file `src` to `dst`; the number of items."""
    items = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines() if line.strip()]
    dst.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(item, ensure_ascii=False) for item in perturb_items(items, seed)]
    dst.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(items)


def main(argv: list[str] | None = None) -> int:
    from evals import figures

    parser = argparse.ArgumentParser(prog="python -m evals.perturb", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="runs/typo", help="folder for the variant files, runs and table.md")
    parser.add_argument("--only", action="append", help="only sets whose file name contains this")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--write", nargs=2, metavar=("IN", "OUT"), help="only write IN's variants to OUT")
    parser.add_argument("--backend", default="extractive")
    args = parser.parse_args(argv)
    if args.write:
        src, dst = Path(args.write[0]), Path(args.write[1])
        if not src.is_file():
            parser.error(f"no question file at {src}")
        print(f"{write(src, dst, args.seed)} typo variants written to {dst}")
        return 0
    out = Path(args.out)
    sets = figures.PROJECT_SETS
    jobs = [(n, s, f, c) for n, s, f, c in sets if not args.only or any(o in f for o in args.only)]
    rows = []
    for name, split, file, corpus in jobs:
        variant = out / "datasets" / file.replace(".jsonl", ".typo.jsonl")
        write(figures.DATASETS / file, variant, args.seed)
        print(f"running {variant.name} ...", file=sys.stderr, flush=True)
        metrics = figures.run_set(variant, corpus, out / variant.stem, None, args.backend)
        rows.append((name, f"{split} typos", metrics))
    figures.write_table(out, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
