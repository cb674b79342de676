//! JSON Schema from OpenAPI schema objects: `$ref`s resolved against `components`.
//!
//! Non-recursive references are inlined, because several MCP clients reject `$ref`. Schemas that
//! reach themselves are kept once under the tool schema's `$defs` and referenced as
//! `#/$defs/Name`, so a recursive model never recurses forever.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Which side of the call a schema describes: inputs drop `readOnly` properties, outputs drop
/// `writeOnly` ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Input,
    Output,
}

/// Resolves schemas of one OpenAPI document. Built once per document.
#[derive(Debug)]
pub(crate) struct SchemaResolver<'a> {
    document: &'a Value,
    schemas: Option<&'a Map<String, Value>>,
    recursive: BTreeSet<String>,
}

/// One resolution: the `$defs` a schema needs are gathered while walking it.
struct Walk<'r, 'a> {
    resolver: &'r SchemaResolver<'a>,
    direction: Direction,
    needed_defs: BTreeSet<String>,
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
        Self {
            document,
            schemas,
            recursive,
        }
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
        let pointer = reference.strip_prefix('#')?;
        let pointer = pointer.replace("~1", "/").replace("~0", "~");
        self.document.pointer(&pointer)
    }

    /// Resolve one schema for the given direction.
    pub(crate) fn resolve(&self, schema: &Value, direction: Direction) -> Resolved {
        let mut walk = Walk {
            resolver: self,
            direction,
            needed_defs: BTreeSet::new(),
            depth: 0,
            problems: Vec::new(),
        };
        let schema = walk.schema(schema);
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

impl Walk<'_, '_> {
    fn schema(&mut self, schema: &Value) -> Value {
        let Value::Object(object) = schema else {
            return schema.clone();
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            return self.reference(reference, object);
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
                "enum" | "const" | "default" | "examples" | "required" => {
                    out.insert(key.clone(), value.clone());
                }
                // OpenAPI-only keywords with no meaning in JSON Schema.
                "discriminator" | "xml" | "externalDocs" | "nullable" => {}
                "example" => {
                    out.entry("examples")
                        .or_insert_with(|| Value::Array(vec![value.clone()]));
                }
                "properties" => {
                    let properties = self.properties(value);
                    out.insert(key.clone(), properties);
                }
                _ => {
                    out.insert(key.clone(), self.nested(value));
                }
            }
        }
        self.depth -= 1;
        if object.get("nullable").and_then(Value::as_bool) == Some(true) {
            make_nullable(&mut out);
        }
        if let (Some(Value::Array(required)), Some(Value::Object(properties))) =
            (out.get("required"), out.get("properties"))
        {
            // readOnly/writeOnly properties removed above must not stay required.
            let kept: Vec<Value> = required
                .iter()
                .filter(|name| name.as_str().is_some_and(|n| properties.contains_key(n)))
                .cloned()
                .collect();
            out.insert("required".into(), Value::Array(kept));
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
        let skip = match self.direction {
            Direction::Input => "readOnly",
            Direction::Output => "writeOnly",
        };
        let mut out = Map::with_capacity(properties.len());
        for (name, property) in properties {
            let flagged = self
                .resolver
                .follow(property)
                .and_then(|p| p.get(skip))
                .and_then(Value::as_bool)
                == Some(true)
                || property.get(skip).and_then(Value::as_bool) == Some(true);
            if !flagged {
                out.insert(name.clone(), self.schema(property));
            }
        }
        Value::Object(out)
    }

    fn reference(&mut self, reference: &str, object: &Map<String, Value>) -> Value {
        let siblings: Map<String, Value> = object
            .iter()
            .filter(|(key, _)| key.as_str() != "$ref")
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        if let Some(name) = reference.strip_prefix(SCHEMA_PREFIX) {
            let name = name.replace("~1", "/").replace("~0", "~");
            if self.resolver.recursive.contains(&name) {
                self.needed_defs.insert(name.clone());
                let mut out = siblings;
                out.insert("$ref".into(), Value::String(format!("#/$defs/{name}")));
                return Value::Object(out);
            }
        }
        let Some(target) = self.resolver.lookup(reference) else {
            self.problems.push(format!(
                "unresolvable reference {reference}; it accepts any value"
            ));
            return Value::Object(siblings);
        };
        let resolved = self.schema(target);
        match resolved {
            Value::Object(mut out) if !siblings.is_empty() => {
                // Keywords beside a $ref (3.1: description, default) refine the target.
                for (key, value) in siblings {
                    let value = self.nested(&value);
                    out.insert(key, value);
                }
                Value::Object(out)
            }
            other => other,
        }
    }
}

fn make_nullable(schema: &mut Map<String, Value>) {
    match schema.get_mut("type") {
        Some(Value::String(single)) => {
            let single = std::mem::take(single);
            schema.insert(
                "type".into(),
                Value::Array(vec![Value::String(single), Value::String("null".into())]),
            );
        }
        Some(Value::Array(types)) => {
            if !types.iter().any(|t| t == "null") {
                types.push(Value::String("null".into()));
            }
        }
        _ => {
            let inner = Value::Object(std::mem::take(schema));
            schema.insert(
                "anyOf".into(),
                Value::Array(vec![inner, serde_json::json!({"type": "null"})]),
            );
        }
    }
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
                    if let Some(name) = value.as_str().and_then(|r| r.strip_prefix(SCHEMA_PREFIX)) {
                        found(&name.replace("~1", "/").replace("~0", "~"));
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

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
        assert_eq!(resolved.schema, json!({"$ref": "#/$defs/Node"}));
        let node = &resolved.defs["Node"];
        assert_eq!(node["properties"]["tag"], json!({"type": "string"}));
        assert_eq!(
            node["properties"]["children"]["items"],
            json!({"$ref": "#/$defs/Node"})
        );
        assert!(resolved.problems.is_empty());
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
}
