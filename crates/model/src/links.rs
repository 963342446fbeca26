//! What linking found ([`crate::link`]): which container runs which image
//! and stage, and which stages image rules judge.

use crate::container::Purpose;
use crate::file::FileId;
use crate::Origin;

/// Which container runs which image and stage.
#[derive(Clone, Debug, Default)]
pub struct Links {
    /// For each container (by index), the image it runs, if built here.
    pub image_of: Vec<Option<usize>>,
    /// For each container linked to an image, the index (in
    /// `Image::stages`) of the stage it runs.
    pub stage_of: Vec<Option<usize>>,
    /// For each image (by index), the containers that run it.
    pub runners: Vec<Vec<usize>>,
    /// For each image (by index), the stages that run, in stage order.
    pub run_stages: Vec<Vec<RunStage>>,
}

/// A stage that the repository builds to run or ship.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunStage {
    /// Index in `Image::stages`.
    pub stage: usize,
    pub purpose: Purpose,
    /// Where builds name this stage (`target: dev`, `--target dev`); empty
    /// for the last stage when no build names it.
    pub selected_by: Vec<(FileId, Origin)>,
}
