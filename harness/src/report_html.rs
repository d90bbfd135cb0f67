//! A self-contained HTML page made from a [`Report`]: inline CSS and inline SVG, no script, no
//! fetches. It shows the tests × targets matrix, instruction counts, firmware sizes, the
//! divergences, the failures and the frames (the display of the tests that used the graphics
//! bindings, beside their golden, and the difference image where they differ; inlined as
//! data URIs, or linked under `frames/` when the report was read back from report.json).

use std::fmt::Write;

use crate::report::{Report, ResultEntry, TargetEntry};
use crate::report_junit::{attr, text};

/// Outcome → (CSS class, short label shown in a matrix cell).
fn outcome_style(outcome: &str) -> (&'static str, &'static str) {
    match outcome {
        "pass" => ("pass", "pass"),
        "fail" => ("fail", "FAIL"),
        "crash" => ("crash", "CRASH"),
        "timeout" => ("timeout", "TIMEOUT"),
        "out-of-memory" => ("oom", "OOM"),
        "infra-error" => ("infra", "INFRA"),
        "skip" | "skipped" => ("skipped", "skip"),
        "xfail" => ("xfail", "xfail"),
        "xpass" => ("fail", "XPASS"),
        _ => ("infra", "?"),
    }
}

/// Colours of the targets in the charts (not the outcome colours).
const SERIES: [&str; 8] = ["#2563eb", "#0d9488", "#d97706", "#db2777", "#7c3aed", "#65a30d", "#0891b2", "#9f1239"];

const CSS: &str = r#"
:root { --fg:#1f2328; --muted:#656d76; --line:#d8dee4; --bg:#ffffff; --panel:#f6f8fa;
  --pass:#dcf5e3; --pass-fg:#116329; --fail:#ffd7d5; --fail-fg:#a40e26; --crash:#7d1a1a; --crash-fg:#ffffff;
  --timeout:#ffd8a8; --timeout-fg:#8a4600; --oom:#e6d8fb; --oom-fg:#5b2a9e; --infra:#c9ced6; --infra-fg:#32383f;
  --skipped:#eff1f3; --skipped-fg:#8c959f; --xfail:#e4efe6; --xfail-fg:#4d6b55; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--fg); background: var(--bg); }
main { max-width: 1360px; margin: 0 auto; padding: 0 28px 48px; }
header.top { border-bottom: 1px solid var(--line); background: var(--panel); }
header.top .inner { max-width: 1360px; margin: 0 auto; padding: 22px 28px 18px; }
h1 { font-size: 26px; margin: 0 0 4px; font-weight: 650; display: flex; align-items: center; gap: 14px; flex-wrap: wrap; }
h2 { font-size: 19px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); font-weight: 620; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.muted { color: var(--muted); }
.status { font-size: 13px; font-weight: 700; letter-spacing: .06em; padding: 3px 10px; border-radius: 999px; }
.status.ok { background: #1a7f37; color: #fff; } .status.bad { background: #cf222e; color: #fff; }
.meta { color: var(--muted); font-size: 14px; }
.meta code { color: var(--fg); }
.tiles { display: flex; gap: 12px; flex-wrap: wrap; margin-top: 14px; }
.tile { background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 112px; }
.tile .v { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .k { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.tile.bad .v { color: #cf222e; } .tile.good .v { color: #1a7f37; }
nav { font-size: 14px; margin-top: 10px; } nav a { margin-right: 14px; color: #0969da; text-decoration: none; }
code, pre { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto;
  white-space: pre-wrap; word-break: break-word; margin: 6px 0; }
table { border-collapse: separate; border-spacing: 0; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-weight: 600; font-size: 13px; background: var(--panel); }
td.num, th.num { text-align: right; white-space: nowrap; }
.scroll { width: fit-content; max-width: 100%; max-height: 78vh; overflow: auto; border: 1px solid var(--line); border-radius: 8px; }
.matrix thead th { position: sticky; top: 0; z-index: 2; border-bottom: 2px solid var(--line); white-space: nowrap; }
.matrix thead th:first-child { left: 0; z-index: 3; }
.matrix tbody th { position: sticky; left: 0; z-index: 1; background: var(--bg); font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-weight: 500; font-size: 13px; white-space: nowrap; border-right: 1px solid var(--line); }
.matrix th, .matrix td { vertical-align: middle; }
.matrix td { padding: 3px; min-width: 104px; }
.matrix th small { display: block; font-weight: 400; color: var(--muted); font-size: 11px; }
.cell { display: flex; justify-content: space-between; gap: 10px; border-radius: 4px; padding: 4px 8px; font-size: 13px; }
.cell .o { font-weight: 650; } .cell .n { text-align: right; white-space: nowrap; }
.pass { background: var(--pass); color: var(--pass-fg); } .fail { background: var(--fail); color: var(--fail-fg); }
.crash { background: var(--crash); color: var(--crash-fg); } .timeout { background: var(--timeout); color: var(--timeout-fg); }
.oom { background: var(--oom); color: var(--oom-fg); } .infra { background: var(--infra); color: var(--infra-fg); }
.skipped { background: var(--skipped); color: var(--skipped-fg); } .xfail { background: var(--xfail); color: var(--xfail-fg); }
.legend { display: flex; gap: 8px; flex-wrap: wrap; margin: 10px 0 0; font-size: 12px; }
.legend span { padding: 2px 8px; border-radius: 4px; }
.badge { font-size: 12px; font-weight: 700; padding: 1px 8px; border-radius: 4px; vertical-align: 1px; }
.chart { width: 100%; height: auto; display: block; }
.chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #1f2328; }
.chart text.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.chart text.val { fill: #57606a; font-variant-numeric: tabular-nums; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px 12px; margin: 12px 0; }
.card h3 { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.repro { display: block; background: #0d1117; color: #e6edf3; padding: 8px 12px; border-radius: 6px; overflow-x: auto; white-space: pre; }
.empty { color: var(--muted); font-style: italic; }
td code { white-space: nowrap; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
.frames { display: flex; gap: 16px; flex-wrap: wrap; align-items: flex-start; }
.frames figure { margin: 0; }
.frames img { border: 1px solid var(--line); image-rendering: pixelated; display: block; }
.frames figcaption { color: var(--muted); font-size: 12px; max-width: 320px; }
ul.deltas{list-style:none;padding:0}ul.deltas li{padding:4px 8px;margin:2px 0;border-radius:4px;font-family:ui-monospace,monospace;font-size:13px}ul.deltas li.regression{background:#fde2e1;color:#8a1c1c}ul.deltas li.note{background:#eef2f6}
"#;

/// The HTML page of a report.
pub fn html(report: &Report) -> String {
    let mut page = String::new();
    let verdict = if report.passed { "passed" } else { "FAILED" };
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — {verdict}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        text(&report.suite.name)
    );
    header(&mut page, report);
    page.push_str("<main>\n");
    matrix(&mut page, report);
    baseline_deltas(&mut page, report);
    instructions_chart(&mut page, report);
    footprint(&mut page, report);
    divergences(&mut page, report);
    failures(&mut page, report);
    frames(&mut page, report);
    let _ = write!(
        page,
        "<footer>Made by xbench from <code>report.json</code> (schema <code>{}</code>).</footer>\n</main>\n</body>\n</html>\n",
        text(&report.schema)
    );
    page
}

fn ran(report: &Report) -> impl Iterator<Item = &TargetEntry> {
    report.targets.iter().filter(|t| t.state == "ran")
}

/// Whether an outcome is one to list under failures (not a pass, a skip or an expected failure).
fn is_failure(outcome: &str) -> bool {
    !matches!(outcome, "pass" | "skip" | "skipped" | "xfail")
}

fn header(page: &mut String, report: &Report) {
    let (class, label) = if report.passed { ("ok", "PASSED") } else { ("bad", "FAILED") };
    let _ = writeln!(
        page,
        "<header class=\"top\"><div class=\"inner\">\n<h1>{} <span class=\"status {class}\">{label}</span></h1>",
        text(&report.suite.name)
    );
    let ran_count = ran(report).count();
    let not_ran = report.targets.len() - ran_count;
    let _ = writeln!(
        page,
        "<div class=\"meta\">suite <code>{}</code> · seed <code>{:#x}</code> · guest clock from <code title=\"{} ns\">{}</code> · wall time <strong>{}</strong></div>",
        text(&report.suite.dir),
        report.seed,
        report.start_time_ns,
        utc(report.start_time_ns),
        seconds(report.wall_ms)
    );
    let passed = report.results.iter().filter(|r| r.outcome == "pass").count();
    let failed = report.results.iter().filter(|r| is_failure(&r.outcome)).count();
    page.push_str("<div class=\"tiles\">");
    let mut tile = |class: &str, value: String, key: &str| {
        let _ = write!(page, "<div class=\"tile {class}\"><div class=\"v\">{value}</div><div class=\"k\">{key}</div></div>");
    };
    tile("", report.suite.tests.to_string(), "tests");
    tile("", format!("{ran_count}<span class=\"muted\" style=\"font-size:14px\"> / {}</span>", report.targets.len()), "targets ran");
    tile(if passed > 0 { "good" } else { "" }, passed.to_string(), "results passed");
    tile(if failed > 0 { "bad" } else { "" }, failed.to_string(), "results failed");
    tile(if report.divergences.is_empty() { "" } else { "bad" }, report.divergences.len().to_string(), "divergences");
    if not_ran > 0 {
        tile("", not_ran.to_string(), "targets not run");
    }
    page.push_str("</div>\n<nav><a href=\"#matrix\">Matrix</a><a href=\"#baseline-deltas\">Baseline</a><a href=\"#instructions\">Instructions</a>\
                   <a href=\"#footprint\">Footprint</a><a href=\"#divergences\">Divergences</a><a href=\"#failures\">Failures</a></nav>\n</div></header>\n");
}

fn matrix(page: &mut String, report: &Report) {
    page.push_str("<section id=\"matrix\">\n<h2>Tests × targets</h2>\n");
    if report.targets.is_empty() {
        page.push_str("<p class=\"empty\">No targets.</p>\n</section>\n");
        return;
    }
    page.push_str("<div class=\"scroll\"><table class=\"matrix\">\n<thead><tr><th>test</th>");
    for t in &report.targets {
        let sub = match t.state.as_str() {
            "ran" => format!("{} pass · {} fail", t.passed, t.failed),
            state => state.to_string(),
        };
        let title = match &t.reason {
            Some(reason) => format!("{} ({}): {}: {reason}", t.name, t.rust_target, t.state),
            None => format!("{} ({})", t.name, t.rust_target),
        };
        let _ = write!(page, "<th class=\"num\" title=\"{}\">{}<small>{}</small></th>", attr(&title), text(&t.name), text(&sub));
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for test in tests(report) {
        let _ = write!(page, "<tr><th>{}</th>", text(test));
        for t in &report.targets {
            page.push_str("<td>");
            match (t.state.as_str(), find(report, &t.name, test)) {
                ("ran", Some(r)) => {
                    let (class, label) = outcome_style(&r.outcome);
                    let n = r.instructions.map(millions).unwrap_or_default();
                    let _ = write!(
                        page,
                        "<div class=\"cell {class}\" title=\"{}\"><span class=\"o\">{label}</span><span class=\"n\">{n}</span></div>",
                        attr(&tooltip(r))
                    );
                }
                ("ran", None) => page.push_str("<div class=\"cell skipped\"><span class=\"o\">—</span></div>"),
                (state, _) => {
                    let (class, label) = if state == "skipped" { ("skipped", "skipped") } else { ("infra", "not built") };
                    let _ = write!(
                        page,
                        "<div class=\"cell {class}\" title=\"{}\"><span class=\"o\">{label}</span></div>",
                        attr(t.reason.as_deref().unwrap_or(state))
                    );
                }
            }
            page.push_str("</td>");
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody></table></div>\n<div class=\"legend\">");
    for (class, label) in [
        ("pass", "pass"),
        ("fail", "fail"),
        ("crash", "crash"),
        ("timeout", "timeout"),
        ("oom", "out of memory"),
        ("infra", "infrastructure error"),
        ("skipped", "skipped"),
        ("xfail", "expected failure"),
    ] {
        let _ = write!(page, "<span class=\"{class}\">{label}</span>");
    }
    page.push_str("<span class=\"muted\">numbers: guest instructions in millions; hover a cell for details</span></div>\n</section>\n");
}

/// The changes against the baseline that `xbench gate` wrote into the report: regressions
/// first (red), then the other changes.
fn baseline_deltas(page: &mut String, report: &Report) {
    page.push_str("<section id=\"baseline-deltas\">\n<h2>Baseline deltas</h2>\n");
    if report.baseline_deltas.is_empty() {
        page.push_str("<p class=\"empty\">no baseline compared (run <code>xbench gate</code>), or no change</p>\n</section>\n");
        return;
    }
    page.push_str("<ul class=\"deltas\">\n");
    for line in &report.baseline_deltas {
        let (class, body) = match line.strip_prefix("REGRESSION: ") {
            Some(rest) => ("regression", rest),
            None => ("note", line.as_str()),
        };
        page.push_str(&format!("<li class=\"{class}\">{}</li>\n", text(body)));
    }
    page.push_str("</ul>\n</section>\n");
}

fn instructions_chart(page: &mut String, report: &Report) {
    page.push_str("<section id=\"instructions\">\n<h2>Instructions per test</h2>\n");
    let counted: Vec<&TargetEntry> =
        ran(report).filter(|t| report.results.iter().any(|r| r.target == t.name && r.instructions.is_some())).collect();
    let uncounted: Vec<&str> = ran(report).filter(|t| !counted.iter().any(|c| c.name == t.name)).map(|t| t.name.as_str()).collect();
    if counted.is_empty() {
        page.push_str("<p class=\"empty\">No target counted instructions.</p>\n</section>\n");
        return;
    }
    let tests = tests(report);
    let max = report.results.iter().filter_map(|r| r.instructions).max().unwrap_or(1).max(1) as f64;
    let (label_w, bar_h, gap, group_gap, top, width) = (170.0, 14.0, 3.0, 14.0, 28.0, 1000.0);
    let bar_area = width - label_w - 110.0;
    let group_h = counted.len() as f64 * (bar_h + gap) - gap;
    let height = top + tests.len() as f64 * (group_h + group_gap) + 6.0;
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" role=\"img\" aria-label=\"Instructions per test per target\">\n"
    );
    legend(&mut svg, counted.iter().map(|t| t.name.as_str()), label_w, 12.0);
    // Grid lines at round numbers of millions.
    let step = nice_step(max / 1e6 / 5.0) * 1e6;
    let mut v = step;
    while v <= max {
        let x = label_w + v / max * bar_area;
        let _ = writeln!(
            svg,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{top}\" y2=\"{:.1}\" stroke=\"#eaeef2\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" class=\"val\">{}</text>",
            height - 4.0,
            top - 2.0,
            trim_m(v / 1e6)
        );
        v += step;
    }
    let _ = writeln!(svg, "<line x1=\"{label_w}\" x2=\"{label_w}\" y1=\"{top}\" y2=\"{:.1}\" stroke=\"#8c959f\"/>", height - 4.0);
    for (i, test) in tests.iter().enumerate() {
        let y0 = top + 4.0 + i as f64 * (group_h + group_gap);
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" class=\"mono\">{}</text>",
            label_w - 8.0,
            y0 + group_h / 2.0 + 4.0,
            text(test)
        );
        for (j, t) in counted.iter().enumerate() {
            let y = y0 + j as f64 * (bar_h + gap);
            let Some(r) = find(report, &t.name, test) else { continue };
            let Some(n) = r.instructions else { continue };
            let w = (n as f64 / max * bar_area).max(1.0);
            let colour = SERIES[j % SERIES.len()];
            let _ = writeln!(
                svg,
                "<rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{bar_h}\" rx=\"2\" fill=\"{colour}\"><title>{} on {}: {} instructions ({})</title></rect>\
                 <text x=\"{:.1}\" y=\"{:.1}\" class=\"val\">{}</text>",
                text(test),
                text(&t.name),
                group_digits(n),
                text(&r.outcome),
                label_w + w + 5.0,
                y + bar_h - 3.0,
                millions(n)
            );
        }
    }
    svg.push_str("</svg>\n");
    page.push_str(&svg);
    if !uncounted.is_empty() {
        let _ = writeln!(page, "<p class=\"muted\">No instruction count from {}.</p>", text(&uncounted.join(", ")));
    }
    page.push_str("</section>\n");
}

fn footprint(page: &mut String, report: &Report) {
    page.push_str("<section id=\"footprint\">\n<h2>Firmware size</h2>\n");
    let sized: Vec<&TargetEntry> = report.targets.iter().filter(|t| t.footprint.is_some()).collect();
    if sized.is_empty() {
        page.push_str("<p class=\"empty\">No firmware footprint (no MCU target ran).</p>\n");
    } else {
        let max = sized.iter().filter_map(|t| t.footprint).map(|f| f.text + f.data + f.bss).max().unwrap_or(1).max(1) as f64;
        let (label_w, bar_h, row_gap, top, width) = (170.0, 22.0, 12.0, 30.0, 1000.0);
        let bar_area = width - label_w - 380.0;
        let height = top + sized.len() as f64 * (bar_h + row_gap);
        let mut svg = format!(
            "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" role=\"img\" aria-label=\"Firmware size per target\">\n"
        );
        let parts = [("text", "#2563eb"), ("data", "#d97706"), ("bss", "#0d9488")];
        let mut x = label_w;
        for (name, colour) in parts {
            let _ = write!(svg, "<rect x=\"{x}\" y=\"2\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{colour}\"/><text x=\"{}\" y=\"12\">{name}</text>", x + 17.0);
            x += 70.0;
        }
        svg.push('\n');
        for (i, t) in sized.iter().enumerate() {
            let f = t.footprint.unwrap_or_default();
            let y = top + i as f64 * (bar_h + row_gap);
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" class=\"mono\">{}</text>",
                label_w - 8.0,
                y + bar_h / 2.0 + 4.0,
                text(&t.name)
            );
            let mut x = label_w;
            for ((name, colour), bytes) in parts.iter().zip([f.text, f.data, f.bss]) {
                let w = bytes as f64 / max * bar_area;
                if bytes > 0 {
                    let _ = write!(
                        svg,
                        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bar_h}\" fill=\"{colour}\"><title>{}: {name} {} bytes</title></rect>",
                        w.max(1.5),
                        text(&t.name),
                        group_digits(bytes)
                    );
                }
                x += w.max(if bytes > 0 { 1.5 } else { 0.0 });
            }
            let _ = writeln!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" class=\"val\">{} total · text {} · data {} · bss {}</text>",
                x + 8.0,
                y + bar_h / 2.0 + 4.0,
                size(f.text + f.data + f.bss),
                size(f.text),
                size(f.data),
                size(f.bss)
            );
        }
        svg.push_str("</svg>\n");
        page.push_str(&svg);
    }
    page.push_str(
        "<h3>Targets</h3>\n<table>\n<thead><tr><th>target</th><th>Rust target</th><th>state</th><th class=\"num\">passed</th><th class=\"num\">failed</th>\
         <th class=\"num\">wall</th><th class=\"num\">text</th><th class=\"num\">data</th><th class=\"num\">bss</th>\
         <th class=\"num\">stack reserved</th><th class=\"num\">heap reserved</th></tr></thead>\n<tbody>\n",
    );
    for t in &report.targets {
        let state = match &t.reason {
            Some(reason) => format!("{}: <span class=\"muted\">{}</span>", text(&t.state), text(reason)),
            None => text(&t.state),
        };
        let bytes = |b: Option<u64>| b.map(group_digits).unwrap_or_default();
        let f = t.footprint;
        let _ = writeln!(
            page,
            "<tr><td><strong>{}</strong></td><td><code>{}</code></td><td>{state}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            text(&t.name),
            text(&t.rust_target),
            t.passed,
            t.failed,
            t.wall_ms.map(seconds).unwrap_or_default(),
            bytes(f.map(|f| f.text)),
            bytes(f.map(|f| f.data)),
            bytes(f.map(|f| f.bss)),
            bytes(f.map(|f| f.stack_reserved)),
            bytes(f.map(|f| f.heap_reserved)),
        );
    }
    page.push_str("</tbody></table>\n<p class=\"muted\">Sizes in bytes, from the firmware's ELF sections.</p>\n</section>\n");
}

fn divergences(page: &mut String, report: &Report) {
    let _ = writeln!(page, "<section id=\"divergences\">\n<h2>Divergences across targets ({})</h2>", report.divergences.len());
    if report.divergences.is_empty() {
        page.push_str("<p class=\"empty\">None: every target ended every test the same way, with the same output.</p>\n");
    }
    for d in &report.divergences {
        let _ = writeln!(
            page,
            "<div class=\"card\"><h3><code>{}</code> <span class=\"muted\">{} differ from {}</span></h3>\n<pre>{}</pre></div>",
            text(&d.test),
            text(&d.targets.join(", ")),
            text(&d.reference),
            text(d.diff.trim_end())
        );
    }
    page.push_str("</section>\n");
}

fn failures(page: &mut String, report: &Report) {
    let failed: Vec<&ResultEntry> = report.results.iter().filter(|r| is_failure(&r.outcome)).collect();
    let _ = writeln!(page, "<section id=\"failures\">\n<h2>Failures ({})</h2>", failed.len());
    if failed.is_empty() {
        page.push_str("<p class=\"empty\">None.</p>\n");
    }
    for r in failed {
        let (class, _) = outcome_style(&r.outcome);
        let _ = writeln!(
            page,
            "<div class=\"card\"><h3><span class=\"badge {class}\">{}</span><code>{}</code> <span class=\"muted\">on</span> {}</h3>",
            text(&r.outcome),
            text(&r.test),
            text(&r.target)
        );
        if !r.details.is_empty() {
            let _ = writeln!(page, "<pre>{}</pre>", text(&r.details));
        }
        let mut facts = Vec::new();
        if let Some(status) = &r.status {
            facts.push(match r.exit_code {
                Some(code) => format!("status <code>{}</code> {code}", text(status)),
                None => format!("status <code>{}</code>", text(status)),
            });
        }
        if let Some(message) = &r.message {
            facts.push(format!("message <code>{}</code>", text(message)));
        }
        if let Some(n) = r.instructions {
            facts.push(format!("{} instructions", group_digits(n)));
        }
        if let Some(ms) = r.wall_ms {
            facts.push(format!("{ms} ms"));
        }
        if !facts.is_empty() {
            let _ = writeln!(page, "<p class=\"muted\">{}</p>", facts.join(" · "));
        }
        let _ = writeln!(page, "<code class=\"repro\">{}</code></div>", text(&r.reproduce));
    }
    page.push_str("</section>\n");
}

/// An image of the report directory: inline when the report holds its bytes, else a link
/// relative to the report directory.
fn image_source(report: &Report, path: &str) -> String {
    match report.images.get(path) {
        Some(bytes) => format!("data:image/png;base64,{}", crate::frame::base64(bytes)),
        None => path.to_string(),
    }
}

fn figure(page: &mut String, report: &Report, path: &str, caption: &str, width: u32, height: u32) {
    let _ = writeln!(
        page,
        "<figure><img src=\"{}\" width=\"{width}\" height=\"{height}\" alt=\"{}\"/><figcaption>{}</figcaption></figure>",
        attr(&image_source(report, path)),
        attr(caption),
        text(caption)
    );
}

fn frames(page: &mut String, report: &Report) {
    let with_frames: Vec<&ResultEntry> = report.results.iter().filter(|r| r.frame.is_some()).collect();
    if with_frames.is_empty() {
        return;
    }
    let mut tests: Vec<&str> = with_frames.iter().map(|r| r.test.as_str()).collect();
    tests.sort();
    tests.dedup();
    let _ = writeln!(page, "<section id=\"frames\">\n<h2>Frames ({} tests)</h2>", tests.len());
    for test in tests {
        let results: Vec<&ResultEntry> = with_frames.iter().copied().filter(|r| r.test == test).collect();
        let _ = writeln!(page, "<div class=\"card\"><h3><code>{}</code></h3>\n<div class=\"frames\">", text(test));
        // One image per distinct frame, named by the targets that rendered it.
        let hash = |r: &ResultEntry| r.observed.as_ref().and_then(|o| o.frame.as_ref()).map(|f| f.hash.clone());
        let mut shown: Vec<(Option<String>, Vec<&ResultEntry>)> = Vec::new();
        for r in &results {
            match shown.iter_mut().find(|(h, _)| h.is_some() && *h == hash(r)) {
                Some((_, same)) => same.push(r),
                None => shown.push((hash(r), vec![r])),
            }
        }
        for (_, same) in &shown {
            let first = same[0];
            let Some(frame) = &first.frame else { continue };
            let targets: Vec<&str> = same.iter().map(|r| r.target.as_str()).collect();
            let comparison = frame.comparison.as_deref().map(|c| format!(": {c}")).unwrap_or_default();
            let caption = format!("{} ({}x{}){comparison}", targets.join(", "), frame.width, frame.height);
            figure(page, report, &frame.png, &caption, frame.width, frame.height);
            if let Some(diff) = &frame.diff {
                let caption = format!("difference on {}: magenta pixels differ from the golden", targets.join(", "));
                figure(page, report, diff, &caption, frame.width, frame.height);
            }
        }
        if let Some(golden) = results.iter().find_map(|r| r.frame.as_ref()?.golden.as_ref().map(|g| (g, r))) {
            let (path, r) = golden;
            let frame = r.frame.as_ref().map(|f| (f.width, f.height)).unwrap_or((320, 240));
            figure(page, report, path, "golden", frame.0, frame.1);
        } else {
            page.push_str("<p class=\"empty\">no golden (spec key <code>frame</code>)</p>\n");
        }
        page.push_str("</div></div>\n");
    }
    page.push_str("</section>\n");
}

fn legend<'a>(svg: &mut String, names: impl Iterator<Item = &'a str>, x0: f64, y: f64) {
    let mut x = x0;
    for (i, name) in names.enumerate() {
        let _ = write!(
            svg,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{y:.1}\">{}</text>",
            y - 10.0,
            SERIES[i % SERIES.len()],
            x + 17.0,
            text(name)
        );
        x += 30.0 + 7.5 * name.chars().count() as f64;
    }
    svg.push('\n');
}

/// Test names in order, each once.
fn tests(report: &Report) -> Vec<&str> {
    let mut tests: Vec<&str> = report.results.iter().map(|r| r.test.as_str()).collect();
    tests.sort_unstable();
    tests.dedup();
    tests
}

fn find<'a>(report: &'a Report, target: &str, test: &str) -> Option<&'a ResultEntry> {
    report.results.iter().find(|r| r.target == target && r.test == test)
}

fn tooltip(r: &ResultEntry) -> String {
    let mut t = format!("{} on {}: {}", r.test, r.target, r.outcome);
    if !r.details.is_empty() {
        let _ = write!(t, "\n{}", r.details);
    }
    if let Some(status) = &r.status {
        let _ = write!(t, "\nstatus: {status}");
        if let Some(code) = r.exit_code {
            let _ = write!(t, " {code}");
        }
    }
    if let Some(message) = &r.message {
        let _ = write!(t, "\nmessage: {message}");
    }
    if let Some(n) = r.instructions {
        let _ = write!(t, "\ninstructions: {}", group_digits(n));
    }
    if let Some(n) = r.heap_peak {
        let _ = write!(t, "\nheap peak: {} bytes", group_digits(n));
    }
    if let Some(n) = r.runtime_heap_peak {
        let _ = write!(t, "\nruntime heap peak: {} bytes", group_digits(n));
    }
    if let Some(n) = r.stack_peak {
        let _ = write!(t, "\nstack peak: {} bytes", group_digits(n));
    }
    if let Some(n) = r.operand_stack_peak {
        let _ = write!(t, "\noperand stack peak: {} bytes", group_digits(n));
    }
    if let Some(ms) = r.wall_ms {
        let _ = write!(t, "\nwall: {ms} ms");
    }
    let _ = write!(t, "\n{}", r.reproduce);
    t
}

/// Nanoseconds since the Unix epoch as a UTC date and time.
fn utc(ns: u64) -> String {
    let secs = ns / 1_000_000_000;
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC", rest / 3600, rest / 60 % 60, rest % 60)
}

fn millions(n: u64) -> String {
    format!("{:.2} M", n as f64 / 1e6)
}

fn trim_m(m: f64) -> String {
    if m.fract() == 0.0 { format!("{m:.0} M") } else { format!("{m} M") }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * p).find(|s| *s >= raw).unwrap_or(10.0 * p)
}

/// Digits in groups of three, set apart by a narrow no-break space.
fn group_digits(n: u64) -> String {
    crate::report::group_digits(n, '\u{202f}')
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 { format!("{:.1} KiB", bytes as f64 / 1024.0) } else { format!("{bytes} B") }
}

fn seconds(ms: u128) -> String {
    format!("{:.2} s", ms as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report_junit::tests::sample_report;

    #[test]
    fn page_is_self_contained_and_shows_everything() {
        let report = sample_report();
        let page = html(&report);
        if let Some(path) = std::env::var_os("XBENCH_HTML_SAMPLE") {
            std::fs::write(path, &page).unwrap();
        }
        assert!(page.starts_with("<!DOCTYPE html>"));
        for forbidden in ["<script", "http://", "https://", "src=", "@import", "url("] {
            assert!(!page.contains(forbidden), "{forbidden}");
        }
        for wanted in [
            "id=\"matrix\"",
            "id=\"baseline-deltas\"",
            "no baseline",
            "id=\"instructions\"",
            "id=\"footprint\"",
            "<svg",
            "Xila bench basic suite",
        ] {
            assert!(page.contains(wanted), "{wanted}");
        }
        assert!(page.contains(&format!("{:#x}", report.seed)));
        // Every kind of outcome has its colour.
        for class in ["cell pass", "cell fail", "cell crash", "cell timeout", "cell oom", "cell infra", "cell skipped"] {
            assert!(page.contains(class), "{class}");
        }
        // Markup in the data is escaped, control characters made visible.
        assert!(page.contains("tick &amp; tock"));
        assert!(!page.contains("tick <"));
        assert!(page.contains("\\u{1b}[0m"));
        assert!(!page.contains('\u{1b}'));
        assert!(page.contains("xbench test --target riscv32imc build/suites/basic --exact clock"));
        // Instruction counts in millions in the matrix.
        assert!(page.contains("10.12 M"));
    }

    #[test]
    fn page_parses_as_xml_apart_from_the_doctype() {
        // The page is written as well-formed XHTML-compatible markup, which keeps it honest.
        let page = html(&sample_report());
        let body = page.trim_start_matches("<!DOCTYPE html>\n").replace("<meta charset=\"utf-8\">", "<meta charset=\"utf-8\"/>").replace(
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>",
        );
        roxmltree::Document::parse(&body).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn frames_show_beside_their_golden_with_the_difference() {
        use crate::compare::{Observed, Stream};
        use crate::report::FrameEntry;
        let mut report = sample_report();
        let png = crate::frame::Frame { width: 2, height: 1, rgb: vec![255, 0, 0, 0, 0, 255] }.to_png();
        for (target, hash) in [("host", "aa"), ("riscv32", "aa"), ("riscv32imc", "bb")] {
            let r = report.results.iter_mut().find(|r| r.target == target && r.test == "hello").unwrap();
            r.observed = Some(Observed {
                ending: "exit 0".into(),
                stdout: Stream::of(b""),
                stderr: Stream::of(b""),
                frame: Some(Stream { hash: hash.into(), len: 6, preview: "2x1 frame".into() }),
            });
            let differs = hash == "bb";
            r.frame = Some(FrameEntry {
                width: 2,
                height: 1,
                png: format!("frames/{target}/hello.png"),
                golden: Some("frames/golden/hello.png".into()),
                diff: differs.then(|| format!("frames/{target}/hello.diff.png")),
                comparison: Some(if differs { "differs: 1 pixel differs".into() } else { "matches".into() }),
                differing_pixels: Some(differs as u64),
                bounding_box: None,
            });
            report.images.insert(format!("frames/{target}/hello.png"), png.clone());
        }
        report.images.insert("frames/golden/hello.png".into(), png.clone());
        let page = html(&report);
        assert!(page.contains("id=\"frames\""));
        assert!(page.contains("host, riscv32 (2x1): matches"), "one image for the targets that agree");
        assert!(page.contains("riscv32imc (2x1): differs: 1 pixel differs"));
        assert!(page.contains(&format!("data:image/png;base64,{}", crate::frame::base64(&png))));
        // The difference image was not in memory: linked, relative to the report directory.
        assert!(page.contains("src=\"frames/riscv32imc/hello.diff.png\""));
        assert!(page.contains(">golden<"));
        let body = page.trim_start_matches("<!DOCTYPE html>\n").replace("<meta charset=\"utf-8\">", "<meta charset=\"utf-8\"/>").replace(
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>",
        );
        roxmltree::Document::parse(&body).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn an_empty_report_renders() {
        let mut report = sample_report();
        report.targets.clear();
        report.results.clear();
        report.divergences.clear();
        let page = html(&report);
        assert!(page.contains("No targets."));
        assert!(page.contains("No target counted instructions."));
    }

    #[test]
    fn helpers() {
        assert_eq!(group_digits(1234567), "1\u{202f}234\u{202f}567");
        assert_eq!(group_digits(123), "123");
        assert_eq!(nice_step(13.0), 20.0);
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(size(368), "368 B");
        assert_eq!(size(175_360), "171.2 KiB");
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_767_225_600_000_000_000), "2026-01-01 00:00:00 UTC");
        assert_eq!(utc(951_827_696_000_000_000), "2000-02-29 12:34:56 UTC");
    }
}
