# distrolint-corpus: base=chainguard-python-latest-dev
"""On a base with /bin/sh (Chainguard latest-dev), shell use is a warning."""
import os
import shutil
import subprocess

os.system("ls")  # expect: DL201/warning
subprocess.run("git status", shell=True)  # expect: DL202/warning
subprocess.run(["bash", "-c", "ls"])  # expect: DL203/warning
subprocess.run(["git", "status"])  # ok: git ships in latest-dev
shutil.which("git")  # ok: ships
subprocess.run(["rsync", "-a", "a", "b"])  # expect: DL301/error
os.system("rsync -a a b")  # expect: DL201/warning, DL301/error
subprocess.run(["python3", "-V"])  # ok: ships
subprocess.run(["ls", "-l"])  # ok: busybox ls ships
