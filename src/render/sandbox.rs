//! Templates are a sandbox: a user's templates folder, given with `--templates` or kept
//! in a repository, must not be able to read the machine (the environment holds the
//! signing key's password and CI secrets) or to run without end.
//!
//! - Tera registers `get_env` itself: it is shadowed by a function that fails.
//! - Before anything renders, a static check refuses a cycle of includes, imports,
//!   `extends` and macro calls (Tera would recurse until the stack overflows, which no
//!   program can catch).
//! - Loops are bounded: `range` counts every number it hands out against one budget,
//!   `concat` cannot build a list past a size, the output of one template is capped, and
//!   a template still rendering after a time limit (a loop over the report's own lists)
//!   ends the run with exit 2, after the temporary output folders are removed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tera::ast::{Expr, ExprVal, Node};
use tera::{Tera, Value};

/// The numbers `range` hands out in one run, across every template: the built-in ones
/// use none; a table of a few thousand rows needs a few thousand.
pub const RANGE_BUDGET: u64 = 10_000_000;
/// The longest list `concat` makes.
pub const LONGEST_LIST: usize = 1_000_000;
/// The most bytes one template renders to: the Markdown report of a million-row
/// appendix is some 200 MB.
pub const LARGEST_OUTPUT: usize = 1 << 30;
/// How long one template may render, unless `ONUS_TEMPLATE_SECONDS` says otherwise: the
/// built-in templates render a 10,000-row report in a fraction of a second.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The time limit in force: [`TIME_LIMIT`], or `ONUS_TEMPLATE_SECONDS`.
pub fn time_limit() -> Duration {
    std::env::var("ONUS_TEMPLATE_SECONDS")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(TIME_LIMIT)
}

/// Puts the sandbox's functions and filters in place of Tera's.
pub fn install(tera: &mut Tera) {
    tera.register_function("get_env", |_: &HashMap<String, Value>| {
        Err(tera::Error::msg(
            "get_env is not available: templates cannot read the environment",
        ))
    });
    let budget = Arc::new(AtomicU64::new(RANGE_BUDGET));
    if let Some(range) = tera.functions.get("range").cloned() {
        tera.register_function("range", move |args: &HashMap<String, Value>| {
            let number = |key: &str, default: Option<u64>| {
                args.get(key).and_then(Value::as_u64).or(default)
            };
            if let (Some(start), Some(end), Some(step)) = (
                number("start", Some(0)),
                number("end", None),
                number("step_by", Some(1)),
            ) {
                let count = end.saturating_sub(start).div_ceil(step.max(1));
                let spent = budget
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                        left.checked_sub(count)
                    })
                    .is_err();
                if spent {
                    return Err(tera::Error::msg(format!(
                        "range: the templates ask for more than {RANGE_BUDGET} numbers in all (a loop without bound?)"
                    )));
                }
            }
            range.call(args)
        });
    }
    if let Some(concat) = tera.filters.get("concat").cloned() {
        tera.register_filter(
            "concat",
            move |value: &Value, args: &HashMap<String, Value>| {
                let result = concat.filter(value, args)?;
                if result.as_array().is_some_and(|a| a.len() > LONGEST_LIST) {
                    return Err(tera::Error::msg(format!(
                        "concat: a list of more than {LONGEST_LIST} items (a loop without bound?)"
                    )));
                }
                Ok(result)
            },
        );
    }
}

/// A cycle among the templates, as `a.md → b.md → a.md`, if there is one. Nodes are
/// templates and their macros (`file::macro`); edges are `include`, `extends`, and calls
/// of a macro of the file itself (`self::`) or of an imported file.
pub fn cycle(tera: &Tera) -> Option<(String, String)> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, template) in &tera.templates {
        let namespaces: HashMap<&str, &str> = template
            .imported_macro_files
            .iter()
            .map(|(file, namespace)| (namespace.as_str(), file.as_str()))
            .collect();
        let mut add = |from: &str, body: &[Node]| {
            let mut found = BTreeSet::new();
            nodes(body, &mut |target: Target| {
                found.insert(match target {
                    Target::Template(t) => t.to_string(),
                    Target::Macro(namespace, m) => {
                        let file = if namespace == "self" {
                            name.as_str()
                        } else {
                            namespaces.get(namespace).copied().unwrap_or(namespace)
                        };
                        format!("{file}::{m}")
                    }
                });
            });
            edges.entry(from.to_string()).or_default().extend(found);
        };
        add(name, &template.ast);
        for (m, definition) in &template.macros {
            add(&format!("{name}::{m}"), &definition.body);
        }
        if let Some(parent) = &template.parent {
            edges
                .entry(name.clone())
                .or_default()
                .insert(parent.clone());
        }
    }
    // Depth first, in name order: the first cycle found, from the template it starts in.
    let mut done = BTreeSet::new();
    for start in edges.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = visit(start, &edges, &mut path, &mut done) {
            let file = cycle[0].split("::").next().unwrap_or_default().to_string();
            return Some((file, cycle.join(" → ")));
        }
    }
    None
}

fn visit<'a>(
    node: &'a str,
    edges: &'a BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|n| *n == node) {
        let mut cycle: Vec<String> = path[at..].iter().map(|n| n.to_string()).collect();
        cycle.push(node.to_string());
        return Some(cycle);
    }
    if !done.insert(node) {
        return None;
    }
    path.push(node);
    for next in edges.get(node).into_iter().flatten() {
        if let Some(cycle) = visit(next, edges, path, done) {
            return Some(cycle);
        }
    }
    path.pop();
    None
}

enum Target<'a> {
    Template(&'a str),
    Macro(&'a str, &'a str),
}

fn nodes<'a>(body: &'a [Node], found: &mut dyn FnMut(Target<'a>)) {
    for node in body {
        match node {
            Node::Include(_, names, _) => names.iter().for_each(|n| found(Target::Template(n))),
            Node::Extends(_, parent) => found(Target::Template(parent)),
            Node::VariableBlock(_, e) => expr(e, found),
            Node::Set(_, set) => expr(&set.value, found),
            Node::FilterSection(_, section, _) => {
                section.filter.args.values().for_each(|e| expr(e, found));
                nodes(&section.body, found);
            }
            Node::Block(_, block, _) => nodes(&block.body, found),
            Node::Forloop(_, for_loop, _) => {
                expr(&for_loop.container, found);
                nodes(&for_loop.body, found);
                if let Some(empty) = &for_loop.empty_body {
                    nodes(empty, found);
                }
            }
            Node::If(condition, _) => {
                for (_, e, body) in &condition.conditions {
                    expr(e, found);
                    nodes(body, found);
                }
                if let Some((_, body)) = &condition.otherwise {
                    nodes(body, found);
                }
            }
            Node::MacroDefinition(_, definition, _) => nodes(&definition.body, found),
            _ => {}
        }
    }
}

fn expr<'a>(e: &'a Expr, found: &mut dyn FnMut(Target<'a>)) {
    for filter in &e.filters {
        filter.args.values().for_each(|a| expr(a, found));
    }
    value(&e.val, found);
}

fn value<'a>(v: &'a ExprVal, found: &mut dyn FnMut(Target<'a>)) {
    match v {
        ExprVal::MacroCall(call) => {
            found(Target::Macro(&call.namespace, &call.name));
            call.args.values().for_each(|a| expr(a, found));
        }
        ExprVal::FunctionCall(call) => call.args.values().for_each(|a| expr(a, found)),
        ExprVal::Math(m) => {
            expr(&m.lhs, found);
            expr(&m.rhs, found);
        }
        ExprVal::Logic(l) => {
            expr(&l.lhs, found);
            expr(&l.rhs, found);
        }
        ExprVal::Test(t) => t.args.iter().for_each(|a| expr(a, found)),
        ExprVal::Array(items) => items.iter().for_each(|a| expr(a, found)),
        ExprVal::StringConcat(c) => c.values.iter().for_each(|v| value(v, found)),
        ExprVal::In(i) => {
            expr(&i.lhs, found);
            expr(&i.rhs, found);
        }
        _ => {}
    }
}

/// Where a template renders to: a buffer that refuses to grow past [`LARGEST_OUTPUT`] or
/// to be written to after the time limit.
pub struct Capped {
    pub bytes: Vec<u8>,
    deadline: Instant,
}

impl Capped {
    pub fn new() -> Capped {
        Capped {
            bytes: Vec::new(),
            deadline: Instant::now() + time_limit(),
        }
    }
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > LARGEST_OUTPUT {
            return Err(std::io::Error::other(format!(
                "the output would be larger than {} MB (a loop without bound?)",
                LARGEST_OUTPUT >> 20
            )));
        }
        if Instant::now() > self.deadline {
            return Err(overtime());
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn overtime() -> std::io::Error {
    std::io::Error::other(format!(
        "still rendering after {} s (a loop without bound?)",
        time_limit().as_secs_f64()
    ))
}

/// Watches one rendering: if it has not ended when the time limit has passed and a
/// little more (a loop that writes nothing never reaches [`Capped`]), the run ends with
/// exit 2, once the temporary output folders are gone, for a running template cannot be
/// stopped otherwise.
pub struct Watch {
    done: Option<std::sync::mpsc::Sender<()>>,
}

impl Watch {
    pub fn start(name: &str) -> Watch {
        let (done, ended) = std::sync::mpsc::channel::<()>();
        let name = name.to_string();
        let limit = time_limit() + Duration::from_secs(1);
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = ended.recv_timeout(limit) {
                crate::output::remove_staging_and_exit(
                    &format!("error: template {name}: {}", overtime()),
                    2,
                );
            }
        });
        Watch { done: Some(done) }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(done) = self.done.take() {
            let _ = done.send(());
        }
    }
}
