//! Smaller output schemas: annotations that mean nothing in a result dropped, and every repeated
//! part kept once under `$defs`.
//!
//! A tool's output schema is read by clients to validate `structuredContent` (the official SDKs
//! compile it with a validator that resolves `$ref`), not by the model choosing arguments. Large
//! documents repeat the same components many times inside one result (GitHub's user object is
//! inlined dozens of times in an event list), and their `examples` are a third of the bytes. This
//! post-pass over a finished output schema:
//! - drops, from every schema object, what tells a reader of the result nothing: `examples` (and
//!   a leftover `example`), `readOnly` (everything in a result is read), `default` (what the
//!   server assumes when a request leaves a value out: a result has the value it has),
//!   `writeOnly: false` and `deprecated: false` (what their absence says), a `title` that only
//!   repeats the schema's own `description` in other case or punctuation, a `type` beside an
//!   `enum` whose values all have that type (the `enum` alone accepts exactly those values), and
//!   OpenAPI's `int32`/`int64`/`float`/`double` formats beside a numeric `type` (a storage
//!   width, which JSON numbers do not have and no validator checks);
//! - hash-conses the schema objects and moves each one that occurs at least twice, where that
//!   saves bytes, to `$defs` (named after its `title`, else the property it describes, else its
//!   format, else its type), leaving `{"$ref": "#/$defs/Name"}` in its places. A part equal to a
//!   `$defs` entry the resolver already kept (a recursive component) refers to that entry. An
//!   entry named after its title does not keep the title: its name says it;
//! - does the same for the *shape* of a schema object (every keyword but its type, format and
//!   annotations) when several places share a shape but differ in those: GitHub has a nullable
//!   and a plain variant of most models, and the same model under different descriptions. Each
//!   place then keeps its own `type`, `description`, … beside a `$ref` to the shared shape;
//! - last, keeps the properties (name and schema) that several objects have alike once, under
//!   `$defs`, applied with `allOf` (`share`, whose docs say when an object keeps them).
//!
//! Everything else is kept as it was, every `description` included, and validation is unchanged:
//! a `$ref` to an identical subschema applies the same keywords to the same instance; the
//! keywords left beside a `$ref` to a shape (`type`, `format` and annotations) each judge the
//! instance on their own, and the keywords that read each other (`properties` with
//! `additionalProperties`, `if` with `then`, `items` with `prefixItems`, …) all stay in the shape.
//! The references the resolver writes (`#/$defs/Name`) are root-relative, so they mean the same
//! thing wherever a part is moved to. Schemas where that would not hold are not deduplicated at
//! all (only the annotations above are dropped): those with `$id`, `$anchor` or a dynamic
//! reference anywhere, or a `$ref` that is not `#/$defs/Name`.
//!
//! Input schemas are not passed through here: several clients reject `$ref` in the arguments
//! schema, which is what the model reads, so those stay inlined (and they repeat little).
//!
//! Speed: one read-only pass hash-conses the objects bottom-up (a node is its keywords with the
//! subschemas replaced by node ids, hashed with a cheap hasher; equal hashes are confirmed by
//! comparing, never trusted), one pass over the distinct nodes chooses, and one pass rewrites and
//! drops the annotations. No text key is built.

use std::{
    collections::{HashMap, HashSet},
    hash::{BuildHasherDefault, Hash, Hasher},
};

use serde_json::{Map, Value};

use super::{
    pointer::def_ref,
    share::share_properties,
    trim::{kept_local, named_after, trim},
};

/// What every reference the resolver writes starts with.
const DEFS_PREFIX: &str = "#/$defs/";

/// Below this size (compact JSON bytes) a part stays inline: a reference would save next to
/// nothing and make the schema harder to read. `{"format":"uri","type":"string"}` (32 bytes, a
/// few thousand times in GitHub's results) is the smallest part worth a `$defs/uri` entry.
const MIN_MOVED_BYTES: usize = 32;

/// What a keyword of a schema object holds, for this pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// An object of subschemas (`properties`, `$defs`, …).
    Map,
    /// One subschema (`items`, `additionalProperties`, …).
    One,
    /// An array of subschemas (`allOf`, `prefixItems`, …).
    List,
    /// Stays in each place when a shape is shared: it judges the instance alone, or is an
    /// annotation, so it means the same beside a `$ref` as beside the shape's keywords.
    Local,
    /// Makes a part's meaning depend on where it is (base URI, anchor, dynamic scope).
    Placed,
    /// Tells a reader of a result nothing: dropped (module docs).
    Dropped,
    /// Anything else: part of the shape.
    Other,
}

pub(super) fn role(keyword: &str) -> Role {
    match keyword {
        "properties" | "patternProperties" | "$defs" | "dependentSchemas" => Role::Map,
        "items"
        | "additionalProperties"
        | "not"
        | "if"
        | "then"
        | "else"
        | "contains"
        | "propertyNames"
        | "unevaluatedItems"
        | "unevaluatedProperties"
        | "contentSchema" => Role::One,
        "allOf" | "anyOf" | "oneOf" | "prefixItems" => Role::List,
        "examples" | "example" | "readOnly" | "default" => Role::Dropped,
        "type" | "format" | "title" | "description" | "deprecated" | "writeOnly" | "$comment" => {
            Role::Local
        }
        "$id" | "$anchor" | "$dynamicRef" | "$dynamicAnchor" | "$recursiveRef"
        | "$recursiveAnchor" => Role::Placed,
        _ => Role::Other,
    }
}

/// The schema objects a keyword of `role` holds in `value`, in order, each with its name when
/// the keyword maps names to subschemas (`properties`, `$defs`, …).
pub(super) fn subschemas(
    role: Role,
    value: &Value,
) -> impl Iterator<Item = (Option<&str>, &Map<String, Value>)> {
    let (named, listed): (Option<&Map<String, Value>>, &[Value]) = match (role, value) {
        (Role::Map, Value::Object(map)) => (Some(map), &[]),
        (Role::One, value) => (None, std::slice::from_ref(value)),
        (Role::List, Value::Array(list)) => (None, list),
        _ => (None, &[]),
    };
    let named = (named.into_iter().flatten()).map(|(name, sub)| (Some(name.as_str()), sub));
    (named.chain(listed.iter().map(|sub| (None, sub))))
        .filter_map(|(name, sub)| Some((name, sub.as_object()?)))
}

/// [`subschemas`], to change: the schema objects a keyword of `role` holds in `value`.
pub(super) fn subschemas_mut(
    role: Role,
    value: &mut Value,
) -> impl Iterator<Item = &mut Map<String, Value>> {
    let (named, listed): (Option<&mut Map<String, Value>>, &mut [Value]) = match (role, value) {
        (Role::Map, Value::Object(map)) => (Some(map), &mut []),
        (Role::One, value) => (None, std::slice::from_mut(value)),
        (Role::List, Value::Array(list)) => (None, list),
        _ => (None, &mut []),
    };
    (named.into_iter().flat_map(Map::values_mut))
        .chain(listed)
        .filter_map(Value::as_object_mut)
}

/// The keywords of `schema` that stay beside a `$ref` to its shape, dropped ones left out.
fn locals(schema: &Map<String, Value>) -> impl Iterator<Item = (&String, &Value)> {
    schema
        .iter()
        .filter(|(k, v)| role(k) == Role::Local && kept_local(k, v, schema))
}

/// The keywords of `schema` that make its shape, dropped ones left out.
fn shape_keywords(schema: &Map<String, Value>) -> impl Iterator<Item = (&String, &Value)> {
    schema
        .iter()
        .filter(|(k, _)| !matches!(role(k), Role::Local | Role::Dropped))
}

/// Make a finished output schema smaller without changing what it accepts (module docs).
pub(crate) fn compact_output(root: &mut Map<String, Value>) {
    let (layout, chosen, placed) = {
        let mut index = Index::default();
        let root_id = index.visit_root(root);
        let chosen = if index.placed {
            // Nothing moves; the rewrite only drops what means nothing.
            let mut none = Vec::new();
            none.resize_with(index.nodes.len(), || None);
            none
        } else {
            index.choose(root_id, root)
        };
        (index.layout, chosen, index.placed)
    };
    let mut rewrite = Rewrite {
        layout: &layout,
        chosen: &chosen,
        position: 0,
        bodies: Vec::new(),
        written: vec![false; chosen.len()],
    };
    rewrite.root(root);
    let bodies = rewrite.bodies;
    if !bodies.is_empty() {
        add_defs(root, bodies, &chosen);
    }
    if !placed {
        share_properties(root);
    }
}

/// Put the bodies of the chosen nodes under the root's `$defs`.
fn add_defs(
    root: &mut Map<String, Value>,
    mut bodies: Vec<(usize, Map<String, Value>)>,
    chosen: &[Option<Chosen>],
) {
    bodies.sort_by_key(|(id, _)| *id);
    let defs = root
        .entry("$defs")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(defs) = defs {
        for (id, mut body) in bodies {
            if let Some(chosen) = &chosen[id] {
                if let Some(Value::String(title)) = body.get("title")
                    && named_after(&chosen.name, title)
                {
                    body.remove("title");
                }
                defs.insert(chosen.name.clone(), Value::Object(body));
            }
        }
    }
}

/// A small fast hasher (the multiply-rotate of rustc's `FxHasher`): hashes here only pick
/// candidates, every match is confirmed by comparing.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Fx(u64);

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Hash of a JSON value (`serde_json::Value` has no `Hash`).
pub(super) fn hash_value(value: &Value, state: &mut Fx) {
    match value {
        Value::Null => state.write_u8(0),
        Value::Bool(b) => state.write_u8(1 + u8::from(*b)),
        Value::Number(n) => {
            state.write_u8(3);
            n.as_f64().map(f64::to_bits).hash(state);
        }
        Value::String(s) => {
            state.write_u8(4);
            s.hash(state);
        }
        Value::Array(list) => {
            state.write_u8(5);
            state.write_usize(list.len());
            list.iter().for_each(|v| hash_value(v, state));
        }
        Value::Object(map) => {
            state.write_u8(6);
            state.write_usize(map.len());
            for (k, v) in map {
                k.hash(state);
                hash_value(v, state);
            }
        }
    }
}

/// Hash the value of a subschema keyword without its subschemas (hashed by node id): member
/// names, list lengths, and the values that are not objects.
fn hash_layout(role: Role, value: &Value, state: &mut Fx) {
    let slot = |sub: &Value, state: &mut Fx| match sub {
        Value::Object(_) => state.write_u8(7),
        other => hash_value(other, state),
    };
    match (role, value) {
        (Role::Map, Value::Object(map)) => {
            state.write_usize(map.len());
            for (name, sub) in map {
                name.hash(state);
                slot(sub, state);
            }
        }
        (Role::List, Value::Array(list)) => {
            state.write_usize(list.len());
            list.iter().for_each(|sub| slot(sub, state));
        }
        (_, other) => slot(other, state),
    }
}

/// Compact JSON bytes of a value, roughly (escapes are not counted).
pub(super) fn json_len(value: &Value) -> usize {
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

/// Compact JSON bytes of a subschema keyword's value without its subschemas.
fn layout_len(role: Role, value: &Value) -> usize {
    let slot = |sub: &Value| if sub.is_object() { 0 } else { json_len(sub) };
    match (role, value) {
        (Role::Map, Value::Object(map)) => {
            1 + map
                .iter()
                .map(|(name, sub)| name.len() + 4 + slot(sub))
                .sum::<usize>()
        }
        (Role::List, Value::Array(list)) => 1 + list.iter().map(|v| 1 + slot(v)).sum::<usize>(),
        (_, other) => slot(other),
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
    /// Whether it is a shape: places keep their local keywords beside the reference.
    is_shape: bool,
    /// Its `title`, if it has one.
    title: Option<String>,
    /// The property name it describes wherever it is a `properties` member: `Some(None)` once
    /// two places disagree.
    property: Option<Option<String>>,
    /// Its `format`, for a name when it describes no single property.
    format: Option<String>,
    /// Its `type` (`string_or_null` for a list), for a name when there is nothing better.
    kind: Option<String>,
    /// The next node with the same hash.
    next: Option<usize>,
}

/// What the rewrite needs of the index.
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
    by_hash: HashMap<u64, usize, BuildHasherDefault<Fx>>,
    nodes: Vec<Node>,
    /// One object of each node, to confirm equal hashes.
    samples: Vec<&'a Map<String, Value>>,
    /// The direct subschema nodes of each shape, in order.
    children: Vec<Box<[usize]>>,
    /// Child ids of the objects being visited, innermost last (one buffer for the whole walk).
    stack: Vec<usize>,
    layout: Layout,
    /// The `$defs` entries already in the schema, by node: references to them stay as they are.
    kept: HashMap<usize, String>,
    /// Whether a part's meaning depends on where it is: every `$ref` must be a root-relative
    /// `#/$defs/Name` (what the resolver writes) and nothing may set a base URI, an anchor or a
    /// dynamic scope, or moving a part could change what a reference means (inside an `$id`,
    /// even `#/$defs/Name` would mean something else).
    placed: bool,
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
        let base = self.stack.len();
        let (mut shape_hash, mut local_hash) = (Fx::default(), Fx::default());
        let (mut shape_size, mut local_size) = (2, 0);
        for (keyword, value) in schema {
            let bytes = keyword.len() + 4;
            match role(keyword) {
                Role::Dropped => {}
                Role::Local => {
                    if kept_local(keyword, value, schema) {
                        local_size += bytes + json_len(value);
                        keyword.hash(&mut local_hash);
                        hash_value(value, &mut local_hash);
                    }
                }
                role @ (Role::Map | Role::One | Role::List) => {
                    shape_size += bytes + layout_len(role, value);
                    keyword.hash(&mut shape_hash);
                    hash_layout(role, value, &mut shape_hash);
                    self.visit_children(keyword, role, value, defs.as_deref_mut());
                }
                Role::Placed | Role::Other => {
                    if keyword == "$ref" {
                        self.placed |= value
                            .as_str()
                            .and_then(|r| r.strip_prefix(DEFS_PREFIX))
                            .is_none_or(|name| name.contains('/'));
                    }
                    self.placed |= role(keyword) == Role::Placed;
                    shape_size += bytes + json_len(value);
                    keyword.hash(&mut shape_hash);
                    hash_value(value, &mut shape_hash);
                }
            }
        }
        for &child in &self.stack[base..] {
            shape_size += self.nodes[child].size;
            shape_hash.write_usize(child);
        }
        let shape = self.intern_shape(schema, base, shape_hash.finish(), shape_size);
        self.stack.truncate(base);
        let id = match local_size {
            0 => shape,
            _ => {
                local_hash.write_usize(shape);
                self.intern_schema(schema, shape, local_hash.finish(), local_size)
            }
        };
        self.note_names(id, schema, property);
        if id != shape {
            self.note_names(shape, schema, property);
        }
        self.layout.positions[position] = id;
        self.layout.spans[position] = self.layout.positions.len() - position;
        id
    }

    /// Visit the subschemas held by one keyword, pushing their nodes on the stack.
    fn visit_children(
        &mut self,
        keyword: &str,
        role: Role,
        value: &'a Value,
        mut defs: Option<&mut Vec<(&'a str, usize)>>,
    ) {
        let named = keyword == "properties";
        for (name, sub) in subschemas(role, value) {
            let id = self.visit(sub, name.filter(|_| named), None);
            if keyword == "$defs"
                && let Some(name) = name
                && let Some(defs) = defs.as_deref_mut()
            {
                defs.push((name, id));
            }
            self.stack.push(id);
        }
    }

    /// The node of the shape of `schema`: its keywords but the local ones, with the children
    /// on the stack from `base`.
    fn intern_shape(
        &mut self,
        schema: &'a Map<String, Value>,
        base: usize,
        hash: u64,
        size: usize,
    ) -> usize {
        let mut candidate = self.by_hash.get(&hash).copied();
        while let Some(id) = candidate {
            if self.nodes[id].is_shape
                && *self.children[id] == self.stack[base..]
                && same_shape(self.samples[id], schema)
            {
                return id;
            }
            candidate = self.nodes[id].next;
        }
        let id = self.nodes.len();
        for i in base..self.stack.len() {
            let child = self.stack[i];
            self.nodes[child].parents.push(id);
        }
        let children = self.stack[base..].into();
        self.push(hash, schema, children, size, id, true)
    }

    /// The node of a schema object with local keywords and the shape `shape`.
    fn intern_schema(
        &mut self,
        schema: &'a Map<String, Value>,
        shape: usize,
        hash: u64,
        local_size: usize,
    ) -> usize {
        let mut candidate = self.by_hash.get(&hash).copied();
        while let Some(id) = candidate {
            if !self.nodes[id].is_shape
                && self.layout.shape_of[id] == shape
                && same_local(self.samples[id], schema)
            {
                return id;
            }
            candidate = self.nodes[id].next;
        }
        let id = self.nodes.len();
        self.nodes[shape].parents.push(id);
        let size = local_size + self.nodes[shape].size;
        self.push(hash, schema, Box::default(), size, shape, false)
    }

    fn push(
        &mut self,
        hash: u64,
        schema: &'a Map<String, Value>,
        children: Box<[usize]>,
        size: usize,
        shape: usize,
        is_shape: bool,
    ) -> usize {
        let id = self.nodes.len();
        let next = self.by_hash.insert(hash, id);
        self.nodes.push(Node {
            size,
            parents: Vec::new(),
            is_shape,
            title: None,
            property: None,
            format: None,
            kind: None,
            next,
        });
        self.samples.push(schema);
        self.children.push(children);
        self.layout.shape_of.push(shape);
        id
    }

    /// Remember what a node may be named after: a title, the property it describes, its type.
    fn note_names(&mut self, id: usize, schema: &Map<String, Value>, property: Option<&str>) {
        let node = &mut self.nodes[id];
        if node.title.is_none()
            && let Some(Value::String(title)) = schema.get("title")
        {
            node.title = Some(title.clone());
        }
        if node.kind.is_none() {
            node.kind = match schema.get("type") {
                Some(Value::String(kind)) => Some(kind.clone()),
                Some(Value::Array(kinds)) => kinds
                    .iter()
                    .map(Value::as_str)
                    .collect::<Option<Vec<_>>>()
                    .map(|kinds| kinds.join("_or_")),
                _ => None,
            };
        }
        if node.format.is_none()
            && let Some(Value::String(format)) = schema.get("format")
            && kept_local("format", &schema["format"], schema)
        {
            node.format = Some(format.clone());
        }
        match (&node.property, property) {
            (None, Some(name)) => node.property = Some(Some(name.to_string())),
            (Some(Some(seen)), Some(name)) if seen != name => node.property = Some(None),
            (Some(Some(_)), None) => node.property = Some(None),
            _ => {}
        }
    }

    /// Which nodes go to `$defs` (indexed by node): largest first, so that a part inside a
    /// moved part counts once for the moved copy rather than once per place the moved part was.
    fn choose(&self, root: usize, schema: &Map<String, Value>) -> Vec<Option<Chosen>> {
        // The root keeps its own keywords: MCP clients read its `properties`.
        let root_shape = self.layout.shape_of[root];
        let mut order: Vec<usize> = (0..self.nodes.len())
            .filter(|&id| id != root && id != root_shape)
            .collect();
        order.sort_unstable_by(|a, b| self.nodes[*b].size.cmp(&self.nodes[*a].size).then(a.cmp(b)));
        let mut occurrences = vec![0usize; self.nodes.len()];
        occurrences[root] = 1;
        occurrences[root_shape] = 1;
        let mut chosen: Vec<Option<Chosen>> = Vec::new();
        chosen.resize_with(self.nodes.len(), || None);
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
                .map(|&parent| match chosen[parent] {
                    Some(_) => 1,
                    None => occurrences[parent],
                })
                .sum();
            occurrences[id] = count;
            if let Some(name) = self.kept.get(&id) {
                // Already a `$defs` entry: its other places refer to it.
                if count >= 2 {
                    chosen[id] = Some(Chosen {
                        name: name.clone(),
                        existing: true,
                    });
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
                chosen[id] = Some(Chosen {
                    name,
                    existing: false,
                });
            }
        }
        chosen
    }

    /// A readable `$defs` name for a node that is not taken yet: its title, else the one property
    /// it describes, else its format (`uri`, `date-time_or_null` when its type admits `null`),
    /// else its type.
    fn name(&self, id: usize, taken: &HashSet<String>) -> String {
        let node = &self.nodes[id];
        let format = node.format.as_deref().map(|format| {
            let nullable = node
                .kind
                .as_deref()
                .is_some_and(|kind| kind.split("_or_").any(|kind| kind == "null"));
            if nullable {
                format!("{format}_or_null")
            } else {
                format.to_string()
            }
        });
        let hint = node
            .title
            .as_deref()
            .or(node.property.as_ref().and_then(Option::as_deref))
            .or(format.as_deref())
            .or(node.kind.as_deref())
            .unwrap_or("schema");
        unique_name(def_name(hint), taken)
    }
}

/// `name`, or `name_2`, `name_3`, … when it is taken.
pub(super) fn unique_name(name: String, taken: &HashSet<String>) -> String {
    if !taken.contains(&name) {
        return name;
    }
    (2..)
        .map(|n| format!("{name}_{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(name)
}

/// A `$defs` name made of `hint`: characters a reader may stumble on in a reference replaced.
pub(super) fn def_name(hint: &str) -> String {
    let name: String = hint
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.trim_matches('_').is_empty() {
        "schema".into()
    } else {
        name
    }
}

/// Whether two schema objects have the same keywords but the local ones, with the same values
/// except for their object subschemas (compared by node id by the caller).
fn same_shape(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    let (mut a, mut b) = (shape_keywords(a), shape_keywords(b));
    loop {
        let ((ka, va), (kb, vb)) = match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) => (a, b),
            _ => return false,
        };
        let same = ka == kb
            && match (role(ka), va, vb) {
                (Role::Map, Value::Object(ma), Value::Object(mb)) => {
                    ma.len() == mb.len()
                        && ma
                            .iter()
                            .zip(mb)
                            .all(|((na, sa), (nb, sb))| na == nb && same_slot(sa, sb))
                }
                (Role::One, _, _) => same_slot(va, vb),
                (Role::List, Value::Array(la), Value::Array(lb)) => {
                    la.len() == lb.len() && la.iter().zip(lb).all(|(sa, sb)| same_slot(sa, sb))
                }
                _ => va == vb,
            };
        if !same {
            return false;
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
    locals(a).eq(locals(b))
}

/// The second pass: replaces the chosen nodes' places (or their shapes) with references,
/// taking each new definition's body from its first place.
struct Rewrite<'i> {
    layout: &'i Layout,
    chosen: &'i [Option<Chosen>],
    /// Pre-order position of the object being visited, as in [`Layout::positions`].
    position: usize,
    /// The new definitions' bodies, by node.
    bodies: Vec<(usize, Map<String, Value>)>,
    /// Whether each node's body was taken already.
    written: Vec<bool>,
}

impl<'i> Rewrite<'i> {
    fn root(&mut self, root: &mut Map<String, Value>) {
        trim(root);
        self.position = 1;
        self.children(root, true);
    }

    /// Rewrite the subschemas of `schema`; `at_root` marks the root's own `$defs` entries, which
    /// stay in place.
    fn children(&mut self, schema: &mut Map<String, Value>, at_root: bool) {
        for (keyword, value) in schema.iter_mut() {
            match (role(keyword), value) {
                (Role::Map, Value::Object(map)) => {
                    let pinned = at_root && keyword == "$defs";
                    for sub in map.values_mut() {
                        self.place(sub, pinned);
                    }
                }
                (Role::One, value) => self.place(value, false),
                (Role::List, Value::Array(list)) => {
                    for sub in list {
                        self.place(sub, false);
                    }
                }
                _ => {}
            }
        }
    }

    /// Whether `id` is chosen and refers to a body that exists already.
    fn written(&self, id: usize) -> Option<&'i Chosen> {
        let chosen: &'i [Option<Chosen>] = self.chosen;
        chosen[id]
            .as_ref()
            .filter(|chosen| chosen.existing || self.written[id])
    }

    /// One subschema's place: leave it, or replace it (or its shape) with a reference.
    fn place(&mut self, value: &mut Value, pinned: bool) {
        let Value::Object(schema) = value else {
            return;
        };
        let all: &'i [Option<Chosen>] = self.chosen;
        let position = self.position;
        let id = self.layout.positions[position];
        if !pinned && let Some(chosen) = self.written(id) {
            self.position += self.layout.spans[position];
            *value = reference(&chosen.name);
            return;
        }
        trim(schema);
        let shape = self.layout.shape_of[id];
        if shape != id
            && let Some(chosen) = self.written(shape)
        {
            self.position += self.layout.spans[position];
            schema.retain(|keyword, _| role(keyword) == Role::Local);
            schema.insert("$ref".into(), Value::String(def_ref(&chosen.name)));
        } else if shape != id
            && let Some(chosen) = &all[shape]
        {
            self.position += 1;
            self.children(schema, false);
            let (local, body) = std::mem::take(schema)
                .into_iter()
                .partition(|(keyword, _)| role(keyword) == Role::Local);
            *schema = local;
            schema.insert("$ref".into(), Value::String(def_ref(&chosen.name)));
            self.bodies.push((shape, body));
            self.written[shape] = true;
        } else {
            self.position += 1;
            self.children(schema, false);
        }
        if !pinned && let Some(chosen) = &all[id] {
            self.bodies.push((id, std::mem::take(schema)));
            self.written[id] = true;
            *value = reference(&chosen.name);
        }
    }
}

fn reference(name: &str) -> Value {
    super::single("$ref", Value::String(def_ref(name)))
}
