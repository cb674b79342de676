//! The reader held to serde_json's verdicts and values.

use proptest::prelude::*;
use serde_json::Value;

use super::{Reader, document};

/// Ours and serde_json's verdicts on `text` are the same, and so are the values.
fn agree(text: &str) {
    let ours = document(text);
    let theirs = serde_json::from_str::<Value>(text);
    // Passing over a value takes and refuses what building it does.
    let mut reader = Reader::new(text);
    let skipped = reader.skip().and_then(|()| reader.end());
    assert_eq!(skipped.is_ok(), ours.is_ok(), "skipped {text:?}");
    match (&ours, &theirs) {
        (Ok(ours), Ok(theirs)) => assert_eq!(&Value::from(ours), theirs, "{text:?}"),
        (Err(_), Err(_)) => {}
        _ => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
}

#[test]
fn reads_and_refuses_as_serde_json_does() {
    let texts = [
        "",
        " ",
        "null",
        " null ",
        "nul",
        "nulll",
        "true",
        "tru",
        "false",
        "falsee",
        "[]",
        "[ ]",
        "{}",
        "{ }",
        "[1,]",
        "[,1]",
        "[1 2]",
        "{\"a\":1,}",
        "{,}",
        "{\"a\" 1}",
        "{\"a\":}",
        "{1:2}",
        "{\"a\":1 \"b\":2}",
        "{\"a\":1,\"a\":2,\"b\":[{}]}",
        "\"\"",
        "\"abc",
        "\"a\\\"b\"",
        "\"\\\\\\/\\b\\f\\n\\r\\t\"",
        "\"\\x\"",
        "\"\\u00e9\"",
        "\"\\u00E9\\u0000\"",
        "\"\\u12\"",
        "\"\\u12g4\"",
        "\"\\ud83d\\ude00\"",
        "\"\\ud83d\"",
        "\"\\ud83d x\"",
        "\"\\ud83d\\n\"",
        "\"\\ud83d\\ud83d\"",
        "\"\\ude00\"",
        "\"\\ud83d\\u0041\"",
        "\"tab\there\"",
        "\"nl\nhere\"",
        "\"\u{7f}é😀\"",
        "0",
        "-0",
        "01",
        "-01",
        "-",
        "--1",
        "+1",
        "1.",
        ".5",
        "1.5",
        "-1.5e-3",
        "1e",
        "1e+",
        "1E5",
        "1e+5",
        "0.0",
        "-0.0",
        "1.0",
        "18446744073709551615",
        "18446744073709551616",
        "9999999999999999999",
        "10000000000000000000",
        "-9223372036854775808",
        "-9223372036854775809",
        "1e400",
        "-1e400",
        "1e-400",
        "123456789012345678901234",
        "1 2",
        "[1]x",
        "\u{c}1",
        "1\u{c}",
        "\t\r\n[\t1\r,\n2 ]\n",
        "[\"a\",{\"b\":[null]}]",
    ];
    for text in texts {
        agree(text);
    }
}

#[test]
fn nests_as_deep_as_serde_json_and_no_deeper() {
    for depth in [126, 127, 128, 129] {
        agree(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        agree(&objects);
    }
}

/// Text made of JSON's own pieces, most of it almost JSON.
fn near_json() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{"),
        Just("}"),
        Just("["),
        Just("]"),
        Just(","),
        Just(":"),
        Just("\""),
        Just("\\"),
        Just("\\u"),
        Just("d83d"),
        Just("de00"),
        Just("00e9"),
        Just("a"),
        Just("é"),
        Just(" "),
        Just("\n"),
        Just("\t"),
        Just("0"),
        Just("1"),
        Just("-"),
        Just("."),
        Just("e"),
        Just("+"),
        Just("null"),
        Just("true"),
        Just("\"k\":"),
        Just("\"v\""),
        Just("\u{1}"),
        Just("x"),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

/// Any JSON value, written with or without spaces.
fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".*".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec(("[a-c\"\\\\é]{0,3}", inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn near_json_gets_serde_jsons_verdict(text in near_json()) {
        agree(&text);
    }

    #[test]
    fn json_reads_back_as_written(value in any_value(), pretty in any::<bool>()) {
        let text = match pretty {
            true => serde_json::to_string_pretty(&value).unwrap(),
            false => serde_json::to_string(&value).unwrap(),
        };
        agree(&text);
    }
}
