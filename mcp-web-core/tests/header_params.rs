//! Tool arguments mirrored into `Mcp-Param-*` headers (SEP-2243): declared in `tools/list`,
//! checked against 2026-07-28 calls before the tool runs, for curated and generated tools.

mod support;

use bytes::Bytes;
use http::{Request, Response};
use mcp_test_support::protocol;
use mcp_web_core::{
    DispatchBody, McpConfig,
    curated::{CallContext, CuratedTool},
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use support::{Mcp, Routes, plain};
use utoipa::OpenApi;

/// Items of a region; gateways route on the region.
#[utoipa::path(get, path = "/items", operation_id = "list_items",
    params(("region" = String, Query)), responses((status = 200, body = String)),
    extensions(("x-mcp" = json!({"headers": {"region": "Region"}}))))]
async fn list_items(request: Request<Bytes>) -> Response<DispatchBody> {
    plain(format!("items of {}", request.uri().query().unwrap_or("")))
}

#[derive(OpenApi)]
#[openapi(paths(list_items))]
struct ApiDoc;

#[derive(Deserialize, JsonSchema)]
struct Query {
    region: String,
    limit: Option<i64>,
}

fn mcp() -> Mcp {
    let config = McpConfig::new(ApiDoc::openapi()).tool(
        CuratedTool::new(
            "run_query",
            "Runs a query in a region",
            |args: Query, _cx: CallContext| async move {
                Ok(format!("ran in {} ({:?})", args.region, args.limit))
            },
        )
        .header_param("region", "Region")
        .header_param("limit", "Limit"),
    );
    Mcp::new(config, Routes::new().get("/items", list_items))
}

/// A 2026-07-28 call of `tool` with `arguments` and the `Mcp-Param-*` headers `params`.
async fn call(mcp: &Mcp, tool: &str, arguments: Value, params: &[(&str, &str)]) -> (u16, Value) {
    let body = protocol::with_modern_meta(json!({"name": tool, "arguments": arguments}));
    let mut headers = protocol::modern_headers("tools/call", &body);
    headers.extend_from_slice(params);
    let reply = mcp
        .post(protocol::request(3, "tools/call", body.clone()), &headers)
        .await;
    (reply.status.as_u16(), reply.message())
}

#[tokio::test]
async fn tools_list_declares_the_mirrored_arguments() {
    let mcp = mcp();
    let listed = mcp.rpc_modern("tools/list", json!({})).await;
    let tools = listed["result"]["tools"].as_array().unwrap();
    let schema = |name: &str| {
        tools.iter().find(|t| t["name"] == name).unwrap()["inputSchema"]["properties"].clone()
    };
    assert_eq!(schema("list_items")["region"]["x-mcp-header"], "Region");
    let curated = schema("run_query");
    assert_eq!(curated["region"]["x-mcp-header"], "Region");
    // An `Option<i64>` is declared as its one type, and stays optional.
    assert_eq!(
        curated["limit"],
        json!({"type": "integer", "format": "int64",
                                        "x-mcp-header": "Limit"})
    );
}

#[tokio::test]
async fn a_header_that_matches_the_argument_lets_the_call_run() {
    let mcp = mcp();
    // Plain, and Base64 in the `=?base64?…?=` wrapper ("eu-west").
    for region in ["eu-west", "=?base64?ZXUtd2VzdA==?="] {
        let (status, reply) = call(
            &mcp,
            "list_items",
            json!({"region": "eu-west"}),
            &[("Mcp-Param-Region", region)],
        )
        .await;
        assert_eq!(status, 200, "{reply}");
        assert_eq!(
            reply["result"]["content"][0]["text"],
            "items of region=eu-west"
        );
        let (status, reply) = call(
            &mcp,
            "run_query",
            json!({"region": "eu-west", "limit": 5}),
            &[("Mcp-Param-Region", region), ("Mcp-Param-Limit", "5")],
        )
        .await;
        assert_eq!(status, 200, "{reply}");
        assert_eq!(
            reply["result"]["content"][0]["text"],
            "ran in eu-west (Some(5))"
        );
    }
    // An optional argument left out sends no header.
    let (status, reply) = call(
        &mcp,
        "run_query",
        json!({"region": "eu-west"}),
        &[("Mcp-Param-Region", "eu-west")],
    )
    .await;
    assert_eq!(status, 200, "{reply}");
}

#[tokio::test]
async fn a_missing_different_or_undecodable_header_is_refused_before_the_tool_runs() {
    let mcp = mcp();
    let cases: [&[(&str, &str)]; 4] = [
        &[],
        &[("Mcp-Param-Region", "us-east")],
        &[("Mcp-Param-Region", "=?base64?ZXUtd2VzdA?=")],
        &[("Mcp-Param-Region", "=?base64?ZXUt!!!d2VzdA==?=")],
    ];
    for params in cases {
        for tool in ["list_items", "run_query"] {
            let (status, reply) = call(&mcp, tool, json!({"region": "eu-west"}), params).await;
            assert_eq!(status, 400, "{tool} {params:?}: {reply}");
            assert_eq!(reply["error"]["code"], -32020, "{tool} {params:?}: {reply}");
        }
    }
    // The generated tool's endpoint was never called: not through the fast lane either.
    assert!(
        !mcp.seen().iter().any(|seen| seen.contains("/items")),
        "{:?}",
        mcp.seen()
    );
}

#[tokio::test]
async fn the_2025_era_has_no_param_headers_to_check() {
    let mcp = mcp();
    let session = mcp.open_session().await;
    let reply = mcp
        .rpc_in(
            &session,
            "tools/call",
            json!({"name": "run_query", "arguments": {"region": "eu-west"}}),
        )
        .await;
    assert_eq!(
        reply["result"]["content"][0]["text"],
        "ran in eu-west (None)"
    );
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)]
struct Priced {
    #[schemars(extend("x-mcp-header" = "Price"))]
    price: f64,
}

#[test]
fn a_mark_that_breaks_the_rules_is_refused_when_the_mount_is_built() {
    let config = McpConfig::new(ApiDoc::openapi()).tool(CuratedTool::new(
        "priced",
        "A number mirrored into a header",
        |_: Priced, _cx: CallContext| async move { Ok(String::new()) },
    ));
    let error = config.preview().unwrap_err().to_string();
    assert!(error.contains("curated tool 'priced'"), "{error}");
    assert!(error.contains("string, integer or boolean"), "{error}");
}

#[test]
#[should_panic(expected = "curated tool 'run_query': there is no argument 'zone'")]
fn marking_an_argument_the_tool_does_not_have_panics() {
    let _ = CuratedTool::new(
        "run_query",
        "Runs a query",
        |_: Query, _cx: CallContext| async move { Ok(String::new()) },
    )
    .header_param("zone", "Zone");
}
