//! One pass over the whole tree before lowering: imports, library aliases
//! and facts about named constants that lowering looks up later (a
//! function may use a constant declared below it).

use skillaudit_syntax::code::tree_sitter::Node;
use skillaudit_syntax::code::NodeKind;

use super::super::span;
use super::catalog::lib_module;
use super::nodes::unwrap;
use super::text::{plain_template, string_value};
use super::{guards, schema, Lx};
use crate::code::ir::Import;

/// Walk every node once (iteratively) and record what [`Lx`] needs.
pub(super) fn run(lx: &mut Lx<'_>, root: Node<'_>) {
    let mut cursor = root.walk();
    'walk: loop {
        let n = cursor.node();
        visit(lx, n);
        // Literals and TypeScript types hold no declarations, imports or
        // exports: do not walk their nodes.
        let leaf = matches!(
            n.kind_str(),
            "string"
                | "comment"
                | "regex"
                | "number"
                | "type_annotation"
                | "type_arguments"
                | "type_parameters"
                | "interface_declaration"
                | "type_alias_declaration"
                | "enum_declaration"
        );
        if !leaf && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
}

fn visit(lx: &mut Lx<'_>, n: Node<'_>) {
    match n.kind_str() {
        "import_statement" => import(lx, n),
        "variable_declarator" => declarator(lx, n),
        "function_declaration" | "generator_function_declaration" | "class_declaration" => {
            if let Some(name) = lx.f(n, "name") {
                lx.declared.insert(lx.t(name).to_string());
            }
        }
        "export_specifier" => {
            if let Some(name) = lx.f(n, "name") {
                lx.exported_names.insert(lx.t(name).to_string());
            }
        }
        "assignment_expression" => module_exports(lx, n),
        "export_statement" if !type_only(n) => {
            if let Some(source) = lx.f(n, "source") {
                let module = string_value(source, lx.src);
                lx.b.file.reexports.push(module);
            }
        }
        _ => {}
    }
}

fn add_import(lx: &mut Lx<'_>, local: &str, module: &str, member: Option<&str>, at: Node<'_>) {
    lx.b.file.imports.push(Import {
        local: local.to_string(),
        module: module.to_string(),
        member: member.map(str::to_string),
        span: span(at),
    });
    if let Some(lib) = lib_module(module) {
        if is_sql_library(&lib) {
            lx.sql_lib = true;
        }
        let canon = match member {
            None | Some("default") => lib,
            Some(m) => super::catalog::join(&lib, m),
        };
        lx.aliases.insert(local.to_string(), canon);
    }
}

fn is_sql_library(lib: &str) -> bool {
    matches!(
        lib,
        "pg" | "mysql"
            | "mysql2"
            | "better-sqlite3"
            | "sqlite3"
            | "sqlite"
            | "knex"
            | "sequelize"
            | "postgres"
            | "@prisma/client"
            | "mssql"
            | "oracledb"
            | "duckdb"
            | "@libsql/client"
    )
}

fn import(lx: &mut Lx<'_>, n: Node<'_>) {
    let Some(source) = lx.f(n, "source") else {
        return;
    };
    if type_only(n) {
        return;
    }
    let module = string_value(source, lx.src);
    let mut cursor = n.walk();
    let clause = n
        .named_children(&mut cursor)
        .find(|c| c.kind_str() == "import_clause");
    let Some(clause) = clause else { return };
    let mut cursor = clause.walk();
    for part in clause.named_children(&mut cursor) {
        match part.kind_str() {
            "identifier" => {
                let local = lx.t(part).to_string();
                add_import(lx, &local, &module, None, part);
            }
            "namespace_import" => {
                if let Some(id) = last_identifier(part) {
                    let local = lx.t(id).to_string();
                    add_import(lx, &local, &module, None, part);
                }
            }
            "named_imports" => {
                let mut c2 = part.walk();
                for spec in part.named_children(&mut c2) {
                    if spec.kind_str() != "import_specifier" || type_only(spec) {
                        continue;
                    }
                    let Some(name) = lx.f(spec, "name") else {
                        continue;
                    };
                    let member = import_name(lx, name);
                    let local = lx
                        .f(spec, "alias")
                        .map(|a| lx.t(a).to_string())
                        .unwrap_or_else(|| member.clone());
                    add_import(lx, &local, &module, Some(&member), spec);
                }
            }
            _ => {}
        }
    }
}

/// `import type { A } from …`, `import { type A }`, `export type { A }
/// from …`: TypeScript erases them, so they bind no value and load no
/// module at run time (no flow passes through them, and the module they
/// name is not reached through them). The grammar does not know `export
/// type * from …` (an error node), which is followed like `export *`.
fn type_only(n: Node<'_>) -> bool {
    let mut cursor = n.walk();
    let found = n
        .children(&mut cursor)
        .take_while(|c| !c.is_named() || c.kind_str() == "type")
        .any(|c| matches!(c.kind_str(), "type" | "typeof"));
    found
}

fn import_name(lx: &Lx<'_>, name: Node<'_>) -> String {
    if name.kind_str() == "string" {
        string_value(name, lx.src)
    } else {
        lx.t(name).to_string()
    }
}

fn last_identifier(n: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = n.walk();
    let found = n
        .named_children(&mut cursor)
        .filter(|c| c.kind_str() == "identifier")
        .last();
    found
}

/// `require("m")`, `await import("m")`: the module string.
pub(crate) fn required_module(lx: &Lx<'_>, n: Node<'_>) -> Option<String> {
    let n = unwrap(n);
    if n.kind_str() != "call_expression" {
        return None;
    }
    let f = lx.f(n, "function")?;
    let is_require =
        (f.kind_str() == "identifier" && lx.t(f) == "require") || f.kind_str() == "import";
    if !is_require {
        return None;
    }
    let args = lx.f(n, "arguments")?;
    let first = args.named_child(0)?;
    (first.kind_str() == "string").then(|| string_value(first, lx.src))
}

fn declarator(lx: &mut Lx<'_>, n: Node<'_>) {
    let Some(name) = lx.f(n, "name") else {
        return;
    };
    let Some(value) = lx.f(n, "value") else {
        if name.kind_str() == "identifier" {
            lx.declared.insert(lx.t(name).to_string());
        }
        return;
    };
    if require_binding(lx, name, value) {
        return;
    }
    if name.kind_str() != "identifier" {
        return;
    }
    let local = lx.t(name).to_string();
    lx.declared.insert(local.clone());
    let v = unwrap(value);
    // `const run = promisify(exec)`, `const sh = cp.exec`.
    if let Some(canon) = lx.lib_path(v) {
        lx.aliases.insert(local.clone(), canon);
        return;
    }
    match v.kind_str() {
        "string" => {
            let s = string_value(v, lx.src);
            lx.const_strs.insert(local.clone(), (s, span(v)));
        }
        "template_string" => {
            if let Some(s) = plain_template(v, lx.src) {
                lx.const_strs.insert(local.clone(), (s, span(v)));
            }
        }
        _ => {}
    }
    if guards::is_literal_collection(lx, v) {
        lx.const_lists.insert(local.clone());
    }
    if guards::ends_with_sep(lx, v) {
        lx.sep_names.insert(local.clone());
    }
    if v.kind_str() == "object" {
        let mut cursor = v.walk();
        let shell = v.named_children(&mut cursor).any(|c| {
            c.kind_str() == "pair"
                && lx.f(c, "key").is_some_and(|k| lx.t(k) == "shell")
                && lx
                    .f(c, "value")
                    .is_some_and(|x| !matches!(lx.t(x), "false" | "undefined" | "null"))
        });
        if shell {
            lx.shell_opts.insert(local.clone());
        }
    }
    if super::catalog::is_db_constructor(lx, v) {
        lx.db_names.insert(local.clone());
    }
    if let Some(safe) = schema::schema_safe_fields(lx, v) {
        lx.schemas.insert(local, safe);
    }
}

/// `const x = require("m")`, `const { a, b: c } = require("m")`,
/// `const fsp = require("fs").promises`.
fn require_binding(lx: &mut Lx<'_>, name: Node<'_>, value: Node<'_>) -> bool {
    let v = unwrap(value);
    let (module, member) = if let Some(m) = required_module(lx, v) {
        (m, None)
    } else if v.kind_str() == "member_expression" {
        let Some(obj) = lx.f(v, "object") else {
            return false;
        };
        let Some(m) = required_module(lx, obj) else {
            return false;
        };
        let prop = lx.f(v, "property").map(|p| lx.t(p).to_string());
        (m, prop)
    } else {
        return false;
    };
    match name.kind_str() {
        "identifier" => {
            let local = lx.t(name).to_string();
            add_import(lx, &local, &module, member.as_deref(), name);
        }
        "object_pattern" => {
            let mut cursor = name.walk();
            for field in name.named_children(&mut cursor) {
                let (key, local) = match field.kind_str() {
                    "shorthand_property_identifier_pattern" => {
                        (lx.t(field).to_string(), lx.t(field).to_string())
                    }
                    "pair_pattern" => {
                        let (Some(k), Some(v)) = (lx.f(field, "key"), lx.f(field, "value")) else {
                            continue;
                        };
                        if v.kind_str() != "identifier" {
                            continue;
                        }
                        (lx.t(k).to_string(), lx.t(v).to_string())
                    }
                    _ => continue,
                };
                let full = match &member {
                    Some(m) => format!("{m}.{key}"),
                    None => key,
                };
                add_import(lx, &local, &module, Some(&full), field);
            }
        }
        _ => {}
    }
    true
}

/// `module.exports = { a, b }`, `module.exports.a = …`, `exports.a = …`.
fn module_exports(lx: &mut Lx<'_>, n: Node<'_>) {
    let Some(left) = lx.f(n, "left") else {
        return;
    };
    let l = lx.t(left);
    if l == "module.exports" {
        let Some(right) = lx.f(n, "right") else {
            return;
        };
        let right = unwrap(right);
        if right.kind_str() == "identifier" {
            lx.exported_names.insert(lx.t(right).to_string());
        } else if right.kind_str() == "object" {
            let mut cursor = right.walk();
            for e in right.named_children(&mut cursor) {
                match e.kind_str() {
                    "shorthand_property_identifier" => {
                        lx.exported_names.insert(lx.t(e).to_string());
                    }
                    "pair" => {
                        if let Some(v) = lx.f(e, "value") {
                            if v.kind_str() == "identifier" {
                                lx.exported_names.insert(lx.t(v).to_string());
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    } else if let Some(prop) = l
        .strip_prefix("module.exports.")
        .or_else(|| l.strip_prefix("exports."))
    {
        if !prop.contains('.') {
            lx.exported_names.insert(prop.to_string());
        }
    }
}
