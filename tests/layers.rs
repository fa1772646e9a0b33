//! The shape of the server side, read from its sources: the store depends on nothing above it,
//! and the server's folders import one another without a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

fn server() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server")
}

/// The server's modules a file names (`crate::server::NAME`).
fn named_modules(source: &str) -> BTreeSet<String> {
    source
        .match_indices("crate::server::")
        .map(|(i, m)| {
            source[i + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

#[test]
fn the_store_imports_nothing_above_it() {
    let files = rust_files(&server().join("store"));
    assert!(files.len() > 10, "the store's files are found");
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        let above: Vec<_> = named_modules(&source)
            .into_iter()
            .filter(|m| m != "store")
            .collect();
        assert!(above.is_empty(), "{} imports {above:?}", file.display());
        assert!(
            !source.contains("super::super"),
            "{} reaches above the store",
            file.display()
        );
    }
}

#[test]
fn the_server_folders_import_one_another_without_a_circle() {
    // Each top-level module (folder or file) and the ones it names.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(server()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "mod" {
            continue;
        }
        let files = if path.is_dir() {
            rust_files(&path)
        } else {
            vec![path]
        };
        let mut names = BTreeSet::new();
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            // Doc links say where to read next; they are no dependency.
            let code: String = source
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            names.extend(named_modules(&code));
        }
        names.remove(&name);
        graph.insert(name, names);
    }
    assert!(graph.len() >= 6, "{graph:?}");
    // Depth-first search for a path back to where it started.
    fn circle(
        graph: &BTreeMap<String, BTreeSet<String>>,
        at: &str,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == at) {
            return Some(path[i..].to_vec());
        }
        path.push(at.to_owned());
        for next in graph.get(at).into_iter().flatten() {
            if let Some(found) = circle(graph, next, path) {
                return Some(found);
            }
        }
        path.pop();
        None
    }
    for start in graph.keys() {
        if let Some(found) = circle(&graph, start, &mut Vec::new()) {
            panic!("import circle: {found:?} (graph: {graph:?})");
        }
    }
}
