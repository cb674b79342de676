//! The shapes the lane reads JSON-RPC messages into, straight from the request body: only the
//! fields the lane looks at, strings borrowed from the body where they can be. An unknown or
//! repeated member, a value of another type, or an array where an object belongs fails the read,
//! and the request goes to rmcp.

use std::{borrow::Cow, fmt, marker::PhantomData};

use serde::{
    Deserialize, Deserializer,
    de::{self, MapAccess, Visitor},
};
use serde_json::{Map, Value};

use super::admission::{META_CLIENT_CAPABILITIES, META_LOG_LEVEL, META_PROTOCOL_VERSION};
use crate::{
    json::{NotJson, reader::Reader},
    schema::instance::Instance,
};

#[cfg(test)]
mod tests;

/// A `tools/call` request: exactly the members `jsonrpc`, `id`, `method` and `params`, each
/// once, in any order.
pub(super) struct Call<'a> {
    pub(super) jsonrpc: Cow<'a, str>,
    pub(super) id: Id,
    pub(super) method: Cow<'a, str>,
    pub(super) params: Params<'a>,
}

/// Its `params`: the tool, its arguments and `_meta`, nothing else.
pub(super) struct Params<'a> {
    pub(super) name: Cow<'a, str>,
    /// `null` counts as no arguments.
    pub(super) arguments: Option<Map<String, Value>>,
    /// Absent is empty; `null` or another type is not read.
    pub(super) meta: Meta<'a>,
}

impl<'a> Call<'a> {
    /// `text` as a `tools/call` message, read in one pass: the members the lane needs borrowed
    /// where they can be, the rest passed over. Anything serde's derived reading of these
    /// shapes would refuse (a member missing, unknown or repeated, a value of another type,
    /// text that is not JSON) is `NotJson`; a test holds the two readings together.
    pub(super) fn read(text: &'a str) -> Result<Self, NotJson> {
        let mut reader = Reader::new(text);
        let (mut jsonrpc, mut id, mut method, mut params) = (None, None, None, None);
        reader.members(|reader, name| match &*name {
            "jsonrpc" => once(&mut jsonrpc, reader.text()?),
            "id" => once(&mut id, Id::read(reader)?),
            "method" => once(&mut method, reader.text()?),
            "params" => once(&mut params, Params::read(reader)?),
            _ => Err(NotJson),
        })?;
        reader.end()?;
        Ok(Call {
            jsonrpc: jsonrpc.ok_or(NotJson)?,
            id: id.ok_or(NotJson)?,
            method: method.ok_or(NotJson)?,
            params: params.ok_or(NotJson)?,
        })
    }
}

impl<'a> Params<'a> {
    fn read(reader: &mut Reader<'a>) -> Result<Self, NotJson> {
        let (mut name, mut arguments, mut meta) = (None, None, None);
        reader.members(|reader, member| match &*member {
            "name" => once(&mut name, reader.text()?),
            "arguments" => once(&mut arguments, read_arguments(reader)?),
            "_meta" => once(&mut meta, Meta::read(reader)?),
            _ => Err(NotJson),
        })?;
        Ok(Params {
            name: name.ok_or(NotJson)?,
            arguments: arguments.flatten(),
            meta: meta.unwrap_or_default(),
        })
    }
}

/// `null`, or an object made a `serde_json` map as serde would make it.
fn read_arguments(reader: &mut Reader<'_>) -> Result<Option<Map<String, Value>>, NotJson> {
    if reader.null()? {
        return Ok(None);
    }
    // Member by member into the map: a repeated name keeps its last value, as serde's does.
    let mut arguments = Map::new();
    reader.members(|reader, name| {
        let value = Value::from(&reader.value()?);
        arguments.insert(name.into_owned(), value);
        Ok(())
    })?;
    Ok(Some(arguments))
}

/// Set `slot` to `value`, unless the member was there already.
fn once<T>(slot: &mut Option<T>, value: T) -> Result<(), NotJson> {
    match slot {
        Some(_) => Err(NotJson),
        None => {
            *slot = Some(value);
            Ok(())
        }
    }
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

impl<'a> Meta<'a> {
    fn read(reader: &mut Reader<'a>) -> Result<Self, NotJson> {
        let mut meta = Meta::default();
        reader.members(|reader, name| {
            match &*name {
                META_PROTOCOL_VERSION if meta.protocol_version.is_none() => {
                    meta.protocol_version = Some(reader.text()?);
                }
                META_CLIENT_CAPABILITIES if !meta.client_capabilities => {
                    // What clients send most: no capabilities, which rmcp reads as none.
                    let capabilities = reader.value_text()?;
                    if capabilities != "{}" {
                        serde_json::from_str::<rmcp::model::ClientCapabilities>(capabilities)
                            .map_err(|_| NotJson)?;
                    }
                    meta.client_capabilities = true;
                }
                META_PROTOCOL_VERSION | META_CLIENT_CAPABILITIES => return Err(NotJson),
                "progressToken" => {
                    meta.progress_token = true;
                    reader.skip()?;
                }
                META_LOG_LEVEL => {
                    meta.log_level = true;
                    reader.skip()?;
                }
                _ => reader.skip()?,
            }
            Ok(())
        })?;
        Ok(meta)
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

impl Id {
    /// An integer that fits `i64`, or a string; a fraction or exponent is neither.
    fn read(reader: &mut Reader<'_>) -> Result<Id, NotJson> {
        match reader.value()? {
            Instance::Number(number) => number.as_i64().map(Id::Number).ok_or(NotJson),
            Instance::String(text) => Ok(Id::Text(text.into_owned())),
            _ => Err(NotJson),
        }
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
