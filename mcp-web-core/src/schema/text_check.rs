//! A tool's answer checked against its output schema while its text is read once, nothing
//! built: the fast path of the output check, for the schemas answers usually have.
//!
//! The full check reads the answer into an [`Instance`](super::instance::Instance) and walks
//! `jsonschema`'s validator over it: a tree of vectors built, walked and freed, ~5,600
//! instructions for one ticket and the largest cost of a call the mount owns after the
//! in-process call itself. A [`TextCheck`] is compiled once per tool from the same schema and
//! checks the text as the [`Reader`] passes over it. It covers `type`, `properties`,
//! `required`, `additionalProperties`, `propertyNames` that every string meets, `items`,
//! `enum` and `const` of strings, booleans and null, integer bounds, the lengths of strings
//! and arrays, `$ref` within the schema, `allOf`, `anyOf` and `oneOf`; annotations pass. A
//! schema with any other keyword gets none.
//!
//! It decides only what it is sure of: *valid* where `jsonschema` says valid, *invalid* where
//! it says invalid (which `oneOf` needs), *unsure* otherwise (a fraction where an integer is
//! required, a bound on a number of more than 38 digits, a member named twice). The answer is
//! structured content on *valid*; on anything else the full check runs, so its verdict and
//! its warning stay the only ones a caller sees. A property test holds both verdicts to
//! `jsonschema`'s.

use std::{cell::Cell, collections::HashMap};

use serde_json::Value;

use super::instance::{InPlace, output_validator};
use crate::json::reader::Reader;
use compile::Compiler;
use walk::Walk;

mod compile;
mod walk;

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

/// An output schema's checks, compiled from one copy of it: the full one (`jsonschema` over
/// an answer read in place), and this one-pass check when the schema is made of the keywords
/// it covers.
#[derive(Debug)]
pub(crate) struct OutputChecks {
    pub(crate) full: jsonschema::Validator<InPlace>,
    pub(crate) one_pass: Option<TextCheck>,
}

impl OutputChecks {
    /// `None` when the schema does not compile for the full check.
    pub(crate) fn new(schema: &Value) -> Option<Self> {
        Some(OutputChecks {
            full: output_validator(schema)?,
            one_pass: TextCheck::compile(schema),
        })
    }
}

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
    /// `properties`: each name and its node.
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

impl Rules {
    /// Where `name` is among `properties`: names of another length are passed over first, as
    /// most are (a binary search compares the bytes of four names for a usual record).
    fn property(&self, name: &str) -> Option<usize> {
        (self.properties.iter())
            .position(|(known, _)| known.len() == name.len() && **known == *name)
    }
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
    pub(crate) fn verdict(&self, text: &str) -> Option<bool> {
        let mut reader = Reader::new(text);
        let walk = Walk {
            plan: self,
            steps: Cell::new(
                u32::try_from(text.len())
                    .unwrap_or(u32::MAX)
                    .saturating_mul(STEPS_PER_BYTE)
                    .max(STEPS_AT_LEAST),
            ),
        };
        let verdict = walk.check(self.root, &mut reader, 0).ok()?;
        reader.end().ok()?;
        match verdict {
            Verdict::Valid => Some(true),
            Verdict::Invalid => Some(false),
            Verdict::Unsure => None,
        }
    }
}

#[cfg(test)]
mod tests;
