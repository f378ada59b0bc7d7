//! The generated public API: named for what things are, one element union, documented.

use std::collections::BTreeSet;

use syn::{Attribute, Fields, ImplItem, Item, Visibility};

/// The generated client source, parsed.
fn generated() -> syn::File {
    let files = tests::generate(&tests::spec_bytes()).expect("generates");
    syn::parse_file(&files[0].contents).expect("generated code parses")
}

fn module<'a>(items: &'a [Item], name: &str) -> &'a [Item] {
    items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => {
                m.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("module `{name}` is generated"))
}

fn has_doc(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

/// The model types, by name.
fn type_names(types: &[Item]) -> BTreeSet<String> {
    types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_model_types_are_exactly_these() {
    // A change here is a change to the public API: review it like one.
    let expected = [
        "ActiveFlag",
        "ConditionalOutputs",
        "ConditionalProperties",
        "Deployment",
        "DeploymentPage",
        "DeploymentPageResponse",
        "ElementRef",
        "ErrorBody",
        "ErrorMessage",
        "FallbackOutputs",
        "ModelProperties",
        "NewDeployment",
        "NewRoute",
        "NewVersion",
        "RateLimitProperties",
        "RateLimitType",
        "Route",
        "RouteElement",
        "RoutePage",
        "RoutePageResponse",
        "RouteResponse",
        "RouteUpdate",
        "RouteWithoutDeployment",
        "RouteWithoutDeploymentResponse",
        "StartOutputs",
        "UpdatedRouteResponse",
        "Version",
        "VersionData",
        "VersionDetail",
        "VersionDetailResponse",
        "VersionPage",
        "VersionPageResponse",
    ];
    let file = generated();
    let names = type_names(module(&file.items, "types"));
    assert_eq!(names, expected.iter().map(|s| s.to_string()).collect());
}

#[test]
fn no_name_comes_from_an_operation_id_or_a_position() {
    let file = generated();
    let mut names = type_names(module(&file.items, "types"));
    names.extend(type_names(module(&file.items, "builder")));
    for name in &names {
        assert!(
            !name.starts_with("AigConfig"),
            "{name} is named after an operationId"
        );
        assert!(
            !name.chars().any(|c| c.is_ascii_digit()),
            "{name} is named after a position"
        );
        assert!(
            !name.contains("Item") && !name.contains("Variant"),
            "{name} is positional"
        );
        assert!(name.len() <= 30, "{name} is longer than it needs to be");
    }
}

#[test]
fn there_is_exactly_one_element_union_and_it_is_internally_tagged() {
    let file = generated();
    let tagged: Vec<String> = module(&file.items, "types")
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e)
                if e.attrs.iter().any(|a| {
                    a.path().is_ident("serde")
                        && a.meta
                            .require_list()
                            .is_ok_and(|l| l.tokens.to_string() == "tag = \"type\"")
                }) =>
            {
                Some(e.ident.to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(tagged, ["RouteElement"]);
}

#[test]
fn every_model_type_field_variant_and_operation_is_documented() {
    let file = generated();
    let mut undocumented = Vec::new();
    for item in module(&file.items, "types") {
        match item {
            Item::Struct(s) => {
                if !has_doc(&s.attrs) {
                    undocumented.push(s.ident.to_string());
                }
                for field in &s.fields {
                    if matches!(field.vis, Visibility::Public(_)) && !has_doc(&field.attrs) {
                        undocumented.push(format!("{}.{:?}", s.ident, field.ident));
                    }
                }
            }
            Item::Enum(e) => {
                if !has_doc(&e.attrs) {
                    undocumented.push(e.ident.to_string());
                }
                for variant in &e.variants {
                    if let Fields::Named(fields) = &variant.fields {
                        for field in &fields.named {
                            if !has_doc(&field.attrs) {
                                undocumented.push(format!(
                                    "{}::{}.{:?}",
                                    e.ident, variant.ident, field.ident
                                ));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let operations: Vec<_> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(i) if i.trait_.is_none() => Some(i.items.iter()),
            _ => None,
        })
        .flatten()
        .filter_map(|item| match item {
            ImplItem::Fn(f)
                if codegen::naming::OPERATIONS
                    .iter()
                    .any(|o| f.sig.ident == o.method) =>
            {
                Some(f)
            }
            _ => None,
        })
        .collect();
    assert_eq!(operations.len(), 10, "one client method per operation");
    for f in operations {
        if !has_doc(&f.attrs) {
            undocumented.push(format!("Client::{}", f.sig.ident));
        }
    }
    assert!(undocumented.is_empty(), "undocumented: {undocumented:?}");
}
