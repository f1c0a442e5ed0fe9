"""The HTML report of one run: a single self-contained file, `DIR/report.html`.

`render_report(results, metrics, baseline=None)` returns the page;
`write_report(out_dir, baseline=None)` renders the run stored in a directory
(`results.jsonl`, `metrics.json`), to `report.html`, or with a baseline run to
`report-vs-<baseline name>.html`. The page has inline CSS, inline SVG charts
and a few lines of inline JS (no external URL, so it opens offline):

- the run's configuration and what the dataset import mapped, ignored and
  could not score;
- the summary: every metric with its n and 95% interval, as a bar with a
  whisker;
- one chart per slice (answerable, unanswerable, first-turn, follow-up, each
  tag): the rates with their intervals and n;
- with a baseline: the paired tests per metric (`evals.compare`) and, per
  item, a word diff of the baseline's answer against this run's;
- the judge's prompts and its agreement with the deterministic metrics;
- the items, filterable to failures, to flips (items whose outcome changed
  against the baseline) and to one slice. Each item opens to its answer with
  numbered citations, the expected facts marked found or missing, and the
  retrieved passages.

All dataset, article and answer text is HTML-escaped. It does not compute
metrics (`evals.run`, `evals.judge`) or write the comparison Markdown.
"""

from __future__ import annotations

import difflib
import json
from html import escape
from pathlib import Path
from typing import Any

from evals.run import (
    LOWER_IS_BETTER,
    format_value,
    interval_text,
    load_run,
    slices_of,
    summary_keys,
)

REPORT_FILE = "report.html"
PASSAGE_PREVIEW_CHARS = 1200  # retrieved passages longer than this are cut in the report
CHART_BAR_PX = 200  # width of a full (1.0) bar in the slice charts
CHART_ROW_PX = 20

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:76rem;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}h3{font-size:1rem;margin:.8rem 0 .3rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
.metrics td.num{width:6rem;font-variant-numeric:tabular-nums}
.bar{position:relative;background:#eee;width:16rem;height:.8rem;border-radius:3px}
.bar span.fill{position:absolute;left:0;top:0;height:100%;background:#3b7dd8;border-radius:3px}
.bar.low span.fill{background:#d8843b}
.bar span.ci{position:absolute;top:-.2rem;height:1.2rem;border-left:2px solid #222;
border-right:2px solid #222}
.bar span.ci:after{content:"";position:absolute;top:.55rem;left:0;right:0;border-top:1px solid #222}
.config,.muted{color:#555}
.slices{display:flex;flex-wrap:wrap;gap:.8rem}
.slice{border:1px solid #ddd;border-radius:6px;padding:.4rem .6rem}
.fail td.verdict{color:#b00;font-weight:600}.ok td.verdict{color:#080}
details{margin:.3rem 0 .6rem}summary{cursor:pointer}
.found{color:#080}.missing{color:#b00}
.unexpected{color:#b00}.passage{white-space:pre-wrap;background:#f7f7f7;padding:.4rem;margin:.2rem 0;
font-size:12.5px}
.hidden{display:none}
.filters{background:#f4f6f8;padding:.5rem;border-radius:6px}.filters label{margin-right:1rem}
pre.prompt{white-space:pre-wrap;background:#f7f7f7;padding:.5rem;font-size:12.5px}
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}
.flip-better{color:#080;font-weight:600}.flip-worse{color:#b00;font-weight:600}
.sig-better{color:#080;font-weight:600}.sig-worse{color:#b00;font-weight:600}
"""

JS = """
function applyFilters(){
  var fail=document.getElementById('f-fail').checked;
  var flipBox=document.getElementById('f-flip'), flip=flipBox&&flipBox.checked;
  var slice=document.getElementById('f-slice').value, shown=0;
  document.querySelectorAll('tbody.item').forEach(function(tb){
    var ok=(!fail||tb.dataset.failed==='1')&&(!flip||tb.dataset.flip!=='')&&
      (!slice||tb.dataset.slices.split('|').indexOf(slice)>=0);
    tb.classList.toggle('hidden',!ok); if(ok){shown++;}
  });
  document.getElementById('shown').textContent=shown;
}
function toggleFailures(box){document.getElementById('f-fail').checked=box.checked;applyFilters();}
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _is_rate(key: str, value: Any) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or key.endswith("_ms"):
        return False
    return not (key.startswith("n_") or key in ("judge_calls", "judge_unparsed"))


def _bar(key: str, value: Any, fig: dict[str, Any] | None) -> str:
    if not _is_rate(key, value):
        return ""
    width = max(0.0, min(1.0, float(value))) * 100
    low = " low" if key in LOWER_IS_BETTER else ""
    ci = ""
    if fig and fig.get("low") is not None:
        lo, hi = fig["low"] * 100, fig["high"] * 100
        ci = f'<span class="ci" style="left:{lo:.1f}%;width:{max(hi - lo, 0.3):.1f}%"></span>'
    return (
        f'<div class="bar{low}" title="{_e(format_value(key, value))} {_e(interval_text(key, fig))}">'
        f'<span class="fill" style="width:{width:.1f}%"></span>{ci}</div>'
    )


def _summary(metrics: dict[str, Any]) -> str:
    intervals = metrics.get("intervals") or {}
    rows = []
    for key in summary_keys(metrics):
        value = metrics[key]
        fig = intervals.get(key)
        note = " (lower is better)" if key in LOWER_IS_BETTER else ""
        n = fig["n"] if fig else ""
        rows.append(
            f"<tr><td>{_e(key)}{note}</td><td class=num>{_e(format_value(key, value))}</td>"
            f"<td class=num>{_e(n)}</td><td>{_e(interval_text(key, fig))}</td>"
            f"<td>{_bar(key, value, fig)}</td></tr>"
        )
    head = "<tr><th>metric</th><th>value</th><th>n</th><th>95% interval</th><th></th></tr>"
    return '<table class="metrics">' + head + "".join(rows) + "</table>"


def slice_chart(name: str, data: dict[str, Any]) -> str:
    """An inline SVG: one bar per rate of the slice, with its 95% interval as a whisker and its n."""
    figs = [(k, f) for k, f in data["metrics"].items() if _is_rate(k, f["value"]) and f["value"] is not None]
    label_w, text_w = 175, 105
    height = CHART_ROW_PX * len(figs) + 6
    width = label_w + CHART_BAR_PX + text_w
    parts = [
        f'<svg role="img" aria-label="metrics of slice {_e(name)}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="system-ui,sans-serif">'
    ]
    for row, (key, fig) in enumerate(figs):
        y = 3 + row * CHART_ROW_PX
        w = max(0.0, min(1.0, float(fig["value"]))) * CHART_BAR_PX
        color = "#d8843b" if key in LOWER_IS_BETTER else "#3b7dd8"
        parts.append(f'<text x="0" y="{y + 12}">{_e(key)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{CHART_BAR_PX}" height="12" fill="#eee"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="12" fill="{color}"/>')
        if fig.get("low") is not None:
            x1 = label_w + fig["low"] * CHART_BAR_PX
            x2 = label_w + fig["high"] * CHART_BAR_PX
            parts.append(
                f'<path d="M{x1:.1f} {y}v16M{x1:.1f} {y + 8}H{x2:.1f}M{x2:.1f} {y}v16" '
                'stroke="#222" fill="none"/>'
            )
        parts.append(
            f'<text x="{label_w + CHART_BAR_PX + 8}" y="{y + 12}">{_e(format_value(key, fig["value"]))} '
            f"(n={fig['n']})</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _slices(metrics: dict[str, Any]) -> str:
    slices = metrics.get("slices") or {}
    if not slices:
        return ""
    out = [
        "<h2>Slices</h2><p class=muted>Each bar is the slice's rate; the whisker its 95% interval "
        "(Wilson for yes/no outcomes, bootstrap over items otherwise).</p><div class=slices>"
    ]
    for name, data in slices.items():
        n = data["n_items"]
        out.append(
            f'<div class="slice"><h3>{_e(name)} ({n} item{"" if n == 1 else "s"})</h3>'
            f"{slice_chart(name, data)}</div>"
        )
    out.append("</div>")
    return "".join(out)


def _config(metrics: dict[str, Any]) -> str:
    config = metrics.get("config") or {}
    parts = [
        f"{_e(k)}: <b>{_e(v)}</b>"
        for k, v in config.items()
        if v not in (None, "") and not isinstance(v, dict)
    ]
    return '<p class="config">' + " · ".join(parts) + "</p>"


def _dataset(metrics: dict[str, Any]) -> str:
    info = metrics.get("dataset")
    if not isinstance(info, dict):
        return ""
    rows = [f"<p>Read as <b>{_e(info.get('format'))}</b>: {_e(info.get('n_items'))} items.</p>"]
    mapping = info.get("mapping") or {}
    if mapping:
        rows.append(
            "<p>Fields: " + ", ".join(f"{_e(k)} ← <code>{_e(v)}</code>" for k, v in mapping.items()) + "</p>"
        )
    ignored = info.get("ignored") or {}
    if ignored:
        rows.append(
            "<p>Ignored: "
            + "; ".join(
                f"<code>{_e(k)}</code> in {_e(v['items'])} item(s) ({_e(v['why'])})"
                for k, v in ignored.items()
            )
            + "</p>"
        )
    notes = list(info.get("notes") or [])
    rows += [f"<p class=muted>Note: {_e(n)}</p>" for n in notes]
    return "<h2>Dataset</h2>" + "".join(rows)


def _judge(metrics: dict[str, Any]) -> str:
    judge = metrics.get("judge")
    if not isinstance(judge, dict):
        return ""
    out = [f"<h2>Judge</h2><p>Judge model: <b>{_e(judge.get('model', ''))}</b></p>"]
    if judge.get("error"):
        out.append(f'<p class="missing">The judge stopped after an LLM failure: {_e(judge["error"])}</p>')
    agreement = metrics.get("judge_agreement") or {}
    if agreement:
        rows = []
        for key, a in agreement.items():
            agree = "n/a" if a["agreement"] is None else f"{a['agreement']:.3f}"
            kappa = "n/a" if a["kappa"] is None else f"{a['kappa']:.3f}"
            rows.append(
                f"<tr><td>{_e(key)}</td><td>{_e(a['versus'])}</td><td class=num>{_e(a['n'])}</td>"
                f"<td class=num>{agree}</td><td class=num>{kappa}</td>"
                f"<td>{a['judge_yes_metric_yes']} / {a['judge_yes_metric_no']} / "
                f"{a['judge_no_metric_yes']} / "
                f"{a['judge_no_metric_no']}</td></tr>"
            )
        out.append(
            "<h3>Agreement with the deterministic metrics</h3><table class=metrics><tr><th>judge</th>"
            "<th>versus</th><th>n</th><th>agreement</th><th>Cohen's kappa</th>"
            "<th>yes/yes · yes/no · no/yes · no/no (judge/metric)</th></tr>" + "".join(rows) + "</table>"
        )
    out.append("<h3>Judge prompts</h3>")
    for name, prompt in (judge.get("prompts") or {}).items():
        out.append(f"<h4>{_e(name)}</h4><pre class=prompt>{_e(prompt)}</pre>")
    return "".join(out)


def word_diff(before: str, after: str) -> str:
    """HTML of a word diff: removed words in <del>, added ones in <ins>, all text escaped."""
    a, b = before.split(), after.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(_e(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{_e(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{_e(' '.join(b[j1:j2]))}</ins>")
    return " ".join(out)


def _answer(result: dict[str, Any], base: dict[str, Any] | None) -> str:
    out = [f"<p><b>Answer</b>{' (refused)' if result['refused'] else ''}: {_e(result['answer'])}</p>"]
    if base is not None:
        if base["answer"] == result["answer"]:
            out.append("<p class=muted>Same answer as the baseline.</p>")
        else:
            refused = " (baseline refused)" if base["refused"] else ""
            out.append(
                f"<p><b>Diff against the baseline</b>{refused}: "
                f"{word_diff(base['answer'], result['answer'])}</p>"
            )
    if result.get("error"):
        out.append(f'<p class="missing">Error: {_e(result["error"])}</p>')
    if result.get("searched_for"):
        out.append(f"<p>Searched for: {_e(result['searched_for'])}</p>")
    if result["citations"]:
        titles = {s["n"]: s for s in result["sources"]}
        items = []
        for c in result["citations"]:
            source = titles.get(c["n"], {})
            stray = c.get("expected") is False and result["answerable"]
            cls = ' class="unexpected"' if stray else ""
            flags = ("verified" if c["verified"] else "unverified") + (", added" if c["added"] else "")
            expected = ", not an expected source" if stray else ""
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
    if result.get("tags"):
        out.append(f"<p><b>Tags</b>: {_e(', '.join(result['tags']))}</p>")
    if result.get("reference"):
        out.append(f"<p><b>Reference</b>: {_e(result['reference'])}</p>")
    if result["expected_sources"]:
        out.append(f"<p><b>Expected sources</b>: {_e(', '.join(result['expected_sources']))}</p>")
    missing = [
        why
        for key, why in (("hit", "retrieval (no sources)"), ("fact_recall", "fact recall (no facts)"))
        if result["answerable"] and key not in result["scores"]
    ]
    if missing:
        out.append(f"<p class=muted>Not scored: {_e(', '.join(missing))}</p>")
    if result.get("judge"):
        scores = {k: v for k, v in result["judge"].items() if k != "sentences"}
        out.append(f"<p><b>Judge</b>: {_e(json.dumps(scores))}</p>")
    return "".join(out)


def _items(
    results: list[dict[str, Any]], base: dict[str, dict[str, Any]] | None, flips: dict[str, str]
) -> str:
    bodies = []
    for r in results:
        cls = "fail" if r["failed"] else "ok"
        s = r["scores"]
        recall = f"{s['fact_recall']:.2f}" if "fact_recall" in s else ""
        hit = ("yes" if s["hit"] else "no") if "hit" in s else ""
        flip = flips.get(r["id"], "")
        flip_cell = f'<span class="flip-{flip}">{flip}</span>' if flip else ""
        slices = "|".join(r.get("slices") or slices_of(r))
        bodies.append(
            f'<tbody class="item" data-failed="{int(bool(r["failed"]))}" data-flip="{_e(flip)}" '
            f'data-slices="{_e(slices)}">'
            f'<tr class="item {cls}"><td>{_e(r["id"])}</td><td>{_e(r["question"])}</td>'
            f"<td>{'answerable' if r['answerable'] else 'unanswerable'}</td>"
            f'<td class="verdict">{"FAIL" if r["failed"] else "ok"}</td>'
            f"<td>{'yes' if r['refused'] else 'no'}</td><td>{recall}</td><td>{hit}</td>"
            f"<td>{r['latency_ms']:.0f}</td><td>{flip_cell}</td></tr>"
            f'<tr class="detail {cls}"><td colspan=9><details><summary>details</summary>'
            f"{_context(r)}{_answer(r, None if base is None else base.get(r['id']))}{_facts(r)}"
            f"{_passages(r)}</details></td></tr></tbody>"
        )
    head = (
        "<thead><tr><th>id</th><th>question</th><th>kind</th><th>verdict</th><th>refused</th>"
        "<th>fact recall</th><th>hit</th><th>ms</th><th>vs baseline</th></tr></thead>"
    )
    return "<table class=items>" + head + "".join(bodies) + "</table>"


def _filters(results: list[dict[str, Any]], metrics: dict[str, Any], has_baseline: bool, n_flips: int) -> str:
    names = list((metrics.get("slices") or {}).keys())
    options = '<option value="">all items</option>' + "".join(
        f'<option value="{_e(n)}">{_e(n)}</option>' for n in names
    )
    flip = (
        f'<label><input type=checkbox id=f-flip onchange="applyFilters()"> flips only ({n_flips})</label>'
        if has_baseline
        else ""
    )
    n_failed = sum(r["failed"] for r in results)
    return (
        '<p class="filters"><label><input type=checkbox id=f-fail onchange="applyFilters()"> '
        f"show failures only ({n_failed})</label>{flip}"
        f'<label>slice <select id=f-slice onchange="applyFilters()">{options}</select></label> '
        f"showing <b id=shown>{len(results)}</b> of {len(results)}</p>"
        f"<p class=muted>{n_failed} of {len(results)} items failed: a wrong refusal, no hit, a missing "
        "fact, an unexpected or missing citation, or an error.</p>"
    )


def _baseline(results: list[dict[str, Any]], baseline: tuple[str, list[dict[str, Any]]]) -> str:
    from evals.compare import NO_CHANGE, metric_tests, p_text

    name, base_results = baseline
    tests = metric_tests(base_results, results)
    rows = []
    for key, row in tests.get("overall", {}).items():
        if row["method"] == "mcnemar":
            detail = f"{p_text(row['p'])}, McNemar: {row['better']} better, {row['worse']} worse"
        else:
            interval = "" if row["low"] is None else f", Δ in [{row['low']:+.3f}, {row['high']:+.3f}]"
            detail = f"{p_text(row['p'])}, paired bootstrap{interval}"
        cls = "" if row["verdict"] == NO_CHANGE else f' class="sig-{row["verdict"]}"'
        rows.append(
            f"<tr><td>{_e(key)}</td><td class=num>{_e(format_value(key, row['a']))}</td>"
            f"<td class=num>{_e(format_value(key, row['b']))}</td><td class=num>{row['diff']:+.3f}</td>"
            f"<td>{_e(detail)}</td><td class=num>{row['n']}</td><td{cls}>{_e(row['verdict'])}</td></tr>"
        )
    return (
        f"<h2>Against the baseline {_e(name)}</h2><p class=muted>Paired over the items both runs share; "
        "better or worse only when p &lt; 0.05. Per-slice tests are in the comparison Markdown.</p>"
        "<table class=metrics><tr><th>metric</th><th>baseline</th><th>this run</th><th>Δ</th><th>test</th>"
        "<th>n</th><th>verdict</th></tr>" + "".join(rows) + "</table>"
    )


def render_report(
    results: list[dict[str, Any]],
    metrics: dict[str, Any],
    baseline: tuple[str, list[dict[str, Any]]] | None = None,
) -> str:
    """The whole page, as one string; `baseline` is (name, results) of an earlier run to diff against."""
    from evals.compare import item_changes

    flips = item_changes(baseline[1], results) if baseline else {}
    base = {r["id"]: r for r in baseline[1]} if baseline else None
    title = f"Eval report: {(metrics.get('config') or {}).get('dataset', '')}"
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{_e(title)}</title><style>{CSS}</style><script>{JS}</script></head><body>"
        f"<h1>{_e(title)}</h1>{_config(metrics)}<h2>Summary</h2>{_summary(metrics)}"
        f"{_slices(metrics)}{_baseline(results, baseline) if baseline else ''}"
        f"{_dataset(metrics)}{_judge(metrics)}"
        f"<h2>Items</h2>{_filters(results, metrics, baseline is not None, len(flips))}"
        f"{_items(results, base, flips)}</body></html>\n"
    )


def write_report(out_dir: Path, baseline: Path | None = None) -> Path:
    """Render the run stored in `out_dir` to `report.html` (or `report-vs-<baseline>.html`)."""
    from evals.run import atomic_write

    results, metrics = load_run(out_dir)
    if baseline is None:
        path = out_dir / REPORT_FILE
        html = render_report(results, metrics)
    else:
        base_results, _ = load_run(baseline)
        path = out_dir / f"report-vs-{baseline.resolve().name}.html"
        html = render_report(results, metrics, (baseline.resolve().name, base_results))
    atomic_write(path, html)
    return path
