//! The skillaudit pipeline ([`pipeline::scan_with`]), one module per stage:
//!
//! 1. [`discover`] — resolve the [`target`]s and walk them into
//!    [`candidate`]s;
//! 2. [`classify`] — read each file once, recognise, parse and normalise it
//!    (the parsers live in `skillaudit-syntax`, the models and normalisers
//!    in `skillaudit-model`);
//! 3. [`assemble`] — the files become one `Project`;
//! 4. [`link`] — containers to images (`skillaudit_model::link`), build
//!    [`contexts`], the [`code`] analysed;
//! 5. [`check`] — the rules of `skillaudit-rules` over every Image,
//!    Container and the code;
//! 6. [`filter`] — ignore comments ([`suppress`]), the project [`config`],
//!    the [`baseline`], grouping and the minimum severity;
//! 7. fix — [`remedies`] into edits (applying them is [`fix`], which scans
//!    again and is never called by the scan);
//! 8. [`score`];
//! 9. [`locate`] — positions for display;
//!
//! and the result, a [`ScanResult`], is what the renderers of
//! `skillaudit-report` read.

pub mod assemble;
pub mod baseline;
pub mod candidate;
pub mod check;
pub mod classify;
pub mod code;
pub mod config;
pub mod context;
pub mod contexts;
pub mod discover;
pub mod fetch;
pub mod filter;
pub mod fingerprint;
pub mod fix;
pub mod group;
pub mod hardened;
pub mod link;
pub mod locate;
pub mod options;
pub mod pipeline;
pub mod progress;
pub mod remedies;
pub mod result;
pub mod score;
pub mod suppress;
pub mod target;

pub use candidate::{Candidate, NameKind};
pub use options::{
    Deadline, Overlay, ScanOptions, Trust, DEFAULT_MAX_FILE_SIZE, TIME_LIMIT_MESSAGE,
};
pub use pipeline::{scan, scan_with, scan_with_progress};
pub use progress::{Phase, Progress};
pub use result::{Notice, ScanResult, Shown, ShownRelated, Summary, TargetError};
/// A finding's context (`deployment`, `documentation`, …): [`context`].
pub use skillaudit_model::Purpose;
