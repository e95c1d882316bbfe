//! `--statistics`: how many findings each code has, most frequent first, as
//! ruff prints it — the first thing to look at when adopting distrolint on
//! a large tree (what to fix, what to ignore, what to baseline).

use std::io::{self, Write};

use serde_json::json;

use super::ReportInput;

struct Row {
    count: usize,
    code: String,
    name: String,
    /// The strongest severity among the code's findings.
    severity: String,
}

fn rows(input: &ReportInput) -> Vec<Row> {
    let mut rows: Vec<Row> = input
        .summary()
        .by_code
        .into_iter()
        .map(|(code, count)| Row {
            count,
            name: input
                .rule(&code)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            severity: input
                .findings
                .iter()
                .filter(|f| f.code == code)
                .map(|f| f.severity)
                .max()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            code,
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
    rows
}

pub fn render_text(input: &ReportInput, out: &mut dyn Write) -> io::Result<()> {
    let rows = rows(input);
    let width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    for row in &rows {
        writeln!(
            out,
            "{:>width$}\t{}\t{}\t[{}]",
            row.count, row.code, row.name, row.severity
        )?;
    }
    let total: usize = rows.iter().map(|r| r.count).sum();
    writeln!(out, "Found {total} findings.")?;
    for line in input.gate.weakenings() {
        writeln!(out, "Gate weakened: {line}.")?;
    }
    Ok(())
}

pub fn render_json(input: &ReportInput, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<_> = rows(input)
        .iter()
        .map(|r| json!({"code": r.code, "name": r.name, "count": r.count, "severity": r.severity}))
        .collect();
    serde_json::to_writer_pretty(&mut *out, &rows)?;
    writeln!(out)
}
