//! The path (`result.elements[2].outputs`) of the value a position in a JSON text lies in: how a
//! decode error names where it failed from serde_json's line and column alone, without decoding
//! the body a second time (which would compile every response type's decoder twice).

/// The byte offset of a 1-based `line` and `column` (serde_json counts columns in bytes), or
/// the text's end when they lie past it.
pub(crate) fn offset_of(text: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].iter().position(|&b| b == b'\n') {
            Some(newline) => start += newline + 1,
            None => return text.len(),
        }
    }
    (start + column.saturating_sub(1)).min(text.len())
}

/// One open container: an object with the key last read, or an array with the index reached.
enum Open {
    Object(Option<String>),
    Array(usize),
}

/// The path of the innermost value open at byte `offset` of `text`: object keys joined by `.`,
/// array indices as `[i]`; empty at the top level. Text that is not JSON gives the path of what
/// was read before it stopped making sense; nothing here panics.
pub(crate) fn path_at(text: &[u8], offset: usize) -> String {
    let end = offset.min(text.len());
    let mut open: Vec<Open> = Vec::new();
    // The last string read, and whether a `:` followed it (so it was a key).
    let mut last_string: Option<String> = None;
    let mut at = 0;
    while at < end {
        match text[at] {
            b'"' => {
                let (string, next) = read_string(text, at + 1);
                last_string = Some(string);
                at = next;
                continue;
            }
            b':' => {
                if let Some(Open::Object(key)) = open.last_mut() {
                    *key = last_string.take();
                }
            }
            b',' => match open.last_mut() {
                Some(Open::Array(index)) => *index += 1,
                Some(Open::Object(key)) => *key = None,
                None => {}
            },
            b'{' => open.push(Open::Object(None)),
            b'[' => open.push(Open::Array(0)),
            b'}' | b']' => {
                open.pop();
            }
            _ => {}
        }
        at += 1;
    }
    let mut path = String::new();
    for container in &open {
        match container {
            Open::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Open::Object(None) => {}
            Open::Array(index) => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// The string starting after its opening quote at `from`, and the index after its closing
/// quote. Escapes are kept as written but for `\"` and `\\`, enough to name a key.
fn read_string(text: &[u8], from: usize) -> (String, usize) {
    let mut bytes = Vec::new();
    let mut at = from;
    while at < text.len() {
        match text[at] {
            b'"' => return (String::from_utf8_lossy(&bytes).into_owned(), at + 1),
            b'\\' if at + 1 < text.len() => {
                let escaped = text[at + 1];
                if escaped != b'"' && escaped != b'\\' {
                    bytes.push(b'\\');
                }
                bytes.push(escaped);
                at += 2;
            }
            byte => {
                bytes.push(byte);
                at += 1;
            }
        }
    }
    (String::from_utf8_lossy(&bytes).into_owned(), text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path at the first occurrence of `marker` in `text`.
    fn path_before(text: &str, marker: &str) -> String {
        path_at(text.as_bytes(), text.find(marker).expect("marker in text"))
    }

    #[test]
    fn names_keys_and_indices_down_to_the_position() {
        let body = r#"{"success": true, "result": {"elements": [{"id": "a"}, {"id": "b", "outputs": {"next": 7}}]}}"#;
        assert_eq!(path_before(body, "7"), "result.elements[1].outputs.next");
        assert_eq!(path_before(body, r#""a""#), "result.elements[0].id");
        assert_eq!(path_before(body, "true"), "success");
        assert_eq!(path_before(body, r#"{"success""#), "");
        // After a value, before the next key: the object itself.
        assert_eq!(path_before(body, r#", "outputs""#), "result.elements[1].id");
        assert_eq!(path_before(body, r#""outputs""#), "result.elements[1]");
    }

    #[test]
    fn strings_with_brackets_quotes_and_escapes_do_not_confuse_it() {
        let body = r#"{"a]\"{": ["x,]", "y\\"], "b": {"k": 1}}"#;
        assert_eq!(path_before(body, "1}"), r#"b.k"#);
        assert_eq!(path_before(body, r#""y"#), r#"a]"{[1]"#);
    }

    #[test]
    fn offsets_come_from_lines_and_byte_columns_and_never_overrun() {
        let body = "{\n  \"a\": [1,\n  2]\n}";
        let at = offset_of(body.as_bytes(), 3, 3);
        assert_eq!(&body[at..at + 1], "2");
        assert_eq!(path_at(body.as_bytes(), at), "a[1]");
        assert_eq!(offset_of(body.as_bytes(), 9, 9), body.len());
        assert_eq!(offset_of(b"", 1, 0), 0);
        assert_eq!(path_at(b"{\"unterminated", 99), "");
        assert_eq!(path_at(b"]]]}}", 5), "");
    }
}
