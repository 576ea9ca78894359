"""The Dockerfile, checked without a Docker engine: a small standard image that
installs the project, copies what the server reads at run time, runs as a
non-root user and binds every interface."""
from __future__ import annotations

import fnmatch
import json
import re
import shlex
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    result = []
    for line in joined.splitlines():
        if line.strip():
            word, _, rest = line.strip().partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def argv(arguments: str) -> list[str]:
    return json.loads(arguments) if arguments.startswith("[") else shlex.split(arguments)


def ignored(path: str) -> bool:
    patterns = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines() if p.strip() and not p.startswith("#")]
    return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path, p.removeprefix("**/")) for p in patterns)


def test_small_standard_base_image():
    froms = [args for word, args in instructions() if word == "FROM"]
    assert froms == ["python:3.11-slim"]


def test_runs_as_a_non_root_user_created_in_the_image():
    steps = instructions()
    users = [(i, args) for i, (word, args) in enumerate(steps) if word == "USER"]
    assert users, "no USER instruction: the server would run as root"
    index, user = users[-1]
    assert user.split(":")[0] not in ("root", "0")
    cmd_index = max(i for i, (word, _) in enumerate(steps) if word == "CMD")
    assert index < cmd_index
    created = " ".join(args for word, args in steps[:index] if word == "RUN")
    assert re.search(rf"useradd\b[^&]*\b{re.escape(user)}\b", created)


def test_database_lives_where_the_user_may_write():
    steps = instructions()
    env = " ".join(args for word, args in steps if word == "ENV")
    match = re.search(r"TIMELINE_DB=sqlite:///(/\S+)/[^/\s]+\.db", env)
    assert match, "TIMELINE_DB must point into a writable folder"
    run = " ".join(args for word, args in steps if word == "RUN")
    assert f"--home-dir {match.group(1)} --create-home" in run


def test_installs_the_project_and_serves_the_seeds_on_all_interfaces():
    steps = instructions()
    assert any(word == "RUN" and "pip install -e ." in args for word, args in steps)
    [cmd] = [argv(args) for word, args in steps if word == "CMD"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert cmd[0] in scripts and cmd[1] == "serve"
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    port = cmd[cmd.index("--port") + 1] if "--port" in cmd else "8000"
    assert [args for word, args in steps if word == "EXPOSE"] == [port]
    assert cmd[cmd.index("--ingest") + 1] == "seeds"


def test_copies_everything_the_server_reads_and_nothing_ignored():
    copied = [argv(args)[:-1] for word, args in instructions() if word == "COPY"]
    sources = {source for sources in copied for source in sources}
    # What the running server opens from the project folder (app/db.py, app/web.py).
    for needed in ("pyproject.toml", "app", "alembic.ini", "migrations", "templates", "static", "seeds"):
        assert needed in sources, needed
        assert (ROOT / needed).exists() and not ignored(needed), needed


def test_build_context_leaves_out_history_databases_and_caches():
    for path in (".git", "timeline.db", "timeline.db-wal", "node_modules", "app/__pycache__"):
        assert ignored(path), path


def test_serve_binds_loopback_unless_told_otherwise():
    from click.testing import CliRunner

    from app.cli import main

    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    assert re.search(r"--host TEXT.*\[default: 127\.0\.0\.1\]", help_text, re.S)


def test_every_code_folder_is_installed_by_pip():
    # The image installs the project with pip: a folder of modules missing from the
    # package list would be missing from a non-editable install.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "app").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert folders <= listed, folders - listed


def test_bytecode_is_compiled_in_the_image_for_the_code_it_copies():
    """The server's user cannot write beside the code, and the image tells Python not
    to: without bytecode compiled at build time, every `timeline` command would compile
    the pipeline again at start-up."""
    steps = instructions()
    env = " ".join(args for word, args in steps if word == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    copied = {source.rstrip("/") for word, args in steps if word == "COPY" for source in argv(args)[:-1]}
    compiled = [shlex.split(args) for word, args in steps if word == "RUN" and "compileall" in args]
    assert compiled, "no RUN step compiles the code"
    words = [w for command in compiled for w in command]
    start = words.index("compileall")
    folders = set()
    for w in words[start + 1:]:
        if w in ("&&", "\\"):
            break
        if not w.startswith("-"):
            folders.add(w.rstrip("/"))
    python_folders = {f for f in copied if (ROOT / f).is_dir() and any((ROOT / f).rglob("*.py"))}
    assert {"app", "migrations"} <= python_folders
    assert python_folders <= folders, f"not compiled: {sorted(python_folders - folders)}"
