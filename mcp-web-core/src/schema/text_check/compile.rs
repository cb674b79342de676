//! Output schemas compiled into plans: keyword by keyword, `None` for anything not covered.

use std::collections::HashMap;

use serde_json::Value;

use super::{
    ARRAY, BOOLEAN, Bound, DEPTH_LIMIT, INTEGER, Kinds, Literal, NULL, NUMBER, Node, OBJECT, Rules,
    STRING,
};

/// Keywords that assert nothing about an answer.
fn is_annotation(keyword: &str) -> bool {
    matches!(
        keyword,
        "description"
            | "title"
            | "examples"
            | "example"
            | "default"
            | "deprecated"
            | "readOnly"
            | "writeOnly"
            | "$comment"
            | "format"
            | "$defs"
            | "definitions"
    ) || keyword.starts_with("x-")
}

/// Compiles schemas into nodes; `None` for anything not covered.
pub(super) struct Compiler<'s> {
    pub(super) root: &'s Value,
    pub(super) nodes: Vec<Node>,
    /// Nodes of `$ref` targets, by JSON pointer: each compiled once, cycles included.
    pub(super) at_pointer: HashMap<&'s str, usize>,
}

impl<'s> Compiler<'s> {
    pub(super) fn schema(&mut self, schema: &'s Value) -> Option<usize> {
        match self.node(schema)? {
            Node::Same(next) => Some(next),
            node => {
                self.nodes.push(node);
                Some(self.nodes.len() - 1)
            }
        }
    }

    fn reference(&mut self, reference: &'s str) -> Option<usize> {
        // Percent-encoded pointers are left to `jsonschema`.
        let pointer = reference.strip_prefix('#').filter(|p| !p.contains('%'))?;
        if let Some(&id) = self.at_pointer.get(pointer) {
            return Some(id);
        }
        let target = self.root.pointer(pointer)?;
        let id = self.nodes.len();
        self.nodes.push(Node::Pending);
        self.at_pointer.insert(pointer, id);
        self.nodes[id] = self.node(target)?;
        Some(id)
    }

    fn node(&mut self, schema: &'s Value) -> Option<Node> {
        let object = match schema {
            Value::Bool(true) => return Some(Node::Any),
            Value::Bool(false) => return Some(Node::Nothing),
            Value::Object(object) => object,
            _ => return None,
        };
        let mut rules = Rules::default();
        let mut asserts = false;
        let mut required: Vec<&str> = Vec::new();
        for (keyword, value) in object {
            let is_assertion = keyword != "$ref" && !is_annotation(keyword);
            asserts |= is_assertion;
            match keyword.as_str() {
                "type" => rules.kinds = kinds(value)?,
                "enum" => rules.literal_sets.push(
                    (value.as_array()?.iter())
                        .map(literal)
                        .collect::<Option<_>>()?,
                ),
                "const" => rules.literal_sets.push(Box::new([literal(value)?])),
                "properties" => {
                    let mut properties: Vec<(Box<str>, usize)> = Vec::new();
                    for (name, property) in value.as_object()? {
                        properties.push((Box::from(name.as_str()), self.schema(property)?));
                    }
                    rules.properties = properties.into();
                }
                "required" => {
                    for name in value.as_array()? {
                        required.push(name.as_str()?);
                    }
                }
                "additionalProperties" => {
                    let id = self.schema(value)?;
                    rules.additional = (!matches!(self.nodes[id], Node::Any)).then_some(id);
                }
                "propertyNames" => {
                    let id = self.schema(value)?;
                    if !self.accepts_every_string(id, 0) {
                        return None;
                    }
                }
                "items" => rules.items = Some(self.schema(value)?),
                "minItems" => rules.min_items = value.as_u64()?,
                "maxItems" => rules.max_items = value.as_u64()?,
                "minLength" => rules.min_length = value.as_u64()?,
                "maxLength" => rules.max_length = value.as_u64()?,
                "minimum" => rules.bounds.push(Bound::Minimum(integer(value)?)),
                "exclusiveMinimum" => rules.bounds.push(Bound::ExclusiveMinimum(integer(value)?)),
                "maximum" => rules.bounds.push(Bound::Maximum(integer(value)?)),
                "exclusiveMaximum" => rules.bounds.push(Bound::ExclusiveMaximum(integer(value)?)),
                "allOf" => {
                    for schema in non_empty(value)? {
                        let id = self.schema(schema)?;
                        rules.all.push(id);
                    }
                }
                "anyOf" => {
                    let set = self.set(value)?;
                    rules.any_of.push(set);
                }
                "oneOf" => {
                    let set = self.set(value)?;
                    rules.one_of.push(set);
                }
                "$ref" => {
                    let id = self.reference(value.as_str()?)?;
                    rules.all.push(id);
                }
                _ if !is_assertion => {}
                _ => return None,
            }
        }
        // Resolved once every keyword is read: `properties` may come after `required`.
        let mut required_here = Vec::new();
        let mut required_elsewhere = Vec::new();
        for name in required {
            match rules.property(name) {
                Some(at) => required_here.push(at),
                None => required_elsewhere.push(Box::from(name)),
            }
        }
        if rules.properties.len() > 256 || required_elsewhere.len() > 64 {
            return None;
        }
        rules.required = required_here.into();
        rules.required_elsewhere = required_elsewhere.into();
        Some(match (asserts, rules.all.as_slice()) {
            (false, []) if rules.any_of.is_empty() && rules.one_of.is_empty() => Node::Any,
            (false, [only]) if rules.any_of.is_empty() && rules.one_of.is_empty() => {
                Node::Same(*only)
            }
            _ => Node::Rules(Box::new(rules)),
        })
    }

    fn set(&mut self, schemas: &'s Value) -> Option<Box<[usize]>> {
        non_empty(schemas)?.iter().map(|s| self.schema(s)).collect()
    }

    /// Whether node `id` holds for every string (what `propertyNames` may say here).
    fn accepts_every_string(&self, id: usize, depth: u32) -> bool {
        match &self.nodes[id] {
            Node::Any => true,
            Node::Nothing | Node::Pending => false,
            Node::Same(next) => depth < DEPTH_LIMIT && self.accepts_every_string(*next, depth + 1),
            Node::Rules(rules) => {
                rules.kinds & STRING != 0
                    && rules.literal_sets.is_empty()
                    && rules.min_length == 0
                    && rules.max_length == u64::MAX
                    && rules.any_of.is_empty()
                    && rules.one_of.is_empty()
                    && (rules.all.iter()).all(|&next| {
                        depth < DEPTH_LIMIT && self.accepts_every_string(next, depth + 1)
                    })
            }
        }
    }
}

fn non_empty(schemas: &Value) -> Option<&Vec<Value>> {
    schemas.as_array().filter(|all| !all.is_empty())
}

fn kinds(value: &Value) -> Option<Kinds> {
    let kind = |name: &Value| match name.as_str()? {
        "null" => Some(NULL),
        "boolean" => Some(BOOLEAN),
        "integer" => Some(INTEGER),
        "number" => Some(NUMBER | INTEGER),
        "string" => Some(STRING),
        "array" => Some(ARRAY),
        "object" => Some(OBJECT),
        _ => None,
    };
    match value {
        Value::Array(names) => names
            .iter()
            .try_fold(0, |kinds, name| Some(kinds | kind(name)?)),
        name => kind(name),
    }
}

fn literal(value: &Value) -> Option<Literal> {
    match value {
        Value::Null => Some(Literal::Null),
        Value::Bool(value) => Some(Literal::Bool(*value)),
        Value::String(text) => Some(Literal::String(text.as_str().into())),
        _ => None,
    }
}

fn integer(value: &Value) -> Option<i128> {
    (value.as_i64().map(i128::from)).or_else(|| value.as_u64().map(i128::from))
}
