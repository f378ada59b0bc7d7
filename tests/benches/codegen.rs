//! Code-generation benchmark: `codegen::generate` on the vendored spec and overlay, the work
//! behind `cargo xtask regenerate` and `cargo xtask check`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

fn generate(c: &mut Criterion) {
    let spec = tests::spec_bytes();
    let overlay = tests::overlay_bytes();
    c.bench_function("codegen_generate_vendored_spec", |b| {
        b.iter(|| codegen::generate(black_box(&spec), black_box(&overlay)).expect("generates"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    targets = generate
}
criterion_main!(benches);
