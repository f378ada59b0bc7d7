//! Step 4: progenitor turns the normalised document into Rust; prettyplease formats it; the
//! header says where it came from.

use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro2::TokenStream;
use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use serde_json::Value;

use crate::normalise::Normalised;
use crate::{Error, GENERATED_MARKER, SPEC_PATH, check, contract, naming, parse, pointer};

/// The attribute that lets the generated types describe themselves as JSON Schema, which
/// progenitor's CLI needs; behind a feature so the client's users do not pay for it.
const SCHEMA_DERIVE: &str = "#[cfg_attr(feature = \"schemars\", derive(::schemars::JsonSchema))]";

/// A contract path as tokens. The paths are constants that a test parses; should one ever not
/// parse, the generated code says so where it is compiled rather than codegen panicking.
fn path_tokens(item: contract::HandWritten) -> TokenStream {
    match syn::parse_str::<syn::Path>(item.path) {
        Ok(path) => quote::quote!(#path),
        Err(e) => {
            let message = format!("codegen::contract::{} is not a path: {e}", item.name);
            quote::quote!(compile_error!(#message))
        }
    }
}

/// The progenitor settings the client is generated with, for `document`'s named types.
fn settings(document: &Value) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // The hand-written layer implements `ClientHooks` (auth, retries, timeouts, tracing);
        // make its absence a compile error rather than a silent default.
        .with_hooks(HooksMode::Expected)
        // Per-client transport state (settings, and where a failed response is captured).
        .with_inner_type(path_tokens(contract::TRANSPORT))
        .with_derive("PartialEq")
        // Ordered maps: re-encoding a percentage split gives the same bytes every time.
        .with_map_type("::std::collections::BTreeMap");
    // Every plain `number` (annotations aside: typify ignores them when matching) becomes the
    // hand-written `Number`, so whole numbers encode as integers.
    let number = schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::Number.into()),
        ..Default::default()
    };
    let number_impls = [TypeImpl::Display, TypeImpl::FromStr, TypeImpl::Default];
    settings.with_conversion(number, contract::NUMBER.path, number_impls.into_iter());
    for (generated, hand_written) in naming::REPLACEMENTS {
        settings.with_replacement(generated, hand_written.path, std::iter::empty());
    }
    let names = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|schemas| schemas.keys());
    for name in names {
        let mut patch = typify::TypeSpacePatch::default();
        patch.with_attr(SCHEMA_DERIVE);
        settings.with_patch(name, &patch);
    }
    settings
}

/// Generates, formats and heads the client source.
pub fn render_client(normalised: &Normalised) -> Result<String, Error> {
    let mut file = parse_generated(generate_tokens(&normalised.document)?)?;
    crate::docs::document_undocumented(&mut file);
    Ok(with_header(&file))
}

/// The operation table: each operation's method name, Cloudflare id, HTTP method, path
/// template and summary, for tracing, retry policy and tools that list operations.
pub fn render_operations(normalised: &Normalised) -> Result<String, Error> {
    let mut rows = Vec::new();
    let paths = normalised.document.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for (method, operation) in check::operations(item) {
            let text = |key: &str| {
                operation
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            let name = text("operationId");
            let cloudflare_id = text("x-cloudflare-operation-id");
            let summary = text("summary");
            let method = method.to_ascii_uppercase();
            rows.push(quote::quote! {
                Operation {
                    name: #name,
                    cloudflare_id: #cloudflare_id,
                    method: #method,
                    path: #path,
                    summary: #summary,
                }
            });
        }
    }
    let tokens = quote::quote! {
        /// One operation: how to call it and what it is called.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Operation {
            /// The method on the generated client, such as `list_routes`.
            pub name: &'static str,
            /// Cloudflare's operationId.
            pub cloudflare_id: &'static str,
            /// The HTTP method, upper case.
            pub method: &'static str,
            /// The path template, relative to the base URL.
            pub path: &'static str,
            /// The spec's one-line summary.
            pub summary: &'static str,
        }

        /// Every operation, in the spec's order.
        pub const OPERATIONS: &[Operation] = &[#(#rows),*];

        /// The operation whose method on the generated client is `name`, such as `list_routes`.
        pub fn find(name: &str) -> Option<&'static Operation> {
            OPERATIONS.iter().find(|operation| operation.name == name)
        }
    };
    format_with_header(tokens)
}

fn format_with_header(tokens: TokenStream) -> Result<String, Error> {
    Ok(with_header(&parse_generated(tokens)?))
}

fn parse_generated(tokens: TokenStream) -> Result<syn::File, Error> {
    syn::parse2(tokens).map_err(|e| Error::at("#", format!("generated code does not parse: {e}")))
}

/// prettyplease's text of `file` under the generated-file header.
fn with_header(file: &syn::File) -> String {
    let body = prettyplease::unparse(file);
    format!(
        "{GENERATED_MARKER} from {SPEC_PATH}.\n\
         // Do not edit by hand: change the spec or codegen/, then run `cargo xtask regenerate`.\n\n\
         {body}"
    )
}

/// The httpmock expectations for every operation, for the mocks crate.
pub fn render_mocks(normalised: &Normalised) -> Result<String, Error> {
    let spec = parse::typed(&normalised.document)?;
    format_with_header(run_progenitor(&normalised.document, |g| {
        g.httpmock(&spec, CLIENT_CRATE_PATH)
    })?)
}

/// The clap command tree for every operation, for the CLI crate.
pub fn render_cli(normalised: &Normalised) -> Result<String, Error> {
    let spec = parse::typed(&normalised.document)?;
    format_with_header(run_progenitor(&normalised.document, |g| {
        g.cli(&spec, CLIENT_CRATE_PATH)
    })?)
}

/// The generated low-level client, as the mocks and the CLI name it.
const CLIENT_CRATE_PATH: &str = contract::LOW_LEVEL_CLIENT.path;

/// Runs progenitor; a panic inside it becomes an error naming the operation that caused it.
fn generate_tokens(document: &Value) -> Result<TokenStream, Error> {
    let spec = parse::typed(document)?;
    run_progenitor(document, |g| g.generate_tokens(&spec))
}

/// Runs one progenitor generator with our settings, catching its panics.
fn run_progenitor(
    document: &Value,
    generate: impl FnOnce(&mut Generator) -> progenitor_impl::Result<TokenStream>,
) -> Result<TokenStream, Error> {
    match catch_unwind(AssertUnwindSafe(|| {
        generate(&mut Generator::new(&settings(document)))
    })) {
        Ok(Ok(tokens)) => Ok(tokens),
        Ok(Err(e)) => Err(Error::at(
            culprit(document).unwrap_or_else(|| "#".to_string()),
            format!("progenitor cannot generate this: {e}"),
        )),
        Err(panic) => Err(Error::at(
            culprit(document).unwrap_or_else(|| "#".to_string()),
            format!(
                "progenitor cannot generate this operation (it panicked: {})",
                panic_message(panic.as_ref())
            ),
        )),
    }
}

/// Finds the first operation that progenitor cannot generate on its own, by generating each
/// operation alone. Only runs after a failure, so its cost does not matter.
fn culprit(document: &Value) -> Option<String> {
    let paths = document.get("paths")?.as_object()?;
    for (path, item) in paths {
        for (method, operation) in check::operations(item) {
            let mut alone = document.clone();
            let mut single = serde_json::Map::new();
            single.insert(method.to_string(), Value::Object(operation.clone()));
            let mut only = serde_json::Map::new();
            only.insert(path.clone(), Value::Object(single));
            alone["paths"] = Value::Object(only);
            let Ok(spec) = parse::typed(&alone) else {
                continue;
            };
            let failed = catch_unwind(AssertUnwindSafe(|| {
                Generator::new(&settings(&alone))
                    .generate_tokens(&spec)
                    .is_err()
            }))
            .unwrap_or(true);
            if failed {
                let id = operation
                    .get("x-cloudflare-operation-id")
                    .and_then(Value::as_str)
                    .unwrap_or("?");
                return Some(format!(
                    "{} (operation `{id}`)",
                    pointer::push(&pointer::push("#/paths", path), method)
                ));
            }
        }
    }
    None
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "no message".to_string()
    }
}
