//! `distrolint check` on an application with its Dockerfile, through the
//! binary: the base comes from the final stage's FROM and the report says
//! so, the Dockerfile's findings appear at their lines in every format,
//! `--select dockerfile` picks them, and Dockerfiles that cannot choose a
//! base stop the check with the way out.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// A Django app built in a python:3.11-slim stage and moved onto distroless
/// with two habits of the old image left in the final stage.
const DJANGO_DOCKERFILE: &str = r#"# syntax=docker/dockerfile:1
ARG PYTHON=3.11
ARG DEBIAN=12
FROM python:${PYTHON}-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev gcc
WORKDIR /src
COPY requirements.txt .
RUN pip install --no-cache-dir --prefix=/install -r requirements.txt

FROM gcr.io/distroless/python3-debian${DEBIAN}:nonroot AS runtime
COPY --from=build /install /usr/local
COPY . /app
WORKDIR /app
ENV DJANGO_SETTINGS_MODULE=mysite.settings
EXPOSE 8000
CMD gunicorn mysite.wsgi --bind 0.0.0.0:8000
"#;

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The app: a Dockerfile naming `FROM` in `from`, settings, a view.
fn django_app(from: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let dockerfile =
        DJANGO_DOCKERFILE.replace("gcr.io/distroless/python3-debian${DEBIAN}:nonroot", from);
    write(dir.path(), "Dockerfile", &dockerfile);
    write(dir.path(), "requirements.txt", "django==4.2\ngunicorn\n");
    write(dir.path(), "manage.py", "import os\nimport sys\n\nif __name__ == '__main__':\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n");
    write(dir.path(), "mysite/__init__.py", "");
    write(
        dir.path(),
        "mysite/settings.py",
        "USE_TZ = True\nTIME_ZONE = 'Europe/Paris'\n",
    );
    write(
        dir.path(),
        "mysite/views.py",
        "import subprocess\n\n\ndef disk(request):\n    return subprocess.check_output('df -h', shell=True)\n",
    );
    dir
}

fn check(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_distrolint"))
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .arg("check")
        .arg("--isolated")
        .args(args)
        .output()
        .expect("run distrolint");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Whether an error report says `text`: the report is wrapped to the
/// terminal's width, so both are compared without whitespace and margins.
fn says(report: &str, text: &str) -> bool {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '│')
            .collect()
    };
    squash(report).contains(&squash(text))
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = check(dir, &all);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// (path, line, code) of every finding.
fn findings(doc: &Value) -> Vec<(String, u64, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_base_comes_from_the_final_stage_and_the_report_says_which() {
    // The ARG in FROM is substituted; the default base is python3-debian13,
    // so picking debian12 shows the FROM was read.
    let app = django_app("gcr.io/distroless/python3-debian${DEBIAN}:nonroot");

    let doc = json(app.path(), &["."]);
    assert_eq!(doc["base"]["name"], "python3-debian12:nonroot");
    assert_eq!(
        doc["base"]["chosen_by"],
        "FROM gcr.io/distroless/python3-debian12:nonroot in Dockerfile line 10, written `gcr.io/distroless/python3-debian${DEBIAN}:nonroot`"
    );
    let (_, human, _) = check(app.path(), &["."]);
    assert!(
        human.contains("Base: python3-debian12:nonroot (gcr.io/distroless/python3-debian12:nonroot) [FROM gcr.io/distroless/python3-debian12:nonroot in Dockerfile line 10"),
        "{human}"
    );

    // The Dockerfile's findings at their lines, beside the Python ones.
    let found = findings(&doc);
    for expected in [
        ("Dockerfile", 11, "DL706"),
        ("Dockerfile", 16, "DL702"),
        ("mysite/views.py", 5, "DL202"),
    ] {
        assert!(
            found
                .iter()
                .any(|(p, l, c)| (p.as_str(), *l, c.as_str()) == expected),
            "{expected:?} not in {found:?}"
        );
    }
    // The build stage is python:3.11-slim, as the base: no DL707.
    assert!(!found.iter().any(|(_, _, c)| c == "DL707"), "{found:?}");
}

#[test]
fn dockerfile_findings_render_with_their_line_in_every_format() {
    let app = django_app("gcr.io/distroless/python3-debian12");
    let (code, human, _) = check(app.path(), &["."]);
    assert_eq!(code, 1);
    // The label sits under the shell-form command of line 16.
    let at = human.find("[Dockerfile:16:5]").expect(&human);
    let excerpt = &human[at..];
    assert!(
        excerpt.contains("16 │ CMD gunicorn mysite.wsgi --bind 0.0.0.0:8000"),
        "{excerpt}"
    );
    assert!(excerpt.contains("·     ──────"), "{excerpt}");

    let (_, sarif, _) = check(app.path(), &[".", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let run = &sarif["runs"][0];
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "DL702")
        .expect("DL702 in SARIF");
    let region = &result["locations"][0]["physicalLocation"];
    assert_eq!(region["artifactLocation"]["uri"], "Dockerfile");
    assert_eq!(region["region"]["startLine"], 16);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for code in ["DL700", "DL702", "DL706", "DL707"] {
        assert!(
            rules.iter().any(|r| r["id"] == code),
            "{code} not in SARIF rules"
        );
    }

    let (_, github, _) = check(app.path(), &[".", "--format", "github"]);
    assert!(
        github.contains("::error file=Dockerfile,line=16,col=5,title=DL702::"),
        "{github}"
    );
    let (_, gitlab, _) = check(app.path(), &[".", "--format", "gitlab"]);
    let gitlab: Value = serde_json::from_str(&gitlab).unwrap();
    assert!(
        gitlab
            .as_array()
            .unwrap()
            .iter()
            .any(|issue| issue["check_name"]
                .as_str()
                .is_some_and(|n| n.contains("DL702"))
                && issue["location"]["path"] == "Dockerfile"
                && issue["location"]["lines"]["begin"] == 16),
        "{gitlab}"
    );
}

#[test]
fn select_and_ignore_take_the_dockerfile_family_and_its_codes() {
    let app = django_app("gcr.io/distroless/python3-debian12");
    let only = findings(&json(app.path(), &[".", "--select", "dockerfile"]));
    assert!(!only.is_empty());
    assert!(
        only.iter()
            .all(|(p, _, c)| p == "Dockerfile" && c.starts_with("DL7")),
        "{only:?}"
    );
    let rest = findings(&json(app.path(), &[".", "--ignore", "dockerfile"]));
    assert!(rest.iter().all(|(p, _, _)| p != "Dockerfile"), "{rest:?}");
    assert!(rest.iter().any(|(_, _, c)| c == "DL202"), "{rest:?}");
    let one = findings(&json(app.path(), &[".", "--select", "DL706"]));
    assert_eq!(
        one,
        vec![("Dockerfile".to_string(), 11, "DL706".to_string())]
    );
}

#[test]
fn dockerfiles_naming_different_bases_stop_the_check_until_base_is_given() {
    let app = django_app("gcr.io/distroless/python3-debian12");
    write(
        app.path(),
        "Containerfile",
        "FROM python:3.13-slim AS build\nFROM gcr.io/distroless/python3-debian13\nCOPY . /app\n",
    );
    let (code, stdout, stderr) = check(app.path(), &["."]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        says(&stderr, "the Dockerfiles name different bases"),
        "{stderr}"
    );
    assert!(
        says(
            &stderr,
            "python3-debian13 (FROM gcr.io/distroless/python3-debian13 in Containerfile line 2)"
        ),
        "{stderr}"
    );
    assert!(says(&stderr, "python3-debian12 (FROM"), "{stderr}");
    assert!(says(&stderr, "--base"), "{stderr}");

    // With --base the check runs; each Dockerfile is still judged on the
    // image its own FROM names.
    let doc = json(app.path(), &[".", "--base", "python3-debian13"]);
    assert_eq!(doc["base"]["chosen_by"], "--base python3-debian13");
    let dl702 = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "DL702")
        .unwrap();
    assert!(
        dl702["message"]
            .as_str()
            .unwrap()
            .contains("python3-debian12"),
        "{dl702}"
    );
}

#[test]
fn an_image_no_manifest_describes_is_an_error_with_how_to_import_it() {
    let app = django_app("registry.example/platform/python:3.11-distroless");
    let (code, _, stderr) = check(app.path(), &["."]);
    assert_eq!(code, 2);
    assert!(
        says(&stderr, "cannot pick the base from Dockerfile"),
        "{stderr}"
    );
    assert!(
        says(&stderr, "registry.example/platform/python:3.11-distroless (Dockerfile:10) is not one distrolint knows"),
        "{stderr}"
    );
    assert!(
        says(&stderr, "distrolint bases import rootfs.tar"),
        "{stderr}"
    );
    assert!(says(&stderr, "--base-file"), "{stderr}");
    // Naming the base is the way out, and the file is judged on it.
    let doc = json(app.path(), &[".", "--base", "python3-debian12"]);
    assert!(findings(&doc)
        .iter()
        .any(|(p, l, c)| p == "Dockerfile" && *l == 16 && c == "DL702"));
}

#[test]
fn target_picks_the_stage_that_is_judged_and_names_the_base() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "FROM python:3.13-slim AS build\nRUN python -m venv /venv\n\nFROM gcr.io/distroless/python3-debian13 AS prod\nCOPY --from=build /venv /venv\nCMD [\"-m\", \"app\"]\n\nFROM python:3.13-slim AS dev\nCMD python -m app\n",
    );
    // The last stage is an image distrolint does not know.
    let (code, _, stderr) = check(dir.path(), &["."]);
    assert_eq!(code, 2);
    assert!(says(&stderr, "python:3.13-slim"), "{stderr}");

    let doc = json(dir.path(), &[".", "--target", "prod"]);
    assert_eq!(doc["base"]["name"], "python3-debian13");
    // The venv links to python:3.13-slim's /usr/local/bin/python (DL708, on
    // the source) and nothing runs it (DL706, on the destination).
    assert_eq!(
        findings(&doc),
        vec![
            ("Dockerfile".to_string(), 5, "DL708".to_string()),
            ("Dockerfile".to_string(), 5, "DL706".to_string())
        ]
    );
    let (code, _, stderr) = check(dir.path(), &[".", "--target", "qa"]);
    assert_eq!(code, 2);
    assert!(
        says(&stderr, "--target qa: Dockerfile has no stage named qa"),
        "{stderr}"
    );
    assert!(
        says(&stderr, "its stages are: build, prod, dev"),
        "{stderr}"
    );
}

#[test]
fn deeper_dockerfiles_do_not_choose_the_base_and_unknown_ones_are_checked_for_syntax_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.py", "print('hi')\n");
    // A development image with a shell: shell-form commands are fine there.
    write(
        dir.path(),
        "docker/dev/Dockerfile",
        "FROM python:3.12-slim\nRUN pip install -e .\nCMD python app.py\nCOPY\n",
    );
    let doc = json(dir.path(), &["."]);
    assert_eq!(doc["base"]["chosen_by"], "default");
    assert_eq!(
        findings(&doc),
        vec![("docker/dev/Dockerfile".to_string(), 4, "DL700".to_string())]
    );
}

#[test]
fn a_dev_containers_dockerfile_is_never_judged_as_the_image() {
    // The pre-migration check: --base names the target, and the dev
    // container (VS Code, Codespaces) keeps its shell; so do Dockerfiles
    // elsewhere in the tree and ones named for development. The image's
    // own Dockerfile (docker/Dockerfile) is judged on the base named.
    let dev = "FROM mcr.microsoft.com/devcontainers/python:3.12\nRUN pip install -e .\nCMD python app.py\n";
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.py", "print('hi')\n");
    write(dir.path(), ".devcontainer/Dockerfile", dev);
    write(dir.path(), "docker/dev/Dockerfile", dev);
    write(dir.path(), "docker/Dockerfile.dev", dev);
    write(dir.path(), "examples/worker/Dockerfile", dev);
    let doc = json(dir.path(), &[".", "--base", "python3-debian13"]);
    assert_eq!(findings(&doc), vec![]);
    assert_eq!(doc["base"]["judged_as_if"], serde_json::json!([]));
    write(dir.path(), "docker/Dockerfile", dev);
    let doc = json(dir.path(), &[".", "--base", "python3-debian13"]);
    assert_eq!(
        findings(&doc),
        vec![
            ("docker/Dockerfile".to_string(), 2, "DL701".to_string()),
            ("docker/Dockerfile".to_string(), 3, "DL702".to_string()),
        ]
    );
    assert_eq!(
        doc["base"]["judged_as_if"],
        serde_json::json!([{
            "dockerfile": "docker/Dockerfile",
            "today": "mcr.microsoft.com/devcontainers/python:3.12",
            "as_if": "gcr.io/distroless/python3-debian13",
        }])
    );
    // --dockerfile names the image's Dockerfile when the convention does
    // not find it.
    let doc = json(
        dir.path(),
        &[
            ".",
            "--base",
            "python3-debian13",
            "--dockerfile",
            "examples/worker/Dockerfile",
        ],
    );
    assert_eq!(
        findings(&doc),
        vec![
            (
                "examples/worker/Dockerfile".to_string(),
                2,
                "DL701".to_string()
            ),
            (
                "examples/worker/Dockerfile".to_string(),
                3,
                "DL702".to_string()
            ),
        ]
    );
    let (code, _, stderr) = check(dir.path(), &[".", "--dockerfile", "nope/Dockerfile"]);
    assert_eq!(code, 2);
    assert!(
        says(&stderr, "--dockerfile nope/Dockerfile: no such file"),
        "{stderr}"
    );
}

#[test]
fn a_pre_migration_check_judges_the_slim_image_as_if_it_were_distroless() {
    // Not migrated yet: the final stage is python:3.12-slim. Without a
    // base the check cannot know the target (exit 2); with one it reports
    // what would break there, and says what it assumed.
    let app = django_app("python:3.12-slim");
    let (code, _, _) = check(app.path(), &["."]);
    assert_eq!(code, 2);
    let (code, human, stderr) = check(app.path(), &[".", "--base", "python3-debian13"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        human.contains("Judged as if on that base: the final stage of Dockerfile (today FROM python:3.12-slim, judged as FROM gcr.io/distroless/python3-debian13)."),
        "{human}"
    );
    let doc = json(app.path(), &[".", "--base", "python3-debian13"]);
    assert!(findings(&doc)
        .iter()
        .any(|(p, l, c)| p == "Dockerfile" && *l == 16 && c == "DL702"));
}

#[test]
fn the_suggested_docker_command_quotes_the_image_from_the_dockerfile() {
    // The image reference is the pull request's text; pasted unquoted,
    // `$(...)` in it would run.
    let app = django_app("registry.example/p$(id):1");
    let (code, _, stderr) = check(app.path(), &["."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        says(
            &stderr,
            "docker export $(docker create 'registry.example/p$(id):1')"
        ),
        "{stderr}"
    );
    assert!(
        says(&stderr, "--image 'registry.example/p$(id):1'"),
        "{stderr}"
    );
}

#[test]
fn a_nonroot_dockerfile_checked_with_its_images_root_tag_as_base_runs_in_home_nonroot() {
    // The check's base is the root tag; the Dockerfile names the :nonroot
    // tag, whose WORKDIR is /home/nonroot: the relative COPY lands there,
    // so /main.py, which the CMD hands to the base's Python, does not exist.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "FROM gcr.io/distroless/python3-debian13:nonroot\nCOPY main.py ./\nCMD [\"/main.py\"]\n",
    );
    write(dir.path(), "main.py", "print('serving')\n");
    let doc = json(dir.path(), &[".", "--base", "python3-debian13"]);
    assert!(
        findings(&doc).contains(&("Dockerfile".to_string(), 3, "DL709".to_string())),
        "{doc:#}"
    );
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "FROM gcr.io/distroless/python3-debian13:nonroot\nCOPY main.py ./\nCMD [\"main.py\"]\n",
    );
    write(dir.path(), "main.py", "print('serving')\n");
    let doc = json(dir.path(), &[".", "--base", "python3-debian13"]);
    assert_eq!(findings(&doc), Vec::new(), "{doc:#}");
}
