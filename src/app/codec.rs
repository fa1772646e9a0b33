//! The JSON of server-function answers, decoded from text. Island props reach the browser as
//! text and are decoded from text; decoding answers the same way keeps one copy of each type's
//! decoder in the WASM instead of two (bytes and text).

use leptos::serde_json;
use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::{de::DeserializeOwned, Serialize};

/// JSON, encoded as bytes, decoded as UTF-8 text.
pub struct JsonText;

/// The output encoding of every server function (`#[server(output = JsonOut)]`).
pub type JsonOut = Post<JsonText>;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        // Invalid UTF-8 reads as a JSON syntax error, like any other garbage.
        let text = std::str::from_utf8(&bytes).unwrap_or("\u{0}");
        serde_json::from_str(text)
    }
}
