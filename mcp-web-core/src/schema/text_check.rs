//! A tool's answer checked against its output schema while its text is read once, nothing
//! built: the fast path of the output check, for the schemas answers usually have.
//!
//! The full check reads the answer into an [`Instance`] and walks `jsonschema`'s validator over
//! it: a tree of vectors built, walked and freed, ~5,600 instructions for one ticket and the
//! largest cost of a call the mount owns after the in-process call itself. A [`TextCheck`] is
//! compiled once per tool from the same schema and checks the text as the [`Reader`] passes
//! over it. It covers `type`, `properties`, `required`, `additionalProperties`,
//! `propertyNames` that every string meets, `items`, `enum` and `const` of strings, booleans
//! and null, integer bounds, the lengths of strings and arrays, `$ref` within the schema,
//! `allOf`, `anyOf` and `oneOf`; annotations pass. A schema with any other keyword gets none.
//!
//! It decides only what it is sure of: *valid* where `jsonschema` says valid, *invalid* where
//! it says invalid (which `oneOf` needs), *unsure* otherwise (a fraction where an integer is
//! required, a bound on a number of more than 38 digits, a member named twice). The answer is
//! structured content on *valid*; on anything else the full check runs, so its verdict and
//! its warning stay the only ones a caller sees. A property test holds both verdicts to
//! `jsonschema`'s.

use std::{cell::Cell, collections::HashMap};

use serde_json::Value;

use super::instance::Instance;
use crate::json::{NotJson, reader::Reader};

/// Applications of a schema to one value nest no deeper than this: deeper is *unsure* (where a
/// cycle of `$ref`s that reads nothing ends).
const DEPTH_LIMIT: u32 = 128;

/// Applications of schemas a document may take, beyond a few per byte: schemas that apply
/// several others to the same value (`oneOf` of `$ref`s reaching back) could otherwise take
/// exponential time; past it the verdict is *unsure*.
const STEPS_PER_BYTE: u32 = 16;
const STEPS_AT_LEAST: u32 = 4096;

/// What checking one value found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Valid,
    Invalid,
    Unsure,
}

impl Verdict {
    fn of(holds: bool) -> Self {
        match holds {
            true => Verdict::Valid,
            false => Verdict::Invalid,
        }
    }

    /// Both hold.
    fn and(self, other: Self) -> Self {
        match (self, other) {
            (Verdict::Invalid, _) | (_, Verdict::Invalid) => Verdict::Invalid,
            (Verdict::Valid, Verdict::Valid) => Verdict::Valid,
            _ => Verdict::Unsure,
        }
    }
}

/// The kinds of JSON value `type` names, as bits.
type Kinds = u8;
const NULL: Kinds = 1;
const BOOLEAN: Kinds = 2;
const INTEGER: Kinds = 4;
/// Every number, integers included.
const NUMBER: Kinds = 8;
const STRING: Kinds = 16;
const ARRAY: Kinds = 32;
const OBJECT: Kinds = 64;
const EVERY_KIND: Kinds = 127;

/// An output schema compiled for checking answers as text.
#[derive(Debug)]
pub(crate) struct TextCheck {
    nodes: Vec<Node>,
    root: usize,
}

/// One schema.
#[derive(Debug)]
enum Node {
    /// `true`, or annotations only.
    Any,
    /// `false`.
    Nothing,
    /// Another node as it is: a `$ref` with nothing beside it.
    Same(usize),
    Rules(Box<Rules>),
    /// Being compiled (a `$ref` reaching back); never left once compiling succeeds.
    Pending,
}

/// The assertions of one schema object.
#[derive(Debug)]
struct Rules {
    /// `type`.
    kinds: Kinds,
    /// Each `enum` and `const`: the value is one of the set.
    literal_sets: Vec<Box<[Literal]>>,
    /// `properties`, sorted by name.
    properties: Box<[(Box<str>, usize)]>,
    /// `required` names among `properties`, as indices there.
    required: Box<[usize]>,
    /// `required` names not among `properties` (at most 64).
    required_elsewhere: Box<[Box<str>]>,
    /// `additionalProperties`; anything when `None`.
    additional: Option<usize>,
    items: Option<usize>,
    min_items: u64,
    max_items: u64,
    min_length: u64,
    max_length: u64,
    bounds: Vec<Bound>,
    /// `allOf` and `$ref`.
    all: Vec<usize>,
    any_of: Vec<Box<[usize]>>,
    one_of: Vec<Box<[usize]>>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            kinds: EVERY_KIND,
            literal_sets: Vec::new(),
            properties: Box::default(),
            required: Box::default(),
            required_elsewhere: Box::default(),
            additional: None,
            items: None,
            min_items: 0,
            max_items: u64::MAX,
            min_length: 0,
            max_length: u64::MAX,
            bounds: Vec::new(),
            all: Vec::new(),
            any_of: Vec::new(),
            one_of: Vec::new(),
        }
    }
}

/// A value of an `enum` or a `const`.
#[derive(Debug, PartialEq)]
enum Literal {
    Null,
    Bool(bool),
    String(Box<str>),
}

/// An integer bound on numbers.
#[derive(Debug, Clone, Copy)]
enum Bound {
    Minimum(i128),
    ExclusiveMinimum(i128),
    Maximum(i128),
    ExclusiveMaximum(i128),
}

impl Bound {
    fn holds(self, value: i128) -> bool {
        match self {
            Bound::Minimum(limit) => value >= limit,
            Bound::ExclusiveMinimum(limit) => value > limit,
            Bound::Maximum(limit) => value <= limit,
            Bound::ExclusiveMaximum(limit) => value < limit,
        }
    }
}

impl TextCheck {
    /// The check of `schema`, or `None` when it uses a keyword (or a form of one) this does
    /// not cover.
    pub(crate) fn compile(schema: &Value) -> Option<Self> {
        let mut compiler = Compiler {
            root: schema,
            nodes: Vec::new(),
            at_pointer: HashMap::new(),
        };
        let root = compiler.schema(schema)?;
        Some(TextCheck {
            nodes: compiler.nodes,
            root,
        })
    }

    /// Whether `body` is one JSON document that meets the schema (as `{"result": body}` when
    /// `wrapped`): `true` only when sure.
    pub(crate) fn accepts(&self, body: &[u8], wrapped: bool) -> bool {
        let Ok(text) = std::str::from_utf8(body) else {
            return false;
        };
        match wrapped {
            false => self.verdict(text) == Some(true),
            true => {
                let mut whole = String::with_capacity(text.len() + 12);
                whole.push_str("{\"result\":");
                whole.push_str(text);
                whole.push('}');
                self.verdict(&whole) == Some(true)
            }
        }
    }

    /// `Some(valid)` when sure, `None` when unsure or `text` is not one JSON document.
    fn verdict(&self, text: &str) -> Option<bool> {
        let mut reader = Reader::new(text);
        let steps = Cell::new(
            u32::try_from(text.len())
                .unwrap_or(u32::MAX)
                .saturating_mul(STEPS_PER_BYTE)
                .max(STEPS_AT_LEAST),
        );
        let verdict = self.check(self.root, &mut reader, 0, &steps).ok()?;
        reader.end().ok()?;
        match verdict {
            Verdict::Valid => Some(true),
            Verdict::Invalid => Some(false),
            Verdict::Unsure => None,
        }
    }

    /// Node `id` applied to the next value, which is read whatever the verdict.
    fn check(
        &self,
        id: usize,
        reader: &mut Reader<'_>,
        depth: u32,
        steps: &Cell<u32>,
    ) -> Result<Verdict, NotJson> {
        let left = steps.get();
        steps.set(left.saturating_sub(1));
        if depth > DEPTH_LIMIT || left == 0 {
            reader.skip()?;
            return Ok(Verdict::Unsure);
        }
        let rules = match &self.nodes[id] {
            Node::Any => return reader.skip().map(|()| Verdict::Valid),
            Node::Nothing => return reader.skip().map(|()| Verdict::Invalid),
            Node::Pending => return reader.skip().map(|()| Verdict::Unsure),
            Node::Same(next) => return self.check(*next, reader, depth + 1, steps),
            Node::Rules(rules) => rules,
        };
        if rules.all.is_empty() && rules.any_of.is_empty() && rules.one_of.is_empty() {
            return self.own(rules, reader, depth, steps);
        }
        // Several schemas apply to this value: each reads its text again.
        let text = reader.value_text()?;
        let mut verdict = self.own(rules, &mut Reader::new(text), depth, steps)?;
        for &next in &rules.all {
            verdict = verdict.and(self.check(next, &mut Reader::new(text), depth + 1, steps)?);
        }
        for set in &rules.any_of {
            let verdicts = self.each(set, text, depth, steps)?;
            verdict = verdict.and(match verdicts {
                (valid, _, _) if valid > 0 => Verdict::Valid,
                (0, 0, _) => Verdict::Invalid,
                _ => Verdict::Unsure,
            });
        }
        for set in &rules.one_of {
            let verdicts = self.each(set, text, depth, steps)?;
            verdict = verdict.and(match verdicts {
                (valid, _, _) if valid > 1 => Verdict::Invalid,
                (valid, 0, _) => Verdict::of(valid == 1),
                _ => Verdict::Unsure,
            });
        }
        Ok(verdict)
    }

    /// How many of `set` find `text` valid, unsure and invalid.
    fn each(
        &self,
        set: &[usize],
        text: &str,
        depth: u32,
        steps: &Cell<u32>,
    ) -> Result<(u32, u32, u32), NotJson> {
        let mut counts = (0, 0, 0);
        for &next in set {
            match self.check(next, &mut Reader::new(text), depth + 1, steps)? {
                Verdict::Valid => counts.0 += 1,
                Verdict::Unsure => counts.1 += 1,
                Verdict::Invalid => counts.2 += 1,
            }
        }
        Ok(counts)
    }

    /// A schema object's own assertions (not its subschemas in place) on the next value.
    fn own(
        &self,
        rules: &Rules,
        reader: &mut Reader<'_>,
        depth: u32,
        steps: &Cell<u32>,
    ) -> Result<Verdict, NotJson> {
        match reader.next_byte() {
            Some(b'{') => self.object(rules, reader, depth, steps),
            Some(b'[') => self.array(rules, reader, depth, steps),
            Some(b'"') => {
                let text = reader.text()?;
                Ok(string(rules, &text))
            }
            _ => {
                let (value, text) = reader.scalar()?;
                Ok(scalar(rules, &value, text))
            }
        }
    }

    fn object(
        &self,
        rules: &Rules,
        reader: &mut Reader<'_>,
        depth: u32,
        steps: &Cell<u32>,
    ) -> Result<Verdict, NotJson> {
        // `enum` and `const` hold scalars only.
        if rules.kinds & OBJECT == 0 || !rules.literal_sets.is_empty() {
            return reader.skip().map(|()| Verdict::Invalid);
        }
        let mut seen = [0u64; 4];
        let mut seen_elsewhere = 0u64;
        let mut repeated = false;
        let mut verdict = Verdict::Valid;
        reader.members(|reader, name| {
            match property(&rules.properties, &name) {
                Some(at) => {
                    let bit = 1u64 << (at % 64);
                    repeated |= seen[at / 64] & bit != 0;
                    seen[at / 64] |= bit;
                    verdict = verdict.and(self.check(
                        rules.properties[at].1,
                        reader,
                        depth + 1,
                        steps,
                    )?);
                }
                None => {
                    if let Some(at) = rules.required_elsewhere.iter().position(|n| **n == *name) {
                        repeated |= seen_elsewhere & 1 << at != 0;
                        seen_elsewhere |= 1 << at;
                    }
                    verdict = verdict.and(match rules.additional {
                        None => reader.skip().map(|()| Verdict::Valid)?,
                        Some(next) if matches!(self.nodes[next], Node::Nothing) => {
                            reader.skip().map(|()| Verdict::Invalid)?
                        }
                        // A name given twice could make this member's last value the one
                        // that counts, and no other name is remembered: invalid is unsure.
                        Some(next) => match self.check(next, reader, depth + 1, steps)? {
                            Verdict::Invalid => Verdict::Unsure,
                            verdict => verdict,
                        },
                    });
                }
            }
            Ok(())
        })?;
        // A repeated member counts with its last value only: what the first said may not hold.
        if repeated {
            return Ok(Verdict::Unsure);
        }
        let has = |at: &usize| seen[at / 64] & 1 << (at % 64) != 0;
        let all_elsewhere = match rules.required_elsewhere.len() {
            64 => u64::MAX,
            count => (1u64 << count) - 1,
        };
        let complete = rules.required.iter().all(has) && seen_elsewhere == all_elsewhere;
        Ok(verdict.and(Verdict::of(complete)))
    }

    fn array(
        &self,
        rules: &Rules,
        reader: &mut Reader<'_>,
        depth: u32,
        steps: &Cell<u32>,
    ) -> Result<Verdict, NotJson> {
        if rules.kinds & ARRAY == 0 || !rules.literal_sets.is_empty() {
            return reader.skip().map(|()| Verdict::Invalid);
        }
        let mut count = 0u64;
        let mut verdict = Verdict::Valid;
        reader.items(|reader| {
            count += 1;
            verdict = verdict.and(match rules.items {
                None => reader.skip().map(|()| Verdict::Valid)?,
                Some(next) => self.check(next, reader, depth + 1, steps)?,
            });
            Ok(())
        })?;
        Ok(verdict.and(Verdict::of(
            (rules.min_items..=rules.max_items).contains(&count),
        )))
    }
}

/// Where `name` is among `properties`: names of another length are passed over first, as most
/// are (a binary search compares the bytes of four names for a usual record).
fn property(properties: &[(Box<str>, usize)], name: &str) -> Option<usize> {
    (properties.iter()).position(|(known, _)| known.len() == name.len() && **known == *name)
}

/// A schema object's assertions on a string.
fn string(rules: &Rules, value: &str) -> Verdict {
    if rules.kinds & STRING == 0 {
        return Verdict::Invalid;
    }
    if !rules.literal_sets.is_empty() {
        let in_sets = rules.literal_sets.iter().all(|set| {
            (set.iter()).any(|literal| matches!(literal, Literal::String(s) if **s == *value))
        });
        if !in_sets {
            return Verdict::Invalid;
        }
    }
    if rules.min_length > 0 || rules.max_length < u64::MAX {
        let length = value.chars().count() as u64;
        return Verdict::of((rules.min_length..=rules.max_length).contains(&length));
    }
    Verdict::Valid
}

/// A schema object's assertions on `null`, a boolean or a number, `text` being it as written.
fn scalar(rules: &Rules, value: &Instance<'_>, text: &str) -> Verdict {
    let (kind_holds, literal) = match value {
        Instance::Null => (rules.kinds & NULL != 0, Literal::Null),
        Instance::Bool(value) => (rules.kinds & BOOLEAN != 0, Literal::Bool(*value)),
        Instance::Number(number) => return self::number(rules, number, text),
        Instance::String(_) | Instance::Array(_) | Instance::Object(_) => return Verdict::Unsure,
    };
    let in_sets = rules.literal_sets.iter().all(|set| set.contains(&literal));
    Verdict::of(kind_holds && in_sets)
}

/// A schema object's assertions on a number, `text` being it as written.
fn number(rules: &Rules, number: &serde_json::Number, text: &str) -> Verdict {
    // `1.0` is an integer to JSON Schema too; only a plain one is decided here.
    let plain = || {
        let digits = text.strip_prefix('-').unwrap_or(text);
        digits.bytes().all(|b| b.is_ascii_digit())
    };
    let kind = match rules.kinds {
        kinds if kinds & NUMBER != 0 => Verdict::Valid,
        kinds if kinds & INTEGER != 0 && plain() => Verdict::Valid,
        kinds if kinds & INTEGER != 0 => Verdict::Unsure,
        _ => Verdict::Invalid,
    };
    // Only strings, booleans and null are compiled into sets.
    let in_sets = Verdict::of(rules.literal_sets.is_empty());
    let bounds = match rules.bounds.is_empty() {
        true => Verdict::Valid,
        false => {
            let value = match (number.as_u64(), number.as_i64()) {
                (Some(value), _) => Some(i128::from(value)),
                (_, Some(value)) => Some(i128::from(value)),
                // Beyond 64 bits serde_json keeps a float; the text is exact.
                _ if plain() => text.parse::<i128>().ok(),
                _ => None,
            };
            match value {
                Some(value) => Verdict::of(rules.bounds.iter().all(|b| b.holds(value))),
                None => Verdict::Unsure,
            }
        }
    };
    kind.and(in_sets).and(bounds)
}

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
struct Compiler<'s> {
    root: &'s Value,
    nodes: Vec<Node>,
    /// Nodes of `$ref` targets, by JSON pointer: each compiled once, cycles included.
    at_pointer: HashMap<&'s str, usize>,
}

impl<'s> Compiler<'s> {
    fn schema(&mut self, schema: &'s Value) -> Option<usize> {
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
                    properties.sort_by(|a, b| a.0.cmp(&b.0));
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
            match rules
                .properties
                .binary_search_by(|(known, _)| (**known).cmp(name))
            {
                Ok(at) => required_here.push(at),
                Err(_) => required_elsewhere.push(Box::from(name)),
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

#[cfg(test)]
mod tests;
