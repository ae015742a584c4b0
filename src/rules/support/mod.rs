//! What several rules share: "did you mean" suggestions and the shape of a contradiction's
//! finding. Every file directly under `src/rules/` is one rule; helpers live here.

mod contradiction;

pub use crate::suggest::{Closest, closest};
pub use contradiction::{SHOWN, describe, finding, periods, shortened, subject_of, tally};
