//! Embeds every file under `frameworks/` (the shipped data) into the binary, so the
//! installed tool needs no data directory. Writes `$OUT_DIR/built_in_data.rs`: a sorted
//! list of (path relative to `frameworks/`, contents). Also compresses the PDF fonts of
//! `assets/fonts/` once, here, rather than in every PDF written (`$OUT_DIR/*.ttf.zlib`).

use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("readable folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("toml" | "csv")
        ) {
            out.push(path);
        }
    }
}

fn main() {
    // Read when the script runs, not when it is compiled: a cached build script may
    // serve another checkout of the crate.
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let root = manifest.join("frameworks");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    let mut code = String::from("&[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path.strip_prefix(&root).expect("under frameworks/");
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        code.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            rel.join("/"),
            path.display().to_string()
        ));
    }
    code.push_str("]\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo"));
    std::fs::write(out_dir.join("built_in_data.rs"), code).expect("OUT_DIR is writable");

    let fonts = manifest.join("assets/fonts");
    for name in ["DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"] {
        let path = fonts.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut encoder, &bytes).expect("compressing in memory");
        let packed = encoder.finish().expect("compressing in memory");
        std::fs::write(out_dir.join(format!("{name}.zlib")), packed).expect("OUT_DIR is writable");
    }
}
