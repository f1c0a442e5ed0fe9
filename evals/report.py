"""The HTML report of one run: a single self-contained file, `DIR/report.html`.

`render_report(results, metrics)` returns the page; `write_report(out_dir)`
renders the run stored in a directory (`results.jsonl`, `metrics.json`). The
page has inline CSS and a few lines of inline JS (no external URL): the run's
configuration, a bar per rate metric, the judge prompts when a judge ran, and
a table of items that a toggle filters to failures. Each item opens to its
answer with numbered citations, the expected facts marked found or missing,
and the retrieved passages. All dataset, article and answer text is
HTML-escaped.

It does not compute metrics (`evals.run`, `evals.judge`) or compare runs.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from evals.run import LOWER_IS_BETTER, format_value, load_run, summary_keys

REPORT_FILE = "report.html"
PASSAGE_PREVIEW_CHARS = 1200  # retrieved passages longer than this are cut in the report

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
.metrics td.num{width:7rem;font-variant-numeric:tabular-nums}
.bar{background:#eee;width:16rem;height:.8rem;border-radius:3px;overflow:hidden}
.bar span{display:block;height:100%;background:#3b7dd8}
.bar.low span{background:#d8843b}
.config{color:#555}
.fail td.verdict{color:#b00;font-weight:600}.ok td.verdict{color:#080}
details{margin:.3rem 0 .6rem}summary{cursor:pointer}
.found{color:#080}.missing{color:#b00}
.unexpected{color:#b00}.passage{white-space:pre-wrap;background:#f7f7f7;padding:.4rem;margin:.2rem 0;
font-size:12.5px}
.hidden{display:none}
pre.prompt{white-space:pre-wrap;background:#f7f7f7;padding:.5rem;font-size:12.5px}
"""

JS = """
function toggleFailures(box){
  document.querySelectorAll('tr.item.ok, tr.detail.ok').forEach(function(row){
    row.classList.toggle('hidden', box.checked);
  });
}
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _bar(key: str, value: Any) -> str:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or key.endswith("_ms"):
        return ""
    if key.startswith("n_") or key in ("judge_calls", "judge_unparsed"):
        return ""
    width = max(0.0, min(1.0, float(value))) * 100
    low = " low" if key in LOWER_IS_BETTER else ""
    return f'<div class="bar{low}" title="{width:.1f}%"><span style="width:{width:.1f}%"></span></div>'


def _summary(metrics: dict[str, Any]) -> str:
    rows = []
    for key in summary_keys(metrics):
        value = metrics[key]
        note = " (lower is better)" if key in LOWER_IS_BETTER else ""
        rows.append(
            f"<tr><td>{_e(key)}{note}</td><td class=num>{_e(format_value(key, value))}</td>"
            f"<td>{_bar(key, value)}</td></tr>"
        )
    return '<table class="metrics">' + "".join(rows) + "</table>"


def _config(metrics: dict[str, Any]) -> str:
    config = metrics.get("config") or {}
    parts = [f"{_e(k)}: <b>{_e(v)}</b>" for k, v in config.items() if v not in (None, "")]
    return '<p class="config">' + " · ".join(parts) + "</p>"


def _judge(metrics: dict[str, Any]) -> str:
    judge = metrics.get("judge")
    if not isinstance(judge, dict):
        return ""
    out = [f"<h2>Judge prompts</h2><p>Judge model: <b>{_e(judge.get('model', ''))}</b></p>"]
    for name, prompt in (judge.get("prompts") or {}).items():
        out.append(f"<h3>{_e(name)}</h3><pre class=prompt>{_e(prompt)}</pre>")
    return "".join(out)


def _answer(result: dict[str, Any]) -> str:
    out = [f"<p><b>Answer</b>{' (refused)' if result['refused'] else ''}: {_e(result['answer'])}</p>"]
    if result.get("error"):
        out.append(f'<p class="missing">Error: {_e(result["error"])}</p>')
    if result.get("searched_for"):
        out.append(f"<p>Searched for: {_e(result['searched_for'])}</p>")
    if result["citations"]:
        titles = {s["n"]: s for s in result["sources"]}
        items = []
        for c in result["citations"]:
            source = titles.get(c["n"], {})
            cls = "" if c["expected"] or not result["answerable"] else ' class="unexpected"'
            flags = ("verified" if c["verified"] else "unverified") + (", added" if c["added"] else "")
            expected = "" if c["expected"] or not result["answerable"] else ", not an expected source"
            items.append(
                f"<li{cls}>[{_e(c['n'])}] sentence {_e(c['sentence'] + 1)} → {_e(c['doc_id'])} "
                f"<i>{_e(source.get('title', ''))}</i> ({flags}{expected}): “{_e(c['quote'])}”</li>"
            )
        out.append("<p><b>Citations</b></p><ul>" + "".join(items) + "</ul>")
    return "".join(out)


def _facts(result: dict[str, Any]) -> str:
    if not result["facts"]:
        return ""
    items = [
        f'<li class="{"found" if f["found"] else "missing"}">{"found" if f["found"] else "missing"}: '
        f"{_e(' | '.join(f['alternatives']))}</li>"
        for f in result["facts"]
    ]
    return "<p><b>Expected facts</b></p><ul>" + "".join(items) + "</ul>"


def _passages(result: dict[str, Any]) -> str:
    expected = set(result["expected_sources"])
    out = ["<p><b>Retrieved passages</b></p>"]
    for rank, r in enumerate(result["retrieved"], start=1):
        mark = " ✓ expected source" if r["doc_id"] in expected else ""
        text = r["text"]
        if len(text) > PASSAGE_PREVIEW_CHARS:
            text = text[:PASSAGE_PREVIEW_CHARS] + " …"
        out.append(
            f"<div>{rank}. {_e(r['doc_id'])} <i>{_e(r['title'])}</i> (score {_e(r['score'])}){mark}"
            f'<div class="passage">{_e(text)}</div></div>'
        )
    return "".join(out)


def _context(result: dict[str, Any]) -> str:
    out = []
    for turn in result.get("history") or []:
        out.append(f"<div><i>{_e(turn['role'])}:</i> {_e(turn['content'])}</div>")
    if out:
        out.insert(0, "<p><b>History</b></p>")
    if result.get("reference"):
        out.append(f"<p><b>Reference</b>: {_e(result['reference'])}</p>")
    if result["expected_sources"]:
        out.append(f"<p><b>Expected sources</b>: {_e(', '.join(result['expected_sources']))}</p>")
    if result.get("judge"):
        scores = {k: v for k, v in result["judge"].items() if k != "sentences"}
        out.append(f"<p><b>Judge</b>: {_e(json.dumps(scores))}</p>")
    return "".join(out)


def _items(results: list[dict[str, Any]]) -> str:
    rows = []
    for r in results:
        cls = "fail" if r["failed"] else "ok"
        s = r["scores"]
        recall = f"{s['fact_recall']:.2f}" if "fact_recall" in s else ""
        hit = ("yes" if s["hit"] else "no") if "hit" in s else ""
        rows.append(
            f'<tr class="item {cls}"><td>{_e(r["id"])}</td><td>{_e(r["question"])}</td>'
            f"<td>{'answerable' if r['answerable'] else 'unanswerable'}</td>"
            f'<td class="verdict">{"FAIL" if r["failed"] else "ok"}</td>'
            f"<td>{'yes' if r['refused'] else 'no'}</td><td>{recall}</td><td>{hit}</td>"
            f"<td>{r['latency_ms']:.0f}</td></tr>"
            f'<tr class="detail {cls}"><td colspan=8><details><summary>details</summary>'
            f"{_context(r)}{_answer(r)}{_facts(r)}{_passages(r)}</details></td></tr>"
        )
    head = (
        "<tr><th>id</th><th>question</th><th>kind</th><th>verdict</th><th>refused</th>"
        "<th>fact recall</th><th>hit</th><th>ms</th></tr>"
    )
    return "<table class=items>" + head + "".join(rows) + "</table>"


def render_report(results: list[dict[str, Any]], metrics: dict[str, Any]) -> str:
    """The whole page, as one string."""
    n_failed = sum(r["failed"] for r in results)
    title = f"Eval report: {(metrics.get('config') or {}).get('dataset', '')}"
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{_e(title)}</title><style>{CSS}</style><script>{JS}</script></head><body>"
        f"<h1>{_e(title)}</h1>{_config(metrics)}<h2>Summary</h2>{_summary(metrics)}{_judge(metrics)}"
        f'<h2>Items</h2><p><label><input type=checkbox onchange="toggleFailures(this)"> '
        f"show failures only</label> ({n_failed} of {len(results)} items failed: a wrong refusal, "
        "no hit, a missing fact, an unexpected or missing citation, or an error)</p>"
        f"{_items(results)}</body></html>\n"
    )


def write_report(out_dir: Path) -> Path:
    """Render `out_dir/report.html` from the run stored in `out_dir`."""
    results, metrics = load_run(out_dir)
    path = out_dir / REPORT_FILE
    path.write_text(render_report(results, metrics), encoding="utf-8")
    return path
