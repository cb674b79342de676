//! OpenAPI parameters → tool arguments, and the [`Param`]s that put each argument back where the
//! operation expects it (path, query, header or cookie, in the documented style).

use std::collections::HashSet;

use serde_json::{Value, json};

use super::arguments::Arguments;
use crate::{
    route::{Location, Param, Style},
    schema::{Direction, SchemaResolver, make_nullable},
};

/// The parameters of an operation: its own, then those of its path item that it does not
/// redefine (same name and location).
pub(super) fn raw_params<'a>(
    resolver: &SchemaResolver<'a>,
    item: &'a Value,
    operation: &'a Value,
    warn: &mut impl FnMut(String),
) -> Vec<&'a Value> {
    let mut raw_params: Vec<&Value> = Vec::new();
    for list in [operation.get("parameters"), item.get("parameters")] {
        for param in list.and_then(Value::as_array).into_iter().flatten() {
            let Some(param) = resolver.follow(param) else {
                warn("a parameter reference does not resolve; it is left out".into());
                continue;
            };
            let key = (param.get("name"), param.get("in"));
            if !raw_params
                .iter()
                .any(|p| (p.get("name"), p.get("in")) == key)
            {
                raw_params.push(param);
            }
        }
    }
    raw_params
}

/// The names of the parameters, usable or not: a body property of the same name is suffixed.
pub(super) fn names<'v>(raw_params: &[&'v Value]) -> Vec<&'v str> {
    raw_params
        .iter()
        .filter_map(|p| p.get("name").and_then(Value::as_str))
        .collect()
}

/// Each usable parameter as an argument of `arguments`, and the [`Param`] that sends it. A name
/// used twice (by two parameters, or by a parameter and a property of an object body, listed in
/// `body_names`) gets its location as a suffix, so nothing is overwritten.
pub(super) fn params(
    resolver: &SchemaResolver<'_>,
    path: &str,
    raw_params: &[&Value],
    param_names: &[&str],
    body_names: &HashSet<String>,
    arguments: &mut Arguments,
    warn: &mut impl FnMut(String),
) -> Vec<Param> {
    let mut params = Vec::new();
    for param in raw_params {
        let (name, location) = match parameter_target(path, param) {
            Ok(target) => target,
            Err(reason) => {
                warn(reason);
                continue;
            }
        };
        // A name used in two places gets a location suffix, so nothing is overwritten.
        let clashes =
            param_names.iter().filter(|n| **n == name).count() > 1 || body_names.contains(name);
        let argument = if clashes {
            format!("{name}__{}", location.suffix())
        } else {
            name.to_string()
        };
        let is_required = location == Location::Path
            || param.get("required").and_then(Value::as_bool) == Some(true);
        let style_name = param.get("style").and_then(Value::as_str);
        let mut style = Style::parse(style_name, location).unwrap_or_else(|| {
            let fallback = Style::default_for(location);
            warn(format!(
                "parameter '{name}' has the unknown style '{}'; it is sent as {fallback:?}",
                style_name.unwrap_or_default()
            ));
            fallback
        });
        // `content` instead of `schema`: the value is one JSON document.
        let content_schema = content_schema(param);
        if content_schema.is_some() {
            style = Style::Json;
        }
        let mut schema = match param.get("schema").or(content_schema) {
            Some(schema) => {
                let resolved = resolver.resolve(schema, Direction::Input);
                resolved.problems.into_iter().for_each(&mut *warn);
                arguments.add_defs(resolved.defs);
                resolved.schema
            }
            None => json!({"type": "string"}),
        };
        if let (Value::Object(schema), Some(description)) = (
            &mut schema,
            param.get("description").and_then(Value::as_str),
        ) {
            // The parameter's own text is more specific than its type's: it wins.
            schema.insert("description".into(), Value::String(description.to_string()));
        }
        // Models often send null for "not given"; an absent optional parameter is sent as
        // nothing either way, so its schema accepts null.
        if let (false, Value::Object(schema)) = (is_required, &mut schema) {
            make_nullable(schema);
        }
        arguments.add(argument.clone(), schema, is_required);
        // OpenAPI: `explode` defaults to true for form (and deepObject, which needs it).
        let explode = param
            .get("explode")
            .and_then(Value::as_bool)
            .unwrap_or(matches!(style, Style::Form | Style::DeepObject));
        params.push(Param {
            name: name.to_string(),
            argument,
            location,
            required: is_required,
            style,
            explode,
        });
    }
    params
}

/// A parameter's name and location, or why it is left out.
pub(super) fn parameter_target<'v>(
    path: &str,
    param: &'v Value,
) -> Result<(&'v str, Location), String> {
    let (Some(name), Some(location)) = (
        param.get("name").and_then(Value::as_str),
        param
            .get("in")
            .and_then(Value::as_str)
            .and_then(Location::parse),
    ) else {
        return Err("a parameter without a usable name or location is left out".into());
    };
    if location == Location::Path && !path.contains(&format!("{{{name}}}")) {
        return Err(format!(
            "path parameter '{name}' does not appear in the path template; it is left out"
        ));
    }
    Ok((name, location))
}

/// The schema of a parameter described by `content` instead of `schema` (`true` when its media
/// type has none).
pub(super) fn content_schema(param: &Value) -> Option<&Value> {
    param
        .get("content")
        .and_then(Value::as_object)
        .and_then(|content| content.values().next())
        .map(|media| media.get("schema").unwrap_or(&Value::Bool(true)))
}
