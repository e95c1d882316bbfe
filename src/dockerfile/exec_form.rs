//! Rewriting a shell-form command as exec form, when that can be done
//! without changing what it means.
//!
//! A command of plain words (quotes allowed, a leading `exec` dropped)
//! becomes a JSON array. Anything the shell itself would do — `&&`, pipes,
//! redirections, `$VAR`, globs, a leading `NAME=value` — has no exec-form
//! spelling, so we say which feature it is instead of guessing. The single-
//! quoted lookalike `['python', 'app.py']` is recognised and given its JSON
//! form.

use super::words::{split_words, unquote};

/// The exec form of `command`, or what shell feature prevents one.
pub fn exec_form(command: &str) -> Result<String, String> {
    let command = command.trim();
    if let Some(json) = single_quoted_array(command) {
        return Ok(json);
    }
    if let Some(feature) = shell_feature(command) {
        return Err(feature);
    }
    let mut words: Vec<String> = split_words(command, '\\', false)
        .into_iter()
        .map(|(a, b)| unquote(&command[a..b], '\\'))
        .collect();
    if words.first().is_some_and(|w| w == "exec") {
        words.remove(0);
    }
    if words.is_empty() {
        return Err("an empty command".to_string());
    }
    if words[0].contains('=') {
        return Err(format!(
            "a variable assignment before the command (`{}`; use ENV)",
            words[0]
        ));
    }
    serde_json::to_string(&words).map_err(|e| e.to_string())
}

/// `['a', 'b']` → `["a","b"]`, when every item is a single-quoted string.
fn single_quoted_array(command: &str) -> Option<String> {
    let inner = command.strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    for item in inner.split(',') {
        let item = item.trim();
        let text = item.strip_prefix('\'')?.strip_suffix('\'')?;
        if text.contains('\'') {
            return None;
        }
        items.push(text.to_string());
    }
    serde_json::to_string(&items).ok()
}

/// The first shell feature in `command`, outside single quotes.
fn shell_feature(command: &str) -> Option<String> {
    let mut chars = command.chars().peekable();
    let mut quote: Option<char> = None;
    let mut at_word_start = true;
    while let Some(c) = chars.next() {
        match quote {
            Some('\'') => {
                if c == '\'' {
                    quote = None;
                }
                continue;
            }
            Some(_) => {
                match c {
                    '"' => quote = None,
                    '\\' => {
                        chars.next();
                    }
                    '$' => return Some("`$` expansion".to_string()),
                    '`' => return Some("command substitution".to_string()),
                    _ => {}
                }
                continue;
            }
            None => {}
        }
        let feature = match c {
            '\'' | '"' => {
                quote = Some(c);
                None
            }
            '\\' => Some("a `\\` escape"),
            '&' if chars.peek() == Some(&'&') => Some("`&&`"),
            '|' if chars.peek() == Some(&'|') => Some("`||`"),
            '|' => Some("a pipe"),
            '&' => Some("`&`"),
            ';' => Some("`;`"),
            '<' | '>' => Some("a redirection"),
            '$' => Some("`$` expansion"),
            '`' => Some("command substitution"),
            '(' | ')' | '{' | '}' => Some("grouping"),
            '*' | '?' | '[' => Some("a glob"),
            '~' if at_word_start => Some("`~`"),
            '#' if at_word_start => Some("a comment"),
            '\n' => Some("several lines"),
            _ => None,
        };
        if let Some(feature) = feature {
            return Some(feature.to_string());
        }
        at_word_start = c.is_whitespace();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_commands_become_json() {
        assert_eq!(
            exec_form("gunicorn -b 0.0.0.0:8000 app:app").unwrap(),
            r#"["gunicorn","-b","0.0.0.0:8000","app:app"]"#
        );
        assert_eq!(
            exec_form("exec python app.py").unwrap(),
            r#"["python","app.py"]"#
        );
        assert_eq!(
            exec_form(r#"python -c "print('hi')" --x='a b'"#).unwrap(),
            r#"["python","-c","print('hi')","--x=a b"]"#
        );
        assert_eq!(
            exec_form("['python', 'app.py']").unwrap(),
            r#"["python","app.py"]"#
        );
    }

    #[test]
    fn shell_features_are_named() {
        for (command, feature) in [
            ("a && b", "`&&`"),
            ("curl -f http://x/ || exit 1", "`||`"),
            ("ps | grep x", "a pipe"),
            ("python app.py > log", "a redirection"),
            ("gunicorn -b 0.0.0.0:$PORT app", "`$` expansion"),
            ("echo \"$HOME\"", "`$` expansion"),
            ("ls *.py", "a glob"),
            ("PORT=1 python app.py", "a variable assignment"),
            ("python3 C:\\app\\main.py", "escape"),
        ] {
            let err = exec_form(command).unwrap_err();
            assert!(err.contains(feature), "{command}: {err}");
        }
        // Inside single quotes nothing is special.
        assert!(exec_form("python -c 'import os; print(1 | 2)'").is_ok());
    }
}
