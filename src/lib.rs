//! onus: who carries the onus for each security duty of every cloud service an
//! organisation uses — the provider, the customer, or both.
//!
//! The pipeline, one module a stage:
//! [`catalogue`] (shipped data) → [`inventory`] (the user's CSV) → [`classify`]
//! (rows to services, variants, overrides) → [`join`] (frameworks) → [`report`] (the one model every renderer
//! sees) → [`render`] (bytes per format) → [`output`] (the only writer of files).
//! [`cli`] wires the stages to commands.

pub mod allocator;
pub mod assess;
pub mod catalogue;
pub mod classify;
pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod inventory;
pub mod join;
pub mod output;
pub mod pack;
pub mod parallel;
pub mod progress;
pub mod project;
pub mod register;
pub mod render;
pub mod report;
pub mod soa;
pub mod soc2;
pub mod text;
pub mod vocab;
