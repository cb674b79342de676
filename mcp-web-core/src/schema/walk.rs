//! One resolution of a schema ([`Walk`]): `$ref`s inlined or kept under `$defs`, properties the
//! direction leaves out dropped, and OpenAPI's keywords rewritten as JSON Schema 2020-12
//! (`nullable`, `example`, boolean exclusive bounds, `discriminator`, mergeable `allOf`).

use std::{borrow::Cow, collections::BTreeSet};

use serde_json::{Map, Value, json};

use super::{
    Direction, MAX_DEPTH, Resolved, SchemaResolver,
    pointer::{component_name, def_ref},
    single,
};

/// A resolved component and what resolving it added to the walk.
#[derive(Debug)]
pub(super) struct Component {
    value: Value,
    needed_defs: BTreeSet<String>,
    dropped: BTreeSet<String>,
    problems: Vec<String>,
    /// Uses still expected after this one; `usize::MAX` when unknown (kept to the end).
    remaining: usize,
}

/// One resolution: the `$defs` a schema needs are gathered while walking it.
pub(super) struct Walk<'r, 'a> {
    resolver: &'r SchemaResolver<'a>,
    direction: Direction,
    needed_defs: BTreeSet<String>,
    /// Property names left out for the direction; `required` must not name them.
    dropped: BTreeSet<String>,
    depth: usize,
    problems: Vec<String>,
}

/// As [`SchemaResolver::resolve`].
pub(super) fn resolve(
    resolver: &SchemaResolver<'_>,
    schema: &Value,
    direction: Direction,
) -> Resolved {
    let mut walk = Walk {
        resolver,
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
        other => walk.subschema(other),
    };
    let mut defs = Map::new();
    let mut done = BTreeSet::new();
    while let Some(name) = walk.needed_defs.difference(&done).next().cloned() {
        done.insert(name.clone());
        let body = resolver
            .schemas
            .and_then(|schemas| schemas.get(&name))
            .cloned()
            .unwrap_or(Value::Bool(true));
        let resolved = walk.subschema(&body);
        defs.insert(name, resolved);
    }
    Resolved {
        schema,
        defs,
        problems: walk.problems,
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
                // Keywords whose value is a schema, or a list of schemas.
                "items"
                | "additionalProperties"
                | "not"
                | "contains"
                | "propertyNames"
                | "if"
                | "then"
                | "else"
                | "unevaluatedItems"
                | "unevaluatedProperties"
                | "additionalItems"
                | "anyOf"
                | "oneOf"
                | "prefixItems" => {
                    let value = match value {
                        Value::Array(members) => {
                            Value::Array(members.iter().map(|m| self.subschema(m)).collect())
                        }
                        value => self.subschema(value),
                    };
                    out.insert(key.clone(), value);
                }
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
                out.insert(name.clone(), self.subschema(property));
            }
        }
        Value::Object(out)
    }

    /// A value in a place that holds a schema. Descriptions in the wild have `null` (or a
    /// string, a number) there; strict clients reject a whole `tools/list` over one such value,
    /// so it becomes "any value", with a warning.
    fn subschema(&mut self, value: &Value) -> Value {
        match value {
            Value::Object(_) | Value::Bool(_) => self.schema(value),
            other => {
                let kind = match other {
                    Value::Null => "null",
                    Value::Number(_) => "a number",
                    Value::String(_) => "a string",
                    _ => "an array",
                };
                self.problems.push(format!(
                    "a schema here is {kind}, which is not a schema; it accepts any value"
                ));
                Value::Bool(true)
            }
        }
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
            None => self.subschema(target),
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
        let value = self.subschema(target);
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
