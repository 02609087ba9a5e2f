//! Which provider binary a benchmark measures: the one cargo built for it (release settings,
//! dynamically linked), or the file `BENCH_PROVIDER` names, such as the statically linked
//! release that `scripts/release.sh` builds, so the figures are those of what ships.

use std::path::PathBuf;

pub fn provider_binary() -> PathBuf {
    let path = match std::env::var_os("BENCH_PROVIDER") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-azuread")),
    };
    // Terraform finds it through `dev_overrides`, which looks for this file name.
    assert!(
        path.is_file()
            && path
                .file_name()
                .is_some_and(|n| n == "terraform-provider-azuread"),
        "BENCH_PROVIDER must name a file called terraform-provider-azuread: {}",
        path.display()
    );
    let path = path.canonicalize().unwrap_or(path);
    eprintln!("measuring the provider binary {}", path.display());
    path
}
