//! A plan walked over one document's text: each value read once and judged as it goes, a
//! schema that applies several others to one value reading that value's text again.

use std::cell::Cell;

use super::{
    ARRAY, BOOLEAN, DEPTH_LIMIT, INTEGER, Kinds, Literal, NULL, NUMBER, Node, OBJECT, Rules,
    STRING, TextCheck, Verdict,
};
use crate::{
    json::{NotJson, reader::Reader},
    schema::instance::Instance,
};

/// One document's check: the plan, and the steps it has left.
pub(super) struct Walk<'c> {
    pub(super) plan: &'c TextCheck,
    pub(super) steps: Cell<u32>,
}

impl Walk<'_> {
    /// Node `id` applied to the next value, which is read whatever the verdict.
    pub(super) fn check(
        &self,
        id: usize,
        reader: &mut Reader<'_>,
        depth: u32,
    ) -> Result<Verdict, NotJson> {
        let left = self.steps.get();
        self.steps.set(left.saturating_sub(1));
        if depth > DEPTH_LIMIT || left == 0 {
            reader.skip()?;
            return Ok(Verdict::Unsure);
        }
        let rules = match &self.plan.nodes[id] {
            Node::Any => return reader.skip().map(|()| Verdict::Valid),
            Node::Nothing => return reader.skip().map(|()| Verdict::Invalid),
            Node::Pending => return reader.skip().map(|()| Verdict::Unsure),
            Node::Same(next) => return self.check(*next, reader, depth + 1),
            Node::Rules(rules) => rules,
        };
        if rules.all.is_empty() && rules.any_of.is_empty() && rules.one_of.is_empty() {
            return self.own(rules, reader, depth);
        }
        // Several schemas apply to this value: each reads its text again.
        let text = reader.value_text()?;
        let mut verdict = self.own(rules, &mut Reader::new(text), depth)?;
        for &next in &rules.all {
            verdict = verdict.and(self.check(next, &mut Reader::new(text), depth + 1)?);
        }
        for set in &rules.any_of {
            let verdicts = self.each(set, text, depth)?;
            verdict = verdict.and(match verdicts {
                (valid, _, _) if valid > 0 => Verdict::Valid,
                (0, 0, _) => Verdict::Invalid,
                _ => Verdict::Unsure,
            });
        }
        for set in &rules.one_of {
            let verdicts = self.each(set, text, depth)?;
            verdict = verdict.and(match verdicts {
                (valid, _, _) if valid > 1 => Verdict::Invalid,
                (valid, 0, _) => Verdict::of(valid == 1),
                _ => Verdict::Unsure,
            });
        }
        Ok(verdict)
    }

    /// How many of `set` find `text` valid, unsure and invalid.
    fn each(&self, set: &[usize], text: &str, depth: u32) -> Result<(u32, u32, u32), NotJson> {
        let mut counts = (0, 0, 0);
        for &next in set {
            match self.check(next, &mut Reader::new(text), depth + 1)? {
                Verdict::Valid => counts.0 += 1,
                Verdict::Unsure => counts.1 += 1,
                Verdict::Invalid => counts.2 += 1,
            }
        }
        Ok(counts)
    }

    /// A schema object's own assertions (not its subschemas in place) on the next value.
    fn own(&self, rules: &Rules, reader: &mut Reader<'_>, depth: u32) -> Result<Verdict, NotJson> {
        match reader.next_byte() {
            Some(b'{') => self.object(rules, reader, depth),
            Some(b'[') => self.array(rules, reader, depth),
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
    ) -> Result<Verdict, NotJson> {
        if !admits(rules, OBJECT) {
            return reader.skip().map(|()| Verdict::Invalid);
        }
        let mut seen = [0u64; 4];
        let mut seen_elsewhere = 0u64;
        let mut repeated = false;
        let mut verdict = Verdict::Valid;
        reader.members(|reader, name| {
            match rules.property(&name) {
                Some(at) => {
                    let bit = 1u64 << (at % 64);
                    repeated |= seen[at / 64] & bit != 0;
                    seen[at / 64] |= bit;
                    verdict = verdict.and(self.check(rules.properties[at].1, reader, depth + 1)?);
                }
                None => {
                    if let Some(at) = rules.required_elsewhere.iter().position(|n| **n == *name) {
                        repeated |= seen_elsewhere & 1 << at != 0;
                        seen_elsewhere |= 1 << at;
                    }
                    verdict = verdict.and(match rules.additional {
                        None => reader.skip().map(|()| Verdict::Valid)?,
                        Some(next) if matches!(self.plan.nodes[next], Node::Nothing) => {
                            reader.skip().map(|()| Verdict::Invalid)?
                        }
                        // A name given twice could make this member's last value the one
                        // that counts, and no other name is remembered: invalid is unsure.
                        Some(next) => match self.check(next, reader, depth + 1)? {
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
    ) -> Result<Verdict, NotJson> {
        if !admits(rules, ARRAY) {
            return reader.skip().map(|()| Verdict::Invalid);
        }
        let mut count = 0u64;
        let mut verdict = Verdict::Valid;
        reader.items(|reader| {
            count += 1;
            verdict = verdict.and(match rules.items {
                None => reader.skip().map(|()| Verdict::Valid)?,
                Some(next) => self.check(next, reader, depth + 1)?,
            });
            Ok(())
        })?;
        Ok(verdict.and(Verdict::of(
            (rules.min_items..=rules.max_items).contains(&count),
        )))
    }
}

/// Whether an object or an array (`kind`) may meet `rules` at all: `enum` and `const` hold
/// scalars only.
fn admits(rules: &Rules, kind: Kinds) -> bool {
    rules.kinds & kind != 0 && rules.literal_sets.is_empty()
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
