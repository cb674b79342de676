//! Which component schemas reach themselves through `$ref`s (Tarjan's strongly connected
//! components): those are kept once under `$defs` instead of being inlined forever.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::pointer::component_name;

/// Names of component schemas that can reach themselves through `$ref`s (Tarjan's SCCs).
pub(super) fn recursive_names(schemas: &Map<String, Value>) -> BTreeSet<String> {
    let names: Vec<&String> = schemas.keys().collect();
    let index_of: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, name)| (name.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = names
        .iter()
        .map(|name| {
            let mut targets = BTreeSet::new();
            collect_refs(&schemas[name.as_str()], &mut |target| {
                if let Some(&i) = index_of.get(target) {
                    targets.insert(i);
                }
            });
            targets.into_iter().collect()
        })
        .collect();

    let mut tarjan = Tarjan {
        edges: &edges,
        index: vec![None; names.len()],
        low: vec![0; names.len()],
        on_stack: vec![false; names.len()],
        stack: Vec::new(),
        next: 0,
        recursive: vec![false; names.len()],
    };
    for node in 0..names.len() {
        if tarjan.index[node].is_none() {
            tarjan.visit(node);
        }
    }
    names
        .into_iter()
        .zip(tarjan.recursive)
        .filter(|(_, recursive)| *recursive)
        .map(|(name, _)| name.clone())
        .collect()
}

fn collect_refs(value: &Value, found: &mut impl FnMut(&str)) {
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                if key == "$ref" {
                    if let Some(name) = value.as_str().and_then(component_name) {
                        found(&name);
                    }
                } else {
                    collect_refs(value, found);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, found)),
        _ => {}
    }
}

struct Tarjan<'e> {
    edges: &'e [Vec<usize>],
    index: Vec<Option<usize>>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    next: usize,
    recursive: Vec<bool>,
}

impl Tarjan<'_> {
    fn visit(&mut self, node: usize) {
        self.index[node] = Some(self.next);
        self.low[node] = self.next;
        self.next += 1;
        self.stack.push(node);
        self.on_stack[node] = true;
        for &target in &self.edges[node] {
            match self.index[target] {
                None => {
                    self.visit(target);
                    self.low[node] = self.low[node].min(self.low[target]);
                }
                Some(index) if self.on_stack[target] => {
                    self.low[node] = self.low[node].min(index);
                }
                Some(_) => {}
            }
        }
        if Some(self.low[node]) == self.index[node] {
            let mut component = Vec::new();
            while let Some(member) = self.stack.pop() {
                self.on_stack[member] = false;
                component.push(member);
                if member == node {
                    break;
                }
            }
            let cyclic = component.len() > 1 || self.edges[node].contains(&node);
            if cyclic {
                for member in component {
                    self.recursive[member] = true;
                }
            }
        }
    }
}
