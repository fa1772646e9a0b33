//! The shape of the server side, read from its sources: the store depends on nothing above it,
//! the server's folders import one another without a circle, and so do the files of each
//! folder.

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
            let code = code_of(&std::fs::read_to_string(&file).unwrap());
            names.extend(named_modules(&code));
        }
        names.remove(&name);
        graph.insert(name, names);
    }
    assert!(graph.len() >= 6, "{graph:?}");
    no_circle(&graph);
}

#[test]
fn the_files_of_each_folder_import_one_another_without_a_circle() {
    let mut folders = 0;
    for entry in std::fs::read_dir(server()).unwrap() {
        let folder = entry.unwrap().path();
        if !folder.is_dir() {
            continue;
        }
        folders += 1;
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        let prefix = format!("crate::server::{name}::");
        // Each file of the folder and its siblings it names (by path or through `super::`).
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        let stems: BTreeSet<String> = files
            .iter()
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .filter(|s| s != "mod")
            .collect();
        for file in &files {
            let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
            if stem == "mod" {
                continue;
            }
            let code = code_of(&std::fs::read_to_string(file).unwrap());
            let mut names = BTreeSet::new();
            for marker in [prefix.as_str(), "super::"] {
                for (i, m) in code.match_indices(marker) {
                    let rest = &code[i + m.len()..];
                    // `super::{a, b}` and `…::name::{a, b}` name several.
                    let named: Vec<String> = if let Some(list) = rest.strip_prefix('{') {
                        list.split('}')
                            .next()
                            .unwrap_or("")
                            .split(',')
                            .map(|n| n.trim().split("::").next().unwrap_or("").to_owned())
                            .collect()
                    } else {
                        vec![rest
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect()]
                    };
                    names.extend(named.into_iter().filter(|n| stems.contains(n)));
                }
            }
            names.remove(&stem);
            graph.insert(stem, names);
        }
        no_circle(&graph);
    }
    assert!(folders >= 6, "the server's folders are found");
}

/// The source without its comment lines: doc links say where to read next, they are no
/// dependency.
fn code_of(source: &str) -> String {
    source
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Panics with the first circle of `graph`, if any.
fn no_circle(graph: &BTreeMap<String, BTreeSet<String>>) {
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
        if let Some(found) = circle(graph, start, &mut Vec::new()) {
            panic!("import circle: {found:?} (graph: {graph:?})");
        }
    }
}
