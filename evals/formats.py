"""Read the dataset formats evaluators already have, and convert them to the project's JSONL.

Formats (`FORMATS`), detected from the file (`detect_format`) or named with `--format`:

- `jsonl`: the project's own JSON Lines (`evals.dataset`), strict as ever.
- `ragas`: RAGAS-style records, as JSON Lines, a JSON list, or a JSON object of
  columns (`Dataset.to_dict()`): `question` or `user_input`, `ground_truth`,
  `ground_truths` or `reference`, and the reference passages in
  `reference_contexts` or `contexts`.
- `llamaindex`: llama-index's `LabelledRagDataset` JSON (`{"examples": [...]}`
  with `query`, `reference_answer`, `reference_contexts`).
- `csv`: a header row, then one question per row. List cells are a JSON list or
  `;`-separated (`facts`: groups separated by `;`, alternatives by `|`).

Every format may also carry the project's own fields (`id`, `answerable`,
`facts`, `sources`, `tags`, `history`) under those names. The mapping from
file fields to dataset fields is explicit: `ALIASES` lists the names each
field is read from (first present wins), `--field FIELD=NAME` overrides one,
and `ImportReport` says which file field fed which dataset field, which file
fields were ignored (and why, for the known ones: another system's answer or
retrieval is not what this run scores) and what cannot be scored. Items
without an `id` get `q001`, `q002`... by position, the same in every format;
items without `answerable` are presumed answerable.

Errors (`DatasetError`) name the file, line and field. `convert` writes the
project's JSONL to a temporary file and renames it into place, so a failed
conversion leaves nothing half-written.

It does not run anything, and does not resolve `contexts` to documents
(`evals.run.resolve_sources` does, against the index).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.dataset import DatasetError, Item, item_to_json, load_dataset, make_item

FORMATS = ("jsonl", "ragas", "llamaindex", "csv")
FIELDS = ("id", "question", "answerable", "facts", "sources", "reference", "history", "tags", "contexts")

# Dataset field -> the file fields it is read from, in order of preference.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "query_id", "question_id"),
    "question": ("question", "user_input", "query"),
    "answerable": ("answerable",),
    "facts": ("facts",),
    "sources": ("sources",),
    "reference": ("reference", "ground_truth", "ground_truths", "reference_answer"),
    "history": ("history",),
    "tags": ("tags",),
    "contexts": ("reference_contexts", "contexts"),
}
# File fields that are ignored on purpose, with the reason the report gives.
KNOWN_IGNORED = {
    "answer": "another system's answer (this run scores the engine's own)",
    "response": "another system's answer (this run scores the engine's own)",
    "retrieved_contexts": "another system's retrieval (this run scores the engine's own)",
    "query_by": "provenance of the question",
    "reference_answer_by": "provenance of the reference",
}
TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})
LIST_SPLIT = re.compile(r"\s*;\s*")


@dataclass
class ImportReport:
    """What an import read, from where, and what it left out."""

    path: str
    format: str
    n_items: int = 0
    mapping: dict[str, str] = field(default_factory=dict)  # dataset field -> file field
    ignored: dict[str, int] = field(default_factory=dict)  # file field -> records that had it
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"dataset: {self.path} ({self.format}, {self.n_items} items)"]
        if self.mapping:
            out.append("  fields: " + ", ".join(f"{k} <- {v}" for k, v in self.mapping.items()))
        for name, count in self.ignored.items():
            why = KNOWN_IGNORED.get(name, "not a dataset field")
            out.append(f"  ignored: {name!r} in {count} item(s): {why}")
        out += [f"  note: {n}" for n in self.notes]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "n_items": self.n_items,
            "mapping": self.mapping,
            "ignored": {
                k: {"items": v, "why": KNOWN_IGNORED.get(k, "not a dataset field")}
                for k, v in self.ignored.items()
            },
            "notes": self.notes,
        }


def parse_field_map(specs: list[str] | None) -> dict[str, str]:
    """`["question=prompt", ...]` -> {"question": "prompt"}; a clear error for a bad spec."""
    out: dict[str, str] = {}
    for spec in specs or []:
        name, sep, source = spec.partition("=")
        name, source = name.strip(), source.strip()
        if not sep or not name or not source:
            raise DatasetError(f"--field {spec!r}: write FIELD=NAME, e.g. --field question=prompt")
        if name not in FIELDS:
            raise DatasetError(
                f"--field {spec!r}: {name!r} is not a dataset field; use one of {', '.join(FIELDS)}"
            )
        out[name] = source
    return out


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise DatasetError(f"Dataset file {path} not found.") from exc
    except IsADirectoryError as exc:
        raise DatasetError(f"Dataset {path} is a folder: give a file.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"Cannot read dataset {path}: {exc}") from exc


def _json_lines(text: str, path: Path) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"{path}:{number}", json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc


def _array_elements(text: str, start: int, path: Path) -> Iterator[tuple[str, Any]]:
    """The elements of the JSON array opening at text[start] == '[', each with its line."""
    decoder = json.JSONDecoder()
    at = start + 1
    while True:
        while at < len(text) and text[at] in " \t\r\n,":
            at += 1
        if at >= len(text) or text[at] == "]":
            return
        line = text.count("\n", 0, at) + 1
        try:
            obj, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
        yield f"{path}:{line}", obj


def _load_json(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from exc


def detect_format(path: Path, text: str) -> str:
    """The format a file is in, from its name and first characters."""
    if path.suffix.lower() in (".csv", ".tsv"):
        return "csv"
    head = text.lstrip()
    if head.startswith("["):
        return "ragas"
    if not head.startswith("{"):
        return "csv"
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:  # several objects: JSON Lines, the project's own or RAGAS-style
        first = _first_object(head.splitlines()[0])
        if first is None:  # one JSON document over several lines, broken: its reader names the line
            return "llamaindex" if re.search(r'"examples"\s*:', text) else "ragas"
        return "jsonl" if {"id", "question", "answerable"} <= set(first) else "ragas"
    if isinstance(whole, dict) and "examples" in whole:
        return "llamaindex"
    if isinstance(whole, dict) and whole and all(isinstance(v, list) for v in whole.values()):
        return "ragas"  # columns, as Dataset.to_dict() writes them
    if isinstance(whole, dict) and {"id", "question", "answerable"} <= set(whole):
        return "jsonl"
    return "ragas"


def _first_object(line: str) -> dict[str, Any] | None:
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None  # the project's reader reports the line
    return data if isinstance(data, dict) else None


def _records(fmt: str, text: str, path: Path) -> Iterator[tuple[str, Any]]:
    if fmt == "llamaindex":
        data = _load_json(text, path)
        if not isinstance(data, dict) or not isinstance(data.get("examples"), list):
            raise DatasetError(f'{path}: a LabelledRagDataset JSON needs a top-level "examples" list')
        match = re.search(r'"examples"\s*:\s*\[', text)
        assert match is not None
        yield from _array_elements(text, match.end() - 1, path)
    elif fmt == "ragas":
        head = text.lstrip()
        if head.startswith("["):
            _load_json(text, path)  # the whole file must be valid JSON
            yield from _array_elements(text, text.index("["), path)
            return
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            yield from _json_lines(text, path)
            return
        if isinstance(data, dict) and data and all(isinstance(v, list) for v in data.values()):
            lengths = {len(v) for v in data.values()}
            if len(lengths) != 1:
                raise DatasetError(f"{path}: the columns have different lengths {sorted(lengths)}")
            for i in range(lengths.pop()):
                yield f"{path}: row {i + 1}", {k: v[i] for k, v in data.items()}
        else:
            yield f"{path}:1", data
    elif fmt == "csv":
        yield from _csv_rows(text, path)
    else:
        raise DatasetError(f"unknown dataset format {fmt!r}; use one of {', '.join(FORMATS)}")


def _csv_rows(text: str, path: Path) -> Iterator[tuple[str, Any]]:
    dialect: Any = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    reader = csv.reader(io.StringIO(text), dialect)

    def next_row(line: int) -> list[str] | None:
        try:
            return next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise DatasetError(f"{path}:{line}: not valid CSV ({exc})") from exc

    first = next_row(1)
    if first is None:
        return
    header = [h.strip() for h in first]
    if "" in header or len(set(header)) != len(header):
        raise DatasetError(f"{path}:1: the header needs unique, non-empty column names (got {header})")
    line = reader.line_num + 1
    while (row := next_row(line)) is not None:
        where = f"{path}:{line}"
        line = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise DatasetError(f"{where}: {len(row)} cells, but the header has {len(header)} columns")
        yield where, {h: c for h, c in zip(header, row, strict=True) if c.strip()}


def _cell_list(value: str, where: str, name: str) -> Any:
    value = value.strip()
    if value.startswith("["):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{where}: field {name!r}: not a valid JSON list ({exc.msg})") from exc
    return [part for part in LIST_SPLIT.split(value) if part]


def _coerce(key: str, value: Any, where: str, source: str) -> Any:
    """A file value as the dataset field wants it (text cells become lists, booleans...)."""
    if key == "answerable" and isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        raise DatasetError(f"{where}: field {source!r}: {value!r} is not true or false")
    if key == "answerable" and isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    if key == "reference" and isinstance(value, list):
        return " ".join(str(v) for v in value if v)
    if key == "contexts" and isinstance(value, str):
        return _cell_list(value, where, source) if value.strip().startswith("[") else [value]
    if key in ("sources", "tags") and isinstance(value, str):
        return [p.strip() for p in re.split(r"[;,]", value) if p.strip()]
    if key == "facts" and isinstance(value, str):
        if value.strip().startswith("["):
            return _cell_list(value, where, source)
        return [
            [a.strip() for a in group.split("|") if a.strip()] for group in LIST_SPLIT.split(value) if group
        ]
    if key == "history" and isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{where}: field {source!r}: not valid JSON ({exc.msg})") from exc
    if key == "id" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _map(
    record: Any, where: str, fmt: str, fields: dict[str, str], report: ImportReport, position: int
) -> Item:
    if not isinstance(record, dict):
        raise DatasetError(f"{where}: expected an object (a record with named fields)")
    data: dict[str, Any] = {}
    used: set[str] = set()
    for key in FIELDS:
        names = (fields[key],) if key in fields else ALIASES[key]
        for name in names:
            if name in record and record[name] not in (None, ""):
                data[key] = _coerce(key, record[name], where, name)
                used.add(name)
                report.mapping.setdefault(key, name)
                break
    for name in record:
        if name not in used:
            report.ignored[name] = report.ignored.get(name, 0) + 1
    data.setdefault("id", f"q{position:03d}")
    if "question" not in data:
        names = (fields["question"],) if "question" in fields else ALIASES["question"]
        raise DatasetError(
            f"{where}: missing field {' or '.join(repr(n) for n in names)} (the question); "
            "name another with --field question=NAME"
        )
    try:
        return make_item(data, where)
    except DatasetError as exc:
        # name the file's own field, not only the dataset's
        message = str(exc)
        for key, name in report.mapping.items():
            if name != key and f"'{key}'" in message:
                message = message.replace(f"'{key}'", f"'{name}' (read as {key!r})", 1)
                break
        raise DatasetError(message) from exc


def read_dataset(
    path: Path, fmt: str | None = None, fields: dict[str, str] | None = None
) -> tuple[list[Item], ImportReport]:
    """Every item of a dataset file in any supported format, and what the import did."""
    text = _read_text(path)
    fmt = fmt or detect_format(path, text)
    if fmt not in FORMATS:
        raise DatasetError(f"unknown dataset format {fmt!r}; use one of {', '.join(FORMATS)}")
    fields = fields or {}
    report = ImportReport(str(path), fmt)
    if fmt == "jsonl":
        if fields:
            raise DatasetError(
                "--field applies to ragas, llamaindex and csv files; the project's JSONL is read as is"
            )
        items = load_dataset(path)
        report.mapping = {
            k: k
            for k in FIELDS
            if any(getattr(i, k, None) for i in items) or k in ("id", "question", "answerable")
        }
    else:
        items = []
        seen: dict[str, str] = {}
        for position, (where, record) in enumerate(_records(fmt, text, path), start=1):
            item = _map(record, where, fmt, fields, report, position)
            if item.id in seen:
                raise DatasetError(f"{where}: duplicate id {item.id!r} (also {seen[item.id]})")
            seen[item.id] = where
            items.append(item)
        if not items:
            raise DatasetError(f"{path}: no items")
        for key, name in fields.items():
            if report.mapping.get(key) != name:
                raise DatasetError(f"--field {key}={name}: no item in {path} has a field {name!r}")
    report.n_items = len(items)
    report.notes = _notes(items, fmt, report)
    return items, report


def _notes(items: list[Item], fmt: str, report: ImportReport) -> list[str]:
    notes = []
    if fmt != "jsonl" and "answerable" not in report.mapping:
        notes.append("no 'answerable' field: every item is presumed answerable")
    answerable = [i for i in items if i.answerable]
    no_ref = sum(not i.reference for i in answerable)
    if no_ref:
        notes.append(f"{no_ref} answerable item(s) have no reference: no judge correctness for them")
    no_facts = sum(not i.facts for i in answerable)
    if no_facts:
        notes.append(f"{no_facts} answerable item(s) have no facts: fact_recall is not scored for them")
    unscorable = sum(not i.sources and not i.contexts for i in answerable)
    if unscorable:
        notes.append(
            f"{unscorable} answerable item(s) have neither sources nor contexts: hit_rate, mrr and "
            "citation_precision are not scored for them"
        )
    bare = sum(not i.facts and not i.sources and not i.contexts and not i.reference for i in answerable)
    if bare:
        notes.append(
            f"{bare} item(s) carry no reference at all: scored on refusal, citations and latency only"
        )
    return notes


def convert(
    src: Path, dst: Path, fmt: str | None = None, fields: dict[str, str] | None = None
) -> ImportReport:
    """Write `src` (any format) as the project's JSONL at `dst`, all at once or not at all."""
    items, report = read_dataset(src, fmt, fields)
    if dst.resolve() == src.resolve():
        raise DatasetError(f"{dst}: the output would overwrite the input; choose another file")
    text = "".join(json.dumps(item_to_json(i), ensure_ascii=False) + "\n" for i in items)
    from evals.run import atomic_write  # the runner (and the engine it imports) only when writing

    try:
        atomic_write(dst, text)
    except OSError as exc:
        raise DatasetError(f"Cannot write {dst}: {exc}") from exc
    return report
