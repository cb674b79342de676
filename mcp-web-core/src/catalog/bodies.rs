//! The request body → tool arguments, and the [`Body`] that builds it back from them: which
//! media type is sent (JSON first, then urlencoded form, multipart, then text), an object body's
//! properties as arguments of their own, and multipart file fields as file objects.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::arguments::Arguments;
use crate::{
    media,
    route::{Body, BodyEncoding, BodyShape, FILE_ARGUMENT, FilePart},
    schema::{Direction, SchemaResolver},
};

/// The request body an operation documents, chosen among its media types and resolved.
pub(super) struct BodySpec {
    media: String,
    encoding: BodyEncoding,
    schema: Value,
    required: bool,
    defs: Map<String, Value>,
    /// The media type's `encoding` object (per-property content types of form bodies).
    property_encoding: Map<String, Value>,
}

/// The documented request body: its `content`, the media type to build if there is one, and
/// whether it is required.
type BodyMedia<'a> = (
    &'a Map<String, Value>,
    Option<(&'a String, &'a Value, BodyEncoding)>,
    bool,
);

/// The request body to build: JSON first, then urlencoded form, multipart, then text.
pub(super) fn body_spec<'a>(
    resolver: &SchemaResolver<'a>,
    operation: &'a Value,
    warn: &mut impl FnMut(String),
) -> Option<BodySpec> {
    let (content, choice, required) = body_media(resolver, operation)?;
    let Some((media, media_object, encoding)) = choice else {
        let kinds: Vec<&str> = content.keys().map(String::as_str).collect();
        warn(format!(
            "request body of type {} is not supported yet; the body is left out",
            kinds.join(", ")
        ));
        return None;
    };
    let (schema, defs) = match media_object.get("schema") {
        Some(schema) => {
            let resolved = resolver.resolve(schema, Direction::Input);
            resolved.problems.into_iter().for_each(&mut *warn);
            (resolved.schema, resolved.defs)
        }
        None if encoding == BodyEncoding::Text => (json!({"type": "string"}), Map::new()),
        None => (json!({}), Map::new()),
    };
    let property_encoding = media_object
        .get("encoding")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    Some(BodySpec {
        media: media.clone(),
        encoding,
        schema,
        required,
        defs,
        property_encoding,
    })
}

/// The documented request body: its `content`, the media type to build (JSON first, then
/// urlencoded form, multipart, then text) if there is one, and whether it is required.
pub(super) fn body_media<'a>(
    resolver: &SchemaResolver<'a>,
    operation: &'a Value,
) -> Option<BodyMedia<'a>> {
    let body = resolver.follow(operation.get("requestBody")?)?;
    let content = body.get("content").and_then(Value::as_object)?;
    let required = body.get("required").and_then(Value::as_bool) == Some(true);
    let choice = content
        .iter()
        .find(|(media, _)| is_json(media))
        .map(|(m, c)| (m, c, BodyEncoding::Json))
        .or_else(|| {
            content
                .iter()
                .find(|(media, _)| media::is(media, "application/x-www-form-urlencoded"))
                .map(|(m, c)| (m, c, BodyEncoding::Form))
        })
        .or_else(|| {
            content
                .iter()
                .find(|(media, _)| media::is(media, "multipart/form-data"))
                .map(|(m, c)| (m, c, BodyEncoding::Multipart))
        })
        .or_else(|| {
            content
                .iter()
                .find(|(media, _)| media::has_type(media, "text"))
                .map(|(m, c)| (m, c, BodyEncoding::Text))
        });
    Some((content, choice, required))
}

/// The properties of an object body, which become arguments of their own (a parameter of the
/// same name is then suffixed).
pub(super) fn property_names(spec: Option<&BodySpec>) -> HashSet<String> {
    match spec {
        Some(BodySpec {
            encoding: BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart,
            schema,
            ..
        }) => schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default(),
        _ => HashSet::new(),
    }
}

/// The body's arguments, added to `arguments` after the parameters' (`param_names`), and the
/// [`Body`] that builds the request body from them; `None` when the body cannot be built.
pub(super) fn body(
    spec: BodySpec,
    param_names: &[&str],
    arguments: &mut Arguments,
    warn: &mut impl FnMut(String),
) -> Option<Body> {
    let BodySpec {
        media: content_type,
        encoding,
        mut schema,
        required: body_required,
        defs: body_defs,
        property_encoding,
    } = spec;
    arguments.add_defs(body_defs);
    let has_properties = schema.get("properties").is_some_and(Value::is_object);
    let mut files = Vec::new();
    let shape = match (encoding, has_properties) {
        (BodyEncoding::Multipart, false) => {
            warn(format!(
                "request body of type {content_type} documents no fields; the body is left out"
            ));
            return None;
        }
        (BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart, true) => {
            // Moved out: the body schema itself is not kept.
            let object_properties = match schema.get_mut("properties") {
                Some(Value::Object(properties)) => std::mem::take(properties),
                _ => Map::new(),
            };
            let body_required_props: HashSet<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut mapping = Vec::new();
            for (property, mut property_schema) in object_properties {
                // Suffixed like the parameter it clashes with, so neither looks like the plain
                // name.
                let clashes =
                    arguments.contains(&property) || param_names.contains(&property.as_str());
                let argument = if clashes {
                    format!("{property}__body")
                } else {
                    property.clone()
                };
                let required = body_required && body_required_props.contains(property.as_str());
                if encoding == BodyEncoding::Multipart {
                    property_schema =
                        file_field(&property, property_schema, &property_encoding, &mut files);
                }
                arguments.add(argument.clone(), property_schema, required);
                mapping.push((property, argument));
            }
            if schema
                .get("additionalProperties")
                .is_some_and(|a| a != &Value::Bool(false))
            {
                warn(
                    "additional body properties beyond the documented ones cannot be passed".into(),
                );
            }
            keep_constraints(&schema, &mapping, body_required, arguments, warn);
            BodyShape::Properties(mapping)
        }
        _ => {
            let argument = if arguments.contains("body") {
                "body__body".to_string()
            } else {
                "body".to_string()
            };
            arguments.add(argument.clone(), schema, body_required);
            BodyShape::Whole(argument)
        }
    };
    Some(Body {
        shape,
        encoding,
        content_type,
        required: body_required,
        files,
    })
}

/// Keywords of an object body's root that constrain its properties together (JSON Schema
/// 2020-12). They move to the tool's root with the properties, where they mean the same: the
/// parameters' arguments are properties of that root too, so `additionalProperties: false` still
/// only refuses arguments the tool does not have.
const OBJECT_CONSTRAINTS: [&str; 11] = [
    "additionalProperties",
    "unevaluatedProperties",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "dependentRequired",
    "dependentSchemas",
];

/// Move the body's [`OBJECT_CONSTRAINTS`] to the tool's root: `additionalProperties` and
/// `unevaluatedProperties` when `false`; the others, which name properties, only when every
/// property kept its name (`mapping`: property → argument) and the body is required (an absent
/// body satisfies them whatever they ask), else they are left out with a warning.
fn keep_constraints(
    schema: &Value,
    mapping: &[(String, String)],
    body_required: bool,
    arguments: &mut Arguments,
    warn: &mut impl FnMut(String),
) {
    let renamed = mapping
        .iter()
        .any(|(property, argument)| property != argument);
    let mut left_out = Vec::new();
    for keyword in OBJECT_CONSTRAINTS {
        let Some(value) = schema.get(keyword) else {
            continue;
        };
        if matches!(keyword, "additionalProperties" | "unevaluatedProperties") {
            // Only `false` carries over: other extra properties cannot be passed (warned above).
            if value == &Value::Bool(false) {
                arguments.constrain(keyword.to_string(), value.clone());
            }
        } else if body_required && !renamed {
            arguments.constrain(keyword.to_string(), value.clone());
        } else {
            left_out.push(keyword);
        }
    }
    if !left_out.is_empty() {
        let why = if renamed {
            "body properties were renamed beside the parameters"
        } else {
            "the body is optional"
        };
        warn(format!(
            "the body's {} cannot apply to the arguments ({why}); left out",
            left_out.join(", ")
        ));
    }
}

/// A multipart field's argument schema: a file object (or array of them) for file fields,
/// which are recorded in `files`; other fields as documented.
fn file_field(
    property: &str,
    schema: Value,
    property_encoding: &Map<String, Value>,
    files: &mut Vec<FilePart>,
) -> Value {
    let (file, is_array) = match schema.get("items") {
        Some(items) if schema.get("type").and_then(Value::as_str) == Some("array") => (items, true),
        _ => (&schema, false),
    };
    if !is_file(file) {
        return schema;
    }
    let declared = property_encoding
        .get(property)
        .and_then(|e| e.get("contentType"))
        .and_then(Value::as_str)
        // A list or a wildcard names no single type to send.
        .filter(|t| !t.contains(',') && !t.contains('*'));
    let default_type = declared
        .or_else(|| file.get("contentMediaType").and_then(Value::as_str))
        .unwrap_or("application/octet-stream")
        .to_string();
    files.push(FilePart {
        property: property.to_string(),
        default_type,
        base64_text: file.get("contentEncoding").and_then(Value::as_str) == Some("base64"),
    });
    let description = schema.get("description").and_then(Value::as_str);
    if is_array {
        let mut array = Map::new();
        array.insert("type".into(), json!("array"));
        let description = description.unwrap_or("Files, sent as one part each.");
        array.insert("description".into(), json!(description));
        array.insert("items".into(), file_schema(None));
        Value::Object(array)
    } else {
        file_schema(description)
    }
}

/// The argument schema of one file field.
fn file_schema(description: Option<&str>) -> Value {
    let description = match description {
        Some(text) if !text.trim().is_empty() => format!("{}\n\n{FILE_ARGUMENT}", text.trim()),
        _ => FILE_ARGUMENT.to_string(),
    };
    json!({
        "type": "object",
        "description": description,
        "required": ["filename", "data_base64"],
        "properties": {
            "filename": {"type": "string", "description": "Name sent with the file."},
            "content_type": {"type": "string", "description": "Media type of the file."},
            "data_base64": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The file's bytes, base64-encoded."
            }
        },
        "additionalProperties": false
    })
}

/// Whether a property schema is a file: 3.0 `format: binary`, 3.1 `contentMediaType` or
/// `contentEncoding`.
fn is_file(schema: &Value) -> bool {
    schema.get("format").and_then(Value::as_str) == Some("binary")
        || schema.get("contentMediaType").is_some()
        || schema.get("contentEncoding").is_some()
}

/// Whether a media type is JSON: `application/json` or a `+json` type, parameters and case
/// aside.
pub(super) fn is_json(media: &str) -> bool {
    media::is_json(media)
}
