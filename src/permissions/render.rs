//! The permissions table for people, and JSON for machines.

use std::io::{self, Write};

use super::{Access, Cell, Permissions, Source};

/// The JSON document's version; bump when a field changes meaning.
pub const JSON_VERSION: u32 = 1;

pub fn json(permissions: &Permissions, out: &mut dyn Write) -> io::Result<()> {
    let document = serde_json::json!({
        "version": JSON_VERSION,
        "file": permissions.file,
        "kind": permissions.kind,
        "audiences": permissions.audiences,
        "capabilities": permissions.rows.iter().map(|row| serde_json::json!({
            "id": row.id,
            "capability": row.capability,
            "cells": row.cells,
        })).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn access(access: Access) -> &'static str {
    match access {
        Access::Yes => "yes",
        Access::Limited => "limited",
        Access::No => "no",
    }
}

/// Where a cell's answer comes from, in a few characters: `line 24`, `default`, or `Entra`
/// when no setting changes it.
fn origin(cell: &Cell) -> String {
    match cell.sources.first() {
        Some(Source::Declared {
            file: Some(file),
            line,
            ..
        }) => format!("{file}:{line}"),
        Some(Source::Declared { line, .. }) => format!("line {line}"),
        Some(Source::Default { .. }) => "default".to_string(),
        None => "Entra".to_string(),
    }
}

fn source(file: &str, source: &Source) -> String {
    match source {
        Source::Declared {
            setting,
            file: declared_in,
            line,
            column,
        } => format!(
            "`{setting}` declared at {}:{line}:{column}",
            declared_in.as_deref().unwrap_or(file)
        ),
        Source::Default { setting } => format!("`{setting}` not declared: Entra's default"),
    }
}

pub fn table(permissions: &Permissions, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "What users can do in {} ({} tenant)\n",
        permissions.file, permissions.kind
    )?;
    let first = permissions
        .rows
        .iter()
        .map(|r| r.capability.len())
        .max()
        .unwrap_or(0)
        .max("capability".len());
    let cell_text =
        |cell: &Cell| -> String { format!("{} ({})", access(cell.access), origin(cell)) };
    let width = permissions
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| cell_text(c).len()))
        .chain(permissions.audiences.iter().map(|a| a.label().len()))
        .max()
        .unwrap_or(0);
    let mut header = format!("{:first$}", "capability");
    for audience in &permissions.audiences {
        header.push_str(&format!("  {:width$}", audience.label()));
    }
    writeln!(out, "{}", header.trim_end())?;
    for row in &permissions.rows {
        let mut line = format!("{:first$}", row.capability);
        for cell in &row.cells {
            line.push_str(&format!("  {:width$}", cell_text(cell)));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out, "\nWhy:")?;
    for row in &permissions.rows {
        writeln!(out, "\n{}", row.capability)?;
        for cell in &row.cells {
            let because: Vec<String> = cell
                .sources
                .iter()
                .map(|s| source(&permissions.file, s))
                .collect();
            let because = if because.is_empty() {
                "no setting changes it".to_string()
            } else {
                because.join("; ")
            };
            writeln!(
                out,
                "  {}: {}, {} ({because})",
                cell.audience.label(),
                access(cell.access),
                cell.detail
            )?;
        }
    }
    Ok(())
}
