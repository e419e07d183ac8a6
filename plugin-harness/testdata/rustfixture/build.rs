//! Embeds the descriptor chosen at build time: FIXTURE_DESCRIPTOR is a path to a plugin.yaml
//! (relative paths resolve against this crate), or `none` for an empty descriptor_yaml. The
//! default is the C fixture's tool_gate descriptor. FIXTURE_ENTITIES=kinds adds the entities of
//! src/kinds/ to the registration (the `kinds` variant of scripts/build-fixtures).

use std::path::{Path, PathBuf};
use std::{env, fs};

const DEFAULT_DESCRIPTOR: &str = "../fixture/plugin.yaml";

fn main() {
    println!("cargo:rerun-if-env-changed=FIXTURE_DESCRIPTOR");
    let choice = env::var("FIXTURE_DESCRIPTOR").unwrap_or_else(|_| DEFAULT_DESCRIPTOR.to_owned());
    let out =
        PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("descriptor.yaml");
    let yaml = if choice == "none" {
        String::new()
    } else {
        let crate_dir = PathBuf::from(
            env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
        );
        let path = crate_dir.join(Path::new(&choice));
        println!("cargo:rerun-if-changed={}", path.display());
        fs::read_to_string(&path).unwrap_or_else(|err| {
            panic!("FIXTURE_DESCRIPTOR: cannot read {}: {err}", path.display())
        })
    };
    write_if_changed(&out, &yaml);

    println!("cargo:rerun-if-env-changed=FIXTURE_ENTITIES");
    let kinds = match env::var("FIXTURE_ENTITIES").as_deref() {
        Ok("kinds") => true,
        Ok("") | Err(_) => false,
        Ok(other) => panic!("FIXTURE_ENTITIES: expected kinds or nothing, found {other:?}"),
    };
    let entities =
        PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("entities.rs");
    write_if_changed(&entities, &format!("const WITH_KINDS: bool = {kinds};\n"));
}

/// Writes only on change, so an unchanged input does not recompile the crate.
fn write_if_changed(path: &Path, text: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(text) {
        fs::write(path, text).unwrap_or_else(|err| panic!("write {}: {err}", path.display()));
    }
}
