//! Determinism: the generator's output depends on the spec's bytes and nothing else.

use tests::spec_bytes;

#[test]
fn two_runs_give_identical_bytes() {
    let first = tests::generate(&spec_bytes()).expect("generates");
    let second = tests::generate(&spec_bytes()).expect("generates");
    assert_eq!(first, second);
}

#[test]
fn generated_files_are_lf_only_end_in_a_newline_and_carry_the_header() {
    for file in tests::generate(&spec_bytes()).expect("generates") {
        assert!(!file.contents.contains('\r'), "{} has CR", file.path);
        assert!(
            file.contents.ends_with('\n'),
            "{} lacks a final newline",
            file.path
        );
        let header = file.contents.lines().take(2).collect::<Vec<_>>().join("\n");
        assert!(header.starts_with(codegen::GENERATED_MARKER), "{header}");
        assert!(header.contains(codegen::SPEC_PATH), "{header}");
        assert!(header.contains("Do not edit by hand"), "{header}");
    }
}

#[test]
fn reordering_the_spec_s_keys_does_not_change_the_types() {
    // Same document, keys written in reverse order: names come from structure, not position.
    fn reversed(value: serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Object(map) => {
                let mut entries: Vec<_> = map.into_iter().collect();
                entries.reverse();
                serde_json::Value::Object(
                    entries.into_iter().map(|(k, v)| (k, reversed(v))).collect(),
                )
            }
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.into_iter().map(reversed).collect())
            }
            other => other,
        }
    }
    let original = tests::generate(&spec_bytes()).expect("generates");
    let spec = reversed(tests::spec_json());
    let shuffled = tests::generate(&serde_json::to_vec(&spec).expect("json")).expect("generates");
    let type_names = |text: &str| {
        let mut names: Vec<String> = text
            .lines()
            .filter_map(|l| {
                l.trim()
                    .strip_prefix("pub struct ")
                    .or(l.trim().strip_prefix("pub enum "))
            })
            .map(|rest| {
                rest.split([' ', '<', '(', '{'])
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        names.sort();
        names
    };
    assert_eq!(
        type_names(&original[0].contents),
        type_names(&shuffled[0].contents)
    );
}
