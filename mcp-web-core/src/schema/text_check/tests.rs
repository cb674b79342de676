//! The one-pass check held to `jsonschema`'s verdicts on the full check's reading.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::TextCheck;
use crate::schema::instance::{Instance, output_validator};

/// What the full check says of `text`: `None` when it is not JSON.
fn full_verdict(schema: &Value, text: &str) -> Option<bool> {
    let validator = output_validator(schema).expect("the schema compiles");
    Instance::read(text.as_bytes())
        .ok()
        .map(|instance| validator.is_valid(&instance))
}

/// Whatever the one-pass check decides, the full check decides the same.
fn agrees(schema: &Value, text: &str) -> Result<(), TestCaseError> {
    if output_validator(schema).is_none() {
        return Ok(());
    }
    let Some(check) = TextCheck::compile(schema) else {
        return Ok(());
    };
    if let Some(ours) = check.verdict(text) {
        let full = full_verdict(schema, text);
        prop_assert_eq!(
            Some(ours),
            full,
            "schema {}\ntext {}",
            serde_json::to_string(schema).unwrap(),
            text
        );
    }
    Ok(())
}

fn ticket_schema() -> Value {
    json!({
        "description": "A support ticket.",
        "type": "object",
        "properties": {
            "assignee": {"type": ["string", "null"]},
            "created_at": {"format": "date-time", "type": ["string", "null"]},
            "id": {"minimum": 0, "type": "integer"},
            "labels": {"items": {"type": "string"}, "type": "array"},
            "priority": {"enum": ["low", "medium", "high"]},
            "status": {"enum": ["open", "in_progress", "closed"]},
            "title": {"type": "string"},
            "by_status": {
                "additionalProperties": {"minimum": 0, "type": "integer"},
                "propertyNames": {"type": "string"},
                "type": "object"
            }
        },
        "required": ["id", "title", "status", "priority", "labels"]
    })
}

const TICKET: &str = r#"{"id":1,"title":"Checkout page times out","description":"Customers report a spinner.","status":"open","priority":"high","assignee":"alice","labels":["needs review/urgent?","billing"],"created_at":"2026-01-05T09:30:00Z"}"#;

#[test]
fn decides_the_usual_answers() {
    let schema = ticket_schema();
    let check = TextCheck::compile(&schema).expect("covered");
    assert!(check.accepts(TICKET.as_bytes(), false));
    let cases = [
        (TICKET, Some(true)),
        (
            r#"{"id":1,"title":"t","status":"open","priority":"low","labels":[]}"#,
            Some(true),
        ),
        (
            r#"{"id":1,"title":"t","status":"archived","priority":"low","labels":[]}"#,
            Some(false),
        ),
        (
            r#"{"id":-1,"title":"t","status":"open","priority":"low","labels":[]}"#,
            Some(false),
        ),
        (
            r#"{"id":1,"title":"t","status":"open","labels":[]}"#,
            Some(false),
        ),
        (
            r#"{"id":1,"title":"t","status":"open","priority":"low","labels":[1]}"#,
            Some(false),
        ),
        (
            r#"{"id":1,"title":"t","status":"open","priority":"low","labels":[],"by_status":{"open":2}}"#,
            Some(true),
        ),
        (
            r#"{"id":1,"title":"t","status":"open","priority":"low","labels":[],"by_status":{"open":-2}}"#,
            None,
        ),
        // `1.0` is an integer to JSON Schema; left to the full check.
        (
            r#"{"id":1.0,"title":"t","status":"open","priority":"low","labels":[]}"#,
            None,
        ),
        // A repeated member counts with its last value.
        (
            r#"{"id":"x","id":1,"title":"t","status":"open","priority":"low","labels":[]}"#,
            None,
        ),
        (r#"{"id":1,"title":"t""#, None),
        ("[]", Some(false)),
    ];
    for (text, expected) in cases {
        assert_eq!(check.verdict(text), expected, "{text}");
        if let Some(valid) = expected {
            assert_eq!(full_verdict(&schema, text), Some(valid), "{text}");
        }
    }
    // A list of them, answered as `{"result": [...]}`.
    let list = json!({
        "type": "object",
        "properties": {"result": {"type": "array", "items": schema}},
        "required": ["result"]
    });
    let check = TextCheck::compile(&list).expect("covered");
    assert!(check.accepts(format!("[{TICKET},{TICKET}]").as_bytes(), true));
    assert!(!check.accepts(b"[{\"id\":1}]", true));
    assert!(!check.accepts(TICKET.as_bytes(), false));
}

#[test]
fn leaves_keywords_it_does_not_cover_to_the_full_check() {
    for schema in [
        json!({"type": "string", "pattern": "^a"}),
        json!({"$schema": "http://json-schema.org/draft-07/schema#"}),
        json!({"properties": {"a": {"uniqueItems": true}}}),
        json!({"enum": [1, 2]}),
        json!({"minimum": 0.5}),
        json!({"$ref": "other.json#/a"}),
        json!({"propertyNames": {"maxLength": 3}}),
        json!({"items": [{"type": "string"}]}),
    ] {
        assert!(TextCheck::compile(&schema).is_none(), "{schema}");
    }
}

#[test]
fn follows_references_and_recursion() {
    let schema = json!({
        "$defs": {
            "node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}
                },
                "required": ["name"]
            }
        },
        "$ref": "#/$defs/node"
    });
    let check = TextCheck::compile(&schema).expect("covered");
    let deep = r#"{"name":"a","children":[{"name":"b","children":[{"name":"c"}]}]}"#;
    assert_eq!(check.verdict(deep), Some(true));
    let broken = r#"{"name":"a","children":[{"name":"b","children":[{"title":"c"}]}]}"#;
    assert_eq!(check.verdict(broken), Some(false));
    // A cycle of references that reads nothing ends unsure.
    let cycle = json!({
        "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}},
        "$ref": "#/$defs/a"
    });
    if let Some(check) = TextCheck::compile(&cycle) {
        assert_eq!(check.verdict("1"), None);
    }
    // Alternatives reaching back twice each would take exponential time: the steps run out.
    let branching = json!({
        "$defs": {"d": {"oneOf": [
            {"const": "b"},
            {"oneOf": [{"enum": ["b", null]}, {"$ref": "#/$defs/d"}, {"$ref": "#/$defs/d"}]}
        ]}},
        "$ref": "#/$defs/d"
    });
    let check = TextCheck::compile(&branching).expect("covered");
    assert_eq!(check.verdict("true"), None);
}

#[test]
fn one_of_needs_exactly_one() {
    let schema = json!({
        "oneOf": [
            {"type": "null"},
            {"type": "object", "properties": {"kind": {"const": "a"}}, "required": ["kind"]},
            {"type": "object", "properties": {"kind": {"const": "b"}}, "required": ["kind"]}
        ]
    });
    let check = TextCheck::compile(&schema).expect("covered");
    for (text, expected) in [
        ("null", Some(true)),
        (r#"{"kind":"a"}"#, Some(true)),
        (r#"{"kind":"c"}"#, Some(false)),
        ("1", Some(false)),
    ] {
        assert_eq!(check.verdict(text), expected, "{text}");
        assert_eq!(full_verdict(&schema, text), expected, "{text}");
    }
    let overlapping = json!({"oneOf": [{"type": "integer"}, {"minimum": 0}]});
    let check = TextCheck::compile(&overlapping).expect("covered");
    assert_eq!(check.verdict("3"), Some(false));
    assert_eq!(check.verdict("-3"), Some(true));
}

/// Schemas made of the covered keywords, and a few it refuses, with `$defs/d` to refer to.
fn schema() -> impl Strategy<Value = Value> {
    let kind = prop::sample::select(vec![
        "null", "boolean", "integer", "number", "string", "array", "object",
    ]);
    let literal = prop::sample::select(vec![
        json!("a"),
        json!("b"),
        json!("é"),
        json!(null),
        json!(true),
        json!(false),
    ]);
    let leaf = prop_oneof![
        Just(json!(true)),
        Just(json!(false)),
        Just(json!({})),
        Just(json!({"description": "d", "format": "date-time"})),
        kind.clone().prop_map(|k| json!({ "type": k })),
        prop::collection::vec(kind, 1..3).prop_map(|k| json!({ "type": k })),
        prop::collection::vec(literal.clone(), 1..4).prop_map(|v| json!({ "enum": v })),
        literal.prop_map(|v| json!({ "const": v })),
        (
            prop::sample::select(vec![
                "minimum",
                "maximum",
                "exclusiveMinimum",
                "exclusiveMaximum"
            ]),
            -2i64..3
        )
            .prop_map(|(k, n)| json!({ k: n })),
        (0u64..3, 0u64..4).prop_map(|(a, b)| json!({"minLength": a, "maxLength": b})),
        Just(json!({"$ref": "#/$defs/d"})),
        Just(json!({"type": "string", "pattern": "a"})),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let name = prop::sample::select(vec!["a", "b", "c", "é"]);
        prop_oneof![
            (
                prop::collection::btree_map(name.clone(), inner.clone(), 0..4),
                prop::collection::vec(name, 0..3),
                prop::option::of(inner.clone()),
                any::<bool>(),
            )
                .prop_map(|(properties, required, additional, names)| {
                    let mut schema = json!({ "properties": properties, "required": required });
                    if let Some(additional) = additional {
                        schema["additionalProperties"] = additional;
                    }
                    if names {
                        schema["propertyNames"] = json!({"type": "string"});
                    }
                    schema
                }),
            (inner.clone(), 0u64..2, 1u64..4).prop_map(|(items, a, b)| {
                json!({"type": "array", "items": items, "minItems": a, "maxItems": b})
            }),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|s| json!({ "allOf": s })),
            prop::collection::vec(inner.clone(), 1..3).prop_map(|s| json!({ "anyOf": s })),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|s| json!({ "oneOf": s })),
            (inner.clone(), inner).prop_map(|(a, b)| {
                // Two schemas' keywords in one object.
                let mut merged = a.as_object().cloned().unwrap_or_default();
                if let Value::Object(b) = b {
                    merged.extend(b);
                }
                Value::Object(merged)
            }),
        ]
    })
}

/// A schema with its `$defs/d`.
fn rooted_schema() -> impl Strategy<Value = Value> {
    (schema(), schema()).prop_map(|(root, def)| {
        let mut root = match root {
            Value::Object(object) => object,
            other => [("allOf".to_string(), json!([other]))]
                .into_iter()
                .collect(),
        };
        root.insert("$defs".into(), json!({ "d": def }));
        Value::Object(root)
    })
}

/// JSON texts, written as clients and servers write them: names repeated, escapes, spaces.
fn text() -> impl Strategy<Value = String> {
    let scalar = prop::sample::select(vec![
        "null",
        "true",
        "false",
        "0",
        "-0",
        "1",
        "-1",
        "2",
        "3",
        "1.0",
        "1.5",
        "2e0",
        "-2.5e1",
        "12345678901234567890123",
        "-123456789012345678901234567890123456789",
        "\"a\"",
        "\"b\"",
        "\"é\"",
        "\"\\u00e9\"",
        "\"\\u0061\"",
        "\"\"",
        "\"ab\"",
        "\"a\\nb\"",
        "\"2026-01-05T09:30:00Z\"",
        "\"not a date\"",
    ])
    .prop_map(str::to_string);
    scalar.prop_recursive(4, 32, 5, |inner| {
        let name = prop::sample::select(vec!["\"a\"", "\"b\"", "\"c\"", "\"\\u0061\"", "\"é\""]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((name, inner), 0..4).prop_map(|members| {
                let members: Vec<String> = members
                    .into_iter()
                    .map(|(n, v)| format!("{n} : {v}"))
                    .collect();
                format!("{{ {} }}", members.join(", "))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn decides_as_jsonschema_does(schema in rooted_schema(), text in text()) {
        agrees(&schema, &text)?;
    }
}
