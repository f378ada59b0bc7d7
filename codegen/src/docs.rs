//! Docs for the generated client's items that progenitor and typify leave undocumented (builder
//! setters, `builder()` constructors, builder structs, enum variants), written from their names,
//! so the client crate builds with `missing_docs` denied.

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Fields, ImplItemFn, ItemStruct, Variant, Visibility, parse_quote};

/// Adds a doc comment to every public item of `file` that has none.
pub fn document_undocumented(file: &mut syn::File) {
    Documenter { in_builder: false }.visit_file_mut(file);
}

struct Documenter {
    /// Inside a module named `builder` (typify's type builders, progenitor's request builders).
    in_builder: bool,
}

fn has_doc(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}

fn add_doc(attrs: &mut Vec<Attribute>, text: &str) {
    attrs.insert(0, parse_quote!(#[doc = #text]));
}

/// The value a serde-renamed variant stands for, such as `count`.
fn renamed(variant: &Variant) -> Option<String> {
    variant.attrs.iter().find_map(|a| {
        if !a.path().is_ident("serde") {
            return None;
        }
        let text = a.meta.to_token_stream().to_string();
        let start = text.find("rename = \"")? + "rename = \"".len();
        let end = text[start..].find('"')?;
        Some(text[start..start + end].to_string())
    })
}

impl VisitMut for Documenter {
    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        let outer = self.in_builder;
        self.in_builder = module.ident == "builder";
        visit_mut::visit_item_mod_mut(self, module);
        self.in_builder = outer;
    }

    fn visit_item_struct_mut(&mut self, item: &mut ItemStruct) {
        if self.in_builder && matches!(item.vis, Visibility::Public(_)) && !has_doc(&item.attrs) {
            let doc = format!(
                "Builds a [`super::{}`] field by field; converting it checks that every \
                 required field is set.",
                item.ident
            );
            add_doc(&mut item.attrs, &doc);
        }
        visit_mut::visit_item_struct_mut(self, item);
    }

    fn visit_impl_item_fn_mut(&mut self, function: &mut ImplItemFn) {
        if matches!(function.vis, Visibility::Public(_)) && !has_doc(&function.attrs) {
            let name = function.sig.ident.to_string();
            let doc = if name == "builder" {
                "A builder for this type, field by field.".to_string()
            } else if self.in_builder {
                format!("Sets `{name}`.")
            } else {
                format!("`{name}`.")
            };
            add_doc(&mut function.attrs, &doc);
        }
        visit_mut::visit_impl_item_fn_mut(self, function);
    }

    fn visit_variant_mut(&mut self, variant: &mut Variant) {
        if !has_doc(&variant.attrs) {
            let doc = match (renamed(variant), &variant.fields) {
                (Some(value), _) => format!("`\"{value}\"`."),
                (None, Fields::Unnamed(_)) => {
                    format!(
                        "Sent as a JSON {}.",
                        variant.ident.to_string().to_lowercase()
                    )
                }
                (None, _) => format!("`{}`.", variant.ident),
            };
            add_doc(&mut variant.attrs, &doc);
        }
        visit_mut::visit_variant_mut(self, variant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undocumented_items_get_docs_and_documented_ones_keep_theirs() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub enum Kind {
                    #[serde(rename = "count")]
                    Count,
                    /// Kept.
                    Cost,
                }
                #[serde(untagged)]
                pub enum Flag { String(String), Boolean(bool) }
                impl Kind { pub fn builder() -> builder::Kind { todo!() } }
                pub mod builder {
                    pub struct Kind { x: u8 }
                    impl Kind { pub fn x(self) -> Self { self } fn private(self) {} }
                }
            }
        };
        document_undocumented(&mut file);
        let text = prettyplease::unparse(&file);
        for expected in [
            "///`\"count\"`.",
            "/// Kept.",
            "///Sent as a JSON string.",
            "///Sent as a JSON boolean.",
            "///A builder for this type, field by field.",
            "///Builds a [`super::Kind`] field by field",
            "///Sets `x`.",
        ] {
            assert!(text.contains(expected), "{expected} in:\n{text}");
        }
        assert!(!text.contains("`private`"), "{text}");
    }
}
