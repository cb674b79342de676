//! Smaller output schemas: `examples` dropped and every repeated part kept once under `$defs`.
//!
//! A tool's output schema is read by clients to validate `structuredContent` (the official SDKs
//! compile it with a validator that resolves `$ref`), not by the model choosing arguments. Large
//! documents repeat the same components many times inside one result (GitHub's user object is
//! inlined dozens of times in an event list), and their `examples` are a third of the bytes. This
//! post-pass over a finished output schema:
//! - drops `examples` (and a leftover `example`) from every schema object: annotations that
//!   neither validate anything nor tell a caller how to call the tool;
//! - hash-conses the schema objects and moves each one that occurs at least twice, where that
//!   saves bytes, to `$defs` (named after its `title`, else the property it describes, else its
//!   type), leaving `{"$ref": "#/$defs/Name"}` in its places. A part equal to a `$defs` entry the
//!   resolver already kept (a recursive component) refers to that entry.
//!
//! Everything else is kept as it was, every `description` and `title` included, and validation
//! is unchanged: a `$ref` to an identical subschema applies the same keywords to the same
//! instance, and the references the resolver writes (`#/$defs/Name`) are root-relative, so they
//! mean the same thing wherever a part is moved to. Schemas where that would not hold are not
//! deduplicated at all: those with `$id`, `$anchor` or a dynamic reference anywhere, or a `$ref`
//! that is not `#/$defs/Name`.
//!
//! Input schemas are not passed through here: several clients reject `$ref` in the arguments
//! schema, which is what the model reads, so those stay inlined.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::pointer::def_ref;

/// What every reference the resolver writes starts with.
const DEFS_PREFIX: &str = "#/$defs/";

/// Keywords whose value is an object of subschemas.
const SCHEMA_MAPS: [&str; 4] = [
    "properties",
    "patternProperties",
    "$defs",
    "dependentSchemas",
];
/// Keywords whose value is one subschema.
const SCHEMA_ONE: [&str; 11] = [
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];
/// Keywords whose value is an array of subschemas.
const SCHEMA_LISTS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords that make a part's meaning depend on where it is (base URI, dynamic scope).
const PLACED: [&str; 6] = [
    "$id",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
];
/// Below this size (compact JSON bytes) a part stays inline: a reference would save next to
/// nothing and make the schema harder to read.
const MIN_MOVED_BYTES: usize = 48;

/// Make a finished output schema smaller without changing what it accepts (module docs).
pub(crate) fn compact_output(root: &mut Map<String, Value>) {
    drop_examples(root);
    if !placeless(root) {
        return;
    }
    let mut index = Index::default();
    let root_id = index.visit_root(root);
    let chosen = index.choose(root_id, root);
    if chosen.is_empty() {
        return;
    }
    let mut rewrite = Rewrite {
        index: &index,
        chosen: &chosen,
        position: 0,
        bodies: HashMap::new(),
    };
    rewrite.root(root);
    let mut bodies: Vec<(usize, Map<String, Value>)> = rewrite.bodies.into_iter().collect();
    bodies.sort_by_key(|(id, _)| *id);
    let defs = root
        .entry("$defs")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(defs) = defs {
        for (id, body) in bodies {
            defs.insert(chosen[&id].name.clone(), Value::Object(body));
        }
    }
}

/// Remove `examples` and `example` from one schema object and, recursively, its subschemas.
fn drop_examples(schema: &mut Map<String, Value>) {
    schema.remove("examples");
    schema.remove("example");
    for_each_subschema_mut(schema, &mut drop_examples);
}

/// Call `f` on each direct subschema of `schema` that is an object.
fn for_each_subschema_mut(
    schema: &mut Map<String, Value>,
    f: &mut impl FnMut(&mut Map<String, Value>),
) {
    for (keyword, value) in schema.iter_mut() {
        let keyword = keyword.as_str();
        if SCHEMA_MAPS.contains(&keyword) {
            if let Value::Object(map) = value {
                map.values_mut()
                    .filter_map(Value::as_object_mut)
                    .for_each(&mut *f);
            }
        } else if SCHEMA_ONE.contains(&keyword) {
            if let Value::Object(sub) = value {
                f(sub);
            }
        } else if SCHEMA_LISTS.contains(&keyword)
            && let Value::Array(list) = value
        {
            list.iter_mut()
                .filter_map(Value::as_object_mut)
                .for_each(&mut *f);
        }
    }
}

/// The direct subschemas of `schema` that are objects, each with the property name it describes
/// (for `properties` members), in the order [`for_each_subschema_mut`] visits them.
fn subschemas(schema: &Map<String, Value>) -> Vec<(Option<&str>, &Map<String, Value>)> {
    let mut found = Vec::new();
    for (keyword, value) in schema {
        let keyword = keyword.as_str();
        if SCHEMA_MAPS.contains(&keyword) {
            if let Value::Object(map) = value {
                let named = keyword == "properties";
                for (name, sub) in map {
                    if let Value::Object(sub) = sub {
                        found.push((named.then_some(name.as_str()), sub));
                    }
                }
            }
        } else if SCHEMA_ONE.contains(&keyword) {
            if let Value::Object(sub) = value {
                found.push((None, sub));
            }
        } else if SCHEMA_LISTS.contains(&keyword)
            && let Value::Array(list) = value
        {
            found.extend(list.iter().filter_map(Value::as_object).map(|s| (None, s)));
        }
    }
    found
}

/// Whether every `$ref` in the schema is a root-relative `#/$defs/Name` (what the resolver
/// writes) and nothing in it sets a base URI, an anchor or a dynamic scope: only then does moving
/// a part keep every reference's meaning (inside an `$id`, even `#/$defs/Name` would mean
/// something else).
fn placeless(schema: &Map<String, Value>) -> bool {
    !PLACED.iter().any(|keyword| schema.contains_key(*keyword))
        && schema.get("$ref").is_none_or(|reference| {
            reference
                .as_str()
                .and_then(|r| r.strip_prefix(DEFS_PREFIX))
                .is_some_and(|name| !name.contains('/'))
        })
        && subschemas(schema)
            .into_iter()
            .all(|(_, sub)| placeless(sub))
}

/// One distinct schema object.
#[derive(Debug, Default)]
struct Node {
    /// Compact JSON bytes, roughly.
    size: usize,
    /// Distinct nodes it occurs in directly, with how many times.
    parents: HashMap<usize, usize>,
    /// May be replaced by a reference (holds nothing whose meaning depends on its place).
    movable: bool,
    /// Its `title`, if it has one.
    title: Option<String>,
    /// The property name it describes wherever it is a `properties` member: `Some(None)` once
    /// two places disagree.
    property: Option<Option<String>>,
    /// Its `type`, for a name when there is nothing better.
    kind: Option<String>,
}

/// The schema's objects, hash-consed, and the node of each position in visiting order.
#[derive(Debug, Default)]
struct Index {
    ids: HashMap<String, usize>,
    nodes: Vec<Node>,
    /// Node of each schema object, in pre-order (the root first).
    positions: Vec<usize>,
    /// Number of positions in the subtree that starts at each position (itself included).
    spans: Vec<usize>,
    /// The `$defs` entries already in the schema, by node: references to them stay as they are.
    kept: HashMap<usize, String>,
    /// Node of each object visited, by its address.
    visited: HashMap<usize, usize>,
}

/// What a chosen node becomes.
#[derive(Debug)]
struct Chosen {
    name: String,
    /// Its body is an existing `$defs` entry, which stays where it is.
    existing: bool,
}

impl Index {
    fn visit_root(&mut self, root: &Map<String, Value>) -> usize {
        let id = self.visit(root, None);
        if let Some(Value::Object(defs)) = root.get("$defs") {
            for (name, body) in defs {
                if let Value::Object(body) = body
                    && let Some(id) = self.lookup(body)
                {
                    self.kept.entry(id).or_insert_with(|| name.clone());
                }
            }
        }
        id
    }

    /// The node of an object already visited (by address: the schema is not changed while the
    /// index exists, and keys must not be rebuilt for every ancestor).
    fn lookup(&self, schema: &Map<String, Value>) -> Option<usize> {
        self.visited
            .get(&std::ptr::from_ref(schema).addr())
            .copied()
    }

    /// The identity of an object: its keywords, with subschemas by node id (already visited).
    fn key(&self, schema: &Map<String, Value>) -> String {
        let mut key = String::new();
        for (keyword, value) in schema {
            key.push_str(&serde_json::to_string(keyword).unwrap_or_default());
            key.push(':');
            let keyword = keyword.as_str();
            let child = |sub: &Value| match sub {
                Value::Object(sub) => self
                    .lookup(sub)
                    .map_or_else(|| "?".to_string(), |id| format!("#{id}")),
                other => other.to_string(),
            };
            if SCHEMA_MAPS.contains(&keyword)
                && let Value::Object(map) = value
            {
                key.push('{');
                for (name, sub) in map {
                    key.push_str(&serde_json::to_string(name).unwrap_or_default());
                    key.push(':');
                    key.push_str(&child(sub));
                    key.push(',');
                }
                key.push('}');
            } else if SCHEMA_ONE.contains(&keyword) {
                key.push_str(&child(value));
            } else if SCHEMA_LISTS.contains(&keyword)
                && let Value::Array(list) = value
            {
                key.push('[');
                for sub in list {
                    key.push_str(&child(sub));
                    key.push(',');
                }
                key.push(']');
            } else {
                key.push_str(&value.to_string());
            }
            key.push(',');
        }
        key
    }

    /// Visit one schema object (children first, for their ids) and record its position.
    fn visit(&mut self, schema: &Map<String, Value>, property: Option<&str>) -> usize {
        let position = self.positions.len();
        self.positions.push(usize::MAX);
        self.spans.push(0);
        let children: Vec<usize> = subschemas(schema)
            .into_iter()
            .map(|(name, sub)| self.visit(sub, name))
            .collect();
        let key = self.key(schema);
        let id = match self.ids.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.nodes.len();
                let mut size = key.len();
                let mut movable = !PLACED.iter().any(|k| schema.contains_key(*k));
                for &child in &children {
                    let node = &self.nodes[child];
                    size += node.size;
                    movable &= node.movable;
                }
                let mut parents_of_children: HashMap<usize, usize> = HashMap::new();
                for &child in &children {
                    *parents_of_children.entry(child).or_default() += 1;
                }
                for (child, times) in parents_of_children {
                    self.nodes[child].parents.insert(id, times);
                }
                self.nodes.push(Node {
                    size,
                    parents: HashMap::new(),
                    movable,
                    title: schema
                        .get("title")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    property: None,
                    kind: schema
                        .get("type")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                });
                self.ids.insert(key, id);
                id
            }
        };
        let node = &mut self.nodes[id];
        match (&node.property, property) {
            (None, Some(name)) => node.property = Some(Some(name.to_string())),
            (Some(Some(seen)), Some(name)) if seen != name => node.property = Some(None),
            (Some(Some(_)), None) => node.property = Some(None),
            _ => {}
        }
        self.visited.insert(std::ptr::from_ref(schema).addr(), id);
        self.positions[position] = id;
        self.spans[position] = self.positions.len() - position;
        id
    }

    /// Which nodes go to `$defs`: largest first, so that a part inside a moved part counts once
    /// for the moved copy rather than once per place the moved part was.
    fn choose(&self, root: usize, schema: &Map<String, Value>) -> HashMap<usize, Chosen> {
        let mut order: Vec<usize> = (0..self.nodes.len()).filter(|&id| id != root).collect();
        order.sort_by(|a, b| self.nodes[*b].size.cmp(&self.nodes[*a].size).then(a.cmp(b)));
        let mut occurrences = vec![0usize; self.nodes.len()];
        occurrences[root] = 1;
        let mut chosen: HashMap<usize, Chosen> = HashMap::new();
        let mut names: HashSet<String> = schema
            .get("$defs")
            .and_then(Value::as_object)
            .map(|defs| defs.keys().cloned().collect())
            .unwrap_or_default();
        for id in order {
            let node = &self.nodes[id];
            let count: usize = node
                .parents
                .iter()
                .map(|(parent, times)| {
                    let parent_count = if chosen.contains_key(parent) {
                        1
                    } else {
                        occurrences[*parent]
                    };
                    times * parent_count
                })
                .sum();
            occurrences[id] = count;
            if let Some(name) = self.kept.get(&id) {
                // Already a `$defs` entry: its other places refer to it.
                if count >= 2 && node.movable {
                    chosen.insert(
                        id,
                        Chosen {
                            name: name.clone(),
                            existing: true,
                        },
                    );
                }
                continue;
            }
            if count < 2 || !node.movable || node.size < MIN_MOVED_BYTES {
                continue;
            }
            let name = self.name(id, &names);
            // `{"$ref":"#/$defs/<name>"}` in each place, the body once under `"<name>":`.
            let reference = r##"{"$ref":"#/$defs/"}"##.len() + name.len();
            let inline = count * node.size;
            let moved = count * reference + node.size + name.len() + 4;
            if moved < inline {
                names.insert(name.clone());
                chosen.insert(
                    id,
                    Chosen {
                        name,
                        existing: false,
                    },
                );
            }
        }
        chosen
    }

    /// A readable `$defs` name for a node that is not taken yet.
    fn name(&self, id: usize, taken: &HashSet<String>) -> String {
        let node = &self.nodes[id];
        let hint = node
            .title
            .as_deref()
            .or(node.property.as_ref().and_then(Option::as_deref))
            .or(node.kind.as_deref())
            .unwrap_or("schema");
        let mut base: String = hint
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if base.trim_matches('_').is_empty() {
            base = "schema".into();
        }
        if !taken.contains(&base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}_{n}"))
            .find(|name| !taken.contains(name))
            .unwrap_or(base)
    }
}

/// The second pass: replaces the chosen nodes' places with references, taking each new
/// definition's body from its first place.
struct Rewrite<'i> {
    index: &'i Index,
    chosen: &'i HashMap<usize, Chosen>,
    /// Pre-order position of the object being visited, as in [`Index::positions`].
    position: usize,
    bodies: HashMap<usize, Map<String, Value>>,
}

impl Rewrite<'_> {
    fn root(&mut self, root: &mut Map<String, Value>) {
        self.position = 1;
        self.children(root, true);
    }

    /// Rewrite the subschemas of `schema`; `at_root` marks the root's own `$defs` entries, which
    /// stay in place.
    fn children(&mut self, schema: &mut Map<String, Value>, at_root: bool) {
        for (keyword, value) in schema.iter_mut() {
            let keyword = keyword.as_str();
            let pinned = at_root && keyword == "$defs";
            if SCHEMA_MAPS.contains(&keyword) {
                if let Value::Object(map) = value {
                    for sub in map.values_mut() {
                        self.place(sub, pinned);
                    }
                }
            } else if SCHEMA_ONE.contains(&keyword) {
                self.place(value, false);
            } else if SCHEMA_LISTS.contains(&keyword)
                && let Value::Array(list) = value
            {
                for sub in list {
                    self.place(sub, false);
                }
            }
        }
    }

    /// One subschema's place: leave it, or replace it with a reference.
    fn place(&mut self, value: &mut Value, pinned: bool) {
        let Value::Object(schema) = value else {
            return;
        };
        let position = self.position;
        let id = self.index.positions[position];
        let chosen = self.chosen.get(&id).filter(|_| !pinned);
        match chosen {
            Some(chosen) if chosen.existing || self.bodies.contains_key(&id) => {
                self.position += self.index.spans[position];
                *value = reference(&chosen.name);
            }
            Some(chosen) => {
                self.position += 1;
                self.children(schema, false);
                let body = std::mem::take(schema);
                self.bodies.insert(id, body);
                *value = reference(&chosen.name);
            }
            None => {
                self.position += 1;
                self.children(schema, false);
            }
        }
    }
}

fn reference(name: &str) -> Value {
    super::single("$ref", Value::String(def_ref(name)))
}
