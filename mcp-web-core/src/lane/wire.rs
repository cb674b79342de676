//! The shapes the lane reads JSON-RPC messages into, straight from the request body: only the
//! fields the lane looks at, strings borrowed from the body where they can be. An unknown or
//! repeated member, a value of another type, or an array where an object belongs fails the read,
//! and the request goes to rmcp.

use std::{borrow::Cow, fmt, marker::PhantomData};

use serde::{
    Deserialize, Deserializer,
    de::{self, IgnoredAny, MapAccess, Visitor},
};
use serde_json::{Map, Value};

use super::admission::{META_CLIENT_CAPABILITIES, META_LOG_LEVEL, META_PROTOCOL_VERSION};
use crate::schema::instance::Text;

/// A `tools/call` request: exactly these four members.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Call<'a> {
    #[serde(borrow)]
    pub(super) jsonrpc: Cow<'a, str>,
    pub(super) id: Id,
    #[serde(borrow)]
    pub(super) method: Cow<'a, str>,
    #[serde(borrow)]
    pub(super) params: Object<Params<'a>>,
}

/// Its `params`: the tool, its arguments and `_meta`, nothing else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Params<'a> {
    #[serde(borrow)]
    pub(super) name: Cow<'a, str>,
    /// `null` counts as no arguments.
    #[serde(default)]
    pub(super) arguments: Option<Map<String, Value>>,
    /// Absent is empty; `null` or another type is not read.
    #[serde(rename = "_meta", default, borrow)]
    pub(super) meta: Meta<'a>,
}

/// A `T` read from a JSON object only: serde's derived structs would also take an array.
pub(super) struct Object<T>(pub(super) T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
            }
        }
        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(Object)
    }
}

/// What the lane looks at in `_meta`; other members are skipped unread.
#[derive(Default)]
pub(super) struct Meta<'a> {
    pub(super) protocol_version: Option<Cow<'a, str>>,
    /// `clientCapabilities` was given and reads as rmcp's `ClientCapabilities`.
    pub(super) client_capabilities: bool,
    pub(super) progress_token: bool,
    pub(super) log_level: bool,
}

impl<'de: 'a, 'a> Deserialize<'de> for Meta<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MetaVisitor;
        impl<'de> Visitor<'de> for MetaVisitor {
            type Value = Meta<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Meta<'de>, A::Error> {
                let mut meta = Meta::default();
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

/// A JSON-RPC id the lane takes: an integer that fits `i64`, or a string.
pub(super) enum Id {
    Number(i64),
    Text(String),
}

impl From<Id> for Value {
    fn from(id: Id) -> Self {
        match id {
            Id::Number(number) => Value::from(number),
            Id::Text(text) => Value::String(text),
        }
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string")
            }
            fn visit_i64<E: de::Error>(self, number: i64) -> Result<Id, E> {
                Ok(Id::Number(number))
            }
            fn visit_u64<E: de::Error>(self, number: u64) -> Result<Id, E> {
                i64::try_from(number)
                    .map(Id::Number)
                    .map_err(|_| E::custom("id out of range"))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Id, E> {
                Ok(Id::Text(text.to_owned()))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// Only the method of a message; everything else is skipped unread.
#[derive(Deserialize)]
pub(super) struct Head<'a> {
    #[serde(borrow, default)]
    pub(super) method: Option<Cow<'a, str>>,
}

/// A `notifications/cancelled`, for the id of the request it cancels.
#[derive(Deserialize)]
pub(super) struct Cancelled<'a> {
    #[serde(borrow)]
    pub(super) method: Cow<'a, str>,
    pub(super) params: Object<CancelledParams>,
}

#[derive(Deserialize)]
pub(super) struct CancelledParams {
    #[serde(rename = "requestId")]
    pub(super) request_id: Value,
}
