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

use std::{
    borrow::Cow,
    cell::RefCell,
    collections::{BTreeMap, BTreeSet, HashMap},
};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Map, Value, json};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

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

/// A resolved component and what resolving it added to the walk.
#[derive(Debug)]
struct Component {
    value: Value,
    needed_defs: BTreeSet<String>,
    dropped: BTreeSet<String>,
    problems: Vec<String>,
    /// Uses still expected after this one; `usize::MAX` when unknown (kept to the end).
    remaining: usize,
}

/// One resolution: the `$defs` a schema needs are gathered while walking it.
struct Walk<'r, 'a> {
    resolver: &'r SchemaResolver<'a>,
    direction: Direction,
    needed_defs: BTreeSet<String>,
    /// Property names left out for the direction; `required` must not name them.
    dropped: BTreeSet<String>,
    depth: usize,
    problems: Vec<String>,
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
            && !name.contains(['/', '~'])
            && self.schemas.is_some()
        {
            return self.by_name.get(name).copied();
        }
        let pointer = reference.strip_prefix('#')?;
        json_pointer(self.document, &unescape(pointer))
    }

    /// Resolve one schema for the given direction.
    ///
    /// A root `$ref` is always inlined once, so an object body or result stays an object with
    /// properties even when its parts are kept under `$defs`.
    pub(crate) fn resolve(&self, schema: &Value, direction: Direction) -> Resolved {
        let mut walk = Walk {
            resolver: self,
            direction,
            needed_defs: BTreeSet::new(),
            dropped: BTreeSet::new(),
            depth: 0,
            problems: Vec::new(),
        };
        let schema = match schema {
            Value::Object(object) => match object.get("$ref").and_then(Value::as_str) {
                Some(reference) => walk.reference(reference, object, true),
                None => walk.schema(schema),
            },
            other => other.clone(),
        };
        let mut defs = Map::new();
        let mut done = BTreeSet::new();
        while let Some(name) = walk.needed_defs.difference(&done).next().cloned() {
            done.insert(name.clone());
            let body = self
                .schemas
                .and_then(|schemas| schemas.get(&name))
                .cloned()
                .unwrap_or(Value::Bool(true));
            let resolved = walk.schema(&body);
            defs.insert(name, resolved);
        }
        Resolved {
            schema,
            defs,
            problems: walk.problems,
        }
    }
}

/// What resolving a schema yields, as far as the [`Plan`] needs to know: keywords beside a
/// `$ref` are walked when its target is an object or `true`.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Object,
    True,
    Other,
}

/// The component uses that resolving a set of schemas will make, found by walking the raw
/// document the way [`Walk`] does without building anything. It mirrors `Walk`'s choices (which
/// keywords hold schemas, which references are kept as `$defs`, which properties a direction
/// leaves out); should the two ever differ, only the copying saved is lost, never the output.
struct Plan<'r, 'a> {
    resolver: &'r SchemaResolver<'a>,
    direction: Direction,
    /// Uses of each component, by direction.
    uses: [HashMap<String, usize>; 2],
    /// Components walked once, by direction: their shape and the `$defs` they need, replayed
    /// on later uses like the resolver's cache.
    seen: [HashMap<String, (Shape, BTreeSet<String>)>; 2],
    needed_defs: BTreeSet<String>,
    depth: usize,
    /// The depth guard cut the current walk short: `Walk` does not cache such a component.
    too_deep: bool,
}

impl SchemaResolver<'_> {
    /// Announce every schema that will be resolved (with [`resolve`](Self::resolve)) and in which
    /// direction, so that each cached component is copied only as often as it is used again.
    pub(crate) fn expect<'v>(&self, roots: impl IntoIterator<Item = (&'v Value, Direction)>) {
        let mut plan = Plan {
            resolver: self,
            direction: Direction::Input,
            uses: Default::default(),
            seen: Default::default(),
            needed_defs: BTreeSet::new(),
            depth: 0,
            too_deep: false,
        };
        for (schema, direction) in roots {
            plan.direction = direction;
            plan.resolve(schema);
        }
        *self.expected.borrow_mut() = plan.uses;
    }
}

impl Plan<'_, '_> {
    /// As [`SchemaResolver::resolve`].
    fn resolve(&mut self, schema: &Value) {
        self.needed_defs.clear();
        self.depth = 0;
        self.too_deep = false;
        if let Value::Object(object) = schema {
            match object.get("$ref").and_then(Value::as_str) {
                Some(reference) => self.reference(reference, object, true),
                None => self.schema(schema),
            };
        }
        let mut done = BTreeSet::new();
        while let Some(name) = self.needed_defs.difference(&done).next().cloned() {
            if let Some(body) = self.resolver.schemas.and_then(|schemas| schemas.get(&name)) {
                self.schema(body);
            }
            done.insert(name);
        }
    }

    /// As [`Walk::schema`].
    fn schema(&mut self, schema: &Value) -> Shape {
        let Value::Object(object) = schema else {
            return match schema {
                Value::Bool(true) => Shape::True,
                _ => Shape::Other,
            };
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            return self.reference(reference, object, false);
        }
        self.keywords(object, false);
        Shape::Object
    }

    /// The keywords of a schema object, under the depth guard; `beside_ref`: those next to a
    /// `$ref`, which `Walk` walks as a schema of their own.
    fn keywords(&mut self, object: &Map<String, Value>, beside_ref: bool) {
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            return;
        }
        self.depth += 1;
        for (key, value) in object {
            match key.as_str() {
                "$ref" if beside_ref => {}
                "enum" | "const" | "default" | "examples" | "required" | "dependentRequired"
                | "discriminator" | "xml" | "externalDocs" | "nullable" | "example" | "pattern" => {
                }
                "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => {}
                "properties" => self.properties(value),
                "allOf" => self.all_of_members(value),
                extension if extension.starts_with("x-") => {}
                _ => self.nested(value),
            }
        }
        self.depth -= 1;
    }

    /// As [`Walk::nested`].
    fn nested(&mut self, value: &Value) {
        match value {
            Value::Object(_) => {
                self.schema(value);
            }
            Value::Array(items) => {
                for item in items {
                    self.schema(item);
                }
            }
            _ => {}
        }
    }

    /// As [`Walk::properties`].
    fn properties(&mut self, value: &Value) {
        let Value::Object(properties) = value else {
            return;
        };
        for property in properties.values() {
            if !self.resolver.left_out(property, self.direction) {
                self.schema(property);
            }
        }
    }

    /// As [`Walk::all_of_members`].
    fn all_of_members(&mut self, value: &Value) {
        let Value::Array(members) = value else {
            return self.nested(value);
        };
        for member in members {
            let Some(object) = member.as_object() else {
                continue;
            };
            match object.get("$ref").and_then(Value::as_str) {
                Some(reference) if self.resolver.inlined_member(reference) => {
                    self.reference(reference, object, true);
                }
                _ => {
                    self.schema(member);
                }
            }
        }
    }

    /// As [`Walk::reference`] and [`Walk::refine`]: the keywords beside the `$ref` are walked
    /// when `Walk` walks them.
    fn reference(&mut self, reference: &str, object: &Map<String, Value>, inline: bool) -> Shape {
        let name = component_name(reference);
        // `refine` walks the siblings when there are any; the other paths always do.
        let has_siblings = object.len() > 1;
        if let Some(name) = &name
            && self.resolver.kept_as_def(name, inline)
        {
            self.needed_defs.insert(name.to_string());
            if has_siblings {
                self.keywords(object, true);
            }
            return Shape::Object;
        }
        let Some(target) = self.resolver.lookup(reference) else {
            self.keywords(object, true);
            return Shape::Object;
        };
        let shape = match &name {
            Some(name) => self.component(name, target),
            None => self.schema(target),
        };
        match shape {
            Shape::Object if has_siblings => self.keywords(object, true),
            Shape::Object => {}
            Shape::True => self.keywords(object, true),
            Shape::Other => return Shape::Other,
        }
        Shape::Object
    }

    /// As [`Walk::component`]: counted on every use, walked on the first.
    fn component(&mut self, name: &str, target: &Value) -> Shape {
        let direction = self.direction.index();
        match self.uses[direction].get_mut(name) {
            Some(uses) => *uses += 1,
            None => {
                self.uses[direction].insert(name.to_string(), 1);
            }
        }
        if let Some((shape, defs)) = self.seen[direction].get(name) {
            self.needed_defs.extend(defs.iter().cloned());
            return *shape;
        }
        let outer_defs = std::mem::take(&mut self.needed_defs);
        let outer_too_deep = std::mem::replace(&mut self.too_deep, false);
        let shape = self.schema(target);
        let defs = std::mem::replace(&mut self.needed_defs, outer_defs);
        self.needed_defs.extend(defs.iter().cloned());
        if !self.too_deep {
            self.seen[direction].insert(name.to_string(), (shape, defs));
        }
        self.too_deep |= outer_too_deep;
        shape
    }
}

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

impl Walk<'_, '_> {
    fn schema(&mut self, schema: &Value) -> Value {
        let Value::Object(object) = schema else {
            return schema.clone();
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            return self.reference(reference, object, false);
        }
        if self.depth >= MAX_DEPTH {
            self.problems
                .push("schema nested too deeply; the deepest part accepts any value".into());
            return Value::Object(Map::new());
        }
        self.depth += 1;
        let mut out = Map::with_capacity(object.len());
        for (key, value) in object {
            match key.as_str() {
                // Values, not schemas: copied as they are.
                "enum" | "const" | "default" | "examples" | "required" | "dependentRequired" => {
                    out.insert(key.clone(), value.clone());
                }
                // OpenAPI-only keywords with no meaning in JSON Schema.
                "discriminator" | "xml" | "externalDocs" | "nullable" => {}
                "example" => {
                    out.entry("examples")
                        .or_insert_with(|| Value::Array(vec![value.clone()]));
                }
                // 3.0's boolean form is rewritten below, once `minimum`/`maximum` are known.
                "exclusiveMinimum" | "exclusiveMaximum" if value.is_boolean() => {}
                "properties" => {
                    let properties = self.properties(value);
                    out.insert(key.clone(), properties);
                }
                "allOf" => {
                    let members = self.all_of_members(value);
                    out.insert(key.clone(), members);
                }
                // Vendor extensions hold raw OpenAPI (GitHub's carry `$ref`s into components the
                // tool schema does not have): they mean nothing to clients and cost tokens.
                extension if extension.starts_with("x-") => {}
                "pattern" => match value.as_str() {
                    Some(pattern) if !self.resolver.pattern_compiles(pattern) => {
                        self.problems.push(format!(
                            "the pattern {pattern:?} is not a valid regular expression here; \
                             it is left out"
                        ));
                    }
                    _ => {
                        out.insert(key.clone(), value.clone());
                    }
                },
                _ => {
                    out.insert(key.clone(), self.nested(value));
                }
            }
        }
        self.depth -= 1;
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if object.get(exclusive) == Some(&Value::Bool(true))
                && let Some(bound) = out.remove(bound)
            {
                out.insert(exclusive.into(), bound);
            }
        }
        if let Some(discriminator) = object.get("discriminator") {
            self.constrain_branches(object, discriminator, &mut out);
        }
        null_branch_union(&mut out);
        self.drop_unreachable_required(&mut out);
        if out.contains_key("allOf") {
            self.merge_all_of(&mut out);
        }
        if object.get("nullable").and_then(Value::as_bool) == Some(true) {
            make_nullable(&mut out);
        }
        Value::Object(out)
    }

    /// Every value under a schema keyword that is itself a schema or holds schemas.
    fn nested(&mut self, value: &Value) -> Value {
        match value {
            Value::Object(_) => self.schema(value),
            Value::Array(items) => {
                Value::Array(items.iter().map(|item| self.schema(item)).collect())
            }
            other => other.clone(),
        }
    }

    fn properties(&mut self, value: &Value) -> Value {
        let Value::Object(properties) = value else {
            return value.clone();
        };
        let mut out = Map::new();
        for (name, property) in properties {
            if self.resolver.left_out(property, self.direction) {
                self.dropped.insert(name.clone());
            } else {
                out.insert(name.clone(), self.schema(property));
            }
        }
        Value::Object(out)
    }

    /// `allOf` members that refer to a component are inlined even with `keep_defs`: they are
    /// parents being extended, and merging them is what makes the result one object.
    fn all_of_members(&mut self, value: &Value) -> Value {
        let Value::Array(members) = value else {
            return self.nested(value);
        };
        let members = members
            .iter()
            .map(|member| match member.as_object() {
                Some(object) => match object.get("$ref").and_then(Value::as_str) {
                    Some(reference) if self.resolver.inlined_member(reference) => {
                        self.reference(reference, object, true)
                    }
                    _ => self.schema(member),
                },
                None => member.clone(),
            })
            .collect();
        Value::Array(members)
    }

    /// `required` names a property that was left out for this direction: it goes, or the schema
    /// could never be satisfied. Names the schema's own `properties` lack go too, because no
    /// argument can carry them.
    fn drop_unreachable_required(&self, out: &mut Map<String, Value>) {
        let Some(Value::Array(required)) = out.get("required") else {
            return;
        };
        let properties = out.get("properties").and_then(Value::as_object);
        let kept: Vec<Value> = required
            .iter()
            .filter(|name| {
                let Some(name) = name.as_str() else {
                    return false;
                };
                match properties {
                    Some(properties) => properties.contains_key(name),
                    None => !self.dropped.contains(name),
                }
            })
            .cloned()
            .collect();
        out.insert("required".into(), Value::Array(kept));
    }

    /// `allOf` of plain objects becomes one object: clients list its properties as arguments.
    /// Members that cannot be merged without changing the meaning (a kept `$ref`, clashing
    /// keywords, `additionalProperties` next to another member's properties) keep the `allOf`.
    fn merge_all_of(&self, out: &mut Map<String, Value>) {
        let Some(Value::Array(members)) = out.get("allOf") else {
            return;
        };
        let mut merged = out.clone();
        merged.remove("allOf");
        let mut defines_properties = usize::from(merged.contains_key("properties"));
        let mut closes_properties = [
            "additionalProperties",
            "unevaluatedProperties",
            "patternProperties",
        ]
        .iter()
        .any(|key| merged.contains_key(*key));
        for member in members {
            let member = match member {
                Value::Object(member) => member,
                Value::Bool(true) => continue,
                _ => return,
            };
            if member.contains_key("$ref") {
                return;
            }
            defines_properties += usize::from(member.contains_key("properties"));
            closes_properties |= [
                "additionalProperties",
                "unevaluatedProperties",
                "patternProperties",
            ]
            .iter()
            .any(|key| member.contains_key(*key));
            for (key, value) in member {
                match (key.as_str(), merged.get_mut(key)) {
                    (_, None) => {
                        merged.insert(key.clone(), value.clone());
                    }
                    (_, Some(existing)) if existing == value => {}
                    ("properties", Some(Value::Object(existing))) => {
                        let Value::Object(more) = value else { return };
                        for (name, property) in more {
                            match existing.get(name) {
                                Some(other) if other != property => return,
                                _ => {
                                    existing.insert(name.clone(), property.clone());
                                }
                            }
                        }
                    }
                    ("required", Some(Value::Array(existing))) => {
                        for name in value.as_array().into_iter().flatten() {
                            if !existing.contains(name) {
                                existing.push(name.clone());
                            }
                        }
                    }
                    // The outer schema's (or first member's) annotation is the more specific.
                    (annotation, Some(_)) if is_annotation(annotation) => {}
                    _ => return,
                }
            }
        }
        if closes_properties && defines_properties > 1 {
            return;
        }
        self.drop_unreachable_required(&mut merged);
        *out = merged;
    }

    /// A `discriminator` is dropped, but the union must still tell its branches apart: each
    /// `$ref` branch gets its tag value as a `const` on the tag property, unless it has one.
    fn constrain_branches(
        &self,
        raw: &Map<String, Value>,
        discriminator: &Value,
        out: &mut Map<String, Value>,
    ) {
        let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
            return;
        };
        let mapping: Vec<(&String, String)> = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(tag, target)| {
                let target = target.as_str()?;
                // Mapping targets are references or bare schema names.
                let name = component_name(target)
                    .map(Cow::into_owned)
                    .unwrap_or_else(|| target.to_string());
                Some((tag, name))
            })
            .collect();
        for key in ["oneOf", "anyOf"] {
            let (Some(Value::Array(raw_branches)), Some(Value::Array(branches))) =
                (raw.get(key), out.get_mut(key))
            else {
                continue;
            };
            for (raw_branch, branch) in raw_branches.iter().zip(branches) {
                let Some(name) = raw_branch
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(component_name)
                    .map(Cow::into_owned)
                else {
                    continue;
                };
                let mut tags: Vec<Value> = mapping
                    .iter()
                    .filter(|(_, target)| *target == name)
                    .map(|(tag, _)| Value::String((*tag).clone()))
                    .collect();
                if tags.is_empty() {
                    // The implicit tag is the schema's name.
                    tags.push(Value::String(name));
                }
                if let Value::Object(branch) = branch {
                    constrain_tag(branch, property, tags);
                }
            }
        }
    }

    fn reference(&mut self, reference: &str, object: &Map<String, Value>, inline: bool) -> Value {
        let siblings: Map<String, Value> = object
            .iter()
            .filter(|(key, _)| key.as_str() != "$ref")
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        let name = component_name(reference);
        if let Some(name) = &name
            && self.resolver.kept_as_def(name, inline)
        {
            let mut out = Map::new();
            out.insert("$ref".into(), Value::String(def_ref(name)));
            self.needed_defs.insert(name.to_string());
            return self.refine(out, siblings);
        }
        let Some(target) = self.resolver.lookup(reference) else {
            self.problems.push(format!(
                "unresolvable reference {reference}; it accepts any value"
            ));
            return self.schema(&Value::Object(siblings));
        };
        let resolved = match &name {
            Some(name) => self.component(name, target),
            None => self.schema(target),
        };
        match resolved {
            Value::Object(out) => self.refine(out, siblings),
            Value::Bool(true) => self.schema(&Value::Object(siblings)),
            other => other,
        }
    }

    /// A component schema, resolved once per direction and copied afterwards. It is resolved
    /// on its own (fresh `dropped` names), so its result does not depend on where it is first
    /// met; what it adds to the walk is replayed on every use.
    ///
    /// The last use the [plan](SchemaResolver::expect) announced takes the cached value instead
    /// of a copy, so nothing is copied twice and the cache is empty when the plan was exact.
    fn component(&mut self, name: &str, target: &Value) -> Value {
        let direction = self.direction.index();
        {
            let mut cache = self.resolver.components.borrow_mut();
            let cache = &mut cache[direction];
            if let Some(hit) = cache.get_mut(name) {
                self.needed_defs.extend(hit.needed_defs.iter().cloned());
                self.dropped.extend(hit.dropped.iter().cloned());
                self.problems.extend(hit.problems.iter().cloned());
                match hit.remaining {
                    1 => {}
                    usize::MAX => return hit.value.clone(),
                    _ => {
                        hit.remaining -= 1;
                        return hit.value.clone();
                    }
                }
                if let Some(last) = cache.remove(name) {
                    return last.value;
                }
            }
        }
        let outer_defs = std::mem::take(&mut self.needed_defs);
        let outer_dropped = std::mem::take(&mut self.dropped);
        let outer_problems = std::mem::take(&mut self.problems);
        let value = self.schema(target);
        let needed_defs = std::mem::replace(&mut self.needed_defs, outer_defs);
        let dropped = std::mem::replace(&mut self.dropped, outer_dropped);
        let problems = std::mem::replace(&mut self.problems, outer_problems);
        // Uses expected in all, this one included; unknown when the plan did not see it.
        let uses = self.resolver.expected.borrow_mut()[direction]
            .remove(name)
            .unwrap_or(usize::MAX);
        // A result cut short by the depth guard depends on where it was met: not reusable.
        let reusable = uses > 1 && !problems.iter().any(|p| p.contains("nested too deeply"));
        if !reusable {
            self.needed_defs.extend(needed_defs);
            self.dropped.extend(dropped);
            self.problems.extend(problems);
            return value;
        }
        self.needed_defs.extend(needed_defs.iter().cloned());
        self.dropped.extend(dropped.iter().cloned());
        self.problems.extend(problems.iter().cloned());
        let component = Component {
            value: value.clone(),
            needed_defs,
            dropped,
            problems,
            remaining: if uses == usize::MAX { uses } else { uses - 1 },
        };
        self.resolver.components.borrow_mut()[direction].insert(name.to_string(), component);
        value
    }

    /// Keywords beside a `$ref` (3.1: description, default; 3.0 tools: nullable) refine the
    /// target. Clashing constraints cannot be overwritten, so both sides are kept in `allOf`.
    fn refine(
        &mut self,
        mut target: Map<String, Value>,
        mut siblings: Map<String, Value>,
    ) -> Value {
        if siblings.is_empty() {
            return Value::Object(target);
        }
        let nullable = siblings.remove("nullable").and_then(|v| v.as_bool()) == Some(true);
        let Value::Object(siblings) = self.schema(&Value::Object(siblings)) else {
            return Value::Object(target);
        };
        let clash = siblings.iter().any(|(key, value)| {
            !is_annotation(key) && target.get(key).is_some_and(|existing| existing != value)
        });
        let mut out = if clash {
            let mut out = Map::new();
            // Built directly: `json!` would serialize both trees into copies.
            out.insert(
                "allOf".into(),
                Value::Array(vec![Value::Object(target), Value::Object(siblings)]),
            );
            out
        } else {
            target.extend(siblings);
            target
        };
        if nullable {
            make_nullable(&mut out);
        }
        Value::Object(out)
    }
}

/// Keywords that describe rather than constrain; a more specific one may replace another.
fn is_annotation(key: &str) -> bool {
    matches!(
        key,
        "title"
            | "description"
            | "default"
            | "examples"
            | "deprecated"
            | "readOnly"
            | "writeOnly"
            | "$comment"
    ) || key.starts_with("x-")
}

/// Whether `schema` is exactly `{"type": "null"}`.
fn is_null_schema(schema: &Value) -> bool {
    schema
        .as_object()
        .is_some_and(|object| object.len() == 1 && object.get("type").is_some_and(|t| t == "null"))
}

/// `oneOf: [{"type": "null"}, X]` (utoipa's `Option<T>`) becomes `anyOf`: the same for any
/// sensible X, and a value X also accepts as null no longer fails both ways.
fn null_branch_union(out: &mut Map<String, Value>) {
    let has_null_branch = out
        .get("oneOf")
        .and_then(Value::as_array)
        .is_some_and(|branches| branches.iter().any(is_null_schema));
    if has_null_branch
        && !out.contains_key("anyOf")
        && let Some(branches) = out.remove("oneOf")
    {
        out.insert("anyOf".into(), branches);
    }
}

fn constrain_tag(branch: &mut Map<String, Value>, property: &str, tags: Vec<Value>) {
    let constraint = match <[Value; 1]>::try_from(tags) {
        Ok([tag]) => single("const", tag),
        Err(tags) => single("enum", Value::Array(tags)),
    };
    let Value::Object(properties) = branch
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()))
    else {
        return;
    };
    match properties.get_mut(property) {
        None => {
            properties.insert(property.to_string(), constraint);
        }
        Some(Value::Object(existing))
            if !existing.contains_key("const") && !existing.contains_key("enum") =>
        {
            existing.extend(constraint.as_object().cloned().unwrap_or_default());
        }
        Some(_) => {}
    }
    let required = branch
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(required) = required
        && !required.iter().any(|name| name == property)
    {
        required.push(Value::String(property.to_string()));
    }
}

/// `nullable: true` (3.0) → also accept `null`: in the type (and enum) when the schema is a plain
/// typed one, else as a second `anyOf` branch with the annotations kept outside.
pub(crate) fn make_nullable(schema: &mut Map<String, Value>) {
    let plain = !["allOf", "anyOf", "oneOf", "not", "$ref", "const", "if"]
        .iter()
        .any(|key| schema.contains_key(*key));
    let typed = match schema.get_mut("type") {
        Some(Value::String(single)) if plain => {
            if single != "null" {
                let single = std::mem::take(single);
                schema.insert("type".into(), json!([single, "null"]));
            }
            true
        }
        Some(Value::Array(types)) if plain => {
            if !types.iter().any(|t| t == "null") {
                types.push(Value::String("null".into()));
            }
            true
        }
        _ => false,
    };
    if typed {
        if let Some(Value::Array(values)) = schema.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
        return;
    }
    if schema.keys().all(|key| is_annotation(key)) {
        // Already accepts anything, null included.
        return;
    }
    let annotations: Vec<String> = schema
        .keys()
        .filter(|key| is_annotation(key))
        .cloned()
        .collect();
    let mut outer: Map<String, Value> = annotations
        .into_iter()
        .filter_map(|key| schema.remove(&key).map(|value| (key, value)))
        .collect();
    let inner = Value::Object(std::mem::take(schema));
    outer.insert(
        "anyOf".into(),
        Value::Array(vec![inner, single("type", Value::String("null".into()))]),
    );
    *schema = outer;
}

/// `{key: value}`, built directly: `json!` would serialize `value` into a copy.
pub(crate) fn single(key: &str, value: Value) -> Value {
    let mut object = Map::with_capacity(1);
    object.insert(key.into(), value);
    Value::Object(object)
}

/// The component name a `#/components/schemas/Name` reference points at.
fn component_name(reference: &str) -> Option<Cow<'_, str>> {
    reference.strip_prefix(SCHEMA_PREFIX).map(unescape)
}

/// A JSON pointer token with `~1` and `~0` decoded (in that order, as `serde_json` does); copied
/// only when there is something to decode.
fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// [`Value::pointer`] without a copy of every token.
fn json_pointer<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    if !pointer.starts_with('/') {
        return None;
    }
    pointer
        .split('/')
        .skip(1)
        .try_fold(root, |target, token| match target {
            Value::Object(map) => map.get(unescape(token).as_ref()),
            Value::Array(list) => {
                let token = unescape(token);
                // As `serde_json`: no sign, no leading zero.
                if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
                    return None;
                }
                token.parse::<usize>().ok().and_then(|i| list.get(i))
            }
            _ => None,
        })
}

/// Characters a URI fragment cannot hold as they are (RFC 3986), on top of controls.
const FRAGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// `#/$defs/Name` as a URI fragment holding a JSON pointer: `Page<T>` and `a/b` stay reachable.
fn def_ref(name: &str) -> String {
    let token = name.replace('~', "~0").replace('/', "~1");
    format!("#/$defs/{}", utf8_percent_encode(&token, FRAGMENT))
}

/// Names of component schemas that can reach themselves through `$ref`s (Tarjan's SCCs).
fn recursive_names(schemas: &Map<String, Value>) -> BTreeSet<String> {
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Resolve `schema` in `doc` and place it as a tool's root would hold it: under a property
    /// when it is not an object, with its `$defs` beside it.
    fn tool_schema(doc: &Value, schema: Value, direction: Direction, keep: bool) -> Value {
        let resolved = SchemaResolver::new(doc)
            .keep_defs(keep)
            .resolve(&schema, direction);
        assert!(resolved.problems.is_empty(), "{:?}", resolved.problems);
        let root = match resolved.schema {
            Value::Object(root) if root.get("type") == Some(&json!("object")) => root,
            other => json!({"type": "object", "properties": {"value": other}})
                .as_object()
                .cloned()
                .unwrap(),
        };
        let root = Value::Object(with_defs(root, resolved.defs.into_iter().collect()));
        assert_tool_schema(&root);
        root
    }

    fn accepts(schema: &Value, instance: Value) -> bool {
        jsonschema::draft202012::new(schema)
            .unwrap()
            .is_valid(&instance)
    }

    fn value(instance: Value) -> Value {
        json!({ "value": instance })
    }

    fn pets() -> Value {
        json!({"components": {"schemas": {
            "Status": {"type": "string", "enum": ["open", "closed"]},
            "Base": {"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "integer", "readOnly": true},
                "name": {"type": "string", "minLength": 1}
            }},
            "Cat": {"type": "object", "properties": {
                "kind": {"type": "string"}, "lives": {"type": "integer", "maximum": 9}
            }},
            "Dog": {"type": "object", "properties": {
                "kind": {"type": "string"}, "bark": {"type": "boolean"}
            }},
            "Secret": {"type": "object", "required": ["password"], "properties": {
                "password": {"type": "string", "writeOnly": true},
                "hint": {"type": "string"}
            }}
        }}})
    }

    #[test]
    fn inlines_plain_references_and_keeps_recursive_ones_as_defs() {
        let doc = json!({"components": {"schemas": {
            "Tag": {"type": "string"},
            "Node": {"type": "object", "properties": {
                "tag": {"$ref": "#/components/schemas/Tag"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
            }}
        }}});
        let resolver = SchemaResolver::new(&doc);
        let resolved = resolver.resolve(
            &json!({"$ref": "#/components/schemas/Node"}),
            Direction::Input,
        );
        // The root is inlined once, so it stays an object; the recursion goes through $defs.
        assert_eq!(
            resolved.schema["properties"]["children"]["items"],
            json!({"$ref": "#/$defs/Node"})
        );
        let node = &resolved.defs["Node"];
        assert_eq!(node["properties"]["tag"], json!({"type": "string"}));
        assert_eq!(
            node["properties"]["children"]["items"],
            json!({"$ref": "#/$defs/Node"})
        );
        assert!(resolved.problems.is_empty());
    }

    #[test]
    fn planned_resolutions_copy_each_component_only_for_later_uses() {
        let mut doc = pets();
        doc["components"]["schemas"]["Node"] = json!({"type": "object", "properties": {
            "status": {"$ref": "#/components/schemas/Status"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
        }});
        doc["components"]["schemas"]["Pair"] = json!({"type": "object", "properties": {
            "cat": {"$ref": "#/components/schemas/Cat", "description": "first"},
            "more": {"allOf": [{"$ref": "#/components/schemas/Base"}], "nullable": true},
            "tree": {"$ref": "#/components/schemas/Node"}
        }});
        let roots = [
            (
                json!({"$ref": "#/components/schemas/Pair"}),
                Direction::Input,
            ),
            (
                json!({"$ref": "#/components/schemas/Pair"}),
                Direction::Output,
            ),
            (
                json!({"type": "array", "items": {"$ref": "#/components/schemas/Cat"}}),
                Direction::Output,
            ),
            (
                json!({"$ref": "#/components/schemas/Node"}),
                Direction::Input,
            ),
            (
                json!({"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {"propertyName": "kind"}}),
                Direction::Input,
            ),
            (
                json!({"$ref": "#/components/schemas/Secret"}),
                Direction::Output,
            ),
            (
                json!({"$ref": "#/components/schemas/Secret"}),
                Direction::Output,
            ),
        ];
        for keep in [false, true] {
            let unplanned = SchemaResolver::new(&doc).keep_defs(keep);
            let planned = SchemaResolver::new(&doc).keep_defs(keep);
            planned.expect(roots.iter().map(|(schema, direction)| (schema, *direction)));
            for (schema, direction) in &roots {
                let expected = unplanned.resolve(schema, *direction);
                let resolved = planned.resolve(schema, *direction);
                assert_eq!(resolved.schema, expected.schema);
                assert_eq!(resolved.defs, expected.defs);
                assert_eq!(resolved.problems, expected.problems);
            }
            // The plan was exact: every cached component went out with its last use.
            assert!(
                planned.components.borrow().iter().all(HashMap::is_empty),
                "keep_defs: {keep}"
            );
            assert!(planned.expected.borrow().iter().all(HashMap::is_empty));
        }
    }

    #[test]
    fn mutual_recursion_is_detected() {
        let doc = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
            "B": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
            "C": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}}
        }}});
        let resolver = SchemaResolver::new(&doc);
        assert_eq!(
            resolver.recursive,
            ["A".to_string(), "B".to_string()].into_iter().collect()
        );
        let resolved =
            resolver.resolve(&json!({"$ref": "#/components/schemas/C"}), Direction::Input);
        assert_eq!(
            resolved.schema["properties"]["a"],
            json!({"$ref": "#/$defs/A"})
        );
        assert!(resolved.defs.contains_key("A") && resolved.defs.contains_key("B"));
    }

    #[test]
    fn read_only_properties_leave_inputs_and_required() {
        let doc = json!({});
        let schema = json!({"type": "object", "required": ["id", "title"], "properties": {
            "id": {"type": "integer", "readOnly": true},
            "title": {"type": "string"}
        }});
        let resolved = SchemaResolver::new(&doc).resolve(&schema, Direction::Input);
        assert_eq!(resolved.schema["required"], json!(["title"]));
        assert!(resolved.schema["properties"].get("id").is_none());
        let output = SchemaResolver::new(&doc).resolve(&schema, Direction::Output);
        assert!(output.schema["properties"].get("id").is_some());
    }

    #[test]
    fn openapi_30_nullable_becomes_a_type_array() {
        let doc = json!({});
        let resolved = SchemaResolver::new(&doc).resolve(
            &json!({"type": "string", "nullable": true, "example": "x"}),
            Direction::Input,
        );
        assert_eq!(
            resolved.schema,
            json!({"type": ["string", "null"], "examples": ["x"]})
        );
    }

    #[test]
    fn nullable_applies_through_ref_and_all_of() {
        let doc = pets();
        // 3.0 tools write both idioms for an optional reference.
        for schema in [
            json!({"allOf": [{"$ref": "#/components/schemas/Status"}], "nullable": true}),
            json!({"$ref": "#/components/schemas/Status", "nullable": true}),
        ] {
            let root = tool_schema(&doc, schema, Direction::Input, false);
            assert_eq!(
                root["properties"]["value"],
                json!({"type": ["string", "null"], "enum": ["open", "closed", null]})
            );
            assert!(accepts(&root, value(json!(null))));
            assert!(accepts(&root, value(json!("open"))));
            assert!(!accepts(&root, value(json!("other"))));
        }
        // No single type to extend: null becomes a second branch, the description stays outside.
        let root = tool_schema(
            &doc,
            json!({"description": "d", "nullable": true,
                   "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"type": "integer"}]}),
            Direction::Input,
            false,
        );
        assert_eq!(root["properties"]["value"]["description"], "d");
        assert!(accepts(&root, value(json!(null))));
        assert!(accepts(&root, value(json!(3))));
    }

    #[test]
    fn utoipa_option_of_a_reference_accepts_null() {
        let doc = pets();
        let root = tool_schema(
            &doc,
            json!({"type": "object", "properties": {"status": {
                "oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Status"}]
            }}}),
            Direction::Input,
            false,
        );
        assert!(accepts(&root, json!({"status": null})));
        assert!(accepts(&root, json!({"status": "closed"})));
        assert!(accepts(&root, json!({})));
        assert!(!accepts(&root, json!({"status": 3})));
        // Same with keep_defs, where the branch stays a $ref.
        let root = tool_schema(
            &doc,
            json!({"type": "object", "properties": {"status": {
                "oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Status"}]
            }}}),
            Direction::Input,
            true,
        );
        assert!(accepts(&root, json!({"status": null})));
        assert!(!accepts(&root, json!({"status": "other"})));
    }

    #[test]
    fn all_of_objects_merge_and_read_only_members_leave_required() {
        let doc = pets();
        let root = tool_schema(
            &doc,
            json!({"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"type": "object", "required": ["tags"], "properties": {
                    "tags": {"type": "array", "items": {"type": "string"}}
                }}
            ], "description": "A pet"}),
            Direction::Input,
            false,
        );
        assert!(root.get("allOf").is_none(), "{root:#}");
        assert_eq!(root["description"], "A pet");
        assert_eq!(root["required"], json!(["name", "tags"]));
        assert_eq!(
            root["properties"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["name", "tags"]
        );
        let output = tool_schema(
            &doc,
            json!({"allOf": [{"$ref": "#/components/schemas/Base"},
                             {"$ref": "#/components/schemas/Secret"}]}),
            Direction::Output,
            false,
        );
        assert_eq!(output["required"], json!(["id", "name"]));
        assert!(output["properties"].get("password").is_none());
    }

    #[test]
    fn all_of_that_cannot_merge_safely_is_kept() {
        let doc = pets();
        // Two different definitions of one property: both must hold, so both stay.
        let root = tool_schema(
            &doc,
            json!({"allOf": [
                {"type": "object", "properties": {"n": {"type": "integer"}}},
                {"type": "object", "properties": {"n": {"minimum": 3}}}
            ]}),
            Direction::Input,
            false,
        );
        assert!(root["properties"]["value"].get("allOf").is_some());
        // A closed member next to another member's properties.
        let root = tool_schema(
            &doc,
            json!({"allOf": [
                {"type": "object", "properties": {"a": {}}, "additionalProperties": false},
                {"type": "object", "properties": {"b": {}}}
            ]}),
            Direction::Input,
            false,
        );
        assert!(root["properties"]["value"].get("allOf").is_some());
    }

    #[test]
    fn discriminator_is_dropped_and_branches_keep_their_tag() {
        let doc = pets();
        let root = tool_schema(
            &doc,
            json!({
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind",
                                  "mapping": {"cat": "#/components/schemas/Cat"}}
            }),
            Direction::Input,
            false,
        );
        let union = &root["properties"]["value"];
        assert!(union.get("discriminator").is_none());
        assert_eq!(union["oneOf"][0]["properties"]["kind"]["const"], "cat");
        // No mapping entry: the implicit tag is the schema name.
        assert_eq!(union["oneOf"][1]["properties"]["kind"]["const"], "Dog");
        assert!(accepts(&root, value(json!({"kind": "cat", "lives": 3}))));
        assert!(accepts(&root, value(json!({"kind": "Dog", "bark": true}))));
        assert!(!accepts(&root, value(json!({"kind": "cow"}))));
        assert!(!accepts(&root, value(json!({"lives": 3}))));
    }

    #[test]
    fn values_formats_and_constraints_are_kept() {
        let doc = json!({});
        let schema = json!({"type": "object", "required": ["code"], "properties": {
            "code": {"type": "string", "pattern": "^[A-Z]{3}$", "minLength": 3, "maxLength": 3,
                     "example": "ABC", "default": "XYZ"},
            "when": {"type": "string", "format": "date-time"},
            "kind": {"const": "fixed"},
            "size": {"type": "integer", "minimum": 1, "maximum": 10, "multipleOf": 1,
                     "exclusiveMinimum": true, "enum": [2, 4, 8]},
            "ratio": {"type": "number", "maximum": 1, "exclusiveMaximum": false},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                     "uniqueItems": true, "x-order": 3},
            "extra": {"type": "object", "additionalProperties": {"$ref": "#/nope"}}
        }});
        let resolved = SchemaResolver::new(&doc).resolve(&schema, Direction::Input);
        assert_eq!(
            resolved.problems.len(),
            1,
            "the unresolvable reference is reported"
        );
        let root = resolved.schema;
        assert_tool_schema(&root);
        let p = &root["properties"];
        assert_eq!(
            p["code"],
            json!({"type": "string", "pattern": "^[A-Z]{3}$", "minLength": 3, "maxLength": 3,
                   "examples": ["ABC"], "default": "XYZ"})
        );
        assert_eq!(p["when"]["format"], "date-time");
        assert_eq!(p["kind"]["const"], "fixed");
        // 3.0's boolean exclusive bounds become 2020-12's numeric ones.
        assert_eq!(p["size"]["exclusiveMinimum"], 1);
        assert!(p["size"].get("minimum").is_none());
        assert_eq!(p["size"]["maximum"], 10);
        assert_eq!(p["ratio"], json!({"type": "number", "maximum": 1}));
        assert!(
            p["tags"].get("x-order").is_none(),
            "vendor extensions are left out"
        );
        assert!(accepts(&root, json!({"code": "ABC", "size": 2})));
        assert!(!accepts(&root, json!({"code": "abc"})));
    }

    #[test]
    fn additional_properties_are_resolved_and_write_only_leaves_outputs() {
        let doc = pets();
        let schema = json!({"type": "object", "additionalProperties": {
            "allOf": [{"$ref": "#/components/schemas/Secret"}]
        }});
        let output = tool_schema(&doc, schema.clone(), Direction::Output, false);
        assert_eq!(
            output["additionalProperties"],
            json!({"type": "object", "required": [], "properties": {"hint": {"type": "string"}}})
        );
        let input = tool_schema(&doc, schema, Direction::Input, false);
        assert_eq!(
            input["additionalProperties"]["required"],
            json!(["password"])
        );
        assert!(!accepts(&input, json!({"k": {"hint": "h"}})));
    }

    #[test]
    fn keep_defs_refers_to_every_component_and_inlines_the_root() {
        let doc = pets();
        let root = tool_schema(
            &doc,
            json!({"$ref": "#/components/schemas/Cat"}),
            Direction::Input,
            true,
        );
        assert_eq!(root["properties"]["lives"]["maximum"], 9);
        let root = tool_schema(
            &doc,
            json!({"type": "object", "properties": {
                "status": {"$ref": "#/components/schemas/Status", "description": "Now"},
                "pet": {"$ref": "#/components/schemas/Base"}
            }}),
            Direction::Input,
            true,
        );
        assert_eq!(
            root["properties"]["status"],
            json!({"$ref": "#/$defs/Status", "description": "Now"})
        );
        assert_eq!(root["properties"]["pet"], json!({"$ref": "#/$defs/Base"}));
        assert!(root["$defs"]["Base"]["properties"].get("id").is_none());
        assert!(accepts(
            &root,
            json!({"status": "open", "pet": {"name": "x"}})
        ));
        assert!(!accepts(&root, json!({"status": "gone"})));
    }

    #[test]
    fn def_names_are_escaped_as_json_pointer_fragments() {
        assert_eq!(def_ref("Page<Item>"), "#/$defs/Page%3CItem%3E");
        assert_eq!(def_ref("a/b~c"), "#/$defs/a~1b~0c");
        let doc = json!({"components": {"schemas": {
            "List<a/b>": {"type": "object", "properties": {
                "next": {"$ref": "#/components/schemas/List<a~1b>"}
            }}
        }}});
        let root = tool_schema(
            &doc,
            json!({"type": "object", "properties": {
                "list": {"$ref": "#/components/schemas/List<a~1b>"}
            }}),
            Direction::Input,
            false,
        );
        assert!(accepts(&root, json!({"list": {"next": {"next": {}}}})));
        assert!(!accepts(&root, json!({"list": {"next": {"next": 1}}})));
    }
}
