//! Unit tests of the conversion: operations in, tools and routes out, requests built back.

use serde_json::{Map, Value, json};

use super::{Catalog, mapper::OperationMapper};
use crate::{
    route::{BodyEncoding, BodyShape, Style},
    schema::assert_tool_schema,
};

fn catalog(doc: &Value) -> Catalog {
    OperationMapper::new(doc).build()
}

fn request(catalog: &Catalog, tool: &str, args: Value) -> http::Request<bytes::Bytes> {
    let op = catalog.get(tool).expect("tool exists");
    crate::request::build_request(
        tool,
        &op.route,
        args.as_object().unwrap(),
        http::HeaderMap::new(),
    )
    .unwrap()
}

#[test]
fn parameter_styles_are_read_from_the_document() {
    let doc = json!({"openapi": "3.1.0", "paths": {"/s": {"get": {
        "operationId": "s",
        "parameters": [
            {"name": "ids", "in": "query", "style": "form", "explode": false,
             "schema": {"type": "array", "items": {"type": "integer"}}},
            {"name": "filter", "in": "query", "style": "deepObject",
             "schema": {"type": "object", "properties": {"status": {"type": "string"}}}},
            {"name": "words", "in": "query", "style": "spaceDelimited",
             "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "pipes", "in": "query", "style": "pipeDelimited",
             "schema": {"type": "array", "items": {"type": "string"}}},
            {"name": "where", "in": "query",
             "content": {"application/json": {"schema": {"type": "object"}}}},
            {"name": "odd", "in": "query", "style": "tabDelimited"}
        ],
        "responses": {"200": {"description": "ok"}}
    }}}});
    let catalog = catalog(&doc);
    let op = catalog.get("s").unwrap();
    let styles: Vec<(Style, bool)> = op
        .route
        .params
        .iter()
        .map(|p| (p.style, p.explode))
        .collect();
    assert_eq!(
        styles,
        [
            (Style::Form, false),
            (Style::DeepObject, true),
            (Style::SpaceDelimited, false),
            (Style::PipeDelimited, false),
            (Style::Json, false),
            (Style::Form, true),
        ]
    );
    assert_eq!(
        op.tool.input_schema["properties"]["where"],
        // Optional, so null is accepted too (and sent as nothing).
        json!({"type": ["object", "null"]})
    );
    assert!(
        catalog
            .warnings
            .iter()
            .any(|w| w.reason.contains("tabDelimited"))
    );
    let request = request(
        &catalog,
        "s",
        json!({"ids": [1, 2], "filter": {"status": "open"}, "words": ["a", "b"],
               "pipes": ["a", "b"], "where": {"k": 1}}),
    );
    assert_eq!(
        request.uri().to_string(),
        "/s?ids=1,2&filter[status]=open&words=a%20b&pipes=a|b&where=%7B%22k%22%3A1%7D"
    );
    assert_eq!(request.uri().path(), "/s");
    assert_eq!(
        crate::request::build_request("s", &op.route, &Map::new(), http::HeaderMap::new())
            .unwrap()
            .uri(),
        "/s"
    );
}

#[test]
fn clashing_names_get_suffixes_and_route_back() {
    let doc = json!({"openapi": "3.0.3", "paths": {"/items/{id}": {"put": {
        "operationId": "put_item",
        "parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "v", "in": "query", "schema": {"type": "string"}},
            {"name": "v", "in": "header", "schema": {"type": "string"}}
        ],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {
            "type": "object", "required": ["id"],
            "properties": {"id": {"type": "integer"}, "title": {"type": "string"}}
        }}}},
        "responses": {"204": {"description": "done"}}
    }}}});
    let catalog = catalog(&doc);
    let tool = &catalog.get("put_item").unwrap().tool;
    let mut names: Vec<&String> = tool.input_schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["id__body", "id__path", "title", "v__header", "v__query"]
    );
    assert_eq!(
        tool.input_schema["required"],
        json!(["id__path", "id__body"])
    );
    assert_tool_schema(&Value::Object((*tool.input_schema).clone()));
    let request = request(
        &catalog,
        "put_item",
        json!({"id__path": "a/b", "id__body": 7, "title": "t", "v__query": "q", "v__header": "h"}),
    );
    assert_eq!(request.uri().to_string(), "/items/a%2Fb?v=q");
    assert_eq!(request.headers()["v"], "h");
    assert_eq!(
        serde_json::from_slice::<Value>(request.body()).unwrap(),
        json!({"id": 7, "title": "t"})
    );
}

#[test]
fn multipart_file_fields_become_file_objects() {
    let doc = json!({"openapi": "3.1.0", "paths": {
        "/upload": {"post": {
            "operationId": "upload",
            "requestBody": {"required": true, "content": {"multipart/form-data": {
                "schema": {"type": "object", "required": ["doc"], "properties": {
                    "title": {"type": "string"},
                    "doc": {"type": "string", "format": "binary", "description": "The document."},
                    "photo": {"type": "string", "contentMediaType": "image/png"},
                    "more": {"type": "array", "items": {"type": "string", "format": "binary"}}
                }},
                "encoding": {"doc": {"contentType": "application/pdf"}}
            }}},
            "responses": {"201": {"description": "stored"}}
        }},
        "/raw": {"post": {
            "operationId": "raw",
            "requestBody": {"content": {"application/octet-stream": {}}},
            "responses": {"204": {"description": "ok"}}
        }}
    }});
    let catalog = catalog(&doc);
    let op = catalog.get("upload").unwrap();
    let input = Value::Object((*op.tool.input_schema).clone());
    assert_tool_schema(&input);
    assert_eq!(input["required"], json!(["doc"]));
    assert_eq!(input["properties"]["title"], json!({"type": "string"}));
    let doc_schema = &input["properties"]["doc"];
    assert_eq!(doc_schema["required"], json!(["filename", "data_base64"]));
    assert!(
        doc_schema["description"]
            .as_str()
            .unwrap()
            .starts_with("The document.\n\nA file")
    );
    assert_eq!(input["properties"]["more"]["items"]["type"], "object");
    let body = op.route.body.as_ref().unwrap();
    assert_eq!(body.encoding, BodyEncoding::Multipart);
    let defaults: Vec<(&str, &str)> = body
        .files
        .iter()
        .map(|f| (f.property.as_str(), f.default_type.as_str()))
        .collect();
    assert_eq!(
        defaults,
        [
            ("doc", "application/pdf"),
            ("more", "application/octet-stream"),
            ("photo", "image/png")
        ]
    );
    // Arguments that fit the schema build a request.
    let args = json!({"doc": {"filename": "a.pdf", "data_base64": "JVBERg=="},
                      "more": [{"filename": "1", "data_base64": ""}]});
    assert!(op.input_validator().unwrap().is_valid(&args));
    let request = request(&catalog, "upload", args);
    let body = String::from_utf8_lossy(request.body());
    assert!(body.contains("filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n"));
    // A body that cannot be built is reported, naming what was dropped.
    assert!(catalog.get("raw").unwrap().route.body.is_none());
    let warning = catalog
        .warnings
        .iter()
        .find(|w| w.operation == "raw")
        .unwrap();
    assert!(
        warning.reason.contains("application/octet-stream"),
        "{warning}"
    );
}

#[test]
fn every_tool_schema_is_valid_json_schema_2020_12() {
    let doc = json!({"openapi": "3.0.3",
        "paths": {
            "/pets": {
                "get": {"operationId": "list", "parameters": [
                    {"name": "status", "in": "query",
                     "schema": {"$ref": "#/components/schemas/Status"}},
                    {"name": "limit", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "exclusiveMinimum": true,
                                "nullable": true}}
                ], "responses": {"200": {"description": "ok", "content": {"application/json":
                    {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}}}}},
                "post": {"operationId": "create", "requestBody": {"required": true,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                    "responses": {"201": {"description": "ok", "content": {"application/json":
                        {"schema": {"$ref": "#/components/schemas/Pet"}}}}}}
            },
            "/trees": {"put": {"operationId": "tree", "requestBody": {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json":
                    {"schema": {"$ref": "#/components/schemas/Node"}}}}}}},
            "/shapes": {"post": {"operationId": "shape", "requestBody": {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Shape"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json":
                    {"schema": {"type": "string", "nullable": true}}}}}}}
        },
        "components": {"schemas": {
            "Status": {"type": "string", "enum": ["a", "b"]},
            "Base": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer", "readOnly": true}}},
            "Pet": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object",
                "required": ["name"], "properties": {
                    "name": {"type": "string", "example": "Rex"},
                    "status": {"allOf": [{"$ref": "#/components/schemas/Status"}], "nullable": true},
                    "secret": {"type": "string", "writeOnly": true},
                    "extra": {"type": "object", "additionalProperties": {"type": "integer"}}
                }}]},
            "Node": {"type": "object", "properties": {
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}},
            "Circle": {"type": "object", "properties": {"r": {"type": "number"}}},
            "Square": {"type": "object", "properties": {"side": {"type": "number"}}},
            "Shape": {"oneOf": [{"$ref": "#/components/schemas/Circle"},
                                {"$ref": "#/components/schemas/Square"}],
                      "discriminator": {"propertyName": "kind"}}
        }}
    });
    for keep in [false, true] {
        let catalog = OperationMapper::new(&doc).keep_defs(keep).build();
        assert_eq!(catalog.operations.len(), 4);
        assert!(catalog.warnings.is_empty(), "{:?}", catalog.warnings);
        for op in &catalog.operations {
            assert_tool_schema(&Value::Object((*op.tool.input_schema).clone()));
            if let Some(output) = &op.tool.output_schema {
                assert_tool_schema(&Value::Object((**output).clone()));
            }
        }
        let create = catalog.get("create").unwrap();
        let input = &create.tool.input_schema;
        // The allOf body merged into arguments: `id` is read-only, `secret` write-only.
        assert_eq!(input["required"], json!(["name"]), "keep_defs: {keep}");
        assert!(input["properties"].get("id").is_none());
        assert!(input["properties"].get("secret").is_some());
        let output = create.tool.output_schema.as_ref().unwrap();
        assert!(!create.wraps_result);
        assert!(output["properties"].get("secret").is_none());
        let validator = create.input_validator().unwrap();
        assert!(validator.is_valid(&json!({"name": "Rex", "status": null})));
        assert!(!validator.is_valid(&json!({"name": "Rex", "status": "c"})));
        assert!(
            catalog
                .get("tree")
                .unwrap()
                .route
                .body
                .as_ref()
                .is_some_and(
                    |body| matches!(&body.shape, BodyShape::Properties(p) if p[0].0 == "children")
                )
        );
    }
}

/// The preview that moves the catalog's schemas out is the one that copies them: tools (with a
/// component used twice, an output schema and a tool without one), resources, templates and
/// warnings alike.
#[test]
fn into_preview_is_preview() {
    let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "paths": {
            "/items/{id}": {
                "get": {"operationId": "get_item", "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok", "content": {"application/json":
                        {"schema": {"$ref": "#/components/schemas/Item"}}}}}},
                "put": {"operationId": "put_item", "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "requestBody": {"content": {"application/json":
                        {"schema": {"$ref": "#/components/schemas/Item"}}}},
                    "responses": {"204": {"description": "done"}}}
            },
            "/report": {"get": {"operationId": "report", "x-mcp": {"kind": "resource"},
                "responses": {"200": {"description": "ok"}}}},
            "/days/{day}": {"get": {"operationId": "day", "x-mcp": {"kind": "resource_template"},
                "parameters": [{"name": "day", "in": "path", "required": true,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}}}},
            // A resource needing a query parameter stays a tool, with a warning.
            "/search": {"get": {"operationId": "search", "x-mcp": {"kind": "resource"},
                "parameters": [{"name": "q", "in": "query", "required": true,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}}}}
        },
        "components": {"schemas": {"Item": {"type": "object", "properties": {
            "name": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}}}}
    });
    let copied = catalog(&doc).preview();
    let moved = catalog(&doc).into_preview();
    assert_eq!(
        serde_json::to_value(&moved).unwrap(),
        serde_json::to_value(&copied).unwrap()
    );
    assert_eq!(copied.tools.len(), 3, "{:?}", copied.tools);
    assert!(!copied.warnings.is_empty());
    assert!(
        copied
            .tools
            .iter()
            .any(|tool| tool.get("outputSchema").is_some())
    );
    assert!(
        copied
            .tools
            .iter()
            .any(|tool| tool.get("outputSchema").is_none())
    );
    assert_eq!(
        (copied.resources.len(), copied.resource_templates.len()),
        (1, 1)
    );
}

#[test]
fn media_types_are_matched_whatever_their_case_and_parameters() {
    let doc = json!({"openapi": "3.1.0", "paths": {
        "/notes": {"post": {"operationId": "add_note",
            "requestBody": {"required": true, "content": {"Application/JSON; charset=UTF-8": {
                "schema": {"type": "object", "required": ["text"],
                           "properties": {"text": {"type": "string"}}}}}},
            "responses": {"200": {"description": "ok", "content": {"Application/Problem+JSON": {
                "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}}}}}}},
        "/login": {"post": {"operationId": "login",
            "requestBody": {"content": {"Application/X-WWW-Form-Urlencoded": {
                "schema": {"type": "object", "properties": {"user": {"type": "string"}}}}}},
            "responses": {"204": {"description": "ok"}}}}
    }});
    let catalog = catalog(&doc);
    let add = catalog.get("add_note").unwrap();
    assert_eq!(add.tool.input_schema["required"], json!(["text"]));
    assert!(
        add.tool.output_schema.is_some(),
        "a +json result has its schema"
    );
    let request = request(&catalog, "add_note", json!({"text": "hi"}));
    assert_eq!(request.body().as_ref(), br#"{"text":"hi"}"#);
    let login = catalog.get("login").unwrap();
    assert_eq!(
        login.route.body.as_ref().unwrap().encoding,
        BodyEncoding::Form
    );
}

/// A published description had `schema: null` for a JSON body, which made `"body": null` in a
/// tool's input schema and strict clients refuse the whole list. Whatever is in a schema's place
/// (null, a string, a number, an array), the tools stay valid and a warning says where.
#[test]
fn values_that_are_not_schemas_become_any_value_with_a_warning() {
    let doc = json!({"openapi": "3.1.0",
        "paths": {"/things/{id}": {"post": {"operationId": "odd",
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": null},
                {"name": "q", "in": "query", "schema": "string"}
            ],
            "requestBody": {"required": true, "content": {"application/json": {"schema": null}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "a": null, "b": 42, "c": {"type": "array", "items": "x"},
                    "d": {"$ref": "#/components/schemas/Broken"},
                    "e": {"anyOf": [null, {"type": "string"}]}
                }}}}}}}}},
        "components": {"schemas": {"Broken": null}}
    });
    let catalog = catalog(&doc);
    let tool = &catalog.get("odd").expect("the tool is still made").tool;
    assert_tool_schema(&Value::Object((*tool.input_schema).clone()));
    let output = Value::Object((**tool.output_schema.as_ref().unwrap()).clone());
    assert_tool_schema(&output);
    let warnings: Vec<String> = catalog.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("null, which is not a schema")),
        "{warnings:?}"
    );
}

/// A 3.1 document whose `Contact` body uses the JSON Schema 2020-12 keywords of the official
/// suite's `json-schema-2020-12` scenario, and refers to itself (kept under `$defs`).
fn contact_document(body_required: bool, clashing_parameter: bool) -> Value {
    let parameters = if clashing_parameter {
        json!([{"name": "phone", "in": "query", "schema": {"type": "string"}}])
    } else {
        json!([{"name": "dry_run", "in": "query", "schema": {"type": "boolean"}}])
    };
    json!({"openapi": "3.1.0", "paths": {"/contacts": {"post": {
        "operationId": "add_contact",
        "parameters": parameters,
        "requestBody": {"required": body_required, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Contact"}}}},
        "responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": {
            "Contact": {"type": "object", "additionalProperties": false,
                "properties": {
                    "name": {"type": "string"},
                    "address": {"$ref": "#/components/schemas/Address"},
                    "contactMethod": {"type": "string", "enum": ["phone", "email"]},
                    "phone": {"type": "string"}, "email": {"type": "string"},
                    "tags": {"type": "array", "prefixItems": [{"type": "string"}], "items": false},
                    "referrer": {"$ref": "#/components/schemas/Contact"}},
                "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
                "if": {"properties": {"contactMethod": {"const": "phone"}},
                       "required": ["contactMethod"]},
                "then": {"required": ["phone"]}, "else": {"required": ["email"]},
                "dependentRequired": {"phone": ["name"]}},
            "Address": {"$anchor": "addressDef", "type": "object",
                "properties": {"street": {"type": "string"}}}}}})
}

#[test]
fn json_schema_2020_12_keywords_of_a_body_reach_the_tool_schema() {
    for keep_defs in [false, true] {
        let catalog = OperationMapper::new(&contact_document(true, false))
            .keep_defs(keep_defs)
            .build();
        let schema = &*catalog.get("add_contact").unwrap().tool.input_schema;
        assert_tool_schema(&Value::Object(schema.clone()));
        // What constrains the body's properties together now constrains the arguments.
        assert_eq!(schema["additionalProperties"], false, "{schema:?}");
        assert_eq!(schema["then"], json!({"required": ["phone"]}));
        assert_eq!(schema["else"], json!({"required": ["email"]}));
        assert_eq!(
            schema["if"]["properties"]["contactMethod"]["const"],
            "phone"
        );
        assert_eq!(schema["dependentRequired"], json!({"phone": ["name"]}));
        let any_of = schema
            .get("anyOf")
            .or_else(|| schema["allOf"][0].get("anyOf"))
            .unwrap_or_else(|| panic!("anyOf kept: {schema:?}"));
        assert_eq!(any_of[1], json!({"required": ["email"]}));
        // The parameter is an argument beside the body's, so `false` does not refuse it.
        assert!(schema["properties"]["dry_run"].is_object());
        let tags = &schema["properties"]["tags"];
        assert_eq!(tags["prefixItems"], json!([{"type": "string"}]));
        assert_eq!(tags["items"], false);
        // The recursive model is referenced and kept under `$defs`, keywords and all.
        assert_eq!(schema["properties"]["referrer"]["$ref"], "#/$defs/Contact");
        let kept = &schema["$defs"]["Contact"];
        assert_eq!(kept["additionalProperties"], false);
        assert_eq!(kept["then"], json!({"required": ["phone"]}));
        let address = if keep_defs {
            assert_eq!(schema["properties"]["address"]["$ref"], "#/$defs/Address");
            &schema["$defs"]["Address"]
        } else {
            &schema["properties"]["address"]
        };
        assert_eq!(address["$anchor"], "addressDef");
        assert!(catalog.warnings.is_empty(), "{:?}", catalog.warnings);
    }
}

#[test]
fn body_constraints_that_cannot_hold_for_the_arguments_are_left_out_with_a_warning() {
    for (required, clashing, why) in [
        (false, false, "the body is optional"),
        (true, true, "renamed"),
    ] {
        let catalog = catalog(&contact_document(required, clashing));
        let schema = &*catalog.get("add_contact").unwrap().tool.input_schema;
        for keyword in ["if", "then", "else", "anyOf", "allOf", "dependentRequired"] {
            assert!(!schema.contains_key(keyword), "{keyword}: {schema:?}");
        }
        // Refusing arguments the tool does not have holds either way.
        assert_eq!(schema["additionalProperties"], false);
        let warning = catalog
            .warnings
            .iter()
            .find(|w| w.reason.contains("cannot apply to the arguments"))
            .unwrap_or_else(|| panic!("{:?}", catalog.warnings));
        assert!(warning.reason.contains(why), "{}", warning.reason);
    }
}

#[test]
fn x_mcp_headers_mark_arguments_and_bad_entries_are_warned_about() {
    let doc = json!({"openapi": "3.1.0", "paths": {"/q": {"post": {
        "operationId": "query",
        "x-mcp": {"headers": {"region": "Region", "limit": "Limit", "missing": "Missing",
                              "tags": "Tags", "zone": "REGION"}},
        "parameters": [{"name": "region", "in": "query", "required": true,
                        "schema": {"type": "string"}},
                       {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                       {"name": "zone", "in": "query", "schema": {"type": "string"}},
                       {"name": "tags", "in": "query",
                        "schema": {"type": "array", "items": {"type": "string"}}}],
        "responses": {"200": {"description": "ok"}}}}}});
    let catalog = catalog(&doc);
    let operation = catalog.get("query").unwrap();
    let properties = &operation.tool.input_schema["properties"];
    assert_eq!(properties["region"]["x-mcp-header"], "Region");
    assert_eq!(properties["limit"]["x-mcp-header"], "Limit");
    assert!(properties["tags"].get("x-mcp-header").is_none());
    assert!(properties["zone"].get("x-mcp-header").is_none());
    assert!(operation.mirrors_headers());
    let reasons: Vec<&str> = catalog.warnings.iter().map(|w| w.reason.as_str()).collect();
    for expected in [
        "x-mcp.headers.missing: there is no argument 'missing'",
        "x-mcp.headers.tags:",
        "x-mcp.headers.zone:",
    ] {
        assert!(
            reasons.iter().any(|r| r.starts_with(expected)),
            "{expected}: {reasons:?}"
        );
    }
}

#[test]
fn operations_with_equal_response_schemas_share_one_output() {
    // Enough distinct schemas that the outputs are resolved on two threads where there are two
    // cores; two of them written the same way in many places.
    let mut paths = Map::new();
    for i in 0..200 {
        let schema = match i % 3 {
            0 => json!({"type": "array", "items": {"$ref": "#/components/schemas/Broken"}}),
            1 => json!({"$ref": "#/components/schemas/Item"}),
            _ => json!({"type": "object", "properties": {format!("p{i}"): {"type": "string"}}}),
        };
        paths.insert(
            format!("/items{i}"),
            json!({"get": {"operationId": format!("get{i}"), "responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"schema": schema}}}}}}),
        );
    }
    let doc = json!({"openapi": "3.1.0", "paths": paths, "components": {"schemas": {
        "Item": {"type": "object", "properties": {"id": {"type": "integer"}}},
        "Broken": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Nope"}}}
    }}});
    let catalog = catalog(&doc);
    let output = |name: &str| {
        catalog
            .get(name)
            .unwrap()
            .tool
            .output_schema
            .clone()
            .unwrap()
    };
    // One schema, shared by every tool that returns it, and equal to what it is resolved to.
    assert!(std::sync::Arc::ptr_eq(&output("get1"), &output("get199")));
    assert!(std::sync::Arc::ptr_eq(&output("get0"), &output("get198")));
    assert_eq!(
        Value::Object((*output("get5")).clone()),
        json!({"type": "object", "properties": {"p5": {"type": "string"}}})
    );
    assert_eq!(
        Value::Object((*output("get1")).clone()),
        json!({"type": "object", "properties": {"id": {"type": "integer"}}})
    );
    assert!(catalog.get("get0").unwrap().wraps_result);
    assert!(!catalog.get("get1").unwrap().wraps_result);
    // What the shared resolution could not resolve is said for each operation, in order.
    let warned: Vec<&str> = catalog
        .warnings
        .iter()
        .map(|w| w.operation.as_str())
        .collect();
    // In document order: the paths' order, `/items0`, `/items1`, `/items10`, ...
    let expected: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .filter_map(|path| path["/items".len()..].parse::<usize>().ok())
        .filter(|i| i % 3 == 0)
        .map(|i| format!("get{i}"))
        .collect();
    assert_eq!(warned, expected);
    assert!(
        catalog.warnings[0]
            .reason
            .contains("#/components/schemas/Nope")
    );
}
