//! Unit tests of the resolver: walks, plans, cycles and `$defs` references.

use serde_json::json;

use super::{pointer::def_ref, *};

/// Resolve `schema` in `doc` and place it as a tool's root would hold it: under a property
/// when it is not an object, with its `$defs` beside it.
fn tool_schema(doc: &Value, schema: Value, direction: Direction, keep: bool) -> Value {
    let resolved = SchemaResolver::new(doc)
        .keep_defs(keep)
        .resolve(&schema, direction);
    assert!(resolved.problems.is_empty(), "{:?}", resolved.problems);
    let root = match resolved.schema {
        Value::Object(root) if root.get("type") == Some(&json!("object")) => root,
        other => json!({"type": "object", "properties": {"value": other}})
            .as_object()
            .cloned()
            .unwrap(),
    };
    let root = Value::Object(with_defs(root, resolved.defs.into_iter().collect()));
    assert_tool_schema(&root);
    root
}

fn accepts(schema: &Value, instance: Value) -> bool {
    jsonschema::draft202012::new(schema)
        .unwrap()
        .is_valid(&instance)
}

fn value(instance: Value) -> Value {
    json!({ "value": instance })
}

fn pets() -> Value {
    json!({"components": {"schemas": {
        "Status": {"type": "string", "enum": ["open", "closed"]},
        "Base": {"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "integer", "readOnly": true},
            "name": {"type": "string", "minLength": 1}
        }},
        "Cat": {"type": "object", "properties": {
            "kind": {"type": "string"}, "lives": {"type": "integer", "maximum": 9}
        }},
        "Dog": {"type": "object", "properties": {
            "kind": {"type": "string"}, "bark": {"type": "boolean"}
        }},
        "Secret": {"type": "object", "required": ["password"], "properties": {
            "password": {"type": "string", "writeOnly": true},
            "hint": {"type": "string"}
        }}
    }}})
}

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
    // The root is inlined once, so it stays an object; the recursion goes through $defs.
    assert_eq!(
        resolved.schema["properties"]["children"]["items"],
        json!({"$ref": "#/$defs/Node"})
    );
    let node = &resolved.defs["Node"];
    assert_eq!(node["properties"]["tag"], json!({"type": "string"}));
    assert_eq!(
        node["properties"]["children"]["items"],
        json!({"$ref": "#/$defs/Node"})
    );
    assert!(resolved.problems.is_empty());
}

#[test]
fn planned_resolutions_copy_each_component_only_for_later_uses() {
    let mut doc = pets();
    doc["components"]["schemas"]["Node"] = json!({"type": "object", "properties": {
        "status": {"$ref": "#/components/schemas/Status"},
        "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
    }});
    doc["components"]["schemas"]["Pair"] = json!({"type": "object", "properties": {
        "cat": {"$ref": "#/components/schemas/Cat", "description": "first"},
        "more": {"allOf": [{"$ref": "#/components/schemas/Base"}], "nullable": true},
        "tree": {"$ref": "#/components/schemas/Node"}
    }});
    let roots = [
        (
            json!({"$ref": "#/components/schemas/Pair"}),
            Direction::Input,
        ),
        (
            json!({"$ref": "#/components/schemas/Pair"}),
            Direction::Output,
        ),
        (
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Cat"}}),
            Direction::Output,
        ),
        (
            json!({"$ref": "#/components/schemas/Node"}),
            Direction::Input,
        ),
        (
            json!({"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "kind"}}),
            Direction::Input,
        ),
        (
            json!({"$ref": "#/components/schemas/Secret"}),
            Direction::Output,
        ),
        (
            json!({"$ref": "#/components/schemas/Secret"}),
            Direction::Output,
        ),
    ];
    for keep in [false, true] {
        let unplanned = SchemaResolver::new(&doc).keep_defs(keep);
        let planned = SchemaResolver::new(&doc).keep_defs(keep);
        planned.expect(roots.iter().map(|(schema, direction)| (schema, *direction)));
        for (schema, direction) in &roots {
            let expected = unplanned.resolve(schema, *direction);
            let resolved = planned.resolve(schema, *direction);
            assert_eq!(resolved.schema, expected.schema);
            assert_eq!(resolved.defs, expected.defs);
            assert_eq!(resolved.problems, expected.problems);
        }
        // The plan was exact: every cached component went out with its last use.
        assert!(
            planned.components.borrow().iter().all(HashMap::is_empty),
            "keep_defs: {keep}"
        );
        assert!(planned.expected.borrow().iter().all(HashMap::is_empty));
    }
}

#[test]
fn references_are_percent_decoded_once_and_unescaped_per_token() {
    let doc = json!({"components": {"schemas": {
        "a/b": {"type": "string", "title": "slash"},
        "~1": {"type": "integer", "title": "tilde one"},
        "Page<T>": {"type": "boolean", "title": "generic"},
        "caf\u{e9}": {"type": "null", "title": "accented"}
    }}});
    for (reference, title) in [
        ("#/components/schemas/a~1b", "slash"),
        ("#/components/schemas/~01", "tilde one"),
        ("#/components/schemas/Page%3CT%3E", "generic"),
        ("#/components/schemas/caf%C3%A9", "accented"),
    ] {
        let resolved =
            SchemaResolver::new(&doc).resolve(&json!({"$ref": reference}), Direction::Input);
        assert!(
            resolved.problems.is_empty(),
            "{reference}: {:?}",
            resolved.problems
        );
        assert_eq!(
            resolved.schema["title"], title,
            "{reference}: {}",
            resolved.schema
        );
    }
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
    let resolved = resolver.resolve(&json!({"$ref": "#/components/schemas/C"}), Direction::Input);
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

#[test]
fn nullable_applies_through_ref_and_all_of() {
    let doc = pets();
    // 3.0 tools write both idioms for an optional reference.
    for schema in [
        json!({"allOf": [{"$ref": "#/components/schemas/Status"}], "nullable": true}),
        json!({"$ref": "#/components/schemas/Status", "nullable": true}),
    ] {
        let root = tool_schema(&doc, schema, Direction::Input, false);
        assert_eq!(
            root["properties"]["value"],
            json!({"type": ["string", "null"], "enum": ["open", "closed", null]})
        );
        assert!(accepts(&root, value(json!(null))));
        assert!(accepts(&root, value(json!("open"))));
        assert!(!accepts(&root, value(json!("other"))));
    }
    // No single type to extend: null becomes a second branch, the description stays outside.
    let root = tool_schema(
        &doc,
        json!({"description": "d", "nullable": true,
               "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"type": "integer"}]}),
        Direction::Input,
        false,
    );
    assert_eq!(root["properties"]["value"]["description"], "d");
    assert!(accepts(&root, value(json!(null))));
    assert!(accepts(&root, value(json!(3))));
}

#[test]
fn utoipa_option_of_a_reference_accepts_null() {
    let doc = pets();
    let root = tool_schema(
        &doc,
        json!({"type": "object", "properties": {"status": {
            "oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Status"}]
        }}}),
        Direction::Input,
        false,
    );
    assert!(accepts(&root, json!({"status": null})));
    assert!(accepts(&root, json!({"status": "closed"})));
    assert!(accepts(&root, json!({})));
    assert!(!accepts(&root, json!({"status": 3})));
    // Same with keep_defs, where the branch stays a $ref.
    let root = tool_schema(
        &doc,
        json!({"type": "object", "properties": {"status": {
            "oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Status"}]
        }}}),
        Direction::Input,
        true,
    );
    assert!(accepts(&root, json!({"status": null})));
    assert!(!accepts(&root, json!({"status": "other"})));
}

#[test]
fn all_of_objects_merge_and_read_only_members_leave_required() {
    let doc = pets();
    let root = tool_schema(
        &doc,
        json!({"allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "required": ["tags"], "properties": {
                "tags": {"type": "array", "items": {"type": "string"}}
            }}
        ], "description": "A pet"}),
        Direction::Input,
        false,
    );
    assert!(root.get("allOf").is_none(), "{root:#}");
    assert_eq!(root["description"], "A pet");
    assert_eq!(root["required"], json!(["name", "tags"]));
    assert_eq!(
        root["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["name", "tags"]
    );
    let output = tool_schema(
        &doc,
        json!({"allOf": [{"$ref": "#/components/schemas/Base"},
                         {"$ref": "#/components/schemas/Secret"}]}),
        Direction::Output,
        false,
    );
    assert_eq!(output["required"], json!(["id", "name"]));
    assert!(output["properties"].get("password").is_none());
}

#[test]
fn all_of_that_cannot_merge_safely_is_kept() {
    let doc = pets();
    // Two different definitions of one property: both must hold, so both stay.
    let root = tool_schema(
        &doc,
        json!({"allOf": [
            {"type": "object", "properties": {"n": {"type": "integer"}}},
            {"type": "object", "properties": {"n": {"minimum": 3}}}
        ]}),
        Direction::Input,
        false,
    );
    assert!(root["properties"]["value"].get("allOf").is_some());
    // A closed member next to another member's properties.
    let root = tool_schema(
        &doc,
        json!({"allOf": [
            {"type": "object", "properties": {"a": {}}, "additionalProperties": false},
            {"type": "object", "properties": {"b": {}}}
        ]}),
        Direction::Input,
        false,
    );
    assert!(root["properties"]["value"].get("allOf").is_some());
}

#[test]
fn discriminator_is_dropped_and_branches_keep_their_tag() {
    let doc = pets();
    let root = tool_schema(
        &doc,
        json!({
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind",
                              "mapping": {"cat": "#/components/schemas/Cat"}}
        }),
        Direction::Input,
        false,
    );
    let union = &root["properties"]["value"];
    assert!(union.get("discriminator").is_none());
    assert_eq!(union["oneOf"][0]["properties"]["kind"]["const"], "cat");
    // No mapping entry: the implicit tag is the schema name.
    assert_eq!(union["oneOf"][1]["properties"]["kind"]["const"], "Dog");
    assert!(accepts(&root, value(json!({"kind": "cat", "lives": 3}))));
    assert!(accepts(&root, value(json!({"kind": "Dog", "bark": true}))));
    assert!(!accepts(&root, value(json!({"kind": "cow"}))));
    assert!(!accepts(&root, value(json!({"lives": 3}))));
}

#[test]
fn values_formats_and_constraints_are_kept() {
    let doc = json!({});
    let schema = json!({"type": "object", "required": ["code"], "properties": {
        "code": {"type": "string", "pattern": "^[A-Z]{3}$", "minLength": 3, "maxLength": 3,
                 "example": "ABC", "default": "XYZ"},
        "when": {"type": "string", "format": "date-time"},
        "kind": {"const": "fixed"},
        "size": {"type": "integer", "minimum": 1, "maximum": 10, "multipleOf": 1,
                 "exclusiveMinimum": true, "enum": [2, 4, 8]},
        "ratio": {"type": "number", "maximum": 1, "exclusiveMaximum": false},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                 "uniqueItems": true, "x-order": 3},
        "extra": {"type": "object", "additionalProperties": {"$ref": "#/nope"}}
    }});
    let resolved = SchemaResolver::new(&doc).resolve(&schema, Direction::Input);
    assert_eq!(
        resolved.problems.len(),
        1,
        "the unresolvable reference is reported"
    );
    let root = resolved.schema;
    assert_tool_schema(&root);
    let p = &root["properties"];
    assert_eq!(
        p["code"],
        json!({"type": "string", "pattern": "^[A-Z]{3}$", "minLength": 3, "maxLength": 3,
               "examples": ["ABC"], "default": "XYZ"})
    );
    assert_eq!(p["when"]["format"], "date-time");
    assert_eq!(p["kind"]["const"], "fixed");
    // 3.0's boolean exclusive bounds become 2020-12's numeric ones.
    assert_eq!(p["size"]["exclusiveMinimum"], 1);
    assert!(p["size"].get("minimum").is_none());
    assert_eq!(p["size"]["maximum"], 10);
    assert_eq!(p["ratio"], json!({"type": "number", "maximum": 1}));
    assert!(
        p["tags"].get("x-order").is_none(),
        "vendor extensions are left out"
    );
    assert!(accepts(&root, json!({"code": "ABC", "size": 2})));
    assert!(!accepts(&root, json!({"code": "abc"})));
}

#[test]
fn additional_properties_are_resolved_and_write_only_leaves_outputs() {
    let doc = pets();
    let schema = json!({"type": "object", "additionalProperties": {
        "allOf": [{"$ref": "#/components/schemas/Secret"}]
    }});
    let output = tool_schema(&doc, schema.clone(), Direction::Output, false);
    assert_eq!(
        output["additionalProperties"],
        json!({"type": "object", "required": [], "properties": {"hint": {"type": "string"}}})
    );
    let input = tool_schema(&doc, schema, Direction::Input, false);
    assert_eq!(
        input["additionalProperties"]["required"],
        json!(["password"])
    );
    assert!(!accepts(&input, json!({"k": {"hint": "h"}})));
}

#[test]
fn keep_defs_refers_to_every_component_and_inlines_the_root() {
    let doc = pets();
    let root = tool_schema(
        &doc,
        json!({"$ref": "#/components/schemas/Cat"}),
        Direction::Input,
        true,
    );
    assert_eq!(root["properties"]["lives"]["maximum"], 9);
    let root = tool_schema(
        &doc,
        json!({"type": "object", "properties": {
            "status": {"$ref": "#/components/schemas/Status", "description": "Now"},
            "pet": {"$ref": "#/components/schemas/Base"}
        }}),
        Direction::Input,
        true,
    );
    assert_eq!(
        root["properties"]["status"],
        json!({"$ref": "#/$defs/Status", "description": "Now"})
    );
    assert_eq!(root["properties"]["pet"], json!({"$ref": "#/$defs/Base"}));
    assert!(root["$defs"]["Base"]["properties"].get("id").is_none());
    assert!(accepts(
        &root,
        json!({"status": "open", "pet": {"name": "x"}})
    ));
    assert!(!accepts(&root, json!({"status": "gone"})));
}

#[test]
fn def_names_are_escaped_as_json_pointer_fragments() {
    assert_eq!(def_ref("Page<Item>"), "#/$defs/Page%3CItem%3E");
    assert_eq!(def_ref("a/b~c"), "#/$defs/a~1b~0c");
    let doc = json!({"components": {"schemas": {
        "List<a/b>": {"type": "object", "properties": {
            "next": {"$ref": "#/components/schemas/List<a~1b>"}
        }}
    }}});
    let root = tool_schema(
        &doc,
        json!({"type": "object", "properties": {
            "list": {"$ref": "#/components/schemas/List<a~1b>"}
        }}),
        Direction::Input,
        false,
    );
    assert!(accepts(&root, json!({"list": {"next": {"next": {}}}})));
    assert!(!accepts(&root, json!({"list": {"next": {"next": 1}}})));
}

#[test]
fn compact_output_keeps_repeated_parts_once_and_drops_examples() {
    let user = json!({
        "title": "Simple User",
        "description": "A GitHub user.",
        "type": "object",
        "properties": {
            "login": {"type": "string", "examples": ["octocat"]},
            "id": {"type": "integer", "description": "The user's id."}
        },
        "required": ["login", "id"]
    });
    let original = json!({
        "type": "object",
        "properties": {
            "author": user,
            "committer": user,
            "examples": {"type": "string", "description": "a property named examples stays"}
        },
        "examples": [{"author": {"login": "a", "id": 1}}]
    });
    let mut compact = original.as_object().unwrap().clone();
    super::compact_output(&mut compact);
    let compact = Value::Object(compact);
    super::assert_tool_schema(&compact);
    assert_eq!(
        compact["properties"]["author"],
        json!({"$ref": "#/$defs/Simple_User"})
    );
    assert_eq!(
        compact["properties"]["committer"],
        json!({"$ref": "#/$defs/Simple_User"})
    );
    let def = &compact["$defs"]["Simple_User"];
    assert_eq!(def["description"], "A GitHub user.");
    assert!(
        def.get("title").is_none(),
        "the entry's name says what its title said"
    );
    assert_eq!(def["properties"]["login"], json!({"type": "string"}));
    assert!(compact.get("examples").is_none());
    assert_eq!(
        compact["properties"]["examples"]["description"],
        "a property named examples stays"
    );
    let (old, new) = (
        jsonschema::validator_for(&original).unwrap(),
        jsonschema::validator_for(&compact).unwrap(),
    );
    for instance in [
        json!({"author": {"login": "a", "id": 1}}),
        json!({"author": {"login": "a"}}),
        json!({"committer": {"login": 1, "id": 1}}),
        json!({"committer": {"login": "b", "id": 2}, "examples": "x"}),
        json!({"examples": 3}),
    ] {
        assert_eq!(
            old.is_valid(&instance),
            new.is_valid(&instance),
            "{instance}"
        );
    }
}

#[test]
fn compact_output_leaves_placed_parts_and_foreign_references_alone() {
    let part = json!({"$anchor": "here", "type": "object", "properties": {"a": {"type": "string", "description": "long enough to be worth moving"}}});
    let mut schema = json!({"type": "object", "properties": {"x": part, "y": part}})
        .as_object()
        .unwrap()
        .clone();
    let before = schema.clone();
    super::compact_output(&mut schema);
    assert_eq!(schema, before, "a schema with $anchor is left as it is");

    let part = json!({"type": "object", "properties": {"a": {"type": "string", "description": "long enough to be worth moving"}}});
    let mut schema = json!({"type": "object", "properties": {"x": part, "y": part, "z": {"$ref": "#/properties/x"}}})
        .as_object()
        .unwrap()
        .clone();
    let before = schema.clone();
    super::compact_output(&mut schema);
    assert_eq!(schema, before, "a reference into the tree pins every part");
}

/// The old and new validators agree on every instance.
#[track_caller]
fn assert_same_verdicts(original: &Value, compact: &Value, instances: &[Value]) {
    let (old, new) = (
        jsonschema::validator_for(original).unwrap(),
        jsonschema::validator_for(compact).unwrap(),
    );
    for instance in instances {
        assert_eq!(
            old.is_valid(instance),
            new.is_valid(instance),
            "{instance} in {compact:#}"
        );
    }
}

#[test]
fn compact_output_shares_a_shape_between_variants_that_differ_in_type_and_annotations() {
    let properties = json!({
        "login": {"type": "string", "description": "The user's handle."},
        "id": {"type": "integer", "description": "The user's id."},
        "site_admin": {"type": "boolean"}
    });
    let user = |kind: Value, description: &str| {
        json!({
            "type": kind,
            "description": description,
            "properties": properties,
            "required": ["login", "id"]
        })
    };
    let original = json!({
        "type": "object",
        "properties": {
            "author": user(json!("object"), "Who wrote it."),
            "assignee": user(json!(["object", "null"]), "Who works on it, if anyone."),
            "closed_by": user(json!(["object", "null"]), "Who closed it, if anyone.")
        }
    });
    let mut compact = original.as_object().unwrap().clone();
    super::compact_output(&mut compact);
    let compact = Value::Object(compact);
    super::assert_tool_schema(&compact);
    let author = &compact["properties"]["author"];
    let assignee = &compact["properties"]["assignee"];
    assert_eq!(author["type"], "object");
    assert_eq!(author["description"], "Who wrote it.");
    assert_eq!(assignee["type"], json!(["object", "null"]));
    assert_eq!(assignee["description"], "Who works on it, if anyone.");
    let reference = author["$ref"].as_str().expect("the shape is referred to");
    assert_eq!(assignee["$ref"], reference);
    assert_eq!(compact["properties"]["closed_by"]["$ref"], reference);
    assert!(author.get("properties").is_none());
    let name = reference.strip_prefix("#/$defs/").unwrap();
    let shape = &compact["$defs"][name];
    assert_eq!(
        shape["properties"], properties,
        "descriptions stay in the shape"
    );
    assert!(shape.get("type").is_none() && shape.get("description").is_none());
    assert_same_verdicts(
        &original,
        &compact,
        &[
            json!({"author": {"login": "a", "id": 1}, "assignee": null}),
            json!({"author": null}),
            json!({"assignee": {"login": "a"}}),
            json!({"closed_by": {"login": "a", "id": "1"}}),
            json!({"closed_by": {"login": "a", "id": 1, "site_admin": 1}}),
            json!({"assignee": "x"}),
        ],
    );
}

#[test]
fn compact_output_drops_annotations_that_mean_nothing_in_a_result_and_keeps_the_rest() {
    let original = json!({
        "type": "object",
        "properties": {
            "id": {"type": "integer", "readOnly": true, "deprecated": false, "example": 1},
            "old": {"type": "string", "deprecated": true, "writeOnly": false},
            "repo": {
                "title": "Repository",
                "description": "A repository.",
                "type": "object",
                "properties": {"name": {"type": "string", "title": "Name", "description": "Its name"}}
            },
            "user": {"title": "Simple User", "description": "simple user", "type": "string"}
        }
    });
    let mut compact = original.as_object().unwrap().clone();
    super::compact_output(&mut compact);
    let compact = Value::Object(compact);
    assert_eq!(compact["properties"]["id"], json!({"type": "integer"}));
    assert_eq!(
        compact["properties"]["old"],
        json!({"type": "string", "deprecated": true})
    );
    assert_eq!(compact["properties"]["repo"]["title"], "Repository");
    assert_eq!(
        compact["properties"]["repo"]["properties"]["name"]["title"],
        "Name"
    );
    assert_eq!(
        compact["properties"]["user"],
        json!({"description": "simple user", "type": "string"}),
        "a title that repeats the description goes, the description stays"
    );
    assert_same_verdicts(
        &original,
        &compact,
        &[json!({"id": 1}), json!({"id": "1"}), json!({"user": 2})],
    );
}

#[test]
fn compact_output_drops_defaults_and_a_type_its_enum_implies() {
    let original = json!({
        "type": "object",
        "properties": {
            "state": {"type": "string", "enum": ["open", "closed"], "default": "open"},
            "reason": {"type": ["string", "null"], "enum": ["done", null]},
            "size": {"type": "integer", "enum": [1, 2.0]},
            "mixed": {"type": "string", "enum": ["a", 1]},
            "never": {"type": "string", "enum": []},
            "private": {"type": "boolean", "default": false, "description": "Whether hidden."}
        }
    });
    let mut compact = original.as_object().unwrap().clone();
    super::compact_output(&mut compact);
    let compact = Value::Object(compact);
    super::assert_tool_schema(&compact);
    let properties = &compact["properties"];
    assert_eq!(properties["state"], json!({"enum": ["open", "closed"]}));
    assert_eq!(properties["reason"], json!({"enum": ["done", null]}));
    assert_eq!(properties["size"], json!({"enum": [1, 2.0]}));
    assert_eq!(
        properties["mixed"],
        json!({"type": "string", "enum": ["a", 1]}),
        "a type that rejects an enum value stays"
    );
    assert_eq!(properties["never"], json!({"type": "string", "enum": []}));
    assert_eq!(
        properties["private"],
        json!({"type": "boolean", "description": "Whether hidden."})
    );
    assert_same_verdicts(
        &original,
        &compact,
        &[
            json!({"state": "open", "reason": null, "size": 2}),
            json!({"state": "merged"}),
            json!({"reason": "x"}),
            json!({"size": 3}),
            json!({"mixed": 1}),
            json!({"mixed": "a"}),
            json!({"never": "a"}),
            json!({"private": "no"}),
        ],
    );
}

#[test]
fn compact_output_keeps_a_title_its_entry_name_cannot_say() {
    let part = |title: &str| {
        json!({
            "title": title,
            "type": "object",
            "properties": {"login": {"type": "string", "description": "The handle."}}
        })
    };
    let original = json!({
        "type": "object",
        "properties": {
            "a": part("Git user"), "b": part("Git user"),
            "c": part("C++ user"), "d": part("C++ user")
        }
    });
    let mut compact = original.as_object().unwrap().clone();
    super::compact_output(&mut compact);
    let compact = Value::Object(compact);
    super::assert_tool_schema(&compact);
    assert_eq!(
        compact["properties"]["a"],
        json!({"$ref": "#/$defs/Git_user"})
    );
    assert!(compact["$defs"]["Git_user"].get("title").is_none());
    assert_eq!(
        compact["properties"]["c"],
        json!({"$ref": "#/$defs/C___user"})
    );
    assert_eq!(compact["$defs"]["C___user"]["title"], "C++ user");
}

#[test]
fn compact_output_shares_small_repeated_leaves_under_their_format() {
    // Five of each: a 22-byte reference in five places and the 32-byte part once are less
    // than the part five times; with three, moving would cost more than it saves.
    let urls = [
        "html_url",
        "events_url",
        "repos_url",
        "gists_url",
        "starred_url",
    ];
    let sites = ["blog", "site", "home", "docs", "wiki"];
    let mut properties = serde_json::Map::new();
    for name in urls {
        properties.insert(name.into(), json!({"type": "string", "format": "uri"}));
    }
    for name in sites {
        properties.insert(
            name.into(),
            json!({"type": ["string", "null"], "format": "uri"}),
        );
    }
    properties.insert("login".into(), json!({"type": "string"}));
    let original = json!({"type": "object", "properties": properties});
    let mut compact = original.as_object().unwrap().clone();
    super::compact_output(&mut compact);
    let compact = Value::Object(compact);
    super::assert_tool_schema(&compact);
    let properties = &compact["properties"];
    for name in urls {
        assert_eq!(properties[name], json!({"$ref": "#/$defs/uri"}), "{name}");
    }
    for name in sites {
        assert_eq!(
            properties[name],
            json!({"$ref": "#/$defs/uri_or_null"}),
            "{name}"
        );
    }
    assert_eq!(
        compact["$defs"]["uri"],
        json!({"type": "string", "format": "uri"})
    );
    assert_eq!(properties["login"], json!({"type": "string"}));
    assert_same_verdicts(
        &original,
        &compact,
        &[
            json!({"html_url": "https://example.com", "blog": null}),
            json!({"html_url": null}),
            json!({"site": 3}),
        ],
    );
}

#[test]
fn compact_output_drops_a_numeric_width_and_keeps_formats_that_say_how_to_read() {
    let original = json!({
        "type": "object",
        "properties": {
            "id": {"type": "integer", "format": "int64", "description": "Its id."},
            "size": {"type": ["number", "null"], "format": "double"},
            "big": {"type": "string", "format": "int64"},
            "at": {"type": "string", "format": "date-time"},
            "odd": {"format": "int32"}
        }
    });
    let mut compact = original.as_object().unwrap().clone();
    super::compact_output(&mut compact);
    let compact = Value::Object(compact);
    super::assert_tool_schema(&compact);
    let properties = &compact["properties"];
    assert_eq!(
        properties["id"],
        json!({"type": "integer", "description": "Its id."})
    );
    assert_eq!(properties["size"], json!({"type": ["number", "null"]}));
    assert_eq!(
        properties["big"],
        json!({"type": "string", "format": "int64"}),
        "on a string, the format says what the string holds"
    );
    assert_eq!(
        properties["at"],
        json!({"type": "string", "format": "date-time"})
    );
    assert_eq!(properties["odd"], json!({"format": "int32"}));
    assert_same_verdicts(
        &original,
        &compact,
        &[
            json!({"id": 1, "size": 1.5, "big": "12"}),
            json!({"id": 1.5}),
            json!({"size": "x"}),
            json!({"big": 12}),
        ],
    );
}

/// Ten URL members that GitHub's full and minimal repository both have, each too small to move
/// alone.
fn repository_urls() -> Map<String, Value> {
    let names = [
        "archive_url",
        "assignees_url",
        "blobs_url",
        "branches_url",
        "clone_url",
        "commits_url",
        "compare_url",
        "contents_url",
        "git_refs_url",
        "git_tags_url",
    ];
    (names.iter())
        .map(|name| (name.to_string(), json!({"type": "string"})))
        .collect()
}

#[test]
fn compact_output_keeps_the_properties_objects_have_alike_once() {
    let urls = repository_urls();
    let mut full = urls.clone();
    full.insert(
        "topics".into(),
        json!({"type": "array", "items": {"type": "integer"}}),
    );
    let original = json!({
        "type": "object",
        "properties": {
            "repository": {
                "type": "object", "description": "The repository.",
                "properties": full, "required": ["archive_url", "topics"]
            },
            "forked_from": {
                "type": ["object", "null"], "properties": urls, "required": ["clone_url"]
            },
            // `additionalProperties` reads the object's own `properties`: this one keeps them.
            "template": {
                "type": "object", "properties": urls, "additionalProperties": false
            }
        }
    });
    let mut compact = original.as_object().unwrap().clone();
    super::compact_output(&mut compact);
    let compact = Value::Object(compact);
    super::assert_tool_schema(&compact);
    let properties = &compact["properties"];
    let shared = json!([{"$ref": "#/$defs/forked_from_properties"}]);
    assert_eq!(properties["repository"]["allOf"], shared);
    assert_eq!(properties["forked_from"]["allOf"], shared);
    assert_eq!(
        properties["repository"]["properties"],
        json!({"topics": {"type": "array", "items": {"type": "integer"}}}),
        "each keeps what it has of its own"
    );
    assert_eq!(
        properties["repository"]["required"],
        json!(["archive_url", "topics"])
    );
    assert!(properties["forked_from"].get("properties").is_none());
    assert_eq!(
        compact["$defs"]["forked_from_properties"],
        json!({"properties": urls}),
        "the members once, and nothing else"
    );
    assert_eq!(properties["template"]["properties"], json!(urls));
    assert!(properties["template"].get("allOf").is_none());
    let urls_with = |name: &str, value: Value| {
        let mut instance: Map<String, Value> =
            urls.keys().map(|k| (k.clone(), json!("x"))).collect();
        instance.insert(name.into(), value);
        Value::Object(instance)
    };
    assert_same_verdicts(
        &original,
        &compact,
        &[
            json!({"repository": urls_with("topics", json!([1]))}),
            json!({"repository": urls_with("topics", json!(["a"]))}),
            json!({"repository": urls_with("archive_url", json!(1))}),
            json!({"repository": {"topics": []}}),
            json!({"repository": urls_with("extra", json!(1))}),
            json!({"forked_from": urls_with("clone_url", json!(null))}),
            json!({"forked_from": {"archive_url": "x"}}),
            json!({"forked_from": null}),
            json!({"forked_from": urls_with("extra", json!(1))}),
            json!({"template": urls_with("extra", json!(1))}),
            json!({"template": urls_with("commits_url", json!(2))}),
            json!({"template": {"clone_url": "x"}}),
        ],
    );
}

#[test]
fn compact_output_leaves_the_root_and_unevaluated_properties_alone() {
    let urls = repository_urls();
    let nested = json!({"type": "object", "properties": urls});
    let mut root = urls.clone();
    root.insert("parent".into(), nested.clone());
    root.insert("fork".into(), nested);
    let original = json!({"type": "object", "properties": root});
    let mut compact = original.as_object().unwrap().clone();
    super::compact_output(&mut compact);
    super::assert_tool_schema(&Value::Object(compact.clone()));
    // The two nested objects are one part, kept once; the root keeps its own members.
    let properties = &compact["properties"];
    assert_eq!(properties["parent"], properties["fork"]);
    for name in urls.keys() {
        assert_eq!(properties[name], json!({"type": "string"}), "{name}");
    }
    assert!(compact.get("allOf").is_none());
    let parent = properties["parent"]["$ref"].as_str().unwrap();
    let parent = &compact["$defs"][parent.strip_prefix("#/$defs/").unwrap()];
    assert!(
        parent.get("allOf").is_none(),
        "shared with the root alone: {parent}"
    );

    // `unevaluatedProperties` anywhere: nothing is shared.
    let mut unevaluated = urls.clone();
    unevaluated.insert("topics".into(), json!({"type": "array"}));
    let original = json!({
        "type": "object",
        "properties": {
            "repository": {"type": "object", "properties": unevaluated},
            "forked_from": {"type": "object", "properties": urls},
            "misc": {"type": "object", "unevaluatedProperties": false}
        }
    });
    let mut compact = original.as_object().unwrap().clone();
    super::compact_output(&mut compact);
    let text = Value::Object(compact).to_string();
    assert!(!text.contains("allOf"), "{text}");
}
