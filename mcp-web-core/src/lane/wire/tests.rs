//! The one-pass reading of a `tools/call` held to what serde's derived reading of the same
//! shapes takes and refuses: the reading the lane had before, kept here as the reference.

use std::{borrow::Cow, fmt};

use proptest::prelude::*;
use serde::{
    Deserialize, Deserializer,
    de::{self, IgnoredAny, MapAccess, Visitor},
};
use serde_json::{Map, Value};

use super::{Call, Id, Object};
use crate::lane::admission::{META_CLIENT_CAPABILITIES, META_LOG_LEVEL, META_PROTOCOL_VERSION};

#[derive(Debug, PartialEq)]
pub(crate) enum SerdeId {
    Number(i64),
    Text(String),
}

/// A `tools/call` request: exactly these four members.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SerdeCall<'a> {
    #[serde(borrow)]
    pub(crate) jsonrpc: Cow<'a, str>,
    pub(crate) id: SerdeId,
    #[serde(borrow)]
    pub(crate) method: Cow<'a, str>,
    #[serde(borrow)]
    pub(crate) params: Object<SerdeParams<'a>>,
}

/// Its `params`: the tool, its arguments and `_meta`, nothing else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SerdeParams<'a> {
    #[serde(borrow)]
    pub(crate) name: Cow<'a, str>,
    /// `null` counts as no arguments.
    #[serde(default)]
    pub(crate) arguments: Option<Map<String, Value>>,
    /// Absent is empty; `null` or another type is not read.
    #[serde(rename = "_meta", default, borrow)]
    pub(crate) meta: SerdeMeta<'a>,
}

/// What the lane looks at in `_meta`; other members are skipped unread.
#[derive(Default)]
pub(crate) struct SerdeMeta<'a> {
    pub(crate) protocol_version: Option<Cow<'a, str>>,
    /// `clientCapabilities` was given and reads as rmcp's `ClientCapabilities`.
    pub(crate) client_capabilities: bool,
    pub(crate) progress_token: bool,
    pub(crate) log_level: bool,
}

impl<'de: 'a, 'a> Deserialize<'de> for SerdeMeta<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MetaVisitor;
        impl<'de> Visitor<'de> for MetaVisitor {
            type Value = SerdeMeta<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SerdeMeta<'de>, A::Error> {
                let mut meta = SerdeMeta::default();
                // Names and the version borrowed from the body: nothing here is kept.
                while let Some(Text(key)) = map.next_key()? {
                    match &*key {
                        META_PROTOCOL_VERSION if meta.protocol_version.is_none() => {
                            meta.protocol_version = Some(map.next_value::<Text<'de>>()?.0);
                        }
                        META_CLIENT_CAPABILITIES if !meta.client_capabilities => {
                            map.next_value::<rmcp::model::ClientCapabilities>()?;
                            meta.client_capabilities = true;
                        }
                        META_PROTOCOL_VERSION | META_CLIENT_CAPABILITIES => {
                            return Err(de::Error::custom("repeated member"));
                        }
                        "progressToken" => {
                            meta.progress_token = true;
                            map.next_value::<IgnoredAny>()?;
                        }
                        META_LOG_LEVEL => {
                            meta.log_level = true;
                            map.next_value::<IgnoredAny>()?;
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(meta)
            }
        }
        deserializer.deserialize_map(MetaVisitor)
    }
}

impl<'de> Deserialize<'de> for SerdeId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = SerdeId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string")
            }
            fn visit_i64<E: de::Error>(self, number: i64) -> Result<SerdeId, E> {
                Ok(SerdeId::Number(number))
            }
            fn visit_u64<E: de::Error>(self, number: u64) -> Result<SerdeId, E> {
                i64::try_from(number)
                    .map(SerdeId::Number)
                    .map_err(|_| E::custom("id out of range"))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<SerdeId, E> {
                Ok(SerdeId::Text(text.to_owned()))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// A JSON string — a member name, most often — borrowed from the bytes unless it holds an
/// escape. (serde reads a plain `Cow<str>` as an owned copy.)
struct Text<'a>(pub(crate) Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E>(self, text: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// What both readings found, side by side.
fn agree(text: &str) {
    let ours = Call::read(text);
    let theirs = serde_json::from_str::<Object<SerdeCall<'_>>>(text);
    match (ours, theirs) {
        (Ok(ours), Ok(Object(theirs))) => {
            let Object(params) = theirs.params;
            assert_eq!(ours.jsonrpc, theirs.jsonrpc, "{text}");
            assert_eq!(ours.method, theirs.method, "{text}");
            let id = match ours.id {
                Id::Number(n) => SerdeId::Number(n),
                Id::Text(t) => SerdeId::Text(t),
            };
            assert_eq!(id, theirs.id, "{text}");
            assert_eq!(ours.params.name, params.name, "{text}");
            assert_eq!(ours.params.arguments, params.arguments, "{text}");
            let (a, b) = (&ours.params.meta, &params.meta);
            assert_eq!(a.protocol_version, b.protocol_version, "{text}");
            assert_eq!(a.client_capabilities, b.client_capabilities, "{text}");
            assert_eq!(a.progress_token, b.progress_token, "{text}");
            assert_eq!(a.log_level, b.log_level, "{text}");
        }
        (Err(_), Err(_)) => {}
        (ours, theirs) => panic!(
            "{text}: ours {:?}, serde {:?}",
            ours.is_ok(),
            theirs.map(|_| ()).map_err(|e| e.to_string())
        ),
    }
}

const META: &str = r#""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"x","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}"#;

#[test]
fn messages_are_read_as_serde_reads_them() {
    let texts = [
        format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"t","arguments":{{"a":1}},{META}}}}}"#),
        r#"{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"t"}}"#.to_owned(),
        r#" { "params" : { "arguments" : null , "name" : "t\u00e9" } , "method":"m","id":-5,"jsonrpc":"2.0" } "#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1.0,"method":"m","params":{"name":"t"}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":-0,"method":"m","params":{"name":"t"}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":9223372036854775808,"method":"m","params":{"name":"t"}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":null,"method":"m","params":{"name":"t"}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"m","params":{"name":"t"}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t"},"extra":1}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t","other":1}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":1}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"arguments":{}}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m"}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":["t"]}"#.to_owned(),
        r#"["2.0",1,"m",{"name":"t"}]"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t","arguments":[1]}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t","arguments":{"a":1,"a":{"b":[]}}}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t","_meta":null}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t","_meta":{"progressToken":1,"progressToken":2}}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t","_meta":{"io.modelcontextprotocol/logLevel":"info"}}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t","_meta":{"io.modelcontextprotocol/protocolVersion":1}}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t","_meta":{"io.modelcontextprotocol/protocolVersion":"a","io.modelcontextprotocol/protocolVersion":"a"}}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t","_meta":{"io.modelcontextprotocol/clientCapabilities":{ }}}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t","_meta":{"io.modelcontextprotocol/clientCapabilities":{"roots":{"listChanged":true}}}}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t","_meta":{"io.modelcontextprotocol/clientCapabilities":{"roots":1}}}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t","_meta":{"io.modelcontextprotocol/clientCapabilities":[]}}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t","_meta":{"io.modelcontextprotocol/clientCapabilities":{},"io.modelcontextprotocol/clientCapabilities":{}}}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t"}} x"#.to_owned(),
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"name":"t"},}"#.to_owned(),
        r#"{"jsonrpc":2.0,"id":1,"method":"m","params":{"name":"t"}}"#.to_owned(),
    ];
    for text in &texts {
        agree(text);
    }
}

#[test]
fn no_capabilities_read_as_rmcp_reads_them() {
    assert!(serde_json::from_str::<rmcp::model::ClientCapabilities>("{}").is_ok());
}

/// A message's members in any order, some repeated, missing, unknown or of another type.
fn messages() -> impl Strategy<Value = String> {
    let meta_member = prop_oneof![
        Just(r#""io.modelcontextprotocol/protocolVersion":"2026-07-28""#),
        Just(r#""io.modelcontextprotocol/protocolVersion":null"#),
        Just(r#""io.modelcontextprotocol/clientCapabilities":{}"#),
        Just(r#""io.modelcontextprotocol/clientCapabilities":{"sampling":{}}"#),
        Just(r#""io.modelcontextprotocol/clientCapabilities":{"sampling":"no"}"#),
        Just(r#""io.modelcontextprotocol/clientInfo":{"name":"x","version":"1"}"#),
        Just(r#""progressToken":"p""#),
        Just(r#""io.modelcontextprotocol/logLevel":"debug""#),
        Just(r#""other":[1,{"a":null}]"#),
    ];
    let meta = proptest::collection::vec(meta_member, 0..4)
        .prop_map(|members| format!(r#""_meta":{{{}}}"#, members.join(",")));
    let param = prop_oneof![
        Just(r#""name":"get_ticket""#.to_owned()),
        Just(r#""name":"t\"x""#.to_owned()),
        Just(r#""name":null"#.to_owned()),
        Just(r#""arguments":{"ticket_id":1,"q":"a b","f":1.5e3,"n":[true,null]}"#.to_owned()),
        Just(r#""arguments":null"#.to_owned()),
        Just(r#""arguments":"x""#.to_owned()),
        Just(r#""unknown":1"#.to_owned()),
        meta,
    ];
    let params = proptest::collection::vec(param, 0..4)
        .prop_map(|members| format!(r#""params":{{{}}}"#, members.join(",")));
    let member = prop_oneof![
        Just(r#""jsonrpc":"2.0""#.to_owned()),
        Just(r#""jsonrpc":2"#.to_owned()),
        Just(r#""id":7"#.to_owned()),
        Just(r#""id":"seven""#.to_owned()),
        Just(r#""id":7.5"#.to_owned()),
        Just(r#""id":18446744073709551615"#.to_owned()),
        Just(r#""method":"tools/call""#.to_owned()),
        Just(r#""extra":{}"#.to_owned()),
        Just(r#""params":[]"#.to_owned()),
        params,
    ];
    (proptest::collection::vec(member, 0..6), any::<bool>()).prop_map(|(members, spaced)| {
        let separator = if spaced { " , " } else { "," };
        format!("{{{}}}", members.join(separator))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn any_message_is_read_as_serde_reads_it(text in messages()) {
        agree(&text);
    }

    /// Four members present once each, in any order: every such message is taken.
    #[test]
    fn whole_messages_in_any_order_are_read(order in Just([0usize, 1, 2, 3]).prop_shuffle()) {
        let members = [
            r#""jsonrpc":"2.0""#.to_owned(),
            r#""id":3"#.to_owned(),
            r#""method":"tools/call""#.to_owned(),
            format!(r#""params":{{"name":"t","arguments":{{"x":"y"}},{META}}}"#),
        ];
        let text = format!("{{{}}}", order.iter().map(|&n| members[n].as_str()).collect::<Vec<_>>().join(","));
        prop_assert!(Call::read(&text).is_ok());
        agree(&text);
    }
}
