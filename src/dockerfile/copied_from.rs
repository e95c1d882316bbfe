//! A `COPY --from` as the checks see it: the stage or image it copies
//! from, its sources and its destination, expanded where it ran. Several
//! checks judge copies (DL705 the programs, DL706-DL708 the Python trees),
//! so the checker records them as it walks the stages.

use super::ast::{Args, Instruction, Keyword};
use super::image::ImageState;
use super::source::Span;
use crate::base::normalize;

/// A `COPY --from` in the final stage's chain, resolved where it ran.
#[derive(Debug, Clone)]
pub struct CopiedFrom {
    /// The `--from` value as written (a stage name, index or image).
    pub from: String,
    /// Each source path, expanded, with its word's span.
    pub sources: Vec<(String, Span)>,
    /// The destination, absolute and normalized.
    pub destination: String,
    pub destination_span: Span,
}

impl CopiedFrom {
    /// A `COPY --from=… SRC… DEST` whose words `state` can expand.
    pub fn of(instruction: &Instruction, state: &ImageState<'_>) -> Option<CopiedFrom> {
        if instruction.keyword != Keyword::Copy {
            return None;
        }
        let from = instruction.flag("from")?.value.clone()?;
        let Args::List { words, .. } = &instruction.args else {
            return None;
        };
        let (destination_word, sources) = words.split_last()?;
        let destination = state
            .expand(destination_word)
            .and_then(|d| state.absolute(&d))?;
        let sources = sources
            .iter()
            .filter_map(|w| {
                let text = state.expand(w)?;
                let path = normalize(&if text.starts_with('/') {
                    text
                } else {
                    format!("/{text}")
                });
                Some((path, w.span))
            })
            .collect();
        Some(CopiedFrom {
            from,
            sources,
            destination,
            destination_span: destination_word.span,
        })
    }
}
