//! The profile as text: the console table of `xbench profile`, the Markdown table of
//! `bench.md`, and the line that checks the trace against the firmware's own count.

use super::{Profile, Scope};

/// A name cut to `width` characters, with an ellipsis when cut.
fn fit(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        name.to_string()
    } else {
        let mut cut: String = name.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// The coverage line: the trace's total against the firmware's count, and why they differ.
pub fn coverage_line(profile: &Profile) -> String {
    let Some(reported) = profile.reported_instructions else {
        return format!("{} instructions traced; the firmware reported no count to check them against", profile.total_instructions);
    };
    let coverage = profile.coverage().unwrap_or(0.0);
    let why = match profile.scope {
        Scope::Run => "; the firmware counts the runtime's run only, the trace also boot, the job's transfer and the result record",
        Scope::Region => "",
    };
    format!(
        "{} instructions traced, {} counted by the firmware: {coverage:.1} %{why}",
        profile.total_instructions, reported
    )
}

/// The console table of `xbench profile`: rank, function, instructions, share, cumulative share;
/// then the components and the check against the firmware's count.
pub fn render_table(profile: &Profile, top: usize) -> String {
    let mut out = format!("profile: {} on {}, {}\n", profile.workload, profile.target, profile.scope.describe());
    out.push_str(&format!("{:>4}  {:<56} {:>13} {:>7} {:>7}  {}\n", "rank", "function", "instructions", "share", "cum.", "component"));
    let mut cumulative = 0;
    for (rank, f) in profile.functions.iter().take(top).enumerate() {
        cumulative += f.instructions;
        out.push_str(&format!(
            "{:>4}  {:<56} {:>13} {:>6.1}% {:>6.1}%  {}\n",
            rank + 1,
            fit(&f.name, 56),
            f.instructions,
            profile.percent(f.instructions),
            profile.percent(cumulative),
            f.component
        ));
    }
    if profile.functions.len() > top {
        let rest: u64 = profile.functions[top..].iter().map(|f| f.instructions).sum();
        out.push_str(&format!(
            "{:>4}  {:<56} {:>13} {:>6.1}%\n",
            "",
            format!("({} other functions)", profile.functions.len() - top),
            rest,
            profile.percent(rest)
        ));
    }
    out.push_str("by component: ");
    let parts: Vec<String> =
        profile.components.iter().map(|c| format!("{} {:.1} %", c.name, profile.percent(c.instructions))).collect();
    out.push_str(&parts.join(", "));
    out.push('\n');
    out.push_str(&coverage_line(profile));
    out.push('\n');
    out
}

/// The console table of the interpreter loop by opcode handler: rank, handler, instructions,
/// share of the loop, cumulative share, share of the whole profile.
pub fn render_handlers(profile: &Profile, top: usize) -> String {
    let in_loop = profile.interpreter_instructions();
    if profile.handlers.is_empty() {
        return match &profile.handlers_error {
            Some(e) => format!("interpreter loop by opcode handler: not available: {e}\n"),
            None => "interpreter loop by opcode handler: the loop did not run\n".to_string(),
        };
    }
    let mut out = format!("interpreter loop ({in_loop} instructions, {:.1} % of the profile) by opcode handler:\n", profile.percent(in_loop));
    out.push_str(&format!("{:>4}  {:<56} {:>13} {:>7} {:>7} {:>7}\n", "rank", "handler", "instructions", "loop", "cum.", "total"));
    let mut cumulative = 0;
    for (rank, h) in profile.handlers.iter().take(top).enumerate() {
        cumulative += h.instructions;
        out.push_str(&format!(
            "{:>4}  {:<56} {:>13} {:>6.1}% {:>6.1}% {:>6.1}%\n",
            rank + 1,
            fit(&h.name, 56),
            h.instructions,
            profile.loop_percent(h.instructions),
            profile.loop_percent(cumulative),
            profile.percent(h.instructions)
        ));
    }
    if profile.handlers.len() > top {
        let rest: u64 = profile.handlers[top..].iter().map(|h| h.instructions).sum();
        out.push_str(&format!(
            "{:>4}  {:<56} {:>13} {:>6.1}%\n",
            "",
            format!("({} other handlers)", profile.handlers.len() - top),
            rest,
            profile.loop_percent(rest)
        ));
    }
    out
}

/// A Markdown table of the `top` hottest functions (for `bench.md`), then, when the profile has
/// them, the interpreter loop's hottest opcode handlers.
pub fn render_markdown(profile: &Profile, top: usize) -> String {
    let mut md = String::from("| rank | function | instructions | share | cumulative | component |\n| ---: | --- | ---: | ---: | ---: | --- |\n");
    let mut cumulative = 0;
    for (rank, f) in profile.functions.iter().take(top).enumerate() {
        cumulative += f.instructions;
        md.push_str(&format!(
            "| {} | `{}` | {} | {:.1} % | {:.1} % | {} |\n",
            rank + 1,
            fit(&f.name, 70).replace('|', "\\|"),
            f.instructions,
            profile.percent(f.instructions),
            profile.percent(cumulative),
            f.component
        ));
    }
    if !profile.handlers.is_empty() {
        md.push_str("\nInterpreter loop by opcode handler (share of the loop):\n\n| rank | handler | instructions | share of the loop | cumulative |\n| ---: | --- | ---: | ---: | ---: |\n");
        let mut cumulative = 0;
        for (rank, h) in profile.handlers.iter().take(top).enumerate() {
            cumulative += h.instructions;
            md.push_str(&format!(
                "| {} | `{}` | {} | {:.1} % | {:.1} % |\n",
                rank + 1,
                fit(&h.name, 70).replace('|', "\\|"),
                h.instructions,
                profile.loop_percent(h.instructions),
                profile.loop_percent(cumulative)
            ));
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{aggregate, symbols::{Function, SymbolTable}, trace::TraceCounts};
    use std::collections::BTreeMap;

    fn profile(pairs: &[(u64, u64)], reported: Option<u64>) -> Profile {
        let counts = TraceCounts {
            by_pc: pairs.iter().copied().collect(),
            total: pairs.iter().map(|(_, n)| n).sum(),
            ..TraceCounts::default()
        };
        let symbols = SymbolTable::new(vec![
            Function { start: 0x100, end: Some(0x400), raw_name: "wasm_interp_call_func_bytecode".into() },
            Function { start: 0x400, end: Some(0x480), raw_name: "memcpy".into() },
        ]);
        aggregate("cortex-m4f", "m.wasm", Scope::Region, &counts, &symbols, &BTreeMap::new(), reported)
    }

    #[test]
    fn the_table_has_ranks_shares_and_the_check() {
        let profile = profile(&[(0x100, 750), (0x400, 250)], Some(1010));
        let table = render_table(&profile, 1);
        assert!(table.contains("measured region"), "{table}");
        let first = table.lines().nth(2).unwrap_or_default();
        assert!(first.contains("wasm_interp_call_func_bytecode") && first.contains(" 75.0%") && first.contains("750"), "{table}");
        assert!(table.contains("(1 other functions)"), "{table}");
        assert!(table.contains("1000 instructions traced, 1010 counted by the firmware: 99.0 %"), "{table}");
        let md = render_markdown(&profile, 5);
        assert!(md.contains("| 2 | `memcpy` | 250 | 25.0 % | 100.0 % |"), "{md}");
        assert_eq!(profile.clone().truncated(1).functions.len(), 1);
    }

    #[test]
    fn a_run_without_a_count_says_so() {
        let line = coverage_line(&profile(&[(0x100, 10)], None));
        assert!(line.contains("reported no count"), "{line}");
    }
}
