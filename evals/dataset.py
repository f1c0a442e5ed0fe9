"""The project's evaluation dataset format: JSON Lines items, validated with line-numbered errors.

Field names are fixed (id, question, answerable, facts, sources, reference,
history, tags, contexts); unknown fields are ignored. `item_to_json` is the
inverse, used by `rag eval convert`. Other formats (RAGAS, llama-index,
CSV) are read by `evals.formats`, which builds the same `Item`s through
`make_item`. It does not run anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import RagError


class DatasetError(RagError):
    """A dataset line is malformed; the message names the file and line."""


@dataclass
class Item:
    id: str
    question: str
    answerable: bool
    facts: list[list[str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    reference: str = ""
    history: list[dict[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)  # reference passages (RAGAS, llama-index)


def _item(data: Any, where: str) -> Item:
    if not isinstance(data, dict):
        raise DatasetError(f"{where}: expected a JSON object")
    for key in ("id", "question", "answerable"):
        if key not in data:
            raise DatasetError(f"{where}: missing field {key!r}")
    return make_item(data, where)


def make_item(data: dict[str, Any], where: str) -> Item:
    """An Item from canonical field names, validated; `answerable` defaults to true."""
    for key in ("id", "question"):
        if key not in data:
            raise DatasetError(f"{where}: missing field {key!r}")
    data = {"answerable": True, **data}
    if not isinstance(data["question"], str) or not data["question"].strip():
        raise DatasetError(f"{where}: 'question' must be non-empty text")
    if not isinstance(data["answerable"], bool):
        raise DatasetError(f"{where}: 'answerable' must be true or false")
    facts = data.get("facts") or []
    if not isinstance(facts, list) or not all(
        isinstance(g, list) and g and all(isinstance(a, str) and a.strip() for a in g) for g in facts
    ):
        raise DatasetError(f"{where}: 'facts' must be a list of non-empty lists of strings")
    sources = data.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise DatasetError(f"{where}: 'sources' must be a list of document ids")
    history = data.get("history") or []
    if not isinstance(history, list) or not all(
        isinstance(t, dict) and t.get("role") in ("user", "assistant") and isinstance(t.get("content"), str)
        for t in history
    ):
        raise DatasetError(f"{where}: 'history' must be a list of {{role: user|assistant, content}}")
    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise DatasetError(f"{where}: 'tags' must be a list of non-empty strings")
    contexts = data.get("contexts") or []
    if not isinstance(contexts, list) or not all(isinstance(c, str) for c in contexts):
        raise DatasetError(f"{where}: 'contexts' must be a list of strings")
    reference = data.get("reference") or ""
    if not isinstance(reference, str):
        raise DatasetError(f"{where}: 'reference' must be text")
    if data["id"] is None or str(data["id"]).strip() == "" or isinstance(data["id"], (list, dict, bool)):
        raise DatasetError(f"{where}: 'id' must be non-empty text or a number")
    return Item(
        id=str(data["id"]),
        question=data["question"],
        answerable=data["answerable"],
        facts=facts,
        sources=sources,
        reference=reference,
        history=history,
        tags=[t.strip() for t in tags],
        contexts=[c for c in contexts if c.strip()],
    )


def item_to_json(item: Item) -> dict[str, Any]:
    """The project's JSONL object of an item (empty optional fields left out)."""
    out: dict[str, Any] = {"id": item.id, "question": item.question, "answerable": item.answerable}
    for key in ("facts", "sources", "reference", "history", "tags", "contexts"):
        if getattr(item, key):
            out[key] = getattr(item, key)
    return out


def load_dataset(path: Path) -> list[Item]:
    """Every item of a JSONL dataset; raises DatasetError naming the first bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise DatasetError(f"Dataset file {path} not found.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"Cannot read dataset {path}: {exc}") from exc
    items: list[Item] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{where}: not valid JSON ({exc.msg})") from exc
        item = _item(data, where)
        if item.id in seen:
            raise DatasetError(f"{where}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise DatasetError(f"{path}: no items")
    return items
