# Shell scripts carried in strings (DL204, a query rule): the program writes
# the script to a file and runs it, and the kernel needs the shebang's shell.
import os
import subprocess
import sys


def write_askpass(path, token):
    with open(path, "w") as f:
        f.write("#!/bin/sh\necho \"$GIT_TOKEN\"\n")  # expect: DL204/warning
    os.chmod(path, 0o700)


HOOK = """#!/bin/bash  # expect: DL204
set -euo pipefail
exec python3 -m app.hook "$@"
"""

ENTRYPOINT = b"#!/usr/bin/env bash\nexec gunicorn app:app\n"  # expect: DL204
DASH = f"#! /bin/dash\ncd {os.getcwd()}\n"  # expect: DL204
ZSH = r'#!/usr/bin/zsh -e'  # expect: DL204


def scripts_that_are_fine():
    python_script = "#!/usr/bin/env python3\nprint('hi')\n"  # ok: a Python script
    own_python = f"#!{sys.executable}\nimport app\n"  # ok: the image's Python
    quoted = "put #!/bin/sh at the top"  # ok: not at the start
    shout = "#!/bin/shout"  # ok: not a shell
    path_only = "/bin/sh"  # ok: a path, not a script (DL203 judges where it is run)
    comment = 1  # ok: #!/bin/sh in a comment is not a string
    banner = "#" + "!/bin/sh"  # ok: no literal starts with the shebang
    subprocess.run([sys.executable, "-c", "print(1)"])  # ok: a Python child
    return python_script, own_python, quoted, shout, path_only, comment, banner
