//! The contract between codegen and the hand-written code (`codegen/src/contract.rs`) holds on
//! both sides: every path codegen emits into hand-written code resolves to an item defined where
//! the contract says, whose doc comment cites the contract; generated code really uses it; and
//! every hand-written item that cites the contract is in it. A rename on one side only fails
//! here, with the fix, instead of as a compile error inside a generated file.

use std::fs;
use std::path::Path;

use codegen::contract::{ALL, HandWritten};
use syn::{Attribute, Item, UseTree};

/// The crate every contract item lives in, and its source root.
const CLIENT_SRC: &str = "generated/client/src";

fn parse(relative: &str) -> syn::File {
    let path = tests::workspace_root().join(relative);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{relative}: {e}"));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{relative}: does not parse: {e}"))
}

fn docs(attrs: &[Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An item's name and doc comment, for the kinds of item a contract can name.
fn named(item: &Item) -> Option<(String, &[Attribute])> {
    match item {
        Item::Struct(i) => Some((i.ident.to_string(), &i.attrs)),
        Item::Enum(i) => Some((i.ident.to_string(), &i.attrs)),
        Item::Mod(i) => Some((i.ident.to_string(), &i.attrs)),
        Item::Type(i) => Some((i.ident.to_string(), &i.attrs)),
        Item::Trait(i) => Some((i.ident.to_string(), &i.attrs)),
        Item::Fn(i) => Some((i.sig.ident.to_string(), &i.attrs)),
        _ => None,
    }
}

/// Every named item of a file, inline modules included.
fn items(file_items: &[Item]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for item in file_items {
        if let Some((name, attrs)) = named(item) {
            found.push((name, docs(attrs)));
        }
        if let Item::Mod(syn::ItemMod {
            content: Some((_, inner)),
            ..
        }) = item
        {
            found.extend(items(inner));
        }
    }
    found
}

fn use_names(tree: &UseTree, name: &str) -> bool {
    match tree {
        UseTree::Path(p) => use_names(&p.tree, name),
        UseTree::Name(n) => n.ident == name,
        UseTree::Rename(r) => r.rename == name,
        UseTree::Group(g) => g.items.iter().any(|t| use_names(t, name)),
        UseTree::Glob(_) => false,
    }
}

/// The file of module `segments` under the client's source root.
fn module_file(segments: &[&str]) -> String {
    let mut dir = CLIENT_SRC.to_string();
    let mut file = format!("{CLIENT_SRC}/lib.rs");
    for segment in segments {
        let flat = format!("{dir}/{segment}.rs");
        let nested = format!("{dir}/{segment}/mod.rs");
        file = if tests::workspace_root().join(&flat).exists() {
            flat
        } else {
            nested
        };
        dir = format!("{dir}/{segment}");
    }
    file
}

fn fix(entry: &HandWritten) -> String {
    format!(
        "if you renamed or moved it, update `codegen::contract::{}` in codegen/src/contract.rs \
         and the item's doc comment together, then run `cargo xtask regenerate`",
        entry.name
    )
}

#[test]
fn every_contract_path_parses_and_lives_in_the_client_crate() {
    for entry in ALL {
        syn::parse_str::<syn::Path>(entry.path)
            .unwrap_or_else(|e| panic!("codegen::contract::{}: not a path: {e}", entry.name));
        assert!(
            entry.defined_in.starts_with(CLIENT_SRC),
            "codegen::contract::{}: defined outside {CLIENT_SRC}",
            entry.name
        );
    }
}

#[test]
fn every_contract_item_is_defined_where_it_says_and_cites_the_contract() {
    for entry in ALL {
        let file = parse(entry.defined_in);
        let found = items(&file.items);
        let Some((_, doc)) = found.iter().find(|(name, _)| name == entry.item()) else {
            panic!(
                "codegen::contract::{} says `{}` is defined in {}, but that file has no item \
                 `{}`; {}",
                entry.name,
                entry.path,
                entry.defined_in,
                entry.item(),
                fix(entry)
            );
        };
        let citation = format!("codegen::contract::{}", entry.name);
        assert!(
            doc.contains(&citation),
            "{}: the doc comment of `{}` must say it is named by generated code (`{citation}`)",
            entry.defined_in,
            entry.item()
        );
    }
}

#[test]
fn every_contract_path_resolves_through_the_module_tree() {
    for entry in ALL {
        let segments: Vec<&str> = entry.path.split("::").collect();
        let (first, rest) = segments.split_first().expect("a path has segments");
        assert!(
            *first == "crate" || *first == "cloudflare_dynamic_routing",
            "codegen::contract::{}: starts at `{first}`, not the client crate",
            entry.name
        );
        let (item, modules) = rest.split_last().expect("a path names an item");
        let module = module_file(modules);
        let file = parse(&module);
        let defined = items(&file.items).iter().any(|(name, _)| name == item);
        let exported = file.items.iter().any(|i| match i {
            Item::Use(u) => matches!(u.vis, syn::Visibility::Public(_)) && use_names(&u.tree, item),
            _ => false,
        });
        assert!(
            defined || exported,
            "codegen::contract::{}: `{}` does not resolve: {module} neither defines nor \
             re-exports `{item}`; {}",
            entry.name,
            entry.path,
            fix(entry)
        );
    }
}

#[test]
fn generated_code_uses_every_contract_path() {
    let generated: String = tests::generate(&tests::spec_bytes())
        .expect("the vendored spec generates")
        .into_iter()
        .map(|f| f.contents.replace(' ', ""))
        .collect();
    for entry in ALL {
        assert!(
            generated.contains(entry.path),
            "codegen::contract::{} (`{}`) is not used by any generated file; remove it",
            entry.name,
            entry.path
        );
    }
}

/// Every hand-written `.rs` file under `dir`, relative to the workspace root.
fn hand_written(dir: &Path, relative: &str, found: &mut Vec<String>) {
    for entry in fs::read_dir(dir).expect("listable") {
        let entry = entry.expect("listable");
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = format!("{relative}/{name}");
        if entry.file_type().expect("stat").is_dir() {
            if name != "generated" && name != "target" {
                hand_written(&entry.path(), &child, found);
            }
        } else if name.ends_with(".rs") {
            found.push(child);
        }
    }
}

#[test]
fn every_hand_written_citation_of_the_contract_is_in_it() {
    let mut files = Vec::new();
    let root = tests::workspace_root();
    hand_written(&root.join("generated"), "generated", &mut files);
    let mut citations = 0;
    for file in files {
        let text = fs::read_to_string(root.join(&file)).expect("readable");
        for (at, _) in text.match_indices("codegen::contract::") {
            let name: String = text[at + "codegen::contract::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                .collect();
            let entry = ALL.iter().find(|e| e.name == name);
            assert!(
                entry.is_some_and(|e| e.defined_in == file),
                "{file} cites `codegen::contract::{name}`, which {}",
                match entry {
                    Some(e) => format!("says the item is defined in {}", e.defined_in),
                    None => "does not exist".to_string(),
                }
            );
            citations += 1;
        }
    }
    assert_eq!(
        citations,
        ALL.len(),
        "each contract item is cited exactly once"
    );
}
