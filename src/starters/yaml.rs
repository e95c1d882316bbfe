//! YAML with positions, for compose files and Kubernetes manifests, read
//! from `yaml-rust2`'s event parser (its loader would copy every alias).
//!
//! The scanned tree is untrusted, so the reader bounds its work: an alias
//! is a reference to the anchored node, never a copy (the "billion laughs"
//! document stays as small as it is written), nodes are kept in one flat
//! list and built with an explicit stack (deep nesting cannot overflow
//! the call stack, nor dropping the tree), and a document nested deeper
//! than [`MAX_DEPTH`] or holding more than [`MAX_NODES`] nodes is refused.
//! Lookups follow aliases and `<<` merge keys a bounded number of times.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

use super::text::Text;

/// Deeper than any real configuration (a Kubernetes CronJob's container
/// probe is about a dozen levels down).
pub const MAX_DEPTH: usize = 200;
/// Far more than any real file: each node costs a few dozen bytes.
pub const MAX_NODES: usize = 2_000_000;
/// How many aliases and merge keys one lookup follows.
const MAX_INDIRECTIONS: usize = 16;

pub type NodeId = usize;

#[derive(Debug, Clone)]
pub enum NodeKind {
    Scalar(String),
    Sequence(Vec<NodeId>),
    Mapping(Vec<(NodeId, NodeId)>),
    /// An alias: the node its anchor names.
    Alias(NodeId),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    /// Byte range in the file (for a collection, its first line).
    pub span: (usize, usize),
}

/// The documents of one YAML stream, sharing one node list.
#[derive(Debug, Default)]
pub struct Yaml {
    pub nodes: Vec<Node>,
    pub documents: Vec<NodeId>,
}

impl Yaml {
    /// Reads every document of `text`.
    pub fn read(text: &Text<'_>) -> Result<Yaml, String> {
        let mut yaml = Yaml::default();
        let mut anchors: std::collections::HashMap<usize, NodeId> = Default::default();
        // Open collections, with the key a mapping is waiting to pair.
        let mut open: Vec<(NodeId, Option<NodeId>)> = Vec::new();
        let mut parser = Parser::new_from_str(text.text);
        loop {
            let (event, marker) = parser
                .next_token()
                .map_err(|e| format!("{} at line {}", e.info(), e.marker().line()))?;
            let start = text.offset_of(marker.line(), marker.col());
            let (kind, anchor) = match event {
                Event::StreamEnd => break,
                Event::SequenceEnd | Event::MappingEnd => {
                    open.pop();
                    continue;
                }
                Event::Scalar(value, style, anchor, _) => {
                    let quoted = usize::from(!matches!(style, TScalarStyle::Plain)) * 2;
                    let end = (start + value.len() + quoted).min(text.line_end(start));
                    let id = yaml.push(NodeKind::Scalar(value), (start, end))?;
                    yaml.place(id, anchor, &mut anchors, &mut open);
                    continue;
                }
                Event::Alias(anchor) => {
                    let Some(&target) = anchors.get(&anchor) else {
                        return Err(format!(
                            "an alias to an unknown anchor at line {}",
                            marker.line()
                        ));
                    };
                    let id = yaml.push(NodeKind::Alias(target), (start, start + 1))?;
                    yaml.place(id, 0, &mut anchors, &mut open);
                    continue;
                }
                Event::SequenceStart(anchor, _) => (NodeKind::Sequence(Vec::new()), anchor),
                Event::MappingStart(anchor, _) => (NodeKind::Mapping(Vec::new()), anchor),
                _ => continue,
            };
            if open.len() >= MAX_DEPTH {
                return Err(format!(
                    "it is nested deeper than {MAX_DEPTH} levels (line {})",
                    marker.line()
                ));
            }
            let id = yaml.push(kind, (start, text.line_end(start)))?;
            yaml.place(id, anchor, &mut anchors, &mut open);
            open.push((id, None));
        }
        Ok(yaml)
    }

    fn push(&mut self, kind: NodeKind, span: (usize, usize)) -> Result<NodeId, String> {
        if self.nodes.len() >= MAX_NODES {
            return Err(format!("it holds more than {MAX_NODES} nodes"));
        }
        self.nodes.push(Node { kind, span });
        Ok(self.nodes.len() - 1)
    }

    /// Puts a new node in the collection that holds it (or makes it a
    /// document of its own).
    fn place(
        &mut self,
        id: NodeId,
        anchor: usize,
        anchors: &mut std::collections::HashMap<usize, NodeId>,
        open: &mut [(NodeId, Option<NodeId>)],
    ) {
        if anchor > 0 {
            anchors.insert(anchor, id);
        }
        let Some((parent, waiting)) = open.last_mut() else {
            self.documents.push(id);
            return;
        };
        match &mut self.nodes[*parent].kind {
            NodeKind::Sequence(items) => items.push(id),
            NodeKind::Mapping(pairs) => match waiting.take() {
                Some(key) => pairs.push((key, id)),
                None => *waiting = Some(id),
            },
            _ => {}
        }
    }

    /// The node itself, past aliases.
    pub fn resolve(&self, mut id: NodeId) -> NodeId {
        for _ in 0..MAX_INDIRECTIONS {
            match self.nodes[id].kind {
                NodeKind::Alias(target) => id = target,
                _ => break,
            }
        }
        id
    }

    pub fn scalar(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[self.resolve(id)].kind {
            NodeKind::Scalar(value) => Some(value),
            _ => None,
        }
    }

    pub fn sequence(&self, id: NodeId) -> Option<&[NodeId]> {
        match &self.nodes[self.resolve(id)].kind {
            NodeKind::Sequence(items) => Some(items),
            _ => None,
        }
    }

    /// The scalars of a sequence; `None` when an item is not a scalar.
    pub fn strings(&self, id: NodeId) -> Option<Vec<String>> {
        self.sequence(id)?
            .iter()
            .map(|&item| self.scalar(item).map(str::to_string))
            .collect()
    }

    /// The pairs of a mapping, its own first, then those its `<<` merge
    /// keys bring (which its own override).
    pub fn pairs(&self, id: NodeId) -> Vec<(String, NodeId)> {
        let mut pairs = Vec::new();
        self.collect_pairs(id, 0, &mut pairs);
        pairs
    }

    fn collect_pairs(&self, id: NodeId, depth: usize, out: &mut Vec<(String, NodeId)>) {
        if depth > MAX_INDIRECTIONS {
            return;
        }
        let NodeKind::Mapping(pairs) = &self.nodes[self.resolve(id)].kind else {
            return;
        };
        let mut merged = Vec::new();
        for &(key, value) in pairs {
            match self.scalar(key) {
                Some("<<") => merged.push(value),
                Some(key) if !out.iter().any(|(k, _)| k == key) => {
                    out.push((key.to_string(), value))
                }
                _ => {}
            }
        }
        for value in merged {
            match self.sequence(value) {
                Some(items) => {
                    for &item in items.iter().take(MAX_INDIRECTIONS) {
                        self.collect_pairs(item, depth + 1, out);
                    }
                }
                None => self.collect_pairs(value, depth + 1, out),
            }
        }
    }

    /// The value of `key` in the mapping `id`.
    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        self.pairs(id)
            .into_iter()
            .find_map(|(k, v)| (k == key).then_some(v))
    }

    /// The value at a path of keys.
    pub fn at(&self, id: NodeId, path: &[&str]) -> Option<NodeId> {
        path.iter().try_fold(id, |node, key| self.get(node, key))
    }

    pub fn span(&self, id: NodeId) -> (usize, usize) {
        self.nodes[id].span
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_references_and_merge_keys_merge() {
        let text = Text::new(
            "x-common: &common\n  command: [\"gunicorn\"]\n  user: app\nservices:\n  web:\n    <<: *common\n    user: root\n",
        );
        let yaml = Yaml::read(&text).unwrap();
        let root = yaml.documents[0];
        let web = yaml.at(root, &["services", "web"]).unwrap();
        assert_eq!(yaml.scalar(yaml.get(web, "user").unwrap()), Some("root"));
        let command = yaml.get(web, "command").unwrap();
        assert_eq!(yaml.strings(command).unwrap(), ["gunicorn"]);
        let (start, _) = yaml.span(yaml.sequence(command).unwrap()[0]);
        assert_eq!(&text.text[start..start + 10], "\"gunicorn\"");
    }

    #[test]
    fn a_billion_laughs_stays_small() {
        let mut doc = String::from(
            "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for i in 1..30 {
            let p = i - 1;
            doc.push_str(&format!(
                "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
            ));
        }
        let yaml = Yaml::read(&Text::new(&doc)).unwrap();
        assert!(yaml.nodes.len() < 1000, "{}", yaml.nodes.len());
    }

    #[test]
    fn deep_nesting_is_refused_not_followed() {
        let doc = "a:\n".to_string()
            + &(1..5000)
                .map(|i| format!("{}a:\n", " ".repeat(i)))
                .collect::<String>();
        let error = Yaml::read(&Text::new(&doc)).unwrap_err();
        assert!(error.contains("nested deeper"), "{error}");
        let flow = "[".repeat(100_000);
        assert!(Yaml::read(&Text::new(&flow)).is_err());
    }
}
