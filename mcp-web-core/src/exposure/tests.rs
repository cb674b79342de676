//! Exposure decisions, step by step (`Exposure::decide`), and what they make of a whole document
//! (through `McpConfig::preview`).

use std::sync::Arc;

use http::Method;
use serde_json::{Value, json};

use super::*;

fn op(method: Method, path: &str, id: &str, tags: &[&str]) -> OperationInfo {
    OperationInfo::new(method, path)
        .with_operation_id(id)
        .with_tags(tags.iter().copied())
}

#[test]
fn the_first_matching_route_map_wins_and_the_default_is_a_tool() {
    let exposure = Exposure {
        route_maps: vec![
            RouteMap::new().pattern("/reports/internal/**").exclude(),
            RouteMap::new()
                .methods([Method::GET])
                .pattern("/reports/**")
                .to(McpKind::Resource),
            RouteMap::new()
                .tags(["lookup"])
                .to(McpKind::ResourceTemplate),
        ],
        ..Exposure::default()
    };
    let none = XMcp::default();
    let decide = |info: OperationInfo| exposure.decide(&info, &none);
    assert_eq!(
        decide(op(Method::GET, "/reports/daily", "d", &["lookup"])),
        Decision::Exposed {
            kind: McpKind::Resource,
            by: "route_map"
        }
    );
    assert!(matches!(
        decide(op(Method::GET, "/reports/internal/x", "i", &[])),
        Decision::Hidden { chosen: true, .. }
    ));
    assert_eq!(
        decide(op(Method::POST, "/reports/daily", "p", &["lookup"])),
        Decision::Exposed {
            kind: McpKind::ResourceTemplate,
            by: "route_map"
        }
    );
    assert_eq!(
        decide(op(Method::POST, "/reports/daily", "p", &[])),
        Decision::Exposed {
            kind: McpKind::Tool,
            by: "default"
        }
    );
}

#[test]
fn hooks_come_first_and_none_falls_through() {
    let exposure = Exposure {
        hooks: vec![
            Arc::new(|info: &OperationInfo| {
                (info.operation_id.as_deref() == Some("special")).then_some(McpKind::Tool.into())
            }),
            Arc::new(|info: &OperationInfo| {
                info.path
                    .starts_with("/hidden")
                    .then_some(OperationMapping::Exclude)
            }),
        ],
        route_maps: vec![RouteMap::new().to(McpKind::Resource)],
        filter: OperationFilter::new().exclude_operations(["filtered"]),
        ..Exposure::default()
    };
    let none = XMcp::default();
    let kind = |info: OperationInfo| match exposure.decide(&info, &none) {
        Decision::Exposed { kind, by } => Some((kind, by)),
        Decision::Hidden { .. } => None,
    };
    assert_eq!(
        kind(op(Method::GET, "/x", "special", &[])),
        Some((McpKind::Tool, "map_operations"))
    );
    assert_eq!(kind(op(Method::GET, "/hidden/x", "h", &[])), None);
    assert_eq!(
        kind(op(Method::GET, "/x", "plain", &[])),
        Some((McpKind::Resource, "route_map"))
    );
    // Filters run before hooks: a hook cannot bring back a filtered operation.
    assert_eq!(kind(op(Method::GET, "/x", "filtered", &[])), None);
}

#[test]
fn x_mcp_overrides_route_maps_but_not_hooks() {
    let mut warnings = Vec::new();
    let x_mcp = XMcp::parse(
        &json!({"x-mcp": {"kind": "tool", "name": "renamed", "title": "T",
                "annotations": {"readOnlyHint": false, "openWorldHint": true}}}),
        &mut |w| warnings.push(w),
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(x_mcp.kind, Some(OperationMapping::Expose(McpKind::Tool)));
    assert_eq!(x_mcp.name.as_deref(), Some("renamed"));
    assert_eq!(x_mcp.read_only, Some(false));
    assert_eq!(x_mcp.open_world, Some(true));
    assert_eq!(x_mcp.destructive, None);

    let exposure = Exposure {
        route_maps: vec![RouteMap::new().to(McpKind::Resource)],
        ..Exposure::default()
    };
    let info = op(Method::GET, "/x", "x", &[]);
    assert_eq!(
        exposure.decide(&info, &x_mcp),
        Decision::Exposed {
            kind: McpKind::Tool,
            by: "x-mcp.kind"
        }
    );
    let hidden = XMcp {
        hidden: true,
        ..XMcp::default()
    };
    assert!(matches!(
        exposure.decide(&info, &hidden),
        Decision::Hidden { .. }
    ));
    let hooked = Exposure {
        hooks: vec![Arc::new(|_: &OperationInfo| Some(McpKind::Resource.into()))],
        ..Exposure::default()
    };
    assert_eq!(
        hooked.decide(&info, &hidden),
        Decision::Exposed {
            kind: McpKind::Resource,
            by: "map_operations"
        }
    );
}
#[test]
fn renames_win_over_x_mcp_names() {
    let mut exposure = Exposure::default();
    exposure.renames.insert("a".into(), "from_config".into());
    let x_mcp = XMcp {
        name: Some("from_document".into()),
        ..XMcp::default()
    };
    assert_eq!(
        exposure.name_for(&op(Method::GET, "/", "a", &[]), &x_mcp),
        Some("from_config")
    );
    assert_eq!(
        exposure.name_for(&op(Method::GET, "/", "b", &[]), &x_mcp),
        Some("from_document")
    );
}

#[test]
fn deprecated_operations_are_hidden_unless_included() {
    let mut info = op(Method::GET, "/old", "old", &[]);
    info.deprecated = true;
    let none = XMcp::default();
    assert!(matches!(
        Exposure::default().decide(&info, &none),
        Decision::Hidden { .. }
    ));
    let exposure = Exposure {
        include_deprecated: true,
        ..Exposure::default()
    };
    assert!(matches!(
        exposure.decide(&info, &none),
        Decision::Exposed { .. }
    ));
}
/// A small document: tickets (list, read, create), a report, an admin route and an old one.
fn document() -> Value {
    let ok = json!({"200": {"description": "The answer.",
                            "content": {"application/json": {"schema": {"type": "object"}}}}});
    json!({
        "openapi": "3.1.0", "info": {"title": "Help Desk", "version": "1"},
        "paths": {
            "/tickets": {
                "get": {"operationId": "list_tickets", "tags": ["tickets"], "responses": ok,
                        "parameters": [{"name": "limit", "in": "query",
                                        "schema": {"type": "integer"}}]},
                "post": {"operationId": "create_ticket", "tags": ["tickets"], "responses": ok,
                         "summary": "Create a ticket"}
            },
            "/tickets/{ticket_id}": {
                "get": {"operationId": "get_ticket", "tags": ["tickets"], "responses": ok,
                        "summary": "Read a ticket",
                        "parameters": [{"name": "ticket_id", "in": "path", "required": true,
                                        "schema": {"type": "integer"}}]}
            },
            "/search": {
                "get": {"operationId": "search", "responses": ok,
                        "parameters": [{"name": "q", "in": "query", "required": true,
                                        "schema": {"type": "string"}}]}
            },
            "/reports/daily": {
                "get": {"operationId": "daily_report", "tags": ["reports"],
                        "responses": {"200": {"description": "CSV rows.",
                                              "content": {"text/csv": {}}}}}
            },
            "/admin/reset": {"post": {"operationId": "reset", "tags": ["admin"], "responses": ok}},
            "/old": {"get": {"operationId": "old", "deprecated": true, "responses": ok}}
        }
    })
}

fn config() -> crate::McpConfig {
    crate::McpConfig::from_json(document())
}

fn names(items: &[Value], key: &str) -> Vec<String> {
    let mut names: Vec<String> = items
        .iter()
        .map(|item| item[key].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

fn reasons(preview: &crate::Preview, operation: &str) -> Vec<String> {
    preview
        .warnings
        .iter()
        .filter(|w| w.operation == operation)
        .map(|w| w.reason.clone())
        .collect()
}

#[test]
fn filters_leave_operations_out_of_the_catalog_with_a_reason() {
    let preview = config()
        .include_tags(["tickets", "admin"])
        .exclude_methods(["POST"])
        .preview()
        .unwrap();
    assert_eq!(
        names(&preview.tools, "name"),
        ["get_ticket", "list_tickets"]
    );
    assert_eq!(
        reasons(&preview, "reset"),
        ["excluded by exclude_methods([\"POST\"])"]
    );
    assert_eq!(
        reasons(&preview, "search"),
        ["not tagged with any of include_tags([\"tickets\", \"admin\"])"]
    );
    assert!(reasons(&preview, "old")[0].contains("deprecated"));

    let preview = config()
        .include_paths(["/tickets/*"])
        .include_deprecated()
        .preview()
        .unwrap();
    assert_eq!(names(&preview.tools, "name"), ["get_ticket"]);
    let preview = config()
        .include_deprecated()
        .exclude_paths(["/tickets/**", "/admin/*"])
        .exclude_operations(["search"])
        .preview()
        .unwrap();
    assert_eq!(names(&preview.tools, "name"), ["daily_report", "old"]);
}

#[test]
fn route_maps_make_resources_and_templates_and_refuse_what_cannot_be_read() {
    let preview = config()
        .route_map(RouteMap::new().pattern("/admin/**").exclude())
        .route_map(RouteMap::new().to(McpKind::Resource))
        .preview()
        .unwrap();
    // POST and a required query parameter cannot be resources: they stay tools, with reasons.
    assert_eq!(names(&preview.tools, "name"), ["create_ticket", "search"]);
    assert_eq!(
        reasons(&preview, "create_ticket"),
        [
            "route_map maps it to a resource, but only GET operations can be resources, not POST; it is a tool instead"
        ]
    );
    assert!(reasons(&preview, "search")[0].contains("required query parameter 'q'"));
    assert_eq!(reasons(&preview, "reset"), ["excluded by route_map"]);

    assert_eq!(
        names(&preview.resources, "uri"),
        [
            "resource://help-desk/reports/daily",
            "resource://help-desk/tickets"
        ]
    );
    let daily = preview
        .resources
        .iter()
        .find(|r| r["name"] == "daily_report")
        .unwrap();
    assert_eq!(daily["mimeType"], "text/csv");
    assert_eq!(
        preview.resource_templates,
        [json!({
            "uriTemplate": "resource://help-desk/tickets/{ticket_id}",
            "name": "get_ticket",
            "title": "Read a ticket",
            "description": "Read a ticket",
            "mimeType": "application/json"
        })]
    );
}

#[test]
fn resource_uris_resolve_to_typed_arguments() {
    let config = config()
        .route_map(
            RouteMap::new()
                .methods(["GET"])
                .to(McpKind::ResourceTemplate),
        )
        .resource_uri_base("desk://");
    let catalog = crate::catalog::build_catalog(&config, None).unwrap();
    let (operation, arguments) = catalog.resolve_resource("desk://tickets/42").unwrap();
    assert_eq!(operation.tool.name, "get_ticket");
    assert_eq!(Value::Object(arguments), json!({"ticket_id": 42}));
    // A fixed resource still takes its optional query parameters.
    let (operation, arguments) = catalog.resolve_resource("desk://tickets?limit=5").unwrap();
    assert_eq!(operation.tool.name, "list_tickets");
    assert_eq!(Value::Object(arguments), json!({"limit": 5}));
    assert!(catalog.resolve_resource("desk://tickets/42/x").is_none());
    assert!(
        catalog
            .resolve_resource("resource://help-desk/tickets")
            .is_none()
    );
    assert!(
        catalog.get("get_ticket").is_none(),
        "a resource is not a tool"
    );
}

#[test]
fn x_mcp_renames_retitles_annotates_hides_and_maps() {
    let mut document = document();
    let paths = document["paths"].as_object_mut().unwrap();
    paths["/tickets"]["post"]["x-mcp"] = json!({
        "name": "open_ticket", "title": "Open a ticket",
        "annotations": {"idempotentHint": true, "openWorldHint": false}
    });
    paths["/admin/reset"]["post"]["x-mcp"] = json!({"hidden": true});
    paths["/reports/daily"]["get"]["x-mcp"] = json!({"kind": "resource"});
    paths["/search"]["get"]["x-mcp"] = json!({"kind": "sideways"});
    let preview = crate::McpConfig::from_json(document).preview().unwrap();
    let open = preview
        .tools
        .iter()
        .find(|t| t["name"] == "open_ticket")
        .unwrap();
    assert_eq!(open["title"], "Open a ticket");
    // The display title: `title`, which the preview's clients (2025-06-18 and later) read before
    // `annotations.title`; an `annotations.title` may only say the same.
    assert!(
        (open["annotations"].get("title")).is_none_or(|title| title == "Open a ticket"),
        "{open}"
    );
    assert_eq!(open["annotations"]["idempotentHint"], true);
    assert_eq!(open["annotations"]["openWorldHint"], false);
    // Not read-only: `false`, or left out, which means `false`.
    assert!(
        (open["annotations"].get("readOnlyHint")).is_none_or(|hint| hint == false),
        "{open}"
    );
    assert_eq!(reasons(&preview, "reset"), ["excluded by x-mcp.hidden"]);
    assert_eq!(preview.resources[0]["name"], "daily_report");
    assert!(reasons(&preview, "search")[0].contains("x-mcp.kind \"sideways\""));
    assert!(preview.tools.iter().any(|t| t["name"] == "search"));
}

#[test]
fn rename_operation_wins_and_names_stay_unique() {
    let mut document = document();
    document["paths"]["/tickets"]["post"]["x-mcp"] = json!({"name": "from_document"});
    let preview = crate::McpConfig::from_json(document)
        .rename_operation("create_ticket", "new ticket")
        .rename_operation("reset", "get_ticket")
        .preview()
        .unwrap();
    let tools = names(&preview.tools, "name");
    assert!(tools.contains(&"new_ticket".to_string()), "{tools:?}");
    assert!(tools.contains(&"get_ticket".to_string()));
    assert!(tools.contains(&"get_ticket_2".to_string()));
    assert!(reasons(&preview, "create_ticket")[0].contains("exposed as \"new_ticket\""));
}

#[test]
fn describe_responses_appends_the_success_description() {
    let preview = config().describe_responses().preview().unwrap();
    let tool = |name: &str| {
        preview
            .tools
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        tool("create_ticket")["description"],
        "Create a ticket\n\nResponds 200: The answer."
    );
    assert_eq!(
        tool("daily_report")["description"],
        "GET /reports/daily\n\nResponds 200: CSV rows."
    );
    let plain = config().preview().unwrap();
    assert_eq!(plain.tools.len(), preview.tools.len());
    assert!(
        plain
            .tools
            .iter()
            .all(|t| !t["description"].as_str().unwrap().contains("Responds"))
    );
}

#[test]
fn x_mcp_kind_exclude_leaves_the_operation_out() {
    let mut document = document();
    document["paths"]["/search"]["get"]["x-mcp"] = json!({"kind": "exclude"});
    let preview = crate::McpConfig::from_json(document).preview().unwrap();
    assert!(!preview.tools.iter().any(|t| t["name"] == "search"));
    assert_eq!(reasons(&preview, "search"), ["excluded by x-mcp.kind"]);
}

#[test]
fn an_operation_filter_adds_to_the_filter_methods_of_the_config() {
    let read_only = OperationFilter::new().include_methods(["GET"]);
    let preview = config()
        .exclude_tags(["tickets"])
        .operation_filter(read_only)
        .preview()
        .unwrap();
    assert_eq!(names(&preview.tools, "name"), ["daily_report", "search"]);
    assert_eq!(
        reasons(&preview, "reset"),
        ["method not in include_methods([\"GET\"])"]
    );
}
