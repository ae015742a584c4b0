//! kblint's integration tests, in one binary so that a change in the library relinks one test
//! executable instead of one per file. Each module is one subject; `common` holds the helpers
//! they share. Run one subject with `cargo test --test it MODULE::` (for example
//! `cargo test --test it fixtures::`).

mod common;

mod adopting;
mod adversarial;
mod bad_input;
mod claims_suggest;
mod cli;
mod config_schema;
mod confinement;
mod contradiction_pairs;
mod docs;
mod explain;
mod fix;
mod fix_fuzz;
mod fix_safety;
mod fixtures;
mod fuzz;
mod git;
mod incremental;
mod init;
mod layers;
mod lsp;
mod messages;
mod paraphrases;
mod quotes;
mod realworld;
mod reference_kb;
mod registry;
mod report_html;
mod sources_web;
mod suppressions;
mod tree_view;
mod yaml_suite;
