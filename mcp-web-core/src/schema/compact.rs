//! Smaller output schemas: annotations that mean nothing in a result dropped, and every repeated
//! part kept once under `$defs`.
//!
//! A tool's output schema is read by clients to validate `structuredContent` (the official SDKs
//! compile it with a validator that resolves `$ref`), not by the model choosing arguments. Large
//! documents repeat the same components many times inside one result (GitHub's user object is
//! inlined dozens of times in an event list), and their `examples` are a third of the bytes. This
//! post-pass over a finished output schema:
//! - drops, from every schema object, what tells a reader of the result nothing: `examples` (and
//!   a leftover `example`), `readOnly` (everything in a result is read), `writeOnly: false` and
//!   `deprecated: false` (the defaults), and a `title` that only repeats the property's name or
//!   the schema's own `description`;
//! - hash-conses the schema objects and moves each one that occurs at least twice, where that
//!   saves bytes, to `$defs` (named after its `title`, else the property it describes, else its
//!   type), leaving `{"$ref": "#/$defs/Name"}` in its places. A part equal to a `$defs` entry the
//!   resolver already kept (a recursive component) refers to that entry;
//! - does the same for the *shape* of a schema object (every keyword but its type, format and
//!   annotations) when several places share a shape but differ in those: GitHub has a nullable
//!   and a plain variant of most models, and the same model under different descriptions. Each
//!   place then keeps its own `type`, `description`, … beside a `$ref` to the shared shape.
//!
//! Everything else is kept as it was, every `description` included, and validation is unchanged:
//! a `$ref` to an identical subschema applies the same keywords to the same instance; the
//! keywords left beside a `$ref` to a shape (`type`, `format` and annotations) each judge the
//! instance on their own, and the keywords that read each other (`properties` with
//! `additionalProperties`, `if` with `then`, `items` with `prefixItems`, …) all stay in the shape.
//! The references the resolver writes (`#/$defs/Name`) are root-relative, so they mean the same
//! thing wherever a part is moved to. Schemas where that would not hold are not deduplicated at
//! all: those with `$id`, `$anchor` or a dynamic reference anywhere, or a `$ref` that is not
//! `#/$defs/Name`.
//!
//! Input schemas are not passed through here: several clients reject `$ref` in the arguments
//! schema, which is what the model reads, so those stay inlined (and they repeat little).
//!
//! Speed: one read-only pass hash-conses the objects bottom-up (a node is its keywords with the
//! subschemas replaced by node ids; equal hashes are confirmed by comparing, never trusted), one
//! pass over the distinct nodes chooses, and one pass rewrites.

use std::{
    collections::{HashMap, HashSet},
    hash::{DefaultHasher, Hash, Hasher},
};

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
/// Keywords that stay in each place when a shape is shared: each one judges the instance alone
/// (or is an annotation), so it means the same beside a `$ref` as beside the shape's keywords.
const LOCAL: [&str; 9] = [
    "type",
    "format",
    "title",
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
];
/// Below this size (compact JSON bytes) a part stays inline: a reference would save next to
/// nothing and make the schema harder to read.
const MIN_MOVED_BYTES: usize = 48;

/// Make a finished output schema smaller without changing what it accepts (module docs).
pub(crate) fn compact_output(root: &mut Map<String, Value>) {
    if !trim(root, None) {
        return;
    }
    let (layout, chosen) = {
        let mut index = Index::default();
        let root_id = index.visit_root(root);
        let chosen = index.choose(root_id, root);
        (index.layout, chosen)
    };
    if chosen.is_empty() {
        return;
    }
    let mut rewrite = Rewrite {
        layout: &layout,
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

/// Drop what tells a reader of the result nothing (module docs) from one schema object and,
/// recursively, its subschemas; `property` is the name it describes as a `properties` member.
/// Returns whether the schema is placeless: every `$ref` in it is a root-relative
/// `#/$defs/Name` (what the resolver writes) and nothing in it sets a base URI, an anchor or a
/// dynamic scope. Only then does moving a part keep every reference's meaning (inside an `$id`,
/// even `#/$defs/Name` would mean something else).
fn trim(schema: &mut Map<String, Value>, property: Option<&str>) -> bool {
    schema.remove("examples");
    schema.remove("example");
    schema.remove("readOnly");
    for default_false in ["writeOnly", "deprecated"] {
        if schema.get(default_false) == Some(&Value::Bool(false)) {
            schema.remove(default_false);
        }
    }
    if let Some(Value::String(title)) = schema.get("title") {
        let description = schema.get("description").and_then(Value::as_str);
        if property.is_some_and(|name| same_words(title, name))
            || description.is_some_and(|text| same_words(title, text))
        {
            schema.remove("title");
        }
    }
    let mut placeless = !PLACED.iter().any(|keyword| schema.contains_key(*keyword))
        && schema.get("$ref").is_none_or(|reference| {
            reference
                .as_str()
                .and_then(|r| r.strip_prefix(DEFS_PREFIX))
                .is_some_and(|name| !name.contains('/'))
        });
    for (keyword, value) in schema.iter_mut() {
        let keyword = keyword.as_str();
        if SCHEMA_MAPS.contains(&keyword) {
            if let Value::Object(map) = value {
                let named = keyword == "properties";
                for (name, sub) in map.iter_mut() {
                    if let Value::Object(sub) = sub {
                        placeless &= trim(sub, named.then_some(name.as_str()));
                    }
                }
            }
        } else if SCHEMA_ONE.contains(&keyword) {
            if let Value::Object(sub) = value {
                placeless &= trim(sub, None);
            }
        } else if SCHEMA_LISTS.contains(&keyword)
            && let Value::Array(list) = value
        {
            for sub in list.iter_mut().filter_map(Value::as_object_mut) {
                placeless &= trim(sub, None);
            }
        }
    }
    placeless
}

/// Whether two texts are the same words, ignoring case, spaces and punctuation (`Simple User`,
/// `simple_user`, `simple-user.`).
fn same_words(a: &str, b: &str) -> bool {
    let letters = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<Vec<char>>()
    };
    let (a, b) = (letters(a), letters(b));
    !a.is_empty() && a == b
}

/// Where a subschema sits in its parent.
#[derive(Clone, Copy)]
enum Slot<'s> {
    /// A member of a `properties`-like map: the keyword and the member's name.
    Member(&'s str, &'s str),
    /// The value of a one-subschema keyword, or an entry of a list keyword.
    Other(&'s str),
}

/// Call `f` on each direct subschema of `schema` that is an object, in map order.
fn for_each_subschema<'s>(
    schema: &'s Map<String, Value>,
    mut f: impl FnMut(Slot<'s>, &'s Map<String, Value>),
) {
    for (keyword, value) in schema {
        let keyword = keyword.as_str();
        if SCHEMA_MAPS.contains(&keyword) {
            if let Value::Object(map) = value {
                for (name, sub) in map {
                    if let Value::Object(sub) = sub {
                        f(Slot::Member(keyword, name), sub);
                    }
                }
            }
        } else if SCHEMA_ONE.contains(&keyword) {
            if let Value::Object(sub) = value {
                f(Slot::Other(keyword), sub);
            }
        } else if SCHEMA_LISTS.contains(&keyword)
            && let Value::Array(list) = value
        {
            for sub in list.iter().filter_map(Value::as_object) {
                f(Slot::Other(keyword), sub);
            }
        }
    }
}

fn is_local(keyword: &str) -> bool {
    LOCAL.contains(&keyword)
}

/// Hash of a JSON value (`serde_json::Value` has no `Hash`).
fn hash_value(value: &Value, state: &mut DefaultHasher) {
    match value {
        Value::Null => 0u8.hash(state),
        Value::Bool(b) => (1u8, b).hash(state),
        Value::Number(n) => (2u8, n.as_f64().map(f64::to_bits)).hash(state),
        Value::String(s) => (3u8, s).hash(state),
        Value::Array(list) => {
            (4u8, list.len()).hash(state);
            list.iter().for_each(|v| hash_value(v, state));
        }
        Value::Object(map) => {
            (5u8, map.len()).hash(state);
            for (k, v) in map {
                k.hash(state);
                hash_value(v, state);
            }
        }
    }
}

/// Compact JSON bytes of a value, roughly (escapes are not counted).
fn json_len(value: &Value) -> usize {
    match value {
        Value::Null | Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Number(_) => 6,
        Value::String(s) => s.len() + 2,
        Value::Array(list) => 1 + list.iter().map(|v| json_len(v) + 1).sum::<usize>(),
        Value::Object(map) => {
            1 + map
                .iter()
                .map(|(k, v)| k.len() + 4 + json_len(v))
                .sum::<usize>()
        }
    }
}

/// One distinct schema object, or one distinct shape (a schema object's keywords but the local
/// ones). A schema object with no local keyword is its own shape: one node.
#[derive(Debug)]
struct Node {
    /// Compact JSON bytes, roughly.
    size: usize,
    /// The nodes it occurs in directly, once per occurrence.
    parents: Vec<usize>,
    /// The shape of a schema object that has local keywords too.
    shape: Option<usize>,
    /// Whether it is a shape: places keep their local keywords beside the reference.
    is_shape: bool,
    /// Its `title`, if it has one.
    title: Option<String>,
    /// The property name it describes wherever it is a `properties` member: `Some(None)` once
    /// two places disagree.
    property: Option<Option<String>>,
    /// Its `type`, for a name when there is nothing better.
    kind: Option<String>,
    /// The next node with the same hash.
    next: Option<usize>,
}

/// What the rewrite needs of the index: the node of each position, and the subtree spans.
#[derive(Debug, Default)]
struct Layout {
    /// Node of each schema object, in pre-order (the root first).
    positions: Vec<usize>,
    /// Number of positions in the subtree that starts at each position (itself included).
    spans: Vec<usize>,
    /// For each node, the node of its shape if it has local keywords, else itself.
    shape_of: Vec<usize>,
}

/// The schema's objects, hash-consed.
#[derive(Debug, Default)]
struct Index<'a> {
    /// First node of each hash (the others chained through [`Node::next`]).
    by_hash: HashMap<u64, usize>,
    nodes: Vec<Node>,
    /// One object of each node, to confirm equal hashes.
    samples: Vec<&'a Map<String, Value>>,
    /// The direct subschema nodes of each node, in order (empty for a schema object with a
    /// separate shape, whose one child is the shape).
    children: Vec<Vec<usize>>,
    layout: Layout,
    /// The `$defs` entries already in the schema, by node: references to them stay as they are.
    kept: HashMap<usize, String>,
}

/// What a chosen node becomes.
#[derive(Debug)]
struct Chosen {
    name: String,
    /// Its body is an existing `$defs` entry, which stays where it is.
    existing: bool,
}

impl<'a> Index<'a> {
    fn visit_root(&mut self, root: &'a Map<String, Value>) -> usize {
        let mut defs = Vec::new();
        let id = self.visit(root, None, Some(&mut defs));
        for (name, id) in defs {
            self.kept.entry(id).or_insert_with(|| name.to_string());
        }
        id
    }

    /// Visit one schema object (children first, for their ids) and record its position. At the
    /// root, `defs` collects the node of each `$defs` entry.
    fn visit(
        &mut self,
        schema: &'a Map<String, Value>,
        property: Option<&str>,
        mut defs: Option<&mut Vec<(&'a str, usize)>>,
    ) -> usize {
        let position = self.layout.positions.len();
        self.layout.positions.push(usize::MAX);
        self.layout.spans.push(0);
        let mut children = Vec::new();
        for_each_subschema(schema, |slot, sub| {
            let (name, def) = match slot {
                Slot::Member("properties", name) => (Some(name), None),
                Slot::Member("$defs", name) => (None, Some(name)),
                _ => (None, None),
            };
            let id = self.visit(sub, name, None);
            if let (Some(defs), Some(def)) = (defs.as_deref_mut(), def) {
                defs.push((def, id));
            }
            children.push(id);
        });
        let mut shape_size = 0;
        let mut local_size = 0;
        for (keyword, value) in schema {
            let bytes = keyword.len() + 4;
            if is_local(keyword) {
                local_size += bytes + json_len(value);
            } else if SCHEMA_MAPS.contains(&keyword.as_str()) {
                let names = value.as_object().map_or(0, |map| {
                    map.iter()
                        .map(|(name, sub)| {
                            name.len() + 4 + if sub.is_object() { 0 } else { json_len(sub) }
                        })
                        .sum()
                });
                shape_size += bytes + names + 1;
            } else if SCHEMA_ONE.contains(&keyword.as_str()) && value.is_object() {
                shape_size += bytes;
            } else if SCHEMA_LISTS.contains(&keyword.as_str())
                && let Value::Array(list) = value
            {
                shape_size += bytes
                    + list
                        .iter()
                        .map(|v| 1 + if v.is_object() { 0 } else { json_len(v) })
                        .sum::<usize>();
            } else {
                shape_size += bytes + json_len(value);
            }
        }
        shape_size += children.iter().map(|&c| self.nodes[c].size).sum::<usize>();
        let shape = self.intern_shape(schema, children, shape_size);
        let id = match local_size {
            0 => shape,
            _ => self.intern_schema(schema, shape, local_size),
        };
        self.note_names(id, schema, property);
        if id != shape {
            self.note_names(shape, schema, property);
        }
        self.layout.positions[position] = id;
        self.layout.spans[position] = self.layout.positions.len() - position;
        id
    }

    /// The node of the shape of `schema` (its keywords but the local ones, with these children).
    fn intern_shape(
        &mut self,
        schema: &'a Map<String, Value>,
        children: Vec<usize>,
        size: usize,
    ) -> usize {
        let mut state = DefaultHasher::new();
        for (keyword, value) in schema.iter().filter(|(k, _)| !is_local(k)) {
            keyword.hash(&mut state);
            if subschema_keyword(keyword) {
                // Only the layout: the children's ids are hashed below.
                hash_layout(keyword, value, &mut state);
            } else {
                hash_value(value, &mut state);
            }
        }
        (1u8, &children).hash(&mut state);
        let hash = state.finish();
        let mut candidate = self.by_hash.get(&hash).copied();
        while let Some(id) = candidate {
            if self.nodes[id].is_shape
                && self.children[id] == children
                && same_shape(self.samples[id], schema)
            {
                return id;
            }
            candidate = self.nodes[id].next;
        }
        let id = self.nodes.len();
        for &child in &children {
            self.nodes[child].parents.push(id);
        }
        self.push(hash, schema, children, size, None, true)
    }

    /// The node of a schema object with local keywords and the shape `shape`.
    fn intern_schema(
        &mut self,
        schema: &'a Map<String, Value>,
        shape: usize,
        local_size: usize,
    ) -> usize {
        let mut state = DefaultHasher::new();
        for (keyword, value) in schema.iter().filter(|(k, _)| is_local(k)) {
            keyword.hash(&mut state);
            hash_value(value, &mut state);
        }
        (2u8, shape).hash(&mut state);
        let hash = state.finish();
        let mut candidate = self.by_hash.get(&hash).copied();
        while let Some(id) = candidate {
            if !self.nodes[id].is_shape
                && self.nodes[id].shape == Some(shape)
                && same_local(self.samples[id], schema)
            {
                return id;
            }
            candidate = self.nodes[id].next;
        }
        let id = self.nodes.len();
        self.nodes[shape].parents.push(id);
        let size = local_size + self.nodes[shape].size;
        self.push(hash, schema, Vec::new(), size, Some(shape), false)
    }

    fn push(
        &mut self,
        hash: u64,
        schema: &'a Map<String, Value>,
        children: Vec<usize>,
        size: usize,
        shape: Option<usize>,
        is_shape: bool,
    ) -> usize {
        let id = self.nodes.len();
        let next = self.by_hash.insert(hash, id);
        self.nodes.push(Node {
            size,
            parents: Vec::new(),
            shape,
            is_shape,
            title: None,
            property: None,
            kind: None,
            next,
        });
        self.samples.push(schema);
        self.children.push(children);
        self.layout.shape_of.push(shape.unwrap_or(id));
        id
    }

    /// Remember what a node may be named after: a title, the property it describes, its type.
    fn note_names(&mut self, id: usize, schema: &Map<String, Value>, property: Option<&str>) {
        let node = &mut self.nodes[id];
        if node.title.is_none() {
            node.title = schema
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        if node.kind.is_none() {
            node.kind = schema
                .get("type")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        match (&node.property, property) {
            (None, Some(name)) => node.property = Some(Some(name.to_string())),
            (Some(Some(seen)), Some(name)) if seen != name => node.property = Some(None),
            (Some(Some(_)), None) => node.property = Some(None),
            _ => {}
        }
    }

    /// Which nodes go to `$defs`: largest first, so that a part inside a moved part counts once
    /// for the moved copy rather than once per place the moved part was.
    fn choose(&self, root: usize, schema: &Map<String, Value>) -> HashMap<usize, Chosen> {
        // The root keeps its own keywords: MCP clients read its `properties`.
        let root_shape = self.layout.shape_of[root];
        let mut order: Vec<usize> = (0..self.nodes.len())
            .filter(|&id| id != root && id != root_shape)
            .collect();
        order.sort_by(|a, b| self.nodes[*b].size.cmp(&self.nodes[*a].size).then(a.cmp(b)));
        let mut occurrences = vec![0usize; self.nodes.len()];
        occurrences[root] = 1;
        occurrences[root_shape] = 1;
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
                .map(|parent| {
                    if chosen.contains_key(parent) {
                        1
                    } else {
                        occurrences[*parent]
                    }
                })
                .sum();
            occurrences[id] = count;
            if let Some(name) = self.kept.get(&id) {
                // Already a `$defs` entry: its other places refer to it.
                if count >= 2 {
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
            if count < 2 || node.size < MIN_MOVED_BYTES {
                continue;
            }
            let name = self.name(id, &names);
            // `{"$ref":"#/$defs/<name>"}` in each place (or `,"$ref":…` beside the local
            // keywords of a shape), the body once under `"<name>":`.
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

fn subschema_keyword(keyword: &str) -> bool {
    SCHEMA_MAPS.contains(&keyword) || SCHEMA_ONE.contains(&keyword) || SCHEMA_LISTS.contains(&keyword)
}

/// Hash the value of a subschema keyword without its subschemas: member names, list lengths and
/// the values that are not objects (the subschemas are hashed by node id).
fn hash_layout(keyword: &str, value: &Value, state: &mut DefaultHasher) {
    let slot = |sub: &Value, state: &mut DefaultHasher| match sub {
        Value::Object(_) => 6u8.hash(state),
        other => hash_value(other, state),
    };
    match value {
        Value::Object(map) if SCHEMA_MAPS.contains(&keyword) => {
            (7u8, map.len()).hash(state);
            for (name, sub) in map {
                name.hash(state);
                slot(sub, state);
            }
        }
        Value::Array(list) if SCHEMA_LISTS.contains(&keyword) => {
            (8u8, list.len()).hash(state);
            list.iter().for_each(|sub| slot(sub, state));
        }
        other => slot(other, state),
    }
}

/// Whether two schema objects have the same keywords but the local ones, with the same values
/// except for their object subschemas (compared by node id by the caller).
fn same_shape(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    let mut a = a.iter().filter(|(k, _)| !is_local(k));
    let mut b = b.iter().filter(|(k, _)| !is_local(k));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some((ka, va)), Some((kb, vb))) => {
                if ka != kb {
                    return false;
                }
                let same = if SCHEMA_MAPS.contains(&ka.as_str()) {
                    match (va, vb) {
                        (Value::Object(ma), Value::Object(mb)) => {
                            ma.len() == mb.len()
                                && ma.iter().zip(mb).all(|((na, sa), (nb, sb))| {
                                    na == nb && same_slot(sa, sb)
                                })
                        }
                        _ => va == vb,
                    }
                } else if SCHEMA_ONE.contains(&ka.as_str()) {
                    same_slot(va, vb)
                } else if SCHEMA_LISTS.contains(&ka.as_str()) {
                    match (va, vb) {
                        (Value::Array(la), Value::Array(lb)) => {
                            la.len() == lb.len()
                                && la.iter().zip(lb).all(|(sa, sb)| same_slot(sa, sb))
                        }
                        _ => va == vb,
                    }
                } else {
                    va == vb
                };
                if !same {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// Two values in a subschema's place: both objects (compared by node id elsewhere), or equal.
fn same_slot(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(_), Value::Object(_)) => true,
        _ => a == b,
    }
}

/// Whether two schema objects have the same local keywords with the same values.
fn same_local(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    a.iter()
        .filter(|(k, _)| is_local(k))
        .eq(b.iter().filter(|(k, _)| is_local(k)))
}

/// The second pass: replaces the chosen nodes' places with references, taking each new
/// definition's body from its first place.
struct Rewrite<'i> {
    layout: &'i Layout,
    chosen: &'i HashMap<usize, Chosen>,
    /// Pre-order position of the object being visited, as in [`Layout::positions`].
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

    /// One subschema's place: leave it, or replace it (or its shape) with a reference.
    fn place(&mut self, value: &mut Value, pinned: bool) {
        let Value::Object(schema) = value else {
            return;
        };
        let position = self.position;
        let id = self.layout.positions[position];
        let whole = self.chosen.get(&id).filter(|_| !pinned);
        if let Some(chosen) = whole
            && (chosen.existing || self.bodies.contains_key(&id))
        {
            self.position += self.layout.spans[position];
            *value = reference(&chosen.name);
            return;
        }
        let shape = self.layout.shape_of[id];
        match self.chosen.get(&shape).filter(|_| shape != id) {
            Some(chosen) if chosen.existing || self.bodies.contains_key(&shape) => {
                self.position += self.layout.spans[position];
                schema.retain(|keyword, _| is_local(keyword));
                schema.insert("$ref".into(), Value::String(def_ref(&chosen.name)));
            }
            Some(chosen) => {
                self.position += 1;
                self.children(schema, false);
                let (local, body) = std::mem::take(schema)
                    .into_iter()
                    .partition(|(keyword, _)| is_local(keyword));
                *schema = local;
                schema.insert("$ref".into(), Value::String(def_ref(&chosen.name)));
                self.bodies.insert(shape, body);
            }
            None => {
                self.position += 1;
                self.children(schema, false);
            }
        }
        if let Some(chosen) = whole {
            self.bodies.insert(id, std::mem::take(schema));
            *value = reference(&chosen.name);
        }
    }
}

fn reference(name: &str) -> Value {
    super::single("$ref", Value::String(def_ref(name)))
}
