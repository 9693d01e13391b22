"""The report's page skeleton and stylesheet (no web fonts, no external resource).

The Content-Security-Policy forbids every load from the network, so a report opened
in a browser cannot fetch anything even if a library tried to; plotly needs inline
scripts and styles only.
"""

from __future__ import annotations

from string import Template

__all__ = ["CSP", "CSS", "PAGE"]

CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
       "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
       "base-uri 'none'; form-action 'none'")

CSS = """
:root { --ink: #1f1f1f; --muted: #5f6368; --rule: #dadce0; --weak: #fff4e5;
        --warn: #b45309; --accent: #1a4d8f; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fafafa;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial,
             sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; background: white; }
header h1 { font-size: 1.7rem; margin: 0 0 4px; line-height: 1.25; }
.meta { color: var(--muted); font-size: 0.9rem; margin: 0 0 12px; }
nav { border-top: 1px solid var(--rule); border-bottom: 1px solid var(--rule);
      padding: 6px 0; margin: 12px 0 8px; font-size: 0.9rem;
      display: flex; flex-wrap: wrap; gap: 4px 14px; }
nav a { color: var(--accent); text-decoration: none; white-space: nowrap; }
section { margin-top: 34px; }
h2 { font-size: 1.3rem; margin: 0 0 6px; padding-top: 8px; border-top: 2px solid var(--ink); }
h3 { font-size: 1.05rem; margin: 22px 0 4px; }
p.caption { color: #333; max-width: 78ch; margin: 4px 0 10px; }
.figure { margin: 6px 0 16px; min-height: 120px; width: 100%; max-width: 100%;
          overflow: hidden; }
.table-wrap { overflow-x: auto; max-width: 100%; margin: 6px 0 14px; }
.table-wrap table { margin: 0; }
.headline { display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr));
            gap: 12px; margin: 10px 0 14px; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 14px; }
.card .label { color: var(--muted); font-size: 0.8rem; text-transform: uppercase;
               letter-spacing: 0.04em; }
.card .value { font-size: 1.15rem; font-weight: 600; }
.card .note { font-size: 0.85rem; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 0.88rem; margin: 6px 0 14px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px;
         border-bottom: 1px solid var(--rule); }
th { background: #f1f3f4; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.weak td { background: var(--weak); }
.grade { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 0.78rem;
         background: #e8eaed; white-space: nowrap; }
.grade.unconfirmed, .grade.disputed { background: #fde2c8; color: var(--warn); }
.grade.modelling-assumption { background: #fff0b3; color: #6b5300; }
.grade.confirmed, .grade.official { background: #d7f0dd; color: #14532d; }
.flag { color: var(--warn); font-weight: 600; }
ul.reasons { margin: 4px 0 10px 18px; padding: 0; }
details summary { cursor: pointer; color: var(--accent); }
code { font-size: 0.85em; background: #f1f3f4; padding: 0 3px; border-radius: 3px; }
.url { word-break: break-all; font-size: 0.82rem; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.8rem; }
h1, h2, h3, p, li, .card, footer { overflow-wrap: anywhere; }
@media (max-width: 600px) {
  main { padding: 12px 10px 40px; }
  header h1 { font-size: 1.35rem; }
  h2 { font-size: 1.15rem; }
  table { font-size: 0.8rem; }
  th, td { padding: 4px 6px; }
  .headline { grid-template-columns: 1fr; }
}
"""

PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="$csp">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ceasefire $version">
<title>$title</title>
<style>$css</style>
<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>
<script>$plotlyjs</script>
</head>
<body>
<main>
<header>
<h1>$title</h1>
<p class="meta">$meta</p>
<nav>$nav</nav>
</header>
$body
<footer>$footer</footer>
</main>
</body>
</html>
""")
