//! The plan: the component uses that resolving a set of schemas will make, counted before the
//! first resolution so that the resolver copies each cached component only as often as it is
//! used again. A speed-only pass: it must mirror [`Walk`]'s choices, and when it does not, only
//! the copying saved is lost, never the output.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::{Direction, MAX_DEPTH, SchemaResolver, pointer::component_name};
// Each step of the plan names the step of the walk it mirrors.
#[cfg(doc)]
use super::walk::Walk;

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

/// As [`SchemaResolver::expect`]: the uses of each component, by direction.
pub(super) fn uses<'v>(
    resolver: &SchemaResolver<'_>,
    roots: impl IntoIterator<Item = (&'v Value, Direction)>,
) -> [HashMap<String, usize>; 2] {
    let mut plan = Plan {
        resolver,
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
    plan.uses
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
