//! JSON Schema from OpenAPI schema objects: `$ref`s resolved against `components`.
//!
//! Non-recursive references are inlined, because several MCP clients reject `$ref`. Schemas that
//! reach themselves are kept once under the tool schema's `$defs` and referenced as
//! `#/$defs/Name`, so a recursive model never recurses forever. With
//! [`McpConfig::keep_defs`](crate::McpConfig::keep_defs) every component is kept that way.
//!
//! The output is JSON Schema 2020-12, whichever OpenAPI version the document is: 3.0's
//! `nullable`, `example` and boolean `exclusiveMinimum`/`exclusiveMaximum` are rewritten,
//! `discriminator` is dropped (its branches keep the tag as a `const`), and `allOf` of plain
//! objects is merged into one object, so that clients see the arguments as properties.
//!
//! The resolver's API is here; the work is split by concern:
//! - `walk`: one resolution, keyword by keyword, and the OpenAPI → 2020-12 rewrites;
//! - `plan`: a dry run of the walk over every schema a catalog will resolve, counting component
//!   uses so each cached component is copied only as often as it is used again (speed only);
//! - `compact`: output schemas made smaller once resolved (annotations that mean nothing in a
//!   result dropped, repeated parts and shapes kept once under `$defs`);
//! - `trim`: which keywords of an output schema mean nothing in a result (used by `compact`);
//! - `share`: members that several objects of an output schema have alike kept once (the last
//!   step of `compact`);
//! - `cycles`: which components reach themselves (kept under `$defs`);
//! - `pointer`: JSON pointers, their escaping, and `#/$defs/` references;
//! - `instance`: a JSON answer read in place, for checking it against its output schema;
//! - `text_check`: the same check made while the answer's text is read, for the usual schemas.

use std::{
    cell::RefCell,
    collections::{BTreeMap, BTreeSet, HashMap},
};

use serde_json::{Map, Value, json};

mod compact;
mod cycles;
pub(crate) mod instance;
mod plan;
mod pointer;
mod share;
#[cfg(test)]
mod tests;
pub(crate) mod text_check;
mod trim;
mod walk;

pub(crate) use compact::compact_output;
pub(crate) use walk::make_nullable;

use self::{
    cycles::recursive_names,
    pointer::{SCHEMA_PREFIX, component_name, fragment, json_pointer},
    walk::Component,
};

/// Which side of the call a schema describes: inputs drop `readOnly` properties, outputs drop
/// `writeOnly` ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Direction {
    Input,
    Output,
}

impl Direction {
    /// Index of the per-direction tables.
    fn index(self) -> usize {
        match self {
            Self::Input => 0,
            Self::Output => 1,
        }
    }
}

/// Resolves schemas of one OpenAPI document. Built once per document.
#[derive(Debug)]
pub(crate) struct SchemaResolver<'a> {
    document: &'a Value,
    schemas: Option<&'a Map<String, Value>>,
    /// `schemas` by name, for the thousands of `#/components/schemas/Name` lookups.
    by_name: HashMap<&'a str, &'a Value>,
    recursive: BTreeSet<String>,
    keep_defs: bool,
    /// Each component is resolved once per direction and then copied: large documents refer to
    /// the same few hundred components from thousands of places. Indexed by [`Direction::index`].
    components: RefCell<[HashMap<String, Component>; 2]>,
    /// How many times the resolutions announced with [`SchemaResolver::expect`] will use each
    /// component, by direction: the last use takes the cached copy instead of cloning it, and a
    /// component used once is never cached. A count that turns out wrong only costs time.
    expected: RefCell<[HashMap<String, usize>; 2]>,
    /// Whether each distinct `pattern` compiles in the validator's regex engine.
    patterns: RefCell<HashMap<String, bool>>,
}

/// A resolved schema and what could not be resolved in it.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub(crate) schema: Value,
    pub(crate) defs: Map<String, Value>,
    pub(crate) problems: Vec<String>,
}

// Inlining depth bound: a guard against pathological documents, far beyond real models.
const MAX_DEPTH: usize = 64;

impl<'a> SchemaResolver<'a> {
    pub(crate) fn new(document: &'a Value) -> Self {
        let schemas = document
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        let recursive = schemas.map(recursive_names).unwrap_or_default();
        let by_name = schemas
            .into_iter()
            .flatten()
            .map(|(name, schema)| (name.as_str(), schema))
            .collect();
        Self {
            document,
            schemas,
            by_name,
            recursive,
            keep_defs: false,
            components: RefCell::default(),
            expected: RefCell::default(),
            patterns: RefCell::default(),
        }
    }

    /// A resolver of the same document with the same settings and empty caches, for another
    /// thread: the caches are not shared (a resolver is not `Sync`), the rest is copied rather
    /// than computed again.
    pub(crate) fn fork(&self) -> Self {
        Self {
            document: self.document,
            schemas: self.schemas,
            by_name: self.by_name.clone(),
            recursive: self.recursive.clone(),
            keep_defs: self.keep_defs,
            components: RefCell::default(),
            expected: RefCell::default(),
            patterns: RefCell::default(),
        }
    }

    /// Whether `pattern` compiles in the regex engine that validates arguments; OpenAPI documents
    /// carry patterns written for other engines.
    fn pattern_compiles(&self, pattern: &str) -> bool {
        *self
            .patterns
            .borrow_mut()
            .entry(pattern.to_string())
            .or_insert_with(|| jsonschema::validator_for(&json!({ "pattern": pattern })).is_ok())
    }

    /// Whether a reference to the component `name` becomes `#/$defs/name`: the component is
    /// recursive (or `keep_defs` is set) and the reference is not to be inlined.
    fn kept_as_def(&self, name: &str, inline: bool) -> bool {
        !inline
            && (self.keep_defs || self.recursive.contains(name))
            && self.by_name.contains_key(name)
    }

    /// Keep every component schema under `$defs` instead of inlining the non-recursive ones.
    pub(crate) fn keep_defs(mut self, keep: bool) -> Self {
        self.keep_defs = keep;
        self
    }

    /// Follow a `$ref` to any part of the document (`#/components/parameters/X` and so on).
    pub(crate) fn follow<'v>(&self, value: &'v Value) -> Option<&'v Value>
    where
        'a: 'v,
    {
        let mut current = value;
        for _ in 0..MAX_DEPTH {
            match current.get("$ref").and_then(Value::as_str) {
                Some(reference) => current = self.lookup(reference)?,
                None => return Some(current),
            }
        }
        None
    }

    fn lookup(&self, reference: &str) -> Option<&'a Value> {
        // A plain component name: the same as the pointer below, without walking three maps.
        if let Some(name) = reference.strip_prefix(SCHEMA_PREFIX)
            && !name.contains(['/', '~', '%'])
            && self.schemas.is_some()
        {
            return self.by_name.get(name).copied();
        }
        // Percent-decoded once, then split; `json_pointer` decodes `~1`/`~0` per token.
        let pointer = fragment(reference.strip_prefix('#')?)?;
        json_pointer(self.document, &pointer)
    }

    /// Resolve one schema for the given direction.
    ///
    /// A root `$ref` is always inlined once, so an object body or result stays an object with
    /// properties even when its parts are kept under `$defs`.
    pub(crate) fn resolve(&self, schema: &Value, direction: Direction) -> Resolved {
        walk::resolve(self, schema, direction)
    }

    /// Announce every schema that will be resolved (with [`resolve`](Self::resolve)) and in which
    /// direction, so that each cached component is copied only as often as it is used again.
    pub(crate) fn expect<'v>(&self, roots: impl IntoIterator<Item = (&'v Value, Direction)>) {
        *self.expected.borrow_mut() = plan::uses(self, roots);
    }
}

// What the walk and the plan both ask of the resolver.
impl SchemaResolver<'_> {
    /// Whether `property` is left out in `direction` (`readOnly` inputs, `writeOnly` outputs),
    /// flagged on itself or on what it refers to.
    fn left_out(&self, property: &Value, direction: Direction) -> bool {
        let skip = match direction {
            Direction::Input => "readOnly",
            Direction::Output => "writeOnly",
        };
        let flagged = |schema: &Value| schema.get(skip).and_then(Value::as_bool) == Some(true);
        // Only a `$ref` leads elsewhere; otherwise `follow` would return the property itself.
        flagged(property)
            || (property.get("$ref").is_some_and(Value::is_string)
                && self.follow(property).is_some_and(flagged))
    }

    /// Whether an `allOf` member's `$ref` is inlined even with `keep_defs`: it names a component
    /// that is not recursive.
    fn inlined_member(&self, reference: &str) -> bool {
        component_name(reference).is_some_and(|name| !self.recursive.contains(name.as_ref()))
    }
}

/// `{key: value}`, built directly: `json!` would serialize `value` into a copy.
pub(crate) fn single(key: &str, value: Value) -> Value {
    let mut object = Map::with_capacity(1);
    object.insert(key.into(), value);
    Value::Object(object)
}

/// Attach gathered `$defs` to a root schema.
pub(crate) fn with_defs(
    mut root: Map<String, Value>,
    defs: BTreeMap<String, Value>,
) -> Map<String, Value> {
    if !defs.is_empty() {
        root.insert("$defs".into(), Value::Object(defs.into_iter().collect()));
    }
    root
}

/// Test helper: `schema` is what a tool may carry as `inputSchema`/`outputSchema` — a valid
/// JSON Schema 2020-12 document whose root is an object schema and whose `$ref`s all resolve.
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_tool_schema(schema: &Value) {
    if let Err(error) = jsonschema::draft202012::meta::validate(schema) {
        panic!("not a valid JSON Schema 2020-12 document: {error}\n{schema:#}");
    }
    assert_eq!(
        schema["type"], "object",
        "root is not an object schema: {schema:#}"
    );
    if let Err(error) = jsonschema::draft202012::new(schema) {
        panic!("schema does not compile: {error}\n{schema:#}");
    }
}
