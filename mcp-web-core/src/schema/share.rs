//! Properties that several objects of one output schema have alike, kept once: GitHub's full and
//! minimal repository, issue or pull request share dozens of them inside one result. The shared
//! members go under `$defs` as `{"properties": {…}}`, and each object applies that entry with
//! `"allOf": [{"$ref": "#/$defs/…"}]` beside the properties of its own.
//!
//! Validation is unchanged: `properties` judges each named member on its own, whichever schema
//! object holds it, and `required`, `type` and every other keyword stay in the object. Only
//! keywords that read an object's own `properties` could tell the difference, so an object with
//! `additionalProperties`, `patternProperties`, `propertyNames`, a `$ref` or an `allOf` of its own
//! is never changed, and a schema with `unevaluatedProperties` anywhere not at all (it reads
//! through `allOf`, but nothing here needs to find out how). The root keeps its properties:
//! clients read them.
//!
//! This runs on the result of the compaction (`compact`), where each part that recurs is
//! already one `$defs` entry, so equal members are equal JSON. A member is a property name with
//! its schema; a set of members moves when that saves at least [`MIN_SAVED_BYTES`]: the pair of
//! objects with the most bytes of members in common is found through an index of which objects
//! hold each member, every object that holds all of those members joins, and the search starts
//! again on what is left, until no set saves enough.

use std::{
    collections::{HashMap, HashSet},
    hash::{BuildHasherDefault, Hash, Hasher},
};

use serde_json::{Map, Value};

use super::{
    compact::{Fx, def_name, hash_value, json_len, role, subschemas, subschemas_mut, unique_name},
    pointer::def_ref,
};

/// A set of members stays in its objects unless moving it saves this many bytes of compact
/// JSON: a smaller gain is not worth a reader looking in two places.
const MIN_SAVED_BYTES: usize = 100;

/// Keywords that read an object's own `properties` (or would need merging with a new `allOf`):
/// an object with one of them keeps its members.
const READS_PROPERTIES: [&str; 5] = [
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "allOf",
    "$ref",
];

/// Keep the members that several objects of `root` have alike once (module docs). `root` is a
/// compacted output schema whose references are all `#/$defs/Name`.
pub(super) fn share_properties(root: &mut Map<String, Value>) {
    let plan = {
        let mut found = Found::default();
        found.visit(root, true, None);
        if found.unevaluated || found.objects.len() < 2 {
            return;
        }
        let taken: HashSet<String> = match root.get("$defs") {
            Some(Value::Object(defs)) => defs.keys().cloned().collect(),
            _ => HashSet::new(),
        };
        found.plan(taken)
    };
    if plan.groups.is_empty() {
        return;
    }
    let mut apply = Apply {
        plan: &plan,
        position: 0,
        bodies: vec![None; plan.groups.len()],
    };
    apply.visit(root);
    let bodies = apply.bodies;
    let defs = root
        .entry("$defs")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(defs) = defs {
        for (group, body) in plan.groups.iter().zip(bodies) {
            let body = super::single("properties", Value::Object(body.unwrap_or_default()));
            defs.insert(group.name.clone(), body);
        }
    }
}

/// An object that may give members to a shared set.
#[derive(Debug)]
struct Object {
    /// Its pre-order position among the schema objects of the tree.
    position: usize,
    /// What a shared set may be named after: its `$defs` name, else the property it describes,
    /// else its title.
    hint: Option<String>,
    /// Its members not shared yet, as member ids, sorted.
    members: Vec<u32>,
    /// Whether it applies a shared set already (one more costs a shorter `allOf` entry).
    shares: bool,
}

/// The first pass: the objects that may share members, and the distinct members.
#[derive(Debug, Default)]
struct Found<'a> {
    objects: Vec<Object>,
    /// Member ids by hash (equal hashes are confirmed by comparing).
    by_hash: HashMap<u64, Vec<u32>, BuildHasherDefault<Fx>>,
    /// Each member's property name and schema.
    members: Vec<(&'a str, &'a Value)>,
    /// Each member's compact JSON bytes in a `properties` object (`"name":schema,`).
    sizes: Vec<usize>,
    position: usize,
    unevaluated: bool,
}

/// A set of members kept once.
#[derive(Debug)]
struct Group {
    name: String,
    /// Property names, sorted.
    names: Vec<String>,
}

/// What the second pass does.
#[derive(Debug, Default)]
struct Plan {
    groups: Vec<Group>,
    /// The groups each object applies, in order, by position.
    applied: HashMap<usize, Vec<usize>>,
}

impl<'a> Found<'a> {
    /// Visit one schema object and its subschemas in pre-order (as [`Apply::visit`] does).
    fn visit(&mut self, schema: &'a Map<String, Value>, is_root: bool, hint: Option<&str>) {
        let position = self.position;
        self.position += 1;
        self.unevaluated |= schema.contains_key("unevaluatedProperties");
        if !is_root
            && let Some(Value::Object(properties)) = schema.get("properties")
            && properties.len() >= 2
            && !READS_PROPERTIES.iter().any(|k| schema.contains_key(*k))
        {
            let mut members: Vec<u32> = properties
                .iter()
                .map(|(name, sub)| self.member(name, sub))
                .collect();
            members.sort_unstable();
            let title = schema.get("title").and_then(Value::as_str);
            self.objects.push(Object {
                position,
                hint: hint.or(title).map(str::to_owned),
                members,
                shares: false,
            });
        }
        for (keyword, value) in schema {
            let named = keyword == "properties" || (is_root && keyword == "$defs");
            for (name, sub) in subschemas(role(keyword), value) {
                self.visit(sub, false, name.filter(|_| named));
            }
        }
    }

    /// The id of the member `name` with the schema `schema`.
    fn member(&mut self, name: &'a str, schema: &'a Value) -> u32 {
        let mut hash = Fx::default();
        name.hash(&mut hash);
        hash_value(schema, &mut hash);
        let same = self.by_hash.entry(hash.finish()).or_default();
        if let Some(&id) = same
            .iter()
            .find(|&&id| self.members[id as usize] == (name, schema))
        {
            return id;
        }
        let id = self.members.len() as u32;
        same.push(id);
        self.members.push((name, schema));
        self.sizes.push(name.len() + 4 + json_len(schema));
        id
    }

    /// Choose the shared sets, largest gain first (module docs).
    fn plan(mut self, mut taken: HashSet<String>) -> Plan {
        let mut plan = Plan::default();
        while let Some(best) = self.best() {
            let name = unique_name(def_name(&best.hint), &taken);
            taken.insert(name.clone());
            let group = plan.groups.len();
            let mut names: Vec<String> = (best.members.iter())
                .map(|&id| self.members[id as usize].0.to_owned())
                .collect();
            names.sort_unstable();
            plan.groups.push(Group { name, names });
            for &o in &best.objects {
                let object = &mut self.objects[o];
                object
                    .members
                    .retain(|id| best.members.binary_search(id).is_err());
                object.shares = true;
                plan.applied.entry(object.position).or_default().push(group);
            }
        }
        plan
    }

    /// The set of members whose move saves the most, if one saves enough.
    fn best(&self) -> Option<Candidate> {
        // Which objects hold each member; then, for each pair of objects, the bytes of the
        // members they have in common.
        let mut holders: Vec<Vec<usize>> = vec![Vec::new(); self.members.len()];
        for (o, object) in self.objects.iter().enumerate() {
            for &id in &object.members {
                holders[id as usize].push(o);
            }
        }
        let mut common: HashMap<(usize, usize), usize, BuildHasherDefault<Fx>> = HashMap::default();
        for (id, objects) in holders.iter().enumerate() {
            for (i, &a) in objects.iter().enumerate() {
                for &b in &objects[i + 1..] {
                    *common.entry((a, b)).or_default() += self.sizes[id];
                }
            }
        }
        // In order, so that the choice does not depend on the map's.
        let mut pairs: Vec<((usize, usize), usize)> = common.into_iter().collect();
        pairs.sort_unstable();
        let mut best: Option<Candidate> = None;
        for ((a, b), bytes) in pairs {
            // Moving `bytes` out of every object saves less than `bytes` per object but one.
            let floor = best.as_ref().map_or(MIN_SAVED_BYTES, |b| b.saved + 1);
            if bytes * (self.objects.len() - 1) < floor {
                continue;
            }
            let candidate = self.candidate(a, b, bytes, &holders);
            if candidate.saved >= floor {
                best = Some(candidate);
            }
        }
        best
    }

    /// The members objects `a` and `b` have in common (`bytes` of them), with every object that
    /// holds them all (`holders` lists the objects of each member), and what moving them saves.
    fn candidate(&self, a: usize, b: usize, bytes: usize, holders: &[Vec<usize>]) -> Candidate {
        let (first, second) = (&self.objects[a].members, &self.objects[b].members);
        let members: Vec<u32> = first
            .iter()
            .copied()
            .filter(|id| second.binary_search(id).is_ok())
            .collect();
        // The objects that hold the rarest of them, and the others too.
        let rarest = (members.iter())
            .min_by_key(|&&id| holders[id as usize].len())
            .map_or(&[][..], |&id| &holders[id as usize][..]);
        let objects: Vec<usize> = (rarest.iter().copied())
            .filter(|&o| {
                let held = &self.objects[o].members;
                members.iter().all(|id| held.binary_search(id).is_ok())
            })
            .collect();
        // Named after an object that gives all its members (the minimal one), else the first.
        let named = (objects.iter())
            .find(|&&o| self.objects[o].members.len() == members.len())
            .or(objects.first())
            .and_then(|&o| self.objects[o].hint.as_deref());
        let hint = format!("{}_properties", named.unwrap_or("object"));
        // `{"$ref":"#/$defs/<name>"}` in each object, in a new `"allOf":[…],` or after a comma
        // in the one it has; the members once, under `"<name>":{"properties":{…}},`.
        let reference = r##"{"$ref":"#/$defs/"}"##.len() + hint.len();
        let references: usize = (objects.iter())
            .map(|&o| match self.objects[o].shares {
                true => reference + 1,
                false => reference + r#""allOf":[],"#.len(),
            })
            .sum();
        let entry = hint.len() + r#""":{"properties":{}},"#.len();
        let saved = (objects.len() * bytes).saturating_sub(bytes + entry + references);
        Candidate {
            members,
            objects,
            hint,
            saved,
        }
    }
}

/// A set of members that may move, and what it saves.
#[derive(Debug)]
struct Candidate {
    members: Vec<u32>,
    objects: Vec<usize>,
    hint: String,
    saved: usize,
}

/// The second pass: each chosen object gives its shared members to the group's body (the first
/// one) or drops them (the others), and applies the group.
struct Apply<'p> {
    plan: &'p Plan,
    position: usize,
    bodies: Vec<Option<Map<String, Value>>>,
}

impl Apply<'_> {
    /// Visit in the order of [`Found::visit`]; an object changes once its subschemas are
    /// visited, so that the positions after it stay those the first pass counted.
    fn visit(&mut self, schema: &mut Map<String, Value>) {
        let position = self.position;
        self.position += 1;
        for (keyword, value) in schema.iter_mut() {
            for sub in subschemas_mut(role(keyword), value) {
                self.visit(sub);
            }
        }
        let Some(groups) = self.plan.applied.get(&position) else {
            return;
        };
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            return;
        };
        let mut references = Vec::with_capacity(groups.len());
        for &group in groups {
            let Group { name, names } = &self.plan.groups[group];
            let body = &mut self.bodies[group];
            let give = body.is_none();
            let body = body.get_or_insert_with(Map::new);
            for member in names {
                if let Some(schema) = properties.remove(member)
                    && give
                {
                    body.insert(member.clone(), schema);
                }
            }
            references.push(super::single("$ref", Value::String(def_ref(name))));
        }
        if properties.is_empty() {
            schema.remove("properties");
        }
        schema.insert("allOf".into(), Value::Array(references));
    }
}
