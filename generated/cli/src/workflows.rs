//! The example CI workflows (`examples/github-actions.yml`, `examples/gitlab-ci.yml`) checked
//! against the command tree: each is parsed as YAML, every shell line in it that runs `routes`
//! is split as a shell splits it, its variables replaced by placeholders, and parsed by
//! `tree::parse`, the parser `routes` itself runs. A workflow that runs no `routes` line, or
//! misses one of the four steps it exists for, fails.

use serde_yaml_ng::Value;

use crate::tree::{self, HandCommand, Invocation};

/// Each workflow: its file, its text, and the keys whose values are shell scripts there.
const WORKFLOWS: &[(&str, &str, &[&str])] = &[
    (
        "examples/github-actions.yml",
        include_str!("../examples/github-actions.yml"),
        &["run"],
    ),
    (
        "examples/gitlab-ci.yml",
        include_str!("../examples/gitlab-ci.yml"),
        &["script", "before_script", "after_script"],
    ),
];

/// Tokens after which a word is in command position.
const COMMAND_POSITION: &[&str] = &[";", "&&", "||", "|", "!", "if", "then", "else", "do"];

/// Every shell script in `value` under one of `keys` (a string, or a list of strings as GitLab
/// writes them).
fn scripts(value: &Value, keys: &[&str], found: &mut Vec<String>) {
    match value {
        Value::Mapping(mapping) => {
            for (key, value) in mapping {
                let is_script = key.as_str().is_some_and(|key| keys.contains(&key));
                match value {
                    Value::String(script) if is_script => found.push(script.clone()),
                    Value::Sequence(lines) if is_script => {
                        found.extend(lines.iter().filter_map(Value::as_str).map(str::to_string))
                    }
                    _ => scripts(value, keys, found),
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| scripts(item, keys, found)),
        Value::Tagged(tagged) => scripts(&tagged.value, keys, found),
        _ => {}
    }
}

/// A script's logical lines: a line ending in `\` continues on the next.
fn lines(script: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for line in script.lines() {
        match line.trim_end().strip_suffix('\\') {
            Some(start) => {
                current.push_str(start);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                lines.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.trim().is_empty() {
        lines.push(current);
    }
    lines
}

/// Shell variables (`$NAME`, `${NAME}`) replaced by a placeholder a path or a value accepts.
fn without_variables(word: &str) -> String {
    let mut out = String::new();
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'{') {
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
            }
        } else {
            while chars
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
            {
                chars.next();
            }
        }
        out.push_str("placeholder");
    }
    out
}

/// Where a command's words end: a separator, a pipe or a redirection.
fn ends_command(word: &str) -> bool {
    matches!(word, ";" | "&&" | "||" | "|" | "&")
        || word.starts_with('>')
        || word.starts_with('<')
        || word.starts_with("2>")
        || word.starts_with("&>")
}

/// The arguments of each `routes` command on `line`, in order (`routes` first).
fn routes_commands(line: &str) -> Result<Vec<Vec<String>>, String> {
    let split = shlex::split(line).ok_or_else(|| format!("not valid shell quoting: {line}"))?;
    // `a; b` splits as `a;` and `b`: the `;` is a word of its own to the shell.
    let words: Vec<String> = split
        .into_iter()
        .flat_map(|word| match word.strip_suffix(';') {
            Some(before) if !before.is_empty() => vec![before.to_string(), ";".to_string()],
            _ => vec![word],
        })
        .collect();
    let mut commands = Vec::new();
    for (at, word) in words.iter().enumerate() {
        let in_command_position = at == 0 || COMMAND_POSITION.contains(&words[at - 1].as_str());
        if word == "routes" && in_command_position {
            let arguments = words[at..]
                .iter()
                .take_while(|word| !ends_command(word))
                .map(|word| without_variables(word))
                .collect();
            commands.push(arguments);
        }
    }
    Ok(commands)
}

/// Checks one workflow: every `routes` line accepted by the CLI's parser, and the four steps
/// there; what is wrong otherwise.
fn check(file: &str, text: &str, keys: &[&str]) -> Result<(), String> {
    let document: Value =
        serde_yaml_ng::from_str(text).map_err(|e| format!("{file} is not YAML: {e}"))?;
    let mut found = Vec::new();
    scripts(&document, keys, &mut found);
    let mut commands = Vec::new();
    for line in found.iter().flat_map(|script| lines(script)) {
        let on_line = routes_commands(&line).map_err(|e| format!("{file}: {e}"))?;
        commands.extend(
            on_line
                .into_iter()
                .map(|arguments| (line.clone(), arguments)),
        );
    }
    if commands.is_empty() {
        return Err(format!("{file} runs no `routes` line"));
    }
    let mut subcommands = Vec::new();
    for (line, arguments) in &commands {
        match tree::parse(arguments.iter().map(Into::into)) {
            Ok(Invocation::Command(command, _)) => subcommands.push(match command {
                HandCommand::Validate(_) => "validate",
                HandCommand::Test(args) if args.junit.is_some() => "test --junit",
                HandCommand::Plan(_) => "plan",
                HandCommand::Apply(args) if args.yes => "apply --yes",
                _ => "another command",
            }),
            Ok(Invocation::Operation(..)) => subcommands.push("an operation"),
            // `routes --version` and `--help` are accepted: clap answers them.
            Err(error) if !error.use_stderr() => {}
            Err(error) => return Err(format!("{file}: `{line}` is refused by the CLI:\n{error}")),
        }
    }
    for wanted in ["validate", "test --junit", "plan", "apply --yes"] {
        if !subcommands.contains(&wanted) {
            return Err(format!(
                "{file} has no `routes {wanted}` line (it has {subcommands:?})"
            ));
        }
    }
    let plans_markdown = commands.iter().any(|(_, arguments)| {
        arguments.get(1).is_some_and(|c| c == "plan")
            && arguments.windows(2).any(|w| w == ["--output", "markdown"])
    });
    if !plans_markdown {
        return Err(format!("{file} posts no `routes plan --output markdown`"));
    }
    Ok(())
}

#[test]
fn every_routes_line_in_the_example_workflows_is_accepted_by_the_cli() {
    for (file, text, keys) in WORKFLOWS {
        if let Err(problem) = check(file, text, keys) {
            panic!("{problem}");
        }
    }
}

#[test]
fn a_workflow_with_a_refused_line_or_no_routes_line_fails_the_check() {
    let steps = |lines: &str| format!("jobs:\n  check:\n    steps:\n      - run: |\n{lines}");
    let whole = "          routes validate d\n          routes test --junit r.xml d\n          \
                 routes plan --output markdown d > p.md\n          routes apply --yes d\n";
    assert_eq!(check("w.yml", &steps(whole), &["run"]), Ok(()));
    let misspelt = whole.replace("--junit r.xml", "--junitt r.xml");
    let refused = check("w.yml", &steps(&misspelt), &["run"]).expect_err("refused");
    assert!(refused.contains("is refused by the CLI"), "{refused}");
    let none = check("w.yml", &steps("          echo routes\n"), &["run"]);
    assert_eq!(none, Err("w.yml runs no `routes` line".to_string()));
    let no_apply = whole.replace("routes apply --yes d", "routes apply d");
    let missing = check("w.yml", &steps(&no_apply), &["run"]).expect_err("incomplete");
    assert!(
        missing.contains("no `routes apply --yes` line"),
        "{missing}"
    );
    assert!(check("w.yml", "jobs: [", &["run"]).is_err(), "not YAML");
}

#[test]
fn routes_lines_are_found_in_command_position_with_variables_replaced() {
    let commands = routes_commands(
        r#"code=0; routes plan --output markdown "$ROUTES_DIR" > plan.md || code=$?"#,
    )
    .expect("valid quoting");
    assert_eq!(
        commands,
        [["routes", "plan", "--output", "markdown", "placeholder"]]
    );
    assert_eq!(
        routes_commands("cargo install --bin routes x && routes test --junit r.xml ${DIR}/a")
            .expect("valid quoting"),
        [["routes", "test", "--junit", "r.xml", "placeholder/a"]]
    );
    assert_eq!(
        routes_commands("echo routes").expect("valid quoting").len(),
        0
    );
    assert!(routes_commands("routes 'unclosed").is_err());
    assert_eq!(
        lines("routes apply \\\n  --yes dir\nnext"),
        ["routes apply    --yes dir", "next"]
    );
}
